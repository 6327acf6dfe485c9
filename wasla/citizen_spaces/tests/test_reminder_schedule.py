"""The daily reminder of tomorrow's appointments: a management command for cron and a task
for the worker, both safe to run twice."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wasla.citizen_spaces.models import Appointment, AppointmentSlot
from wasla.citizen_spaces.tasks import send_appointment_reminders
from wasla.citizen_spaces.tests.factories import make_catalogue
from wasla.core.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(demo):
    """One appointment tomorrow at 09:30, one the day after, one cancelled tomorrow."""
    catalogue = make_catalogue()
    zone = timezone.get_current_timezone()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    def slot(day, hour):
        return AppointmentSlot.objects.create(
            office=catalogue["office"],
            category=catalogue["category"],
            starts_at=datetime.datetime.combine(day, datetime.time(hour, 30), tzinfo=zone),
            capacity=3,
        )

    first = slot(tomorrow, 9)
    later = slot(tomorrow + datetime.timedelta(days=1), 9)
    return {
        "tomorrow": Appointment.objects.create(
            slot=first, requester_name="Mabrouka Ayari", phone="+21620123456", language="ar"
        ),
        "cancelled": Appointment.objects.create(
            slot=first,
            requester_name="Hedi Ayari",
            phone="+21620123457",
            status=Appointment.Status.CANCELLED,
        ),
        "later": Appointment.objects.create(
            slot=later, requester_name="Sonia Ayari", phone="+21620123458", language="fr"
        ),
    }


def _reminders():
    return OutboundMessage.objects.filter(dedupe_key__endswith=":reminder")


def test_the_command_reminds_tomorrows_appointments_once(booked):
    out = io.StringIO()
    call_command("send_appointment_reminders", stdout=out)
    assert "1 reminder(s) queued" in out.getvalue()
    message = _reminders().get()
    assert message.recipient == "+21620123456" and message.channel == "sms"
    assert booked["tomorrow"].code in message.body and "09:30" in message.body
    booked["tomorrow"].refresh_from_db()
    assert booked["tomorrow"].reminder_sent_at is not None

    call_command("send_appointment_reminders", stdout=out)
    assert _reminders().count() == 1


def test_the_command_takes_another_day(booked):
    later = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    call_command("send_appointment_reminders", "--day", later, verbosity=0)
    assert _reminders().get().recipient == "+21620123458"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_appointment_reminders", "--day", "tomorrow", verbosity=0)


def test_the_task_does_the_same_and_can_be_retried(booked):
    result = send_appointment_reminders.enqueue()
    assert result.return_value == 1
    assert send_appointment_reminders.enqueue().return_value == 0
    assert _reminders().count() == 1
    day_after = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert send_appointment_reminders.enqueue(day=day_after).return_value == 1
