"""Background tasks of the Citizen Spaces (django-tasks; the database worker runs them)."""

import datetime

from django.utils import timezone
from django_tasks import task

from wasla.citizen_spaces.services import appointment_reminders_send


@task()
def send_appointment_reminders(*, day: str | None = None) -> int:
    """SMS everyone booked on `day` (YYYY-MM-DD; tomorrow by default). Each appointment is
    reminded once, so a retried or doubled task sends nothing twice. Returns how many
    reminders were queued."""
    target = (
        datetime.date.fromisoformat(day)
        if day
        else timezone.localdate() + datetime.timedelta(days=1)
    )
    return appointment_reminders_send(day=target)
