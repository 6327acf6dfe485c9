"""Desk pages of the Citizen Spaces, for front-desk agents and municipal administrators:
the work queue, a request and its stages, requests taken at the counter, the catalogue,
appointment slots and the statistics page of the municipality.

Thin views: reads through selectors, writes through services; a broken rule comes back on
the same page with the form's errors (409 when someone else saved first)."""

import csv
import datetime
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.views import View

from wasla.citizen_spaces import selectors, services
from wasla.citizen_spaces.forms_desk import (
    BulkMoveForm,
    DeskRequestForm,
    MoveForm,
    QueueFilterForm,
    ServiceForm,
    SlotsForm,
    StatisticsFilterForm,
)
from wasla.citizen_spaces.models import (
    OPEN_STAGES,
    Appointment,
    AppointmentSlot,
    Holiday,
    RequestDocument,
    ServiceCategory,
    ServiceRequest,
    ServiceType,
    Stage,
)
from wasla.core.exceptions import ApplicationError
from wasla.organisations.models import Office
from wasla.organisations.permissions import PermissionRequiredMixin
from wasla.organisations.scoping import scope_for

REQUESTS_PER_PAGE = 50
SLOTS_PER_PAGE = 60
STATISTICS_DEFAULT_DAYS = 365
# The services name the field a reason goes to; the desk forms have one "reason" field.
REASON_FIELDS = {"rejection_reason": "reason", "missing_documents": "reason"}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _add_field_errors(form, error: ApplicationError, rename: dict | None = None) -> None:
    """Put a service's per-field errors on the form, the rest on top of it."""
    placed = False
    for field, problems in (error.extra or {}).items():
        field = (rename or {}).get(field, field)
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
            placed = True
    if not placed or error.code != "invalid":
        form.add_error(None, error.message)


def _status_for(error: ApplicationError) -> int:
    return {"conflict": 409, "forbidden": 403}.get(error.code, 400)


def _office_or_404(user, slug: str, permission: str) -> Office:
    """A Citizen Space the user works for; 404 for any other, as if it did not exist."""
    office = selectors.offices_in_scope(user=user, permission=permission).filter(slug=slug).first()
    if office is None:
        raise Http404
    return office


@dataclass(frozen=True)
class DeskLink:
    label: str
    url: str
    current: bool


def _desk_links(request) -> list[DeskLink]:
    """The desk's own menu: the municipality-wide pages the user may open."""
    scope = scope_for(request.user)
    links = [
        (_("My Citizen Spaces"), "citizen_spaces:desk_home", "citizen_spaces.requests.view"),
        (_("Statistics"), "citizen_spaces:desk_statistics", "citizen_spaces.statistics.view"),
        (_("Service catalogue"), "citizen_spaces:desk_catalogue", "citizen_spaces.catalogue.edit"),
        (_("Public holidays"), "citizen_spaces:desk_holidays", "citizen_spaces.requests.view"),
    ]
    return [
        DeskLink(label=label, url=reverse(name), current=request.path == reverse(name))
        for label, name, permission in links
        if scope.can(permission)
    ]


def _page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {"desk_links": _desk_links(request), **context}, status=status)


def _may_process(scope, office_id: int) -> bool:
    return scope.can("citizen_spaces.requests.process") and (
        scope.is_platform_admin or office_id in scope.office_ids
    )


# ---------------------------------------------------------------------------------------
# My Citizen Spaces


@dataclass(frozen=True)
class OfficeRow:
    office: Office
    open: int
    overdue: int


