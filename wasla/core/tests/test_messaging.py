import contextlib
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from wasla.core import sms
from wasla.core.exceptions import ApplicationError
from wasla.core.messaging import message_deliver, message_send
from wasla.core.models import OutboundMessage
from wasla.core.sms import FileSmsBackend, HttpSmsBackend, SmsDeliveryError

pytestmark = pytest.mark.django_db

PHONE = "+21620123456"


class ScriptedSmsBackend(sms.SmsBackend):
    """Answers from `script` in turn (an exception to raise or None to succeed), then succeeds."""

    script: list[Exception | None] = []

    def send(self, *, to: str, body: str) -> str:
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        return sms.LocmemSmsBackend().send(to=to, body=body)


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    ScriptedSmsBackend.script = []
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def scripted(settings):
    settings.SMS_BACKEND = f"{__name__}.ScriptedSmsBackend"
    return ScriptedSmsBackend.script


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the on-commit callbacks (the delivery task) as a real commit would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def send_sms(committed, key="case:1:reminder", **kwargs):
    return committed(
        message_send,
        **{"channel": "sms", "recipient": PHONE, "body": "موعدك غداً", "dedupe_key": key, **kwargs},
    )


def make_due(message):
    OutboundMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def retry_due(committed):
    committed(call_command, command_name="retry_messages", verbosity=0)


def test_an_sms_is_recorded_and_sent_once_the_transaction_commits(committed, sms_outbox):
    message = send_sms(committed)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert [(sent.to, sent.body) for sent in sms_outbox] == [(PHONE, "موعدك غداً")]
    assert message.provider_id == sms_outbox[0].provider_id


def test_the_same_dedupe_key_twice_gives_one_message_and_one_send(committed, sms_outbox):
    first = send_sms(committed, key="referral:7:accepted")
    second = send_sms(committed, key="referral:7:accepted", body="another text")
    assert first.pk == second.pk
    assert OutboundMessage.objects.count() == 1
    assert len(sms_outbox) == 1


def test_a_delivery_task_run_twice_does_not_send_twice(committed, sms_outbox):
    message = send_sms(committed)
    message_deliver(message_id=message.pk)
    assert len(sms_outbox) == 1
    assert OutboundMessage.objects.get(pk=message.pk).attempts == 1


