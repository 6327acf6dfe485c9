"""Public pages of the Citizen Spaces, for citizens without an account: the catalogue, the
online request with a code sent by SMS, tracking, rating and appointments.

Every page works without JavaScript; htmx only saves a page load when the code is asked
for. Lookups that take a reference or a code with a phone number answer the same neutral
message whichever of the two is wrong, and are rate-limited per connection. See
docs/citizen-spaces.md."""

import re
import secrets

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from wasla.citizen_spaces import selectors, services
from wasla.citizen_spaces.forms_public import (
    AppointmentCancelForm,
    AppointmentForm,
    OnlineRequestForm,
    RatingForm,
    TrackForm,
)
from wasla.citizen_spaces.models import AppointmentSlot, ServiceRequest, Stage
from wasla.core.exceptions import ApplicationError
from wasla.core.ratelimit import over_limit
from wasla.engines.linkage import standardise
from wasla.organisations.models import Office

TEMPLATES = "citizen_spaces/public/"

# (attempts, seconds) per connection. Tracking and cancelling guess pairs of reference (or
# code) and phone; asking for codes and booking send SMS that cost money.
RATE_LIMITS = {
    "track": (10, 60),
    "code": (5, 3600),
    "book": (10, 3600),
}

SESSION_REQUEST = "citizen_spaces.request"
SESSION_APPOINTMENT = "citizen_spaces.appointment"
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# The progress a citizen sees; waiting for them and refusal are shown beside it.
STAGE_PATH = (Stage.RECEIVED, Stage.IN_PROCESS, Stage.READY, Stage.DELIVERED)


# ---------------------------------------------------------------------------------------
# Helpers


def _over_limit(request, bucket: str) -> bool:
    limit, seconds = RATE_LIMITS[bucket]
    return over_limit(request, f"citizen_spaces:{bucket}", limit=limit, seconds=seconds)


