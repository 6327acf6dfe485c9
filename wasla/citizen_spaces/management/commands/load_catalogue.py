import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from wasla.citizen_spaces.catalogue_data import CatalogueError, catalogue_data, catalogue_load
from wasla.organisations.models import Office


class Command(BaseCommand):
    help = (
        "Load the catalogue of municipal services (departments, categories with their ticket "
        "letters, services in Arabic, French and English) from wasla/citizen_spaces/data/"
        "catalogue.json. Every entry is checked first; all or nothing. Re-running updates the "
        "services of the file and leaves services added by administrators alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--office",
            action="append",
            default=[],
            metavar="SLUG",
            help="Offer the services at this Citizen Space (repeat for several).",
        )
        parser.add_argument(
            "--all-citizen-spaces",
            action="store_true",
            help="Offer the services at every open Citizen Space.",
        )
        parser.add_argument("--file", type=Path, help="Another catalogue file in the same format.")

    def handle(self, *args, office: list[str], all_citizen_spaces: bool, file, **options):
        offices = list(Office.objects.filter(slug__in=office))
        unknown = sorted(set(office) - {o.slug for o in offices})
        if unknown:
            raise CommandError(f"No such office: {', '.join(unknown)}")
        if all_citizen_spaces:
            offices += list(
                Office.objects.filter(kind=Office.Kind.CITIZEN_SPACE, is_active=True).exclude(
                    slug__in=office
                )
            )
        if file is not None:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"{file}: {error}") from None
        else:
            data = catalogue_data()
        quiet = options["verbosity"] == 0
        total = len(data.get("services") or []) if isinstance(data, dict) else 0
        try:
            with tqdm(total=total, desc="services", unit="service", disable=quiet) as bar:
                changed = catalogue_load(offices=offices, data=data, progress=bar.update)
        except CatalogueError as error:
            raise CommandError(str(error)) from None
        if not quiet:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{changed} of {total} service(s) created or updated; "
                    f"offered at {len(offices)} Citizen Space(s)."
                )
            )
