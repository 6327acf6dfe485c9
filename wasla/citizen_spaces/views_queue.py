"""The waiting room of a Citizen Space: the kiosk where people take a number, the counter
page where an agent calls the next one, and the screen that shows who is called where.

Kiosk, ticket and display pages are public: a ticket is a letter and a number, nothing
personal. The counter page is for the agents of that Citizen Space only."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wasla.citizen_spaces import selectors, services
from wasla.citizen_spaces.models import ServiceCategory, Ticket
from wasla.core.exceptions import ApplicationError
from wasla.core.ratelimit import over_limit
from wasla.organisations.models import Office
from wasla.organisations.permissions import PermissionRequiredMixin

TICKET_SALT = "wasla.citizen_spaces.ticket"
# A kiosk at the entrance hands out every ticket of the room from one address, so the limit
# only stops a script, never a busy morning.
TICKETS_PER_MINUTE = getattr(settings, "CITIZEN_SPACES_TICKETS_PER_MINUTE", 20)
# How long a call stays highlighted on the waiting-room screen.
HIGHLIGHT_SECONDS = 60
DISPLAY_POLL_SECONDS = 5
# The kiosk goes back to its buttons after showing a ticket for this long.
KIOSK_RETURN_SECONDS = 30
WAITING_SHOWN = 12


def _office(slug: str) -> Office:
    try:
        return selectors.citizen_space_get(slug=slug)
    except Office.DoesNotExist:
        raise Http404 from None


def _status_for(error: ApplicationError) -> int:
    return {"conflict": 409, "forbidden": 403, "rate_limited": 429}.get(error.code, 400)


def _too_many_tickets(request) -> bool:
    return over_limit(request, "citizen_spaces:tickets", limit=TICKETS_PER_MINUTE, seconds=60)


def _today_tickets(office: Office):
    return Ticket.objects.filter(office=office, day=timezone.localdate()).select_related("category")


# ---------------------------------------------------------------------------------------
# Kiosk and ticket


class KioskView(View):
    """One big button per category of services offered here; a press prints a number."""

    template_name = "citizen_spaces/queue/kiosk.html"

    def _render(self, request, office, *, error: str = "", status: int = 200):
        context = {
            "office": office,
            "groups": selectors.catalogue_by_category(office=office),
            "error": error,
            "kiosk": request.GET.get("kiosk") == "1" or request.POST.get("kiosk") == "1",
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, slug):
        return self._render(request, _office(slug))

    def post(self, request, slug):
        office = _office(slug)
        chosen = request.POST.get("category", "")
        offered = {
            category.slug: category
            for category, _services in selectors.catalogue_by_category(office=office)
        }
        category = offered.get(chosen)
        if category is None:
            return self._render(
                request, office, error=_("Choose one of the services shown."), status=400
            )
        if _too_many_tickets(request):
            return self._render(
                request,
                office,
                error=_("Too many tickets were taken from here. Wait a minute and try again."),
                status=429,
            )
        try:
            ticket = services.ticket_issue(office=office, category=category)
        except ApplicationError as error:
            return self._render(request, office, error=error.message, status=_status_for(error))
        url = reverse(
            "citizen_spaces:queue_ticket",
            args=[office.slug, signing.dumps(ticket.pk, salt=TICKET_SALT)],
        )
        return redirect(url + ("?kiosk=1" if request.POST.get("kiosk") == "1" else ""))


class TicketView(View):
    """The ticket just taken: its number, how many are before it and the estimated wait.
    The address is signed, so nobody walks through other people's tickets."""

    template_name = "citizen_spaces/queue/ticket.html"

    def get(self, request, slug, token):
        office = _office(slug)
        try:
            pk = signing.loads(token, salt=TICKET_SALT, max_age=2 * 86400)
        except signing.BadSignature:
            raise Http404 from None
        ticket = Ticket.objects.select_related("category").filter(pk=pk, office=office).first()
        if ticket is None:
            raise Http404
        position = minutes = None
        if ticket.status == Ticket.Status.WAITING:
            position = selectors.ticket_position(ticket=ticket)
            counters = (
                _today_tickets(office)
                .filter(category=ticket.category, status=Ticket.Status.CALLED)
                .count()
            )
            minutes = selectors.estimated_wait(
                office=office, category=ticket.category, waiting=position, counters=counters
            )
        kiosk = request.GET.get("kiosk") == "1"
        is_today = ticket.day == timezone.localdate()
        context = {
            "office": office,
            "ticket": ticket,
            "position": position,
            "minutes": minutes,
            "kiosk": kiosk,
            "return_seconds": KIOSK_RETURN_SECONDS,
            "is_today": is_today,
            # Phones keep the page open: it follows the ticket until it is called.
            "polling": is_today
            and ticket.status in (Ticket.Status.WAITING, Ticket.Status.CALLED)
            and not kiosk,
        }
        return render(request, self.template_name, context)


