"""Background tasks shared by every app."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email_message(
    *, subject: str, body: str, to: list[str], from_email: str | None = None
) -> int:
    """Send one plain-text email from the worker; a failure stays visible as the task's result."""
    return EmailMessage(subject=subject, body=body, to=to, from_email=from_email).send()
