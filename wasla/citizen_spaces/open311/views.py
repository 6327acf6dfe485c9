"""Open311 GeoReport v2 at /open311/v2/: other municipal tools list the services of the
Citizen Spaces, post requests to them and follow those requests (docs/open311.md).

GETs are open to anyone (lightly rate-limited), as the specification wants. Posting needs an
api_key: the API token of a staff account allowed to register requests at the Citizen Space,
sent as the `api_key` form field or an `Authorization: Token <key>` header. Sessions are not
accepted for posting, so the POST needs no CSRF token. Every error is answered in the error
format of the specification, in the format the URL asked for."""

import datetime
import hashlib
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.core.validators import ValidationError as DjangoValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.models import Token

from wasla.citizen_spaces import selectors, services
from wasla.citizen_spaces.models import ServiceRequest, normalise_reference
from wasla.citizen_spaces.open311 import representations
from wasla.citizen_spaces.open311 import selectors as open311_selectors
from wasla.citizen_spaces.open311.formats import Open311Error, render, render_error
from wasla.citizen_spaces.rest.throttling import PublicReadThrottle
from wasla.core.exceptions import ApplicationError
from wasla.organisations.models import Office
from wasla.organisations.scoping import scope_for

DEFAULT_SPAN = datetime.timedelta(days=90)
MAX_DESCRIPTION = 4000
LANGUAGES = ("ar", "fr", "en")
# Wasla's field names in service errors → the Open311 parameter the client sent.
PARAMETERS = {
    "requester_name": "first_name",
    "phone": "phone",
    "email": "email",
    "contact_channel": "email",
    "language": "locale",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "details": "description",
    "service": "service_code",
}


def _api_user(request):
    """The staff account whose token the caller presents, None without a key; a key that
    is not a valid token is refused (403), whatever the method."""
    header = request.headers.get("Authorization", "")
    key = header[6:].strip() if header[:6].lower() == "token " else ""
    key = key or request.POST.get("api_key", "").strip() or request.GET.get("api_key", "").strip()
    if not key:
        return None
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        raise Open311Error(403, _("Invalid api_key received: the request cannot proceed."))
    return token.user


def _from_application_error(error: ApplicationError) -> Open311Error:
    """A broken rule of the services, named after the Open311 parameter at fault."""
    if error.code == "forbidden":
        return Open311Error(403, error.message)
    messages = [
        f"{PARAMETERS.get(field, field)}: {message}"
        for field, field_messages in (error.extra or {}).items()
        for message in field_messages
    ]
    if not messages:
        return Open311Error(400, error.message)
    return Open311Error(400, messages[0], more=[(400, message) for message in messages[1:]])


def _jurisdiction(params) -> Office | None:
    """The Citizen Space named by `jurisdiction_id` (its slug), None when not given."""
    slug = (params.get("jurisdiction_id") or "").strip()
    if not slug:
        return None
    try:
        return selectors.citizen_space_get(slug=slug)
    except Office.DoesNotExist:
        raise Open311Error(
            404, _("jurisdiction_id “%(id)s” was not found.") % {"id": slug[:80]}
        ) from None


def _list(params, name: str) -> list[str]:
    return [item.strip() for item in (params.get(name) or "").split(",") if item.strip()]


def _moment(params, name: str) -> datetime.datetime | None:
    text = (params.get(name) or "").strip()
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(
            400,
            _("%(name)s must be a date and time in W3C format, e.g. 2026-01-31T00:00:00Z.")
            % {"name": name},
        )
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _period(params) -> tuple[datetime.datetime, datetime.datetime]:
    """start_date..end_date, the last 90 days by default, never more than 90 days."""
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    until = end or (start + DEFAULT_SPAN if start else timezone.now())
    since = start or until - DEFAULT_SPAN
    if since > until:
        raise Open311Error(400, _("start_date must come before end_date."))
    if until - since > DEFAULT_SPAN:
        raise Open311Error(400, _("start_date and end_date may not be more than 90 days apart."))
    return since, until