# ---------------------------------------------------------------------------------------
# Waiting-room screen


def _display_context(office: Office, *, since: str | None) -> dict:
    """The board and the call to announce: the latest one, if the screen has not shown it
    yet (`since` is the call the screen showed last)."""
    lines = selectors.queue_board(office=office)
    serving = sorted(
        (ticket for line in lines for ticket in line.now_serving),
        key=lambda ticket: (ticket.called_at, ticket.pk),
        reverse=True,
    )
    latest = serving[0] if serving else None
    now = timezone.now()
    fresh = latest is not None and (now - latest.called_at).total_seconds() <= HIGHLIGHT_SECONDS
    return {
        "office": office,
        "lines": lines,
        "serving": serving,
        "latest": latest,
        "highlight": latest.pk if fresh else None,
        "announce": latest is not None and since is not None and since != str(latest.pk),
        "since": latest.pk if latest else 0,
        "updated_at": timezone.localtime(now),
        "poll_seconds": DISPLAY_POLL_SECONDS,
    }


class DisplayView(View):
    """The screen of the waiting room, in Arabic and French whatever the page language."""

    def get(self, request, slug):
        office = _office(slug)
        return render(
            request,
            "citizen_spaces/queue/display.html",
            _display_context(office, since=None),
        )


class DisplayBoardView(View):
    """The part of the screen that htmx fetches every few seconds."""

    def get(self, request, slug):
        office = _office(slug)
        return render(
            request,
            "citizen_spaces/queue/_display_board.html",
            _display_context(office, since=request.GET.get("since", "")),
        )


# ---------------------------------------------------------------------------------------
# Counter


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, category):
        return f"{category.ticket_prefix} — {category.name}"


class CounterForm(forms.Form):
    counter = forms.CharField(
        label=gettext_lazy("Counter"),
        max_length=40,
        help_text=gettext_lazy("As written above your desk, for example 2."),
    )
    categories = CategoryChoiceField(
        label=gettext_lazy("Queues you serve"),
        queryset=ServiceCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("None ticked: every queue."),
    )

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = ServiceCategory.objects.filter(
            services__offices=office, services__is_active=True
        ).distinct()
        self.fields["counter"].widget.attrs["autocomplete"] = "off"


def _session_key(office: Office) -> str:
    return f"citizen_spaces.counter.{office.pk}"


def _counter_settings(request, office: Office) -> tuple[str, list[ServiceCategory]]:
    """The counter this browser stands for and the queues it serves (kept in the session)."""
    stored = request.session.get(_session_key(office)) or {}
    categories = list(
        ServiceCategory.objects.filter(
            pk__in=stored.get("categories") or [],
            services__offices=office,
            services__is_active=True,
        ).distinct()
    )
    return stored.get("counter", ""), categories