def _too_many(request, bucket: str):
    _limit, seconds = RATE_LIMITS[bucket]
    message = (
        _("Too many attempts came from this connection. Please try again in a minute.")
        if seconds <= 60
        else _("Too many attempts came from this connection. Please try again in an hour.")
    )
    response = render(
        request, TEMPLATES + "too_many_requests.html", {"message": message}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


def _office(slug: str) -> Office:
    try:
        return selectors.citizen_space_get(slug=slug)
    except Office.DoesNotExist:
        raise Http404 from None


def _service(office: Office, code: str):
    service = selectors.catalogue(office=office).filter(code=code).first()
    if service is None:
        raise Http404
    return service


def _online_service(office_slug: str, code: str):
    office = _office(office_slug)
    service = _service(office, code)
    if not service.online:
        raise Http404
    return office, service


def _add_errors(form, error: ApplicationError) -> None:
    """A service's per-field errors on the form's fields, the rest above the form."""
    placed = False
    for field, problems in (error.extra or {}).items():
        for problem in problems:
            target = field if field in form.fields else None
            if problem not in form.errors.get(target or "__all__", []):
                form.add_error(target, problem)
            placed = True
    if not placed or error.code != "invalid":
        form.add_error(None, error.message)


# ---------------------------------------------------------------------------------------
# Catalogue


class CitizenSpaceListView(View):
    def get(self, request):
        return render(request, TEMPLATES + "spaces.html", {"offices": selectors.citizen_spaces()})


class CatalogueView(View):
    def get(self, request, office):
        office = _office(office)
        context = {"office": office, "groups": selectors.catalogue_by_category(office=office)}
        return render(request, TEMPLATES + "catalogue.html", context)


class ServiceDetailView(View):
    def get(self, request, office, service):
        office = _office(office)
        context = {"office": office, "service": _service(office, service)}
        return render(request, TEMPLATES + "service.html", context)


# ---------------------------------------------------------------------------------------
# Online request


@method_decorator(never_cache, name="dispatch")
class OnlineRequestView(View):
    """One page: the citizen asks for a code (VerificationCodeView), then sends the form
    with the code and the documents in one POST, which checks the code and submits. The
    files never wait anywhere between two requests."""

    def get(self, request, office, service):
        office, service = _online_service(office, service)
        return _render_request_form(request, office, service, OnlineRequestForm(office=office))

    def post(self, request, office, service):
        office, service = _online_service(office, service)
        form = OnlineRequestForm(request.POST, request.FILES, office=office)
        key = _idempotency_key(request)
        token = (request.POST.get("verification_token") or "").strip()[:64]
        if not form.is_valid():
            return _render_request_form(
                request, office, service, form, key=key, token=token, status=400
            )
        data = form.cleaned_data
        code = (data["code"] or "").strip()
        if code or not token:
            token = ""
            if not code:
                form.add_error("code", _("Type the code we sent you by SMS."))
            else:
                try:
                    token = services.verification_confirm(phone=data["phone"], code=code)
                except ApplicationError as error:
                    _add_errors(form, error)
        try:
            submitted = services.request_submit(
                service=service,
                office=office,
                channel=ServiceRequest.Channel.ONLINE,
                documents=data["documents"],
                idempotency_key=f"online:{key}",
                verification_token=token or None,
                **form.service_fields(),
            )
        except ApplicationError as error:
            _add_errors(form, error)
            if "code" in form.errors:
                token = ""  # the proof did not hold (another phone, expired): ask for a new code
            return _render_request_form(
                request, office, service, form, key=key, token=token, status=400
            )
        if submitted.phone != standardise.phone_e164(data["phone"].strip()):
            # A key copied from someone else's page must not reveal their request.
            form.add_error(None, _("This form was already used. Reload the page and try again."))
            return _render_request_form(request, office, service, form, status=400)
        request.session[SESSION_REQUEST] = {
            "reference": submitted.reference,
            "phone": submitted.phone,
        }
        return redirect(
            "citizen_spaces:public_request_sent", office=office.slug, service=service.code
        )


def _idempotency_key(request) -> str:
    """The form's own key, made when it was first shown; a new one if it is missing or odd."""
    key = request.POST.get("idempotency_key", "")
    return key if IDEMPOTENCY_KEY.match(key) else secrets.token_urlsafe(24)


def _render_request_form(
    request, office, service, form, *, key=None, token="", code_status=None, status=200
):
    context = {
        "office": office,
        "service": service,
        "form": form,
        "idempotency_key": key or secrets.token_urlsafe(24),
        "verification_token": token,
        "code_status": code_status,
    }
    return render(request, TEMPLATES + "request_form.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class VerificationCodeView(View):
    """Send the code by SMS. With htmx only the status line is swapped (and answered with
    200, as htmx swaps nothing else); without JavaScript the whole form comes back filled
    in as it was sent (files must be chosen again, hence they come after the code)."""

    def post(self, request, office, service):
        office, service = _online_service(office, service)
        language = request.POST.get("language") or get_language()
        status = 200
        if _over_limit(request, "code"):
            code_status = {
                "ok": False,
                "message": _(
                    "Too many codes were asked from this connection. Try again in an hour."
                ),
            }
            status = 429
        else:
            try:
                verification = services.verification_start(
                    phone=request.POST.get("phone", ""), language=language
                )
            except ApplicationError as error:
                messages = (error.extra or {}).get("phone") or [error.message]
                code_status = {"ok": False, "message": messages[0]}
                status = 429 if error.code == "rate_limited" else 400
            else:
                code_status = {"ok": True, "phone": verification.phone}
        if request.htmx:
            return render(request, TEMPLATES + "_code_status.html", {"code_status": code_status})
        fields = ("requester_name", "phone", "details", "residence_locality")
        initial = {name: request.POST.get(name, "") for name in fields}
        initial["contact_channel"] = request.POST.get("contact_channel") or "sms"
        initial["email"] = request.POST.get("email", "")
        initial["language"] = language
        form = OnlineRequestForm(initial=initial, office=office)
        return _render_request_form(
            request,
            office,
            service,
            form,
            key=_idempotency_key(request),
            token=(request.POST.get("verification_token") or "")[:64],
            code_status=code_status,
            status=status,
        )


@method_decorator(never_cache, name="dispatch")
class OnlineRequestSentView(View):
    def get(self, request, office, service):
        office, service = _online_service(office, service)
        remembered = request.session.get(SESSION_REQUEST) or {}
        submitted = selectors.request_track(
            reference=remembered.get("reference", ""), phone=remembered.get("phone", "")
        )
        if submitted is None:
            return redirect(
                "citizen_spaces:public_service", office=office.slug, service=service.code
            )
        return render(
            request,
            TEMPLATES + "request_sent.html",
            {"office": office, "service": service, "submitted": submitted},
        )


# ---------------------------------------------------------------------------------------
# Tracking


def _render_track(
    request, *, form, tracked=None, not_found=False, upload_errors=(), done=False, status=200
):
    context = {
        "form": form,
        "tracked": tracked,
        "not_found": not_found,
        "upload_errors": upload_errors,
        "uploaded": done,
        "max_documents": services.MAX_DOCUMENTS,
    }
    if tracked is not None:
        reached = STAGE_PATH.index(tracked.stage) if tracked.stage in STAGE_PATH else None
        context["steps"] = [
            {
                "stage": stage,
                "label": Stage(stage).label,
                "done": reached is not None and index < reached,
                "current": stage == tracked.stage,
            }
            for index, stage in enumerate(STAGE_PATH)
        ]
        context["overdue"] = tracked.is_open and tracked.due_on < timezone.localdate()
    return render(request, TEMPLATES + "track.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class TrackView(View):
    def get(self, request):
        form = TrackForm(initial={"reference": request.GET.get("reference", "")[:40]})
        return _render_track(request, form=form)

    def post(self, request):
        if _over_limit(request, "track"):
            return _too_many(request, "track")
        form = TrackForm(request.POST)
        if not form.is_valid():
            return _render_track(request, form=form, status=400)
        tracked = selectors.request_track(
            reference=form.cleaned_data["reference"], phone=form.cleaned_data["phone"]
        )
        return _render_track(request, form=form, tracked=tracked, not_found=tracked is None)


@method_decorator(never_cache, name="dispatch")
class TrackDocumentsView(View):
    """The missing document, sent from the tracking page by whoever knows reference and phone."""

    def post(self, request):
        if _over_limit(request, "track"):
            return _too_many(request, "track")
        form = TrackForm(request.POST)
        if not form.is_valid():
            return _render_track(request, form=form, status=400)
        phone = form.cleaned_data["phone"]
        tracked = selectors.request_track(reference=form.cleaned_data["reference"], phone=phone)
        if tracked is None:
            return _render_track(request, form=form, not_found=True)
        try:
            services.request_add_documents(
                request=tracked, phone=phone, documents=request.FILES.getlist("documents")
            )
        except ApplicationError as error:
            problems = [p for ps in (error.extra or {}).values() for p in ps] or [error.message]
            return _render_track(
                request, form=form, tracked=tracked, upload_errors=problems, status=400
            )
        tracked = selectors.request_track(reference=tracked.reference, phone=phone)
        return _render_track(request, form=form, tracked=tracked, done=True)


# ---------------------------------------------------------------------------------------
# Rating


@method_decorator(never_cache, name="dispatch")
class RateView(View):
    template_name = TEMPLATES + "rate.html"

    def _request(self, token):
        rated = services.request_from_rating_token(token)
        if rated is None:
            raise Http404
        return rated

    def _render(self, request, rated, form=None, *, status=200):
        already = hasattr(rated, "rating")
        context = {
            "rated": rated,
            "form": form or RatingForm(),
            "already": already,
            "delivered": rated.stage == Stage.DELIVERED,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, token):
        return self._render(request, self._request(token))

    def post(self, request, token):
        rated = self._request(token)
        form = RatingForm(request.POST)
        if not form.is_valid():
            return self._render(request, rated, form, status=400)
        try:
            services.request_rate(
                request=rated,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            if error.code == "conflict":
                return self._render(request, rated, status=409)
            _add_errors(form, error)
            return self._render(request, rated, form, status=400)
        return redirect("citizen_spaces:rate", token=token)


# ---------------------------------------------------------------------------------------
# Appointments


def _slots_by_category(office: Office):
    """[(category, [(day, [slot…])…])…] of the slots with room left."""
    categories: dict = {}
    for slot in selectors.open_slots(office=office):
        day = timezone.localtime(slot.starts_at).date()
        _category, days = categories.setdefault(slot.category_id, (slot.category, {}))
        days.setdefault(day, []).append(slot)
    return [(category, list(days.items())) for category, days in categories.values()]


@method_decorator(never_cache, name="dispatch")
class AppointmentBookView(View):
    template_name = TEMPLATES + "appointments.html"

    def _render(self, request, office, form, *, status=200):
        groups = _slots_by_category(office)
        wanted = request.POST.get("category") or request.GET.get("category")
        chosen = next((g for g in groups if g[0].slug == wanted), None)
        if chosen is None and len(groups) == 1:
            chosen = groups[0]
        context = {
            "office": office,
            "groups": groups,
            "chosen": chosen,
            "chosen_slot": request.POST.get("slot"),
            "form": form,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, office):
        return self._render(request, _office(office), AppointmentForm())

    def post(self, request, office):
        office = _office(office)
        if _over_limit(request, "book"):
            return _too_many(request, "book")
        form = AppointmentForm(request.POST)
        if not form.is_valid():
            return self._render(request, office, form, status=400)
        slot = (
            AppointmentSlot.objects.filter(office=office, pk=form.cleaned_data["slot"])
            .select_related("category")
            .first()
        )
        if slot is None:
            form.add_error(None, _("Choose a time."))
            return self._render(request, office, form, status=400)
        try:
            appointment = services.appointment_book(
                slot=slot,
                requester_name=form.cleaned_data["requester_name"],
                phone=form.cleaned_data["phone"],
                language=(get_language() or "ar")[:2],
            )
        except ApplicationError as error:
            _add_errors(form, error)
            status = 409 if error.code == "conflict" else 400
            return self._render(request, office, form, status=status)
        request.session[SESSION_APPOINTMENT] = {"code": appointment.code, "slot": slot.pk}
        return redirect("citizen_spaces:public_appointment_booked", office=office.slug)


@method_decorator(never_cache, name="dispatch")
class AppointmentBookedView(View):
    def get(self, request, office):
        office = _office(office)
        remembered = request.session.get(SESSION_APPOINTMENT) or {}
        slot = (
            AppointmentSlot.objects.filter(office=office, pk=remembered.get("slot") or 0)
            .select_related("category")
            .first()
        )
        if slot is None:
            return redirect("citizen_spaces:public_appointments", office=office.slug)
        context = {"office": office, "slot": slot, "code": remembered["code"]}
        return render(request, TEMPLATES + "appointment_booked.html", context)


@method_decorator(never_cache, name="dispatch")
class AppointmentCancelView(View):
    template_name = TEMPLATES + "appointment_cancel.html"

    def get(self, request):
        return render(request, self.template_name, {"form": AppointmentCancelForm()})

    def post(self, request):
        if _over_limit(request, "track"):
            return _too_many(request, "track")
        form = AppointmentCancelForm(request.POST)
        context = {"form": form}
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        try:
            context["cancelled"] = services.appointment_cancel(
                code=form.cleaned_data["code"], phone=form.cleaned_data["phone"]
            )
        except ApplicationError as error:
            context["not_found"] = error.message
        return render(request, self.template_name, context)
