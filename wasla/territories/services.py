"""Writes to territories. Each public function is one transaction."""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wasla.core.exceptions import ApplicationError
from wasla.territories.models import Corridor, Governorate, Locality, Municipality
from wasla.territories.sources import GovernorateRecord, LocalityRecord, SourceError

LOCALITY_FIELDS = ("name", "name_ar", "latitude", "longitude", "population", "governorate_id")


@dataclass(frozen=True)
class LoadSummary:
    governorates: int
    localities_created: int
    localities_updated: int
    localities_unchanged: int
    localities_not_in_source: int


def territories_load(
    *,
    governorates: list[GovernorateRecord],
    localities: Iterable[LocalityRecord],
    progress: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Bring governorates and localities in line with the sources, all or nothing.

    Every record is read and checked before anything is written, so a broken file
    raises SourceError naming its line and leaves the database as it was.
    """
    records = list(localities)
    by_admin1 = {record.geonames_admin1: record for record in governorates}
    seen_ids: set[int] = set()
    for record in records:
        if record.admin1 not in by_admin1:
            raise SourceError(
                "localities",
                0,
                f"GeoNames id {record.geonames_id} has unknown admin1 code {record.admin1!r}",
            )
        if record.geonames_id in seen_ids:
            raise SourceError("localities", 0, f"GeoNames id {record.geonames_id} appears twice")
        seen_ids.add(record.geonames_id)

    created = updated = unchanged = 0
    with transaction.atomic():
        governorate_ids = {}
        for record in governorates:
            governorate, _created = Governorate.objects.update_or_create(
                code=record.code,
                defaults={
                    "geonames_admin1": record.geonames_admin1,
                    "name_ar": record.name_ar,
                    "name_fr": record.name_fr,
                    "name_en": record.name_en,
                },
            )
            governorate_ids[record.geonames_admin1] = governorate.pk

        existing = {locality.geonames_id: locality for locality in Locality.objects.all()}
        to_create, to_update = [], []
        for record in records:
            values = {
                "name": record.name,
                "name_ar": record.name_ar,
                "latitude": record.latitude,
                "longitude": record.longitude,
                "population": record.population,
                "governorate_id": governorate_ids[record.admin1],
            }
            locality = existing.get(record.geonames_id)
            if locality is None:
                to_create.append(Locality(geonames_id=record.geonames_id, **values))
                created += 1
            elif any(getattr(locality, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(locality, field, value)
                to_update.append(locality)
                updated += 1
            else:
                unchanged += 1
            if progress:
                progress(1)
        Locality.objects.bulk_create(to_create, batch_size=500)
        Locality.objects.bulk_update(to_update, LOCALITY_FIELDS, batch_size=500)
    return LoadSummary(
        governorates=len(governorates),
        localities_created=created,
        localities_updated=updated,
        localities_unchanged=unchanged,
        localities_not_in_source=len(set(existing) - seen_ids),
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@transaction.atomic
def municipality_ensure(
    *, governorate: Governorate, seat: Locality, name_ar: str, name_fr: str, name_en: str
) -> Municipality:
    if seat.governorate_id != governorate.pk:
        raise ApplicationError(_("The seat of a municipality must lie in its governorate."))
    municipality, _created = Municipality.objects.update_or_create(
        slug=slugify(f"{governorate.code}-{name_fr}"),
        defaults={
            "governorate": governorate,
            "seat": seat,
            "name_ar": name_ar,
            "name_fr": name_fr,
            "name_en": name_en,
        },
    )
    if seat.municipality_id != municipality.pk:
        seat.municipality = municipality
        seat.save(update_fields=["municipality", "updated_at"])
    return municipality


@transaction.atomic
def localities_assign_to_nearest_municipality(*, governorate: Governorate) -> int:
    """Give every locality of the governorate to the municipality whose seat is nearest.

    Since 2018 all of Tunisia is municipalised; where Wasla holds only some of a
    governorate's municipalities, the nearest seat is the best available stand-in.
    """
    municipalities = [m for m in governorate.municipalities.select_related("seat") if m.seat]
    if not municipalities:
        return 0
    changed = []
    for locality in governorate.localities.all():
        nearest = min(
            municipalities,
            key=lambda m: distance_km(
                locality.latitude, locality.longitude, m.seat.latitude, m.seat.longitude
            ),
        )
        if locality.municipality_id != nearest.pk:
            locality.municipality = nearest
            changed.append(locality)
    Locality.objects.bulk_update(changed, ["municipality"])
    return len(changed)


@transaction.atomic
def corridor_ensure(
    *,
    slug: str,
    name_ar: str,
    name_fr: str,
    name_en: str,
    description_ar: str = "",
    description_fr: str = "",
    description_en: str = "",
    governorates: Iterable[Governorate] = (),
    municipalities: Iterable[Municipality] = (),
    localities: Iterable[Locality] = (),
) -> Corridor:
    corridor, _created = Corridor.objects.update_or_create(
        slug=slug,
        defaults={
            "name_ar": name_ar,
            "name_fr": name_fr,
            "name_en": name_en,
            "description_ar": description_ar,
            "description_fr": description_fr,
            "description_en": description_en,
        },
    )
    corridor.governorates.set(governorates)
    corridor.municipalities.set(municipalities)
    corridor.localities.set(localities)
    return corridor
