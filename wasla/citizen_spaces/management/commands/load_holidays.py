from django.core.management.base import BaseCommand

from wasla.citizen_spaces import calendar
from wasla.citizen_spaces.services import calendar_load


class Command(BaseCommand):
    help = (
        "Load Tunisia's public holidays (wasla/citizen_spaces/data/tunisia_calendar.json) into "
        "the calendar of working days. Adds the missing ones and keeps administrators' "
        "corrections; safe to repeat."
    )

    def handle(self, *args, **options):
        known = len(calendar.holidays_in_data())
        added = calendar_load()
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(f"{added} holiday(s) added; the data file lists {known}.")
            )
