"""Background tasks shared by every app."""

from django.core.mail import EmailMessage
from django_tasks import task

from wasla.core.messaging import message_deliver


@task()
def send_email_message(
    *, subject: str, body: str, to: list[str], from_email: str | None = None
) -> int:
    """Send one plain-text email from the worker; a failure stays visible as the task's result."""
    return EmailMessage(subject=subject, body=body, to=to, from_email=from_email).send()


@task()
def deliver_message(*, message_id: int) -> str | None:
    """Send one OutboundMessage if it is still queued and due; return its status afterwards."""
    message = message_deliver(message_id=message_id)
    return message.status if message else None
