"""Writes to organisations, offices and staff memberships: one transaction each, audited."""

import datetime
import itertools
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from wasla.core.audit import audit_create, audit_record, audit_update, snapshot
from wasla.core.concurrency import save_versioned
from wasla.core.exceptions import ApplicationError
from wasla.core.models import AuditEntry
from wasla.organisations.models import Office, OpeningPeriod, Organisation, Role, StaffMembership
from wasla.organisations.scoping import scope_for
from wasla.territories.models import Locality

OFFICE_EDITABLE_FIELDS = ("address", "phone", "email", "latitude", "longitude", "is_active")


@dataclass(frozen=True)
class OpeningPeriodInput:
    weekday: int
    opens: datetime.time
    closes: datetime.time


def _check_opening_periods(periods: list[OpeningPeriodInput]) -> None:
    by_day: dict[int, list[OpeningPeriodInput]] = {}
    for period in periods:
        if period.weekday not in OpeningPeriod.Weekday.values:
            raise ApplicationError(_("Unknown day of the week."), code="invalid_weekday")
        if period.closes <= period.opens:
            raise ApplicationError(
                _("On %(day)s the closing time must come after the opening time.")
                % {"day": OpeningPeriod.Weekday(period.weekday).label},
                code="invalid_hours",
            )
        by_day.setdefault(period.weekday, []).append(period)
    for weekday, day_periods in by_day.items():
        day_periods.sort(key=lambda p: p.opens)
        for earlier, later in itertools.pairwise(day_periods):
            if later.opens < earlier.closes:
                raise ApplicationError(
                    _("On %(day)s two opening periods overlap.")
                    % {"day": OpeningPeriod.Weekday(weekday).label},
                    code="overlapping_hours",
                )


def _check_coordinates(latitude: float, longitude: float) -> None:
    if not (30.0 <= latitude <= 37.6 and 7.4 <= longitude <= 11.7):
        raise ApplicationError(
            _("The coordinates %(lat)s, %(lon)s are not in Tunisia.")
            % {"lat": latitude, "lon": longitude},
            code="invalid_coordinates",
        )


def _office_state(office: Office) -> dict:
    periods = office.opening_periods.all()
    return {
        **snapshot(office),
        "opening_hours": [f"{p.weekday} {p.opens:%H:%M}-{p.closes:%H:%M}" for p in periods],
    }


@transaction.atomic
def office_update(
    *,
    actor,
    office: Office,
    expected_version: int,
    opening_periods: list[OpeningPeriodInput] | None = None,
    **changes,
) -> Office:
    """Change an office's contact details, position or opening hours.

    Refused if the actor is not an administrator of the office's organisation, if the data
    breaks a rule, or if someone else saved the office since `expected_version`.
    """
    scope = scope_for(actor)
    if not scope.can_in_organisation("organisations.office.edit", office.organisation_id):
        raise ApplicationError(_("You may not edit this office."), code="forbidden")
    unknown = set(changes) - set(OFFICE_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    before = _office_state(office)
    for name, value in changes.items():
        setattr(office, name, value)
    _check_coordinates(office.latitude, office.longitude)
    if opening_periods is not None:
        _check_opening_periods(opening_periods)
    save_versioned(office, expected_version=expected_version, fields=list(changes))
    if opening_periods is not None:
        office.opening_periods.all().delete()
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(office=office, weekday=p.weekday, opens=p.opens, closes=p.closes)
            for p in opening_periods
        )
    office.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=office,
        before=before,
        after=_office_state(office),
    )
    return office


@transaction.atomic
def office_create(
    *,
    organisation: Organisation,
    slug: str,
    kind: str,
    locality: Locality,
    name_ar: str,
    name_fr: str,
    name_en: str,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    opening_periods: list[OpeningPeriodInput] = (),
    actor=None,
) -> Office:
    latitude = locality.latitude if latitude is None else latitude
    longitude = locality.longitude if longitude is None else longitude
    _check_coordinates(latitude, longitude)
    _check_opening_periods(list(opening_periods))
    office = Office.objects.create(
        organisation=organisation,
        slug=slug,
        kind=kind,
        locality=locality,
        name_ar=name_ar,
        name_fr=name_fr,
        name_en=name_en,
        latitude=latitude,
        longitude=longitude,
        address=address,
        phone=phone,
        email=email,
    )
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(office=office, weekday=p.weekday, opens=p.opens, closes=p.closes)
        for p in opening_periods
    )
    audit_create(actor=actor, instance=office)
    return office


@transaction.atomic
def membership_add(
    *, actor, user, organisation: Organisation, role: str, office: Office | None = None
) -> StaffMembership:
    """Give a user a role in an organisation (and maybe at one of its offices)."""
    if actor is not None and not scope_for(actor).can_in_organisation(
        "organisations.staff.manage", organisation.pk
    ):
        raise ApplicationError(
            _("You may not manage the staff of this organisation."), code="forbidden"
        )
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."), code="invalid_role")
    if office is not None and office.organisation_id != organisation.pk:
        raise ApplicationError(
            _("The office does not belong to this organisation."), code="invalid_office"
        )
    existing = StaffMembership.objects.filter(
        user=user, organisation=organisation, office=office, role=role, is_active=True
    ).first()
    if existing:
        return existing
    membership = StaffMembership.objects.create(
        user=user, organisation=organisation, office=office, role=role
    )
    audit_create(actor=actor, instance=membership)
    return membership


@transaction.atomic
def membership_end(*, actor, membership: StaffMembership) -> StaffMembership:
    if not scope_for(actor).can_in_organisation(
        "organisations.staff.manage", membership.organisation_id
    ):
        raise ApplicationError(
            _("You may not manage the staff of this organisation."), code="forbidden"
        )
    if actor.pk == membership.user_id and membership.role == Role.ADMINISTRATOR:
        raise ApplicationError(_("You cannot remove your own administrator role."), code="own_role")
    before = snapshot(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    audit_update(actor=actor, instance=membership, before=before)
    return membership
