"""Where SMS go: one small interface and the backends behind it, chosen by settings.SMS_BACKEND.

Backends only deliver. Deduplication, retries and the record of what was sent live in
`wasla.core.messaging`; see docs/messaging.md.
"""

import json
import sys
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsDeliveryError(Exception):
    """The message did not go out. `permanent` says whether trying again could help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class SmsBackend:
    def send(self, *, to: str, body: str) -> str:
        """Send one SMS to an E.164 number; return the provider's message id.

        Raise `SmsDeliveryError` (with `permanent=True` when a retry cannot succeed).
        """
        raise NotImplementedError


def _new_message_id() -> str:
    return uuid.uuid4().hex


class ConsoleSmsBackend(SmsBackend):
    """Development: prints each message."""

    _lock = threading.Lock()

    def __init__(self, *, stream: TextIO | None = None):
        self.stream = stream

    def send(self, *, to: str, body: str) -> str:
        message_id = _new_message_id()
        stream = self.stream or sys.stdout
        with self._lock:
            stream.write(f"SMS {message_id} to {to}\n{body}\n{'-' * 40}\n")
            stream.flush()
        return message_id


class FileSmsBackend(SmsBackend):
    """Appends one JSON line per message to settings.SMS_FILE_PATH (a demo or staging log)."""

    _lock = threading.Lock()

    def __init__(self, *, path: str | Path | None = None):
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, *, to: str, body: str) -> str:
        message_id = _new_message_id()
        line = json.dumps(
            {"id": message_id, "at": timezone.now().isoformat(), "to": to, "body": body},
            ensure_ascii=False,
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as error:
            raise SmsDeliveryError(f"Cannot write {self.path}: {error}") from error
        return message_id


@dataclass(frozen=True)
class SentSms:
    to: str
    body: str
    provider_id: str


# Like django.core.mail.outbox: tests read and clear it.
outbox: list[SentSms] = []


class LocmemSmsBackend(SmsBackend):
    """Tests: keeps each message in `wasla.core.sms.outbox` (also `LocmemSmsBackend.outbox`)."""

    outbox = outbox

    def send(self, *, to: str, body: str) -> str:
        message_id = _new_message_id()
        outbox.append(SentSms(to=to, body=body, provider_id=message_id))
        return message_id


class HttpSmsBackend(SmsBackend):
    """A gateway reached over HTTP(S): POST {"to", "body", "sender"} as JSON with a bearer key.

    2xx is sent (the id is read from a JSON answer's "id" or "message_id" when there is one);
    408, 429 and 5xx answers, timeouts and connection errors are temporary; other 4xx answers
    are permanent.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        key: str | None = None,
        sender: str | None = None,
        timeout: float | None = None,
    ):
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.key = key if key is not None else settings.SMS_GATEWAY_KEY
        self.sender = sender if sender is not None else settings.SMS_SENDER
        self.timeout = timeout if timeout is not None else settings.SMS_GATEWAY_TIMEOUT
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("SMS_GATEWAY_URL must be an http:// or https:// URL.")

    def send(self, *, to: str, body: str) -> str:
        payload = json.dumps({"to": to, "body": body, "sender": self.sender}).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.key}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read()
        except urllib.error.HTTPError as error:
            permanent = 400 <= error.code < 500 and error.code not in {408, 429}
            raise SmsDeliveryError(
                f"Gateway answered {error.code} {error.reason}", permanent=permanent
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsDeliveryError(f"Gateway unreachable: {reason}") from None
        return self._message_id(answer)

    @staticmethod
    def _message_id(answer: bytes) -> str:
        try:
            data = json.loads(answer)
        except ValueError:
            return ""
        if not isinstance(data, dict):
            return ""
        return str(data.get("id") or data.get("message_id") or "")[:100]


def get_sms_backend(path: str | None = None, **kwargs) -> SmsBackend:
    """The backend named by `path` or settings.SMS_BACKEND (a dotted path), built with kwargs."""
    return import_string(path or settings.SMS_BACKEND)(**kwargs)