class CounterMixin(PermissionRequiredMixin):
    permission = "citizen_spaces.queue.operate"

    def get_office(self, slug: str) -> Office:
        office = _office(slug)
        if not (self.scope.is_platform_admin or office.pk in self.scope.office_ids):
            raise PermissionDenied
        return office

    def render_counter(self, request, office: Office, *, form=None, status: int = 200):
        counter, categories = _counter_settings(request, office)
        if form is None:
            form = CounterForm(
                office=office,
                initial={"counter": counter, "categories": [c.pk for c in categories]},
            )
        lines = selectors.queue_board(office=office)
        waiting: dict[int, list[Ticket]] = {}
        for ticket in (
            _today_tickets(office).filter(status=Ticket.Status.WAITING).order_by("issued_at", "pk")
        ):
            waiting.setdefault(ticket.category_id, []).append(ticket)
        served = {category.pk for category in categories}
        rows = [
            {
                "line": line,
                "waiting": waiting.get(line.category.pk, [])[:WAITING_SHOWN],
                "more": max(len(waiting.get(line.category.pk, [])) - WAITING_SHOWN, 0),
                "mine": not served or line.category.pk in served,
            }
            for line in lines
        ]
        current = (
            _today_tickets(office)
            .filter(counter=counter, status=Ticket.Status.CALLED)
            .order_by("-called_at")
            .first()
            if counter
            else None
        )
        context = {
            "office": office,
            "form": form,
            "counter": counter,
            "categories": categories,
            "current": current,
            "rows": rows,
            "waiting_total": sum(line.waiting for line in lines),
        }
        return render(request, "citizen_spaces/queue/counter.html", context, status=status)


class CounterView(CounterMixin, View):
    def get(self, request, slug):
        return self.render_counter(request, self.get_office(slug))


class CounterSetupView(CounterMixin, View):
    """Remember, for this browser, which counter it is and which queues it serves."""

    def post(self, request, slug):
        office = self.get_office(slug)
        form = CounterForm(request.POST, office=office)
        if not form.is_valid():
            return self.render_counter(request, office, form=form, status=400)
        request.session[_session_key(office)] = {
            "counter": " ".join(form.cleaned_data["counter"].split()),
            "categories": [category.pk for category in form.cleaned_data["categories"]],
        }
        messages.success(request, _("Counter settings saved."))
        return redirect("citizen_spaces:queue_counter", slug=office.slug)


class CounterCallView(CounterMixin, View):
    """Close the ticket at this counter as served and call the longest-waiting one."""

    def post(self, request, slug):
        office = self.get_office(slug)
        counter, categories = _counter_settings(request, office)
        if not counter:
            messages.error(request, _("Say which counter you are at first."))
            return redirect("citizen_spaces:queue_counter", slug=office.slug)
        try:
            ticket = services.ticket_call_next(
                actor=request.user, office=office, counter=counter, categories=categories or None
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("citizen_spaces:queue_counter", slug=office.slug)
        if ticket is None:
            messages.info(request, _("Nobody is waiting in your queues."))
        else:
            messages.success(
                request,
                _("Ticket %(ticket)s is called to counter %(counter)s.")
                % {"ticket": ticket.label, "counter": counter},
            )
        return redirect("citizen_spaces:queue_counter", slug=office.slug)


class CounterCloseView(CounterMixin, View):
    """The person of the ticket at the counter was served, or did not come."""

    def post(self, request, slug, pk):
        office = self.get_office(slug)
        ticket = _today_tickets(office).filter(pk=pk).first()
        if ticket is None:
            raise Http404
        came = request.POST.get("outcome") != "no_show"
        try:
            services.ticket_close(actor=request.user, ticket=ticket, came=came)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                (
                    _("Ticket %(ticket)s served.")
                    if came
                    else _("Ticket %(ticket)s marked as not come.")
                )
                % {"ticket": ticket.label},
            )
        return redirect("citizen_spaces:queue_counter", slug=office.slug)
