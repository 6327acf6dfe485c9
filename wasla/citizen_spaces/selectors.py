"""Reads of the Citizen Spaces. Staff reads go through the reader's scope; public reads
(catalogue, tracking, queue display) show only what anyone may see."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.utils import timezone

from wasla.citizen_spaces.models import (
    OPEN_STAGES,
    Appointment,
    AppointmentSlot,
    RequestEvent,
    ServiceCategory,
    ServiceRequest,
    ServiceType,
    Stage,
    Ticket,
    normalise_reference,
)
from wasla.engines.linkage import standardise
from wasla.organisations.models import Office
from wasla.organisations.scoping import require

# ---------------------------------------------------------------------------------------
# Public


def citizen_spaces() -> QuerySet:
    return (
        Office.objects.filter(kind=Office.Kind.CITIZEN_SPACE, is_active=True)
        .select_related("organisation", "locality")
        .order_by("organisation__name_fr", "name_fr")
    )


def citizen_space_get(*, slug: str) -> Office:
    return citizen_spaces().get(slug=slug)


def catalogue(*, office: Office | None = None, online_only: bool = False) -> QuerySet:
    services = ServiceType.objects.filter(is_active=True).select_related("category", "department")
    if office is not None:
        services = services.filter(offices=office)
    if online_only:
        services = services.filter(online=True)
    return services.order_by("category__position", "category__name_fr", "name_fr")


def catalogue_by_category(*, office: Office) -> list[tuple[ServiceCategory, list[ServiceType]]]:
    groups: dict[int, tuple[ServiceCategory, list[ServiceType]]] = {}
    for service in catalogue(office=office):
        groups.setdefault(service.category_id, (service.category, []))[1].append(service)
    return list(groups.values())


def request_track(*, reference: str, phone: str) -> ServiceRequest | None:
    """The request if reference and phone belong together; None otherwise, whichever is
    wrong, so that the answer tells nothing about references that exist."""
    reference = normalise_reference(reference)
    number = standardise.phone_e164((phone or "").strip())
    if not reference or number is None:
        return None
    return (
        ServiceRequest.objects.select_related("service", "office", "service__category")
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.order_by("at", "pk")),
        )
        .filter(reference=reference, phone=number)
        .first()
    )


@dataclass(frozen=True)
class QueueLine:
    category: ServiceCategory
    now_serving: list[Ticket]
    waiting: int
    estimated_minutes: int | None


def queue_board(*, office: Office) -> list[QueueLine]:
    """What the waiting-room screen shows: per category, the tickets at the counters, how
    many wait, and the estimated wait from today's (else the last 30 days') service times."""
    today = timezone.localdate()
    tickets = list(
        Ticket.objects.filter(office=office, day=today)
        .select_related("category")
        .order_by("-called_at", "number")
    )
    categories = ServiceCategory.objects.filter(
        services__offices=office, services__is_active=True
    ).distinct()
    lines = []
    for category in categories:
        mine = [ticket for ticket in tickets if ticket.category_id == category.pk]
        waiting = sum(1 for ticket in mine if ticket.status == Ticket.Status.WAITING)
        serving = [ticket for ticket in mine if ticket.status == Ticket.Status.CALLED]
        lines.append(
            QueueLine(
                category=category,
                now_serving=serving,
                waiting=waiting,
                estimated_minutes=estimated_wait(
                    office=office, category=category, waiting=waiting, counters=len(serving)
                ),
            )
        )
    return lines


def recent_service_minutes(*, office: Office, category: ServiceCategory) -> float | None:
    """Median minutes a ticket of this category spent at a counter, over the last 50 served."""
    since = timezone.now() - datetime.timedelta(days=30)
    durations = (
        Ticket.objects.filter(
            office=office,
            category=category,
            status=Ticket.Status.SERVED,
            called_at__gte=since,
            finished_at__isnull=False,
        )
        .annotate(
            spent=ExpressionWrapper(F("finished_at") - F("called_at"), output_field=DurationField())
        )
        .order_by("-finished_at")
        .values_list("spent", flat=True)[:50]
    )
    minutes = [duration.total_seconds() / 60 for duration in durations if duration is not None]
    return statistics.median(minutes) if minutes else None


def estimated_wait(
    *, office: Office, category: ServiceCategory, waiting: int, counters: int
) -> int | None:
    """Minutes until the last waiting ticket is called, or None with no history yet."""
    per_ticket = recent_service_minutes(office=office, category=category)
    if per_ticket is None:
        return None
    return round(per_ticket * waiting / max(counters, 1))


def ticket_position(*, ticket: Ticket) -> int:
    """How many tickets of the same queue are called before this one."""
    return Ticket.objects.filter(
        office=ticket.office_id,
        category=ticket.category_id,
        day=ticket.day,
        status=Ticket.Status.WAITING,
        issued_at__lt=ticket.issued_at,
    ).count()


def open_slots(*, office: Office, category: ServiceCategory | None = None, days: int = 14):
    """Slots from now on with room left, with `booked` counted."""
    now = timezone.now()
    slots = (
        AppointmentSlot.objects.filter(
            office=office, starts_at__gt=now, starts_at__lte=now + datetime.timedelta(days=days)
        )
        .select_related("category")
        .annotate(
            booked=Count("appointments", filter=Q(appointments__status=Appointment.Status.BOOKED))
        )
        .filter(booked__lt=F("capacity"))
        .order_by("starts_at", "category__position")
    )
    if category is not None:
        slots = slots.filter(category=category)
    return slots


# ---------------------------------------------------------------------------------------
# Staff


def offices_in_scope(*, user, permission: str = "citizen_spaces.requests.view") -> QuerySet:
    scope = require(user, permission)
    offices = Office.objects.filter(kind=Office.Kind.CITIZEN_SPACE).select_related("organisation")
    return offices if scope.is_platform_admin else offices.filter(pk__in=scope.office_ids)


def work_queue(
    *,
    user,
    office: Office,
    stage: str | None = None,
    department: str | None = None,
    service: str | None = None,
    overdue_only: bool = False,
    search: str = "",
    include_closed: bool = False,
) -> QuerySet:
    """The requests of one Citizen Space the agents must act on, earliest due first."""
    scope = require(user, "citizen_spaces.requests.view")
    if not scope.is_platform_admin and office.pk not in scope.office_ids:
        return ServiceRequest.objects.none()
    requests = ServiceRequest.objects.filter(office=office).select_related(
        "service", "service__department"
    )
    if stage:
        requests = requests.filter(stage=stage)
    elif not include_closed:
        requests = requests.filter(stage__in=OPEN_STAGES)
    if department:
        requests = requests.filter(service__department__slug=department)
    if service:
        requests = requests.filter(service__code=service)
    if overdue_only:
        requests = requests.filter(stage__in=OPEN_STAGES, due_on__lt=timezone.localdate())
    search = (search or "").strip()
    if search:
        reference = normalise_reference(search)
        phone = standardise.phone_e164(search)
        if reference:
            requests = requests.filter(reference=reference)
        elif phone:
            requests = requests.filter(phone=phone)
        else:
            requests = requests.filter(requester_name__icontains=search)
    return requests.order_by("due_on", "submitted_at", "pk")


def request_get(*, user, reference: str) -> ServiceRequest:
    """The request if the user may see it; ServiceRequest.DoesNotExist otherwise."""
    scope = require(user, "citizen_spaces.requests.view")
    requests = ServiceRequest.objects.select_related(
        "service", "service__category", "service__department", "office", "residence_locality"
    )
    if not scope.is_platform_admin:
        requests = requests.filter(office_id__in=scope.office_ids)
    return requests.get(reference=normalise_reference(reference) or reference)


def request_timeline(*, request: ServiceRequest) -> QuerySet:
    return RequestEvent.objects.filter(request=request).select_related("actor").order_by("at", "pk")


@dataclass(frozen=True)
class ServiceStatistics:
    office: Office
    service: ServiceType
    received: int
    delivered: int
    open: int
    rejected: int
    median_days: float | None
    on_time_share: float | None
    ratings: int
    mean_rating: float | None


def statistics_by_service(
    *, user, since: datetime.date | None = None, until: datetime.date | None = None
) -> list[ServiceStatistics]:
    """Per Citizen Space and service: volumes, median processing time (days from submission
    to delivery), share delivered by the due date, and satisfaction."""
    offices = offices_in_scope(user=user, permission="citizen_spaces.statistics.view")
    requests = ServiceRequest.objects.filter(office__in=offices)
    if since:
        requests = requests.filter(submitted_at__date__gte=since)
    if until:
        requests = requests.filter(submitted_at__date__lte=until)
    rows = (
        requests.values("office", "service")
        .annotate(
            received=Count("pk"),
            delivered=Count("pk", filter=Q(stage=Stage.DELIVERED)),
            open=Count("pk", filter=Q(stage__in=OPEN_STAGES)),
            rejected=Count("pk", filter=Q(stage=Stage.REJECTED)),
            on_time=Count(
                "pk", filter=Q(stage=Stage.DELIVERED, delivered_at__date__lte=F("due_on"))
            ),
            ratings=Count("rating"),
            mean_rating=Avg("rating__score"),
        )
        .order_by("office", "service")
    )
    durations: dict[tuple[int, int], list[float]] = {}
    delivered = requests.filter(stage=Stage.DELIVERED, delivered_at__isnull=False).values_list(
        "office", "service", "submitted_at", "delivered_at"
    )
    for office_id, service_id, submitted, done in delivered.iterator(chunk_size=5000):
        durations.setdefault((office_id, service_id), []).append(
            (done - submitted).total_seconds() / 86400
        )
    office_by_id = {office.pk: office for office in offices}
    service_by_id = ServiceType.objects.in_bulk({row["service"] for row in rows})
    return [
        ServiceStatistics(
            office=office_by_id[row["office"]],
            service=service_by_id[row["service"]],
            received=row["received"],
            delivered=row["delivered"],
            open=row["open"],
            rejected=row["rejected"],
            median_days=(
                round(statistics.median(durations[(row["office"], row["service"])]), 1)
                if durations.get((row["office"], row["service"]))
                else None
            ),
            on_time_share=row["on_time"] / row["delivered"] if row["delivered"] else None,
            ratings=row["ratings"],
            mean_rating=round(row["mean_rating"], 2) if row["mean_rating"] is not None else None,
        )
        for row in rows
    ]