@method_decorator(csrf_exempt, name="dispatch")
class Open311View(View):
    """Answers in the format of the URL's extension; errors in the specification's format."""

    def dispatch(self, request, *args, **kwargs):
        self.fmt = kwargs.pop("fmt")
        try:
            self.api_user = _api_user(request)
            if request.method in ("GET", "HEAD") and self.api_user is None:
                self._throttle(request)
            return super().dispatch(request, *args, **kwargs)
        except Open311Error as error:
            return render_error(error, fmt=self.fmt)
        except ApplicationError as error:
            return render_error(_from_application_error(error), fmt=self.fmt)
        except PermissionDenied:
            return render_error(Open311Error(403, _("This api_key may not do this.")), fmt=self.fmt)

    def _throttle(self, request) -> None:
        throttle = PublicReadThrottle()
        if not throttle.allow_request(request, self):
            wait = throttle.wait()
            raise Open311Error(
                429,
                _("Too many requests. Try again in a minute."),
                headers={"Retry-After": str(math.ceil(wait or 60))},
            )

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise Open311Error(
            405,
            _("This method is not allowed here."),
            headers={"Allow": ", ".join(method.upper() for method in self._allowed_methods())},
        )

    def respond(self, data, *, root: str, status: int = 200):
        return render(data, fmt=self.fmt, root=root, status=status)


class DiscoveryView(Open311View):
    """GET discovery: where the endpoint is and which formats it speaks."""

    def get(self, request):
        changed = open311_selectors.catalogue_changed_at() or timezone.now()
        changeset = representations.w3_datetime(changed)
        url = settings.WASLA_PUBLIC_URL.rstrip("/") + reverse("open311:root").rstrip("/")
        document = representations.discovery(
            url=url, changeset=changeset, production=not settings.DEBUG
        )
        return self.respond(document, root="discovery")


class ServiceListView(Open311View):
    """GET services: the catalogue, or that of one Citizen Space (`jurisdiction_id`)."""

    def get(self, request):
        office = _jurisdiction(request.GET)
        entries = [
            representations.service_entry(service) for service in selectors.catalogue(office=office)
        ]
        return self.respond(entries, root="services")


class ServiceDefinitionView(Open311View):
    """GET services/<code>: no service asks for attributes, so the list is empty."""

    def get(self, request, code):
        office = _jurisdiction(request.GET)
        service = selectors.catalogue(office=office).filter(code=code).first()
        if service is None:
            raise Open311Error(
                404, _("service_code “%(code)s” was not found.") % {"code": code[:60]}
            )
        return self.respond(representations.service_definition(service), root="service_definition")


