from django.core.management.base import BaseCommand, CommandError

from wasla.core.exceptions import ApplicationError
from wasla.demo.landscape import DEMO_PASSWORD
from wasla.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo landscape (organisations, offices, corridors) and one user per role."

    def handle(self, *args, **options):
        try:
            users = demo_load()
        except ApplicationError as error:
            raise CommandError(error.message) from None
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at /accounts/login/ with:"))
        for spec in users:
            role = (
                "platform administrator (Django admin)"
                if spec.superuser
                else spec.role.replace("_", " ")
            )
            self.stdout.write(
                f"  {spec.username:<12} {DEMO_PASSWORD}   {role} — {spec.office or spec.organisation}"
            )