def test_nothing_is_recorded_or_sent_when_the_callers_transaction_rolls_back(
    django_capture_on_commit_callbacks, sms_outbox
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        message_send(channel="sms", recipient=PHONE, body="hello", dedupe_key="rolled-back")
        raise RuntimeError("the caller's write failed")
    assert not OutboundMessage.objects.exists()
    assert sms_outbox == []


def test_an_email_goes_through_djangos_mail_backend(committed):
    message = committed(
        message_send,
        channel="email",
        recipient="amina@example.org",
        subject="Votre rendez-vous",
        body="Demain à 10 h.",
        dedupe_key="case:1:email",
        language="fr",
    )
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina@example.org"]
    assert mail.outbox[0].subject == "Votre rendez-vous"
    assert mail.outbox[0].extra_headers["Message-ID"] == message.provider_id


@pytest.mark.parametrize(
    ("channel", "recipient"),
    [("sms", "20123456"), ("sms", "+216 20 123 456"), ("email", "not-an-address"), ("fax", PHONE)],
)
def test_a_bad_channel_or_recipient_is_refused_before_anything_is_recorded(channel, recipient):
    with pytest.raises(ApplicationError):
        message_send(channel=channel, recipient=recipient, body="x", dedupe_key="k")
    assert not OutboundMessage.objects.exists()


def test_a_temporary_failure_is_retried_with_backoff_until_it_succeeds(committed, scripted):
    scripted[:] = [SmsDeliveryError("gateway busy"), SmsDeliveryError("gateway busy")]
    before = timezone.now()
    message = send_sms(committed)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.last_error == "gateway busy"
    assert timedelta(seconds=59) < message.next_attempt_at - before < timedelta(seconds=62)

    retry_due(committed)  # not due yet: nothing is re-enqueued
    message_deliver(message_id=message.pk)  # an early duplicate task is skipped
    message.refresh_from_db()
    assert message.attempts == 1

    make_due(message)
    second_try = timezone.now()
    retry_due(committed)
    message.refresh_from_db()
    assert message.attempts == 2
    assert timedelta(seconds=119) < message.next_attempt_at - second_try < timedelta(seconds=122)

    make_due(message)
    retry_due(committed)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert message.attempts == 3
    assert message.last_error == ""
    assert message.next_attempt_at is None
    assert len(sms.outbox) == 1


def test_a_permanent_failure_fails_the_message_at_once(committed, scripted, sms_outbox):
    scripted[:] = [SmsDeliveryError("number unknown", permanent=True)]
    message = send_sms(committed)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert message.attempts == 1
    assert message.next_attempt_at is None
    retry_due(committed)
    assert sms_outbox == []


def test_a_message_fails_after_the_maximum_number_of_attempts(committed, scripted, settings):
    settings.MESSAGE_MAX_ATTEMPTS = 3
    scripted[:] = [SmsDeliveryError("gateway down")] * 10
    message = send_sms(committed)
    for _ in range(4):
        make_due(message)
        retry_due(committed)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert message.attempts == 3
    assert len(scripted) == 7


def test_an_unexpected_error_counts_as_a_temporary_failure(committed, scripted):
    scripted[:] = [ValueError("bad configuration")]
    message = send_sms(committed)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.QUEUED
    assert message.last_error == "ValueError: bad configuration"


def test_a_backend_that_can_defer_gets_the_retry_with_run_after(
    settings, scripted, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends

    scripted[:] = [SmsDeliveryError("gateway busy")]
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(channel="sms", recipient=PHONE, body="x", dedupe_key="deferred")
    with django_capture_on_commit_callbacks(execute=True):
        message_deliver(message_id=message.pk)
    message.refresh_from_db()
    first, retry = task_backends["default"].results
    assert first.task.run_after is None
    assert retry.task.run_after == message.next_attempt_at
    assert retry.kwargs == {"message_id": message.pk}


def test_the_file_backend_appends_one_json_line_per_message(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "var" / "sms.log"
    backend = FileSmsBackend()
    first = backend.send(to=PHONE, body="مرحبا")
    backend.send(to="+21698765432", body="Bonjour")
    lines = settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["to"], r["body"]) for r in records] == [
        (PHONE, "مرحبا"),
        ("+21698765432", "Bonjour"),
    ]
    assert records[0]["id"] == first
    assert "مرحبا" in lines[0]


class Gateway:
    """A stand-in SMS gateway on the loopback interface (the only address tests may reach)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.answer = b'{"id": "gw-1"}'
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                gateway.requests.append(
                    {
                        "authorization": self.headers["Authorization"],
                        "json": json.loads(self.rfile.read(length)),
                    }
                )
                time.sleep(gateway.delay)
                # The client of the timeout test has gone by the time this answers.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(gateway.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(gateway.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def backend(self, **kwargs):
        return HttpSmsBackend(url=self.url, key="secret-key", sender="Wasla", **kwargs)


@pytest.fixture
def gateway():
    gateway = Gateway()
    gateway.thread.start()
    yield gateway
    gateway.server.shutdown()
    gateway.server.server_close()


def test_the_http_backend_posts_json_with_the_bearer_key(gateway):
    assert gateway.backend().send(to=PHONE, body="مرحبا") == "gw-1"
    assert gateway.requests == [
        {
            "authorization": "Bearer secret-key",
            "json": {"to": PHONE, "body": "مرحبا", "sender": "Wasla"},
        }
    ]


@pytest.mark.parametrize(
    ("status", "permanent"), [(400, True), (401, True), (429, False), (500, False), (503, False)]
)
def test_the_http_backend_tells_permanent_from_temporary_errors(gateway, status, permanent):
    gateway.status = status
    with pytest.raises(SmsDeliveryError) as raised:
        gateway.backend().send(to=PHONE, body="x")
    assert raised.value.permanent is permanent


def test_a_gateway_that_times_out_is_a_temporary_error(gateway):
    gateway.delay = 0.5
    with pytest.raises(SmsDeliveryError) as raised:
        gateway.backend(timeout=0.1).send(to=PHONE, body="x")
    assert raised.value.permanent is False


def test_an_unreachable_gateway_is_a_temporary_error(gateway):
    url = gateway.url
    gateway.server.shutdown()
    gateway.server.server_close()
    with pytest.raises(SmsDeliveryError) as raised:
        HttpSmsBackend(url=url, key="k").send(to=PHONE, body="x")
    assert raised.value.permanent is False


def test_message_send_delivers_through_the_configured_http_gateway(gateway, settings, committed):
    settings.SMS_BACKEND = "wasla.core.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_KEY = "secret-key"
    message = send_sms(committed)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert message.provider_id == "gw-1"
    assert len(gateway.requests) == 1
