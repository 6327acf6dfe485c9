import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wasla.citizen_spaces.services import appointment_reminders_send


class Command(BaseCommand):
    help = (
        "Send the reminder SMS to everyone booked at a Citizen Space tomorrow (or on --day). "
        "Run it once a day from cron or a systemd timer; running it twice sends nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--day",
            help="The day of the appointments, YYYY-MM-DD (default: tomorrow).",
        )

    def handle(self, *args, day: str | None = None, **options):
        if day:
            try:
                target = datetime.date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"--day {day!r}: give a date as YYYY-MM-DD") from None
        else:
            target = timezone.localdate() + datetime.timedelta(days=1)
        sent = appointment_reminders_send(day=target)
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(f"{sent} reminder(s) queued for appointments on {target}.")
            )