class RequestListView(Open311View):
    """GET requests: find requests; POST requests: submit one (with an api_key)."""

    def get(self, request):
        params = request.GET
        office = _jurisdiction(params)
        statuses = _list(params, "status")
        if set(statuses) - {"open", "closed"}:
            raise Open311Error(400, _("status must be open, closed or both."))
        since, until = _period(params)
        references = None
        if params.get("service_request_id"):
            references = [
                normalise_reference(item) or item
                for item in _list(params, "service_request_id")[: open311_selectors.MAX_REQUESTS]
            ]
        found = open311_selectors.requests_search(
            offices=open311_selectors.offices_seen_in_full(user=self.api_user),
            office=office,
            references=references,
            service_codes=_list(params, "service_code"),
            statuses=statuses,
            since=since,
            until=until,
        )
        entries = [representations.request_entry(item) for item in found]
        return self.respond(entries, root="service_requests")

    def post(self, request):
        user = self.api_user
        if user is None:
            raise Open311Error(403, _("An api_key is required to post a request."))
        scope = scope_for(user)
        if not scope.can("citizen_spaces.requests.process"):
            raise Open311Error(403, _("This api_key may not post requests."))
        params = request.POST
        office = _jurisdiction(params)
        service = self._service(params)
        office = self._office(service, office, scope)
        submitted = services.request_submit(
            service=service,
            office=office,
            channel=ServiceRequest.Channel.OPEN311,
            actor=user,
            idempotency_key=self._idempotency_key(request, user),
            **self._fields(params),
        )
        return self.respond([representations.created_entry(submitted)], root="service_requests")

    def _service(self, params):
        code = (params.get("service_code") or "").strip()
        if not code:
            raise Open311Error(400, _("service_code was not provided."))
        service = selectors.catalogue().filter(code=code).first()
        if service is None:
            raise Open311Error(
                404, _("service_code “%(code)s” was not found.") % {"code": code[:60]}
            )
        return service

    def _office(self, service, office, scope) -> Office:
        """The Citizen Space named by jurisdiction_id; without one, the only Citizen Space
        within the key's reach that offers the service."""
        if office is None:
            offering = list(selectors.citizen_spaces().filter(services=service))
            reachable = [
                space
                for space in offering
                if scope.is_platform_admin or space.pk in scope.office_ids
            ]
            if len(reachable) == 1:
                return reachable[0]
            if not offering:
                raise Open311Error(400, _("This service is not offered at any Citizen Space."))
            if reachable:
                raise Open311Error(
                    400,
                    _(
                        "jurisdiction_id was not provided: this service is offered at several "
                        "Citizen Spaces (%(slugs)s)."
                    )
                    % {"slugs": ", ".join(space.slug for space in reachable)},
                )
            office = offering[0]
        if not scope.is_platform_admin and office.pk not in scope.office_ids:
            raise Open311Error(403, _("This api_key may not post requests to this Citizen Space."))
        return office

    def _idempotency_key(self, request, user) -> str | None:
        """The client's Idempotency-Key, kept apart from every other key holder's."""
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return None
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
        return f"open311:{user.pk}:{digest}"

    def _fields(self, params) -> dict:
        """The request's fields from the Open311 parameters, location and text checked."""
        fields = {"latitude": None, "longitude": None}
        lat, long = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
        address = (params.get("address_string") or params.get("address_id") or "").strip()
        if lat or long:
            try:
                fields["latitude"], fields["longitude"] = float(lat), float(long)
            except ValueError:
                raise Open311Error(
                    400, _("lat and long must both be numbers (WGS84 degrees).")
                ) from None
            if not all(math.isfinite(value) for value in fields.values()):
                raise Open311Error(400, _("lat and long must both be numbers (WGS84 degrees)."))
            if not (-90 <= fields["latitude"] <= 90 and -180 <= fields["longitude"] <= 180):
                raise Open311Error(
                    400, _("lat lies between -90 and 90, long between -180 and 180.")
                )
        elif not address:
            raise Open311Error(400, _("A location is required: lat and long, or address_string."))
        description = (params.get("description") or "").strip()
        if len(description) > MAX_DESCRIPTION:
            raise Open311Error(400, _("description is limited to 4,000 characters."))
        media_url = (params.get("media_url") or "").strip()
        if media_url:
            try:
                URLValidator(schemes=["http", "https"])(media_url)
            except DjangoValidationError:
                raise Open311Error(400, _("media_url must be an http or https URL.")) from None
            description = f"{description}\nmedia_url: {media_url}".strip()
        email = (params.get("email") or "").strip()
        locale = (params.get("locale") or translation.get_language() or "ar")[:2].lower()
        name = " ".join(
            part.strip() for part in (params.get("first_name"), params.get("last_name")) if part
        )
        return {
            **fields,
            "address": address,
            "details": description,
            "requester_name": name,
            "phone": params.get("phone") or "",
            "email": email,
            "contact_channel": "both" if email else "sms",
            "language": locale if locale in LANGUAGES else "ar",
        }


class RequestDetailView(Open311View):
    """GET requests/<id>: one request, as a list of one (the specification's shape)."""

    def get(self, request, reference):
        office = _jurisdiction(request.GET)
        found = open311_selectors.request_find(
            offices=open311_selectors.offices_seen_in_full(user=self.api_user),
            reference=normalise_reference(reference) or reference,
        )
        if found is None or (office is not None and found.office_id != office.pk):
            raise Open311Error(
                404,
                _("service_request_id “%(id)s” was not found.") % {"id": reference[:40]},
            )
        return self.respond([representations.request_entry(found)], root="service_requests")


def root(request):
    """The base URL leads to the discovery document."""
    return redirect("open311:discovery", fmt="xml")


@csrf_exempt
def not_found(request, path=""):
    fmt = "json" if path.endswith(".json") else "xml"
    return render_error(
        Open311Error(404, _("There is no Open311 resource at this address.")), fmt=fmt
    )
