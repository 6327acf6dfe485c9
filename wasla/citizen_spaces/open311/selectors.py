"""What the Open311 endpoints may read (docs/open311.md).

Anyone may read the requests that came in through Open311: the specification makes them
public, and the tools that send them know it. Requests made at the desk or online belong to
the citizens who made them (they track them with their reference and phone): only a staff
key of their Citizen Space sees them here. No answer ever holds a requester's name, phone or
email."""

import datetime

from django.db.models import Max, Q, QuerySet

from wasla.citizen_spaces import selectors
from wasla.citizen_spaces.models import (
    OPEN_STAGES,
    ServiceCategory,
    ServiceRequest,
    ServiceType,
    Stage,
)
from wasla.organisations.scoping import scope_for

MAX_REQUESTS = 1000


def offices_seen_in_full(*, user) -> frozenset[int] | None:
    """Citizen Spaces whose every request the caller may read (None: all of them)."""
    if user is None or not scope_for(user).can("citizen_spaces.requests.view"):
        return frozenset()
    scope = scope_for(user)
    if scope.is_platform_admin:
        return None
    return frozenset(selectors.offices_in_scope(user=user).values_list("pk", flat=True))


def requests_visible(*, offices: frozenset[int] | None) -> QuerySet:
    visible = ServiceRequest.objects.select_related(
        "service", "service__category", "service__department", "office"
    )
    if offices is None:
        return visible
    return visible.filter(Q(channel=ServiceRequest.Channel.OPEN311) | Q(office_id__in=offices))


def requests_search(
    *,
    offices: frozenset[int] | None,
    office=None,
    references: list[str] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    since: datetime.datetime,
    until: datetime.datetime,
) -> list[ServiceRequest]:
    """GET requests: `references` overrides every other filter (as the specification says);
    otherwise requests submitted between `since` and `until`, newest first, 1,000 at most."""
    requests = requests_visible(offices=offices)
    if office is not None:
        requests = requests.filter(office=office)
    if references is not None:
        return list(requests.filter(reference__in=references).order_by("-submitted_at", "-pk"))
    requests = requests.filter(submitted_at__gte=since, submitted_at__lte=until)
    if service_codes:
        requests = requests.filter(service__code__in=service_codes)
    wanted = set(statuses or ())
    if wanted == {"open"}:
        requests = requests.filter(stage__in=OPEN_STAGES)
    elif wanted == {"closed"}:
        requests = requests.filter(stage__in=(Stage.DELIVERED, Stage.REJECTED))
    return list(requests.order_by("-submitted_at", "-pk")[:MAX_REQUESTS])


def request_find(*, offices: frozenset[int] | None, reference: str) -> ServiceRequest | None:
    return requests_visible(offices=offices).filter(reference=reference).first()


def catalogue_changed_at() -> datetime.datetime | None:
    """When the list of services last changed: the discovery's `changeset`."""
    latest = [
        ServiceType.objects.aggregate(latest=Max("updated_at"))["latest"],
        ServiceCategory.objects.aggregate(latest=Max("updated_at"))["latest"],
    ]
    latest = [value for value in latest if value is not None]
    return max(latest) if latest else None
