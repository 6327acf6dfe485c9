"""Reads of organisations, offices and staff, filtered through the user's scope."""

from django.db.models import Count, Prefetch, Q, QuerySet

from wasla.organisations.models import Office, OpeningPeriod, Organisation, StaffMembership
from wasla.organisations.scoping import require, scope_for


def organisation_list(*, kind: str | None = None, governorate_code: str | None = None) -> QuerySet:
    """The public directory of organisations, with how many offices each has."""
    queryset = Organisation.objects.select_related("governorate", "municipality").annotate(
        office_count=Count("offices", filter=Q(offices__is_active=True))
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if governorate_code:
        queryset = queryset.filter(governorate__code=governorate_code)
    return queryset


def office_list(
    *,
    kind: str | None = None,
    governorate_code: str | None = None,
    organisation_slug: str | None = None,
    corridor_slug: str | None = None,
) -> QuerySet:
    """The public directory of open offices (where to go, when it opens)."""
    queryset = (
        Office.objects.filter(is_active=True)
        .select_related(
            "organisation", "locality", "locality__governorate", "locality__municipality"
        )
        .prefetch_related(Prefetch("opening_periods", queryset=OpeningPeriod.objects.all()))
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if governorate_code:
        queryset = queryset.filter(locality__governorate__code=governorate_code)
    if organisation_slug:
        queryset = queryset.filter(organisation__slug=organisation_slug)
    if corridor_slug:
        queryset = queryset.filter(
            Q(locality__governorate__corridors__slug=corridor_slug)
            | Q(locality__municipality__corridors__slug=corridor_slug)
            | Q(locality__corridors__slug=corridor_slug)
        ).distinct()
    return queryset


def office_get(*, slug: str) -> Office:
    return office_list().get(slug=slug)


def organisation_get(*, slug: str) -> Organisation:
    return organisation_list().get(slug=slug)


def offices_of_user(*, user) -> QuerySet:
    """The offices the user works at (their data scope), for dashboards and forms."""
    scope = scope_for(user)
    return scope.filter_by_office(office_list(), office_field="pk")


def staff_list(*, user, organisation_slug: str | None = None) -> QuerySet:
    """Staff memberships of the organisations where the user may view staff."""
    scope = require(user, "organisations.staff.view")
    queryset = StaffMembership.objects.filter(is_active=True).select_related(
        "user", "organisation", "office"
    )
    if not scope.is_platform_admin:
        queryset = queryset.filter(
            organisation_id__in=scope.organisations_where("organisations.staff.view")
        )
    if organisation_slug:
        queryset = queryset.filter(organisation__slug=organisation_slug)
    return queryset.order_by("organisation__name_fr", "role", "user__last_name", "user__username")


def memberships_of_user(*, user) -> QuerySet:
    return (
        StaffMembership.objects.filter(user=user, is_active=True)
        .select_related("organisation", "office", "office__locality")
        .order_by("organisation__name_fr", "role")
    )
