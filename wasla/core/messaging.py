"""Outbound SMS and email: the one way Wasla sends a message to someone.

Other apps call `message_send` inside their own transaction. The message is recorded at once
and handed to the `deliver_message` task only when that transaction commits; its dedupe key
makes sure it goes out once however often it is asked for. See docs/messaging.md.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from email.utils import make_msgid
from functools import partial

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.core.exceptions import ApplicationError
from wasla.core.models import OutboundMessage
from wasla.core.sms import SmsDeliveryError, get_sms_backend

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 1000


def message_send(
    *,
    channel: str,
    recipient: str,
    body: str,
    dedupe_key: str,
    subject: str = "",
    language: str = "ar",
) -> OutboundMessage:
    """Record a message and deliver it in the background once the caller's transaction commits.

    `recipient` is an E.164 number (`+21620123456`) for SMS and an address for email.
    `dedupe_key` names the reason for the message (`case:42:referral:7:accepted`); a key already
    used returns the message recorded under it and sends nothing. Nothing is sent if the
    caller's transaction rolls back. Raises ApplicationError for a bad channel, recipient or key.
    """
    try:
        channel = OutboundMessage.Channel(channel)
    except ValueError:
        raise ApplicationError(
            _("Unknown message channel “%(channel)s”.") % {"channel": channel},
            code="message_channel",
        ) from None
    _check_recipient(channel, recipient)
    if not dedupe_key.strip():
        raise ApplicationError(_("A message needs a deduplication key."), code="message_key")
    if not body.strip():
        raise ApplicationError(_("A message cannot be empty."), code="message_empty")

    with transaction.atomic():
        message, created = OutboundMessage.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={
                "channel": channel,
                "recipient": recipient,
                "subject": subject,
                "body": body,
                "language": language,
                "next_attempt_at": timezone.now(),
            },
        )
        if created:
            # robust: a queue that cannot be reached must not fail the caller's request after
            # its data is committed; the message stays queued for `manage.py retry_messages`.
            transaction.on_commit(
                partial(message_enqueue_delivery, message_id=message.pk), robust=True
            )
    return message


def _check_recipient(channel: str, recipient: str) -> None:
    if channel == OutboundMessage.Channel.SMS:
        try:
            number = phonenumbers.parse(recipient, None)
        except phonenumbers.NumberParseException:
            number = None
        if (
            number is None
            or phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) != recipient
            or not phonenumbers.is_possible_number(number)
        ):
            raise ApplicationError(
                _("An SMS needs a phone number in international form, such as +21620123456."),
                code="message_recipient",
            )
    else:
        try:
            validate_email(recipient)
        except ValidationError:
            raise ApplicationError(
                _("“%(recipient)s” is not an email address.") % {"recipient": recipient},
                code="message_recipient",
            ) from None


def message_enqueue_delivery(*, message_id: int, run_after: datetime | None = None) -> None:
    """Hand one message to the `deliver_message` task, at once or not before `run_after`.

    A backend that cannot defer tasks (the immediate backend of the tests) is not given a
    deferred delivery: the message stays queued until `manage.py retry_messages` picks it up.
    """
    # Imported here: the task module imports this one.
    from wasla.core.tasks import deliver_message

    task = deliver_message
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=run_after)
    task.enqueue(message_id=message_id)


def message_deliver(*, message_id: int) -> OutboundMessage | None:
    """Send one queued message that is due; the body of the `deliver_message` task.

    The row stays locked while the backend sends, so two workers never send it twice. A
    temporary failure schedules another attempt with exponential backoff, up to
    settings.MESSAGE_MAX_ATTEMPTS; a permanent one fails the message at once.
    """
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboundMessage.Status.QUEUED:
            return message
        now = timezone.now()
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return message  # an early duplicate of a scheduled retry

        message.attempts += 1
        try:
            message.provider_id = _send(message)
        except _DeliveryError as error:
            _record_failure(message, str(error), permanent=error.permanent, now=now)
        except Exception as error:
            # A bug or a broken configuration: counted as an attempt so that it ends.
            logger.exception("Delivering outbound message %s failed", message.pk)
            _record_failure(message, f"{type(error).__name__}: {error}", permanent=False, now=now)
        else:
            message.status = OutboundMessage.Status.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            message.last_error = ""
        message.save(
            update_fields=[
                "status",
                "attempts",
                "last_error",
                "provider_id",
                "sent_at",
                "next_attempt_at",
            ]
        )
        if message.status == OutboundMessage.Status.QUEUED:
            transaction.on_commit(
                partial(
                    message_enqueue_delivery,
                    message_id=message.pk,
                    run_after=message.next_attempt_at,
                ),
                robust=True,
            )
    return message


class _DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def _send(message: OutboundMessage) -> str:
    """Send through the channel's backend and return the provider's id for the message."""
    if message.channel == OutboundMessage.Channel.SMS:
        try:
            return get_sms_backend().send(to=message.recipient, body=message.body)
        except SmsDeliveryError as error:
            raise _DeliveryError(str(error), permanent=error.permanent) from None
    message_id = make_msgid(domain="wasla")
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        headers={"Message-ID": message_id},
    )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise _DeliveryError(f"Recipient refused: {error}", permanent=True) from None
    except (smtplib.SMTPException, OSError) as error:
        raise _DeliveryError(f"{type(error).__name__}: {error}") from None
    return message_id


def _record_failure(
    message: OutboundMessage, error: str, *, permanent: bool, now: datetime
) -> None:
    message.last_error = error[:ERROR_MAX_LENGTH]
    max_attempts = getattr(settings, "MESSAGE_MAX_ATTEMPTS", 5)
    if permanent or message.attempts >= max_attempts:
        message.status = OutboundMessage.Status.FAILED
        message.next_attempt_at = None
        logger.warning(
            "Outbound message %s failed after %s attempt(s): %s",
            message.pk,
            message.attempts,
            message.last_error,
        )
        return
    message.next_attempt_at = now + _retry_delay(message.attempts)


def _retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 2, 4, 8… times the base."""
    base = getattr(settings, "MESSAGE_RETRY_DELAY_SECONDS", 60)
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def message_ids_due(*, now: datetime | None = None) -> list[int]:
    """Queued messages whose next attempt is due, oldest first (for `retry_messages`)."""
    return list(
        OutboundMessage.objects.filter(
            status=OutboundMessage.Status.QUEUED,
            next_attempt_at__lte=now or timezone.now(),
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
