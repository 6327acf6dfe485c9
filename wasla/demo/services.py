"""Loads the demo landscape. Idempotent: a second run changes nothing and is quick."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from wasla.core.exceptions import ApplicationError
from wasla.demo import landscape
from wasla.organisations.models import Office, Organisation, StaffMembership
from wasla.organisations.services import OpeningPeriodInput, membership_add, office_create
from wasla.territories.models import Governorate, Locality, Municipality
from wasla.territories.services import (
    corridor_ensure,
    localities_assign_to_nearest_municipality,
    municipality_ensure,
)


def _locality(governorate_code: str | None, name: str) -> Locality:
    candidates = Locality.objects.filter(name=name)
    if governorate_code:
        candidates = candidates.filter(governorate__code=governorate_code)
    locality = candidates.order_by("-population").first()
    if locality is None:
        raise ApplicationError(
            _("The locality %(name)s is not loaded; run manage.py load_territories first.")
            % {"name": name}
        )
    return locality


def _hours(spec) -> list[OpeningPeriodInput]:
    return [
        OpeningPeriodInput(
            weekday=day,
            opens=datetime.time.fromisoformat(opens),
            closes=datetime.time.fromisoformat(closes),
        )
        for day, opens, closes in spec
    ]


def _municipalities() -> dict[str, Municipality]:
    by_seat = {}
    for spec in landscape.MUNICIPALITIES:
        governorate = Governorate.objects.get(code=spec.governorate)
        by_seat[spec.seat] = municipality_ensure(
            governorate=governorate,
            seat=_locality(spec.governorate, spec.seat),
            name_ar=spec.name_ar,
            name_fr=spec.name_fr,
            name_en=spec.name_en,
        )
    for code in sorted({spec.governorate for spec in landscape.MUNICIPALITIES}):
        localities_assign_to_nearest_municipality(governorate=Governorate.objects.get(code=code))
    return by_seat


def _organisations(municipalities: dict[str, Municipality]) -> None:
    for spec in landscape.ORGANISATIONS:
        municipality = municipalities.get(spec.municipality) if spec.municipality else None
        organisation, _created = Organisation.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "kind": spec.kind,
                "acronym": spec.acronym,
                "name_ar": spec.name_ar,
                "name_fr": spec.name_fr,
                "name_en": spec.name_en,
                "governorate": Governorate.objects.get(code=spec.governorate)
                if spec.governorate
                else None,
                "municipality": municipality,
                "website": spec.website,
            },
        )
        for office_spec in spec.offices:
            if Office.objects.filter(slug=office_spec.slug).exists():
                continue
            office_create(
                organisation=organisation,
                slug=office_spec.slug,
                kind=office_spec.kind,
                locality=_locality(spec.governorate, office_spec.locality),
                name_ar=office_spec.name_ar,
                name_fr=office_spec.name_fr,
                name_en=office_spec.name_en,
                phone=office_spec.phone,
                opening_periods=_hours(office_spec.hours),
            )


def _users() -> list[landscape.UserSpec]:
    User = get_user_model()
    for spec in landscape.USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(username=spec.username)
            user.set_password(landscape.DEMO_PASSWORD)
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.email = f"{spec.username}@demo.wasla.tn"
        user.preferred_language = spec.language
        user.is_superuser = user.is_staff = spec.superuser
        user.save()
        organisation = Organisation.objects.get(slug=spec.organisation)
        office = Office.objects.get(slug=spec.office) if spec.office else None
        if not StaffMembership.objects.filter(
            user=user, organisation=organisation, role=spec.role, office=office, is_active=True
        ).exists():
            membership_add(
                actor=None, user=user, organisation=organisation, role=spec.role, office=office
            )
    return landscape.USERS


@transaction.atomic
def demo_load() -> list[landscape.UserSpec]:
    """Municipalities, corridors, organisations with their offices, and one user per role."""
    if not Governorate.objects.exists():
        raise ApplicationError(
            _("Territories are not loaded; run manage.py load_territories first.")
        )
    municipalities = _municipalities()
    for corridor in landscape.CORRIDORS:
        corridor_ensure(
            **{key: value for key, value in corridor.items() if key != "governorates"},
            governorates=Governorate.objects.filter(code__in=corridor["governorates"]),
        )
    _organisations(municipalities)
    return _users()