class DeskHomeView(PermissionRequiredMixin, View):
    """The Citizen Spaces the user works for; an agent of one goes straight to its queue."""

    permission = "citizen_spaces.requests.view"

    def get(self, request):
        offices = list(selectors.offices_in_scope(user=request.user))
        if (
            len(offices) == 1
            and not self.scope.is_platform_admin
            and self.scope.can("citizen_spaces.requests.process")
        ):
            return redirect("citizen_spaces:desk_queue", office=offices[0].slug)
        today = timezone.localdate()
        counts = {
            row["office"]: row
            for row in ServiceRequest.objects.filter(office__in=offices, stage__in=OPEN_STAGES)
            .values("office")
            .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        }
        rows = [
            OfficeRow(
                office=office,
                open=counts.get(office.pk, {}).get("open", 0),
                overdue=counts.get(office.pk, {}).get("overdue", 0),
            )
            for office in offices
        ]
        return _page(
            request,
            "citizen_spaces/desk/home.html",
            {
                "rows": rows,
                "can_process": self.scope.can("citizen_spaces.requests.process"),
                "can_manage_slots": self.scope.can("citizen_spaces.appointments.manage"),
            },
        )


# ---------------------------------------------------------------------------------------
# Work queue


class QueueView(PermissionRequiredMixin, View):
    """The requests of one Citizen Space by due date: filters, overdue ones in evidence, and
    a bulk change of stage for agents. htmx requests get only the results."""

    permission = "citizen_spaces.requests.view"

    def get(self, request, office):
        office = _office_or_404(request.user, office, self.permission)
        return self.render_queue(request, office, bulk_form=BulkMoveForm())

    def post(self, request, office):
        office = _office_or_404(request.user, office, self.permission)
        if not _may_process(self.scope, office.pk):
            raise PermissionDenied
        form = BulkMoveForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                moved = services.requests_move_bulk(
                    actor=request.user,
                    office=office,
                    references=form.cleaned_data["references"],
                    to_stage=form.cleaned_data["to_stage"],
                    note=form.cleaned_data["note"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                _add_field_errors(form, error, REASON_FIELDS)
                status = _status_for(error)
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s request is now “%(stage)s”.",
                        "%(count)s requests are now “%(stage)s”.",
                        len(moved),
                    )
                    % {"count": len(moved), "stage": Stage(form.cleaned_data["to_stage"]).label},
                )
                return redirect(request.get_full_path())
        else:
            messages.error(request, _("Nothing was changed: some fields need correcting."))
        return self.render_queue(request, office, bulk_form=form, status=status)

    def render_queue(self, request, office, *, bulk_form, status=200):
        services_here = selectors.catalogue(office=office)
        filters = QueueFilterForm(request.GET or None, services=services_here)
        queue = selectors.work_queue(user=request.user, office=office, **filters.queue_filters())
        page = Paginator(queue, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        page.object_list = list(page.object_list)
        for item in page.object_list:
            item.days_late = max((today - item.due_on).days, 0) if item.is_open else 0
        checked = set(bulk_form["references"].value() or ()) if bulk_form.is_bound else set()
        context = {
            "office": office,
            "filters": filters,
            "page": page,
            "bulk_form": bulk_form,
            "checked": checked,
            "can_process": _may_process(self.scope, office.pk),
            "can_manage_slots": self.scope.can("citizen_spaces.appointments.manage"),
            "reason_stages": list(services.STAGES_NEEDING_A_REASON),
        }
        template = (
            "citizen_spaces/desk/_queue_results.html"
            if request.htmx and request.method == "GET"
            else "citizen_spaces/desk/queue.html"
        )
        return _page(request, template, context, status=status)


class RequestCreateView(PermissionRequiredMixin, View):
    """A request taken at the counter, with the documents the person brought."""

    permission = "citizen_spaces.requests.process"
    template_name = "citizen_spaces/desk/request_new.html"

    def _form(self, office, data=None, files=None):
        initial = None if data is not None else {"idempotency_key": secrets.token_urlsafe(24)}
        return DeskRequestForm(
            data,
            files,
            initial=initial,
            office=office,
            services=selectors.catalogue(office=office),
        )

    def _render(self, request, office, form, status=200):
        return _page(request, self.template_name, {"office": office, "form": form}, status=status)

    def get(self, request, office):
        office = _office_or_404(request.user, office, self.permission)
        return self._render(request, office, self._form(office))

    def post(self, request, office):
        office = _office_or_404(request.user, office, self.permission)
        form = self._form(office, request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, office, form, status=400)
        try:
            created = services.request_submit(
                office=office,
                channel=ServiceRequest.Channel.DESK,
                actor=request.user,
                **form.request_fields(),
            )
        except ApplicationError as error:
            _add_field_errors(form, error)
            return self._render(request, office, form, status=_status_for(error))
        messages.success(
            request,
            _("Request %(reference)s is registered. It is due on %(due)s.")
            % {"reference": created.reference, "due": created.due_on.strftime("%d/%m/%Y")},
        )
        return redirect("citizen_spaces:desk_request", reference=created.reference)


# ---------------------------------------------------------------------------------------
# One request


class RequestMixin(PermissionRequiredMixin):
    permission = "citizen_spaces.requests.view"

    def get_request(self, reference: str) -> ServiceRequest:
        """The request if it belongs to the user's Citizen Spaces; 404 otherwise."""
        try:
            return selectors.request_get(user=self.request.user, reference=reference)
        except ServiceRequest.DoesNotExist:
            raise Http404 from None

    def render_request(self, item: ServiceRequest, *, move_form=None, status=200):
        allowed = item.allowed_stages()
        context = {
            "item": item,
            "documents": item.documents.all(),
            "timeline": selectors.request_timeline(request=item),
            "stages": [
                (value, label)
                for value, label in Stage.choices
                if value not in (Stage.REJECTED, Stage.WAITING_CITIZEN) or value == item.stage
            ],
            "can_process": _may_process(self.scope, item.office_id),
            "plain_moves": [
                (stage, Stage(stage).label)
                for stage in allowed
                if stage not in services.STAGES_NEEDING_A_REASON
            ],
            "reason_moves": [
                (stage, Stage(stage).label)
                for stage in allowed
                if stage in services.STAGES_NEEDING_A_REASON
            ],
            "move_form": move_form or MoveForm(auto_id="move_%s"),
            "overdue": item.is_open and item.due_on < timezone.localdate(),
        }
        return _page(
            self.request, "citizen_spaces/desk/request_detail.html", context, status=status
        )


class RequestDetailView(RequestMixin, View):
    def get(self, request, reference):
        return self.render_request(self.get_request(reference))


class RequestMoveView(RequestMixin, View):
    """One move along the request's stages; the version the page showed guards against a
    colleague's move made in between."""

    permission = "citizen_spaces.requests.process"

    def get(self, request, reference):
        return redirect("citizen_spaces:desk_request", reference=reference)

    def post(self, request, reference):
        item = self.get_request(reference)
        form = MoveForm(request.POST, auto_id="move_%s")
        status = 400
        if form.is_valid():
            try:
                item = services.request_move(
                    actor=request.user,
                    request=item,
                    to_stage=form.cleaned_data["to_stage"],
                    expected_version=form.cleaned_data["version"],
                    note=form.cleaned_data["note"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                # Shown in the stage section, beside the form that failed.
                _add_field_errors(form, error, REASON_FIELDS)
                status = _status_for(error)
            else:
                messages.success(
                    request,
                    _("The request is now “%(stage)s”; the citizen is told.")
                    % {"stage": item.get_stage_display()},
                )
                return redirect("citizen_spaces:desk_request", reference=item.reference)
        # A failed service call may have changed the object in memory: show what is stored.
        return self.render_request(self.get_request(reference), move_form=form, status=status)


class RequestDocumentView(RequestMixin, View):
    """Stream a document of a request to staff who may see it; the file is never public."""

    def get(self, request, reference, pk):
        item = self.get_request(reference)
        document = RequestDocument.objects.filter(request=item, pk=pk).first()
        if document is None:
            raise Http404
        response = FileResponse(
            document.file.open("rb"),
            content_type=document.content_type,
            as_attachment=True,
            filename=f"{item.reference}-{document.pk}{EXTENSIONS.get(document.content_type, '')}",
        )
        response["Cache-Control"] = "private, no-store"
        return response


# ---------------------------------------------------------------------------------------
# Catalogue and calendar


@dataclass(frozen=True)
class CatalogueRow:
    service: ServiceType
    offices_here: list[Office]


class CatalogueView(PermissionRequiredMixin, View):
    """Every service of the catalogue, and which of the administrator's Citizen Spaces
    provide it."""

    permission = "citizen_spaces.catalogue.edit"

    def get(self, request):
        mine = selectors.offices_in_scope(user=request.user, permission=self.permission)
        services_all = ServiceType.objects.select_related(
            "category", "department"
        ).prefetch_related(Prefetch("offices", queryset=mine, to_attr="offices_here"))
        rows = [CatalogueRow(service=s, offices_here=s.offices_here) for s in services_all]
        return _page(request, "citizen_spaces/desk/catalogue.html", {"rows": rows})


class ServiceFormMixin(PermissionRequiredMixin):
    permission = "citizen_spaces.catalogue.edit"
    template_name = "citizen_spaces/desk/service_form.html"

    def offices(self):
        return selectors.offices_in_scope(user=self.request.user, permission=self.permission)

    def render_form(self, form, *, service=None, status=200):
        context = {"form": form, "service": service}
        return _page(self.request, self.template_name, context, status=status)


class ServiceCreateView(ServiceFormMixin, View):
    def get(self, request):
        form = ServiceForm(offices=self.offices(), editing=False)
        return self.render_form(form)

    def post(self, request):
        form = ServiceForm(request.POST, offices=self.offices(), editing=False)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            service = services.service_create(
                actor=request.user,
                offices=form.cleaned_data["offices"],
                **form.service_fields(),
            )
        except ApplicationError as error:
            _add_field_errors(form, error)
            return self.render_form(form, status=_status_for(error))
        messages.success(
            request, _("The service “%(name)s” is in the catalogue.") % {"name": service.name}
        )
        return redirect("citizen_spaces:desk_catalogue")


class ServiceEditView(ServiceFormMixin, View):
    """Edit a service; its offices outside the administrator's municipality stay as they are."""

    def get_service(self, code: str) -> ServiceType:
        service = ServiceType.objects.filter(code=code).first()
        if service is None:
            raise Http404
        return service

    def get(self, request, code):
        service = self.get_service(code)
        offices = self.offices()
        initial = model_to_dict(service, fields=ServiceForm.Meta.fields)
        initial["version"] = service.version
        initial["offices"] = list(service.offices.filter(pk__in=offices))
        form = ServiceForm(initial=initial, offices=offices, editing=True)
        return self.render_form(form, service=service)

    def post(self, request, code):
        service = self.get_service(code)
        offices = self.offices()
        form = ServiceForm(request.POST, offices=offices, editing=True)
        if not form.is_valid():
            return self.render_form(form, service=service, status=400)
        try:
            # The service keeps the offices of other organisations that provide it.
            services.service_update(
                actor=request.user,
                service=service,
                expected_version=form.cleaned_data["version"] or 0,
                offices=form.cleaned_data["offices"],
                **form.service_fields(),
            )
        except ApplicationError as error:
            _add_field_errors(form, error)
            service = self.get_service(code)
            return self.render_form(form, service=service, status=_status_for(error))
        messages.success(request, _("The service “%(name)s” is saved.") % {"name": service.name})
        return redirect("citizen_spaces:desk_catalogue")


class HolidayListView(PermissionRequiredMixin, View):
    """Public holidays from this year on: no working day is counted on them."""

    permission = "citizen_spaces.requests.view"

    def get(self, request):
        start = timezone.localdate().replace(month=1, day=1)
        holidays = Holiday.objects.filter(date__gte=start).order_by("date")
        return _page(request, "citizen_spaces/desk/holidays.html", {"holidays": holidays})


# ---------------------------------------------------------------------------------------
# Appointment slots


class SlotsView(PermissionRequiredMixin, View):
    """Open a day's appointment slots; see the coming ones with how many are booked."""

    permission = "citizen_spaces.appointments.manage"

    def _categories(self, office):
        offered = ServiceCategory.objects.filter(
            services__offices=office, services__is_active=True
        ).distinct()
        return offered if offered.exists() else ServiceCategory.objects.all()

    def get(self, request, office):
        office = _office_or_404(request.user, office, self.permission)
        return self.render_slots(office, SlotsForm(categories=self._categories(office)))

    def post(self, request, office):
        office = _office_or_404(request.user, office, self.permission)
        form = SlotsForm(request.POST, categories=self._categories(office))
        if not form.is_valid():
            return self.render_slots(office, form, status=400)
        try:
            created = services.slots_create(actor=request.user, office=office, **form.cleaned_data)
        except ApplicationError as error:
            _add_field_errors(form, error)
            return self.render_slots(office, form, status=_status_for(error))
        if created:
            messages.success(
                request,
                ngettext(
                    "%(count)s slot is open for booking.",
                    "%(count)s slots are open for booking.",
                    len(created),
                )
                % {"count": len(created)},
            )
        else:
            messages.success(request, _("These slots were already open: nothing was added."))
        return redirect("citizen_spaces:desk_slots", office=office.slug)

    def render_slots(self, office, form, status=200):
        slots = (
            AppointmentSlot.objects.filter(office=office, starts_at__gte=timezone.now())
            .select_related("category")
            .annotate(
                booked=Count(
                    "appointments", filter=Q(appointments__status=Appointment.Status.BOOKED)
                )
            )
            .order_by("starts_at", "category__position")
        )
        page = Paginator(slots, SLOTS_PER_PAGE).get_page(self.request.GET.get("page"))
        context = {"office": office, "form": form, "page": page}
        return _page(self.request, "citizen_spaces/desk/slots.html", context, status=status)


# ---------------------------------------------------------------------------------------
# Statistics


@dataclass(frozen=True)
class ChartBar:
    label: str
    value_text: str
    label_x: str
    label_y: str
    bar_x: str
    bar_y: str
    bar_width: str
    value_x: str
    value_y: str


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart drawn by the server as SVG: label above each bar, value beside
    it, bars growing from the start side of the page (right in Arabic)."""

    slug: str
    title: str
    summary: str
    width: int
    height: int
    anchor: str
    bars: list[ChartBar]


CHART_WIDTH = 320
CHART_ROW = 44
CHART_BAR = 14
CHART_VALUE_SPACE = 96
CHART_LABEL_CHARS = 40


def _coordinate(value: float) -> str:
    # Written by hand, not by the template: a French page would print 12,5.
    return f"{value:.1f}"


def bar_chart(
    *, slug: str, title: str, items: list[tuple[str, float | None, str]], maximum: float
) -> BarChart:
    """`items` are (label, value or None, value as text)."""
    rtl = get_language_bidi()
    span = CHART_WIDTH - CHART_VALUE_SPACE
    bars = []
    # The text alternative keeps the whole names that the drawing may shorten.
    summary = "; ".join(f"{label}: {value_text}" for label, _value, value_text in items)
    for index, (label, value, value_text) in enumerate(items):
        top = index * CHART_ROW
        width = span * (value or 0) / maximum if maximum else 0
        if len(label) > CHART_LABEL_CHARS:
            label = label[: CHART_LABEL_CHARS - 1] + "…"
        bar_x = CHART_WIDTH - width if rtl else 0
        value_x = CHART_WIDTH - width - 6 if rtl else width + 6
        bars.append(
            ChartBar(
                label=label,
                value_text=value_text,
                label_x=_coordinate(CHART_WIDTH if rtl else 0),
                label_y=_coordinate(top + 16),
                bar_x=_coordinate(bar_x),
                bar_y=_coordinate(top + 22),
                bar_width=_coordinate(width),
                value_x=_coordinate(value_x),
                value_y=_coordinate(top + 22 + CHART_BAR - 2),
            )
        )
    return BarChart(
        slug=slug,
        title=title,
        summary=summary,
        width=CHART_WIDTH,
        height=max(len(bars), 1) * CHART_ROW + 6,
        anchor="end" if rtl else "start",
        bars=bars,
    )


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{number_format(share * 100, 0)} %"


def _charts(rows: list[selectors.ServiceStatistics]) -> list[BarChart]:
    """Per service, over the Citizen Spaces shown: volumes, on-time share, satisfaction."""
    per_service: dict[int, dict] = {}
    for row in rows:
        total = per_service.setdefault(
            row.service.pk,
            {
                "name": row.service.name,
                "received": 0,
                "delivered": 0,
                "on_time": 0.0,
                "ratings": 0,
                "score": 0.0,
            },
        )
        total["received"] += row.received
        total["delivered"] += row.delivered
        total["on_time"] += (row.on_time_share or 0) * row.delivered
        total["ratings"] += row.ratings
        total["score"] += (row.mean_rating or 0) * row.ratings
    totals = sorted(per_service.values(), key=lambda total: -total["received"])
    if not totals:
        return []
    shares = [
        (t["name"], t["on_time"] / t["delivered"] if t["delivered"] else None) for t in totals
    ]
    means = [(t["name"], t["score"] / t["ratings"] if t["ratings"] else None, t) for t in totals]
    return [
        bar_chart(
            slug="volumes",
            title=_("Requests received per service"),
            items=[(t["name"], t["received"], number_format(t["received"])) for t in totals],
            maximum=max(t["received"] for t in totals),
        ),
        bar_chart(
            slug="on-time",
            title=_("Share delivered on time"),
            items=[(name, share, _percent(share)) for name, share in shares],
            maximum=1,
        ),
        bar_chart(
            slug="satisfaction",
            title=_("Mean satisfaction (1 to 5)"),
            items=[
                (
                    name,
                    mean,
                    "—"
                    if mean is None
                    else ngettext(
                        "%(mean)s (%(count)s rating)", "%(mean)s (%(count)s ratings)", t["ratings"]
                    )
                    % {"mean": number_format(mean, 1), "count": t["ratings"]},
                )
                for name, mean, t in means
            ],
            maximum=5,
        ),
    ]


class StatisticsMixin(PermissionRequiredMixin):
    permission = "citizen_spaces.statistics.view"

    def statistics(self, request):
        offices = selectors.offices_in_scope(user=request.user, permission=self.permission)
        today = timezone.localdate()
        data = request.GET.copy()
        if not data.get("since") and not data.get("until"):
            since = today - datetime.timedelta(days=STATISTICS_DEFAULT_DAYS)
            data["since"], data["until"] = since.isoformat(), today.isoformat()
        form = StatisticsFilterForm(data, offices=offices)
        chosen = form.cleaned_data if form.is_valid() else {}
        rows = selectors.statistics_by_service(
            user=request.user, since=chosen.get("since"), until=chosen.get("until")
        )
        if chosen.get("office"):
            rows = [row for row in rows if row.office.slug == chosen["office"]]
        return form, rows


class StatisticsView(StatisticsMixin, View):
    """Volumes, processing time, punctuality and satisfaction per Citizen Space and service,
    with charts drawn on the server and the same figures as a table and a CSV file."""

    def get(self, request):
        form, rows = self.statistics(request)
        context = {
            "form": form,
            "rows": rows,
            "charts": _charts(rows),
            "csv_query": request.GET.urlencode(),
            "totals": {
                "received": sum(row.received for row in rows),
                "delivered": sum(row.delivered for row in rows),
                "open": sum(row.open for row in rows),
                "rejected": sum(row.rejected for row in rows),
            },
        }
        status = 200 if form.is_valid() else 400
        return _page(request, "citizen_spaces/desk/statistics.html", context, status=status)


CSV_COLUMNS = [
    "citizen_space",
    "citizen_space_name",
    "service_code",
    "service_name",
    "received",
    "delivered",
    "open",
    "rejected",
    "median_processing_days",
    "share_on_time",
    "mean_satisfaction",
    "ratings",
]


class StatisticsCsvView(StatisticsMixin, View):
    def get(self, request):
        _form, rows = self.statistics(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="wasla-citizen-spaces.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    row.office.slug,
                    row.office.name,
                    row.service.code,
                    row.service.name,
                    row.received,
                    row.delivered,
                    row.open,
                    row.rejected,
                    "" if row.median_days is None else row.median_days,
                    "" if row.on_time_share is None else round(row.on_time_share, 3),
                    "" if row.mean_rating is None else row.mean_rating,
                    row.ratings,
                ]
            )
        return response
