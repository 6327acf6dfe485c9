"""The Citizen Spaces over HTTP (docs/api.md), scoped exactly as the pages are.

Public reads (the catalogue, the Citizen Spaces, open appointment slots) need no account and
are lightly rate-limited. Staff endpoints go through `wasla.citizen_spaces.selectors`, whose
scope decides what a caller sees (a request of another Citizen Space is a 404), and writes go
through `wasla.citizen_spaces.services`; their ApplicationError becomes a 400 naming its
`code`, a 403 for `forbidden`, a 409 for a stale `version` (wasla.core.rest)."""

import functools
import hashlib
import operator

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wasla.citizen_spaces import selectors, services
from wasla.citizen_spaces.models import (
    LANGUAGES,
    ContactChannel,
    Department,
    ServiceCategory,
    ServiceRequest,
    ServiceType,
    Stage,
    Ticket,
)
from wasla.citizen_spaces.rest.serializers import (
    AppointmentSlotOutputSerializer,
    CitizenSpaceOutputSerializer,
    IssuedTicketOutputSerializer,
    RequestEventOutputSerializer,
    ServiceRequestDetailOutputSerializer,
    ServiceRequestOutputSerializer,
    ServiceTypeOutputSerializer,
    TicketOutputSerializer,
)
from wasla.citizen_spaces.rest.throttling import PublicReadThrottle
from wasla.core.exceptions import ApplicationError
from wasla.organisations.models import Office
from wasla.organisations.permissions import HasPermission
from wasla.organisations.scoping import scope_for
from wasla.territories.models import Locality

TRUE_VALUES = {"1", "true", "yes"}
READ_METHODS = ("GET", "HEAD", "OPTIONS")
OFFICE_PARAMETER = OpenApiParameter(
    "office", str, description="A Citizen Space slug, e.g. citizen-space-ksar-el-ababsa"
)


def _flag(request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in TRUE_VALUES


def _paginated(view, request, items, serializer_class) -> Response:
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _citizen_space(slug: str, field: str = "office") -> Office:
    """A Citizen Space by slug, or a 400 naming `field`."""
    try:
        return selectors.citizen_space_get(slug=slug or "")
    except Office.DoesNotExist:
        raise serializers.ValidationError({field: [_("Unknown Citizen Space.")]}) from None


def _by_slug(model, slug: str | None, field: str):
    if not slug:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise serializers.ValidationError(
            {field: [_("Unknown identifier “%(slug)s”.") % {"slug": slug}]}
        )
    return found


def _idempotency_key(request) -> str | None:
    """The client's Idempotency-Key header, kept apart from every other caller's keys."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    return f"api:{request.user.pk}:{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}"


# ---------------------------------------------------------------------------------------
# Catalogue (public reads, edited by administrators)


class ServiceTypeInputSerializer(serializers.Serializer):
    """Fields of a service; the catalogue service checks the rest (names, fee, days)."""

    name_ar = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name_fr = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description_ar = serializers.CharField(required=False, allow_blank=True)
    description_fr = serializers.CharField(required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    requirements_ar = serializers.CharField(
        required=False, allow_blank=True, help_text="One document per line."
    )
    requirements_fr = serializers.CharField(required=False, allow_blank=True)
    requirements_en = serializers.CharField(required=False, allow_blank=True)
    category = serializers.SlugField(required=False, help_text="A service category slug.")
    department = serializers.SlugField(required=False, help_text="A department slug.")
    fee_tnd = serializers.DecimalField(max_digits=9, decimal_places=3, required=False)
    target_working_days = serializers.IntegerField(required=False)
    online = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)
    offices = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        help_text="Slugs of the Citizen Spaces of your organisation that provide it; those of "
        "other organisations are kept.",
    )

    def resolved(self) -> dict:
        data = dict(self.validated_data)
        category = _by_slug(ServiceCategory, data.pop("category", None), "category")
        department = _by_slug(Department, data.pop("department", None), "department")
        if category is not None:
            data["category"] = category
        if department is not None:
            data["department"] = department
        if "offices" in data:
            data["offices"] = [_citizen_space(slug, "offices") for slug in data["offices"]]
        return data


class ServiceTypeListApi(APIView):
    """The catalogue of services offered (`office`, `category`, `online=true` filter it);
    administrators POST a new service."""

    pagination_class = LimitOffsetPagination
    permission = "citizen_spaces.catalogue.edit"

    def get_permissions(self):
        return [AllowAny()] if self.request.method in READ_METHODS else [HasPermission()]

    def get_throttles(self):
        return [PublicReadThrottle()] if self.request.method in READ_METHODS else []

    class InputSerializer(ServiceTypeInputSerializer):
        code = serializers.SlugField(max_length=60, help_text="The Open311 service_code.")
        category = serializers.SlugField(help_text="A service category slug.")
        department = serializers.SlugField(help_text="A department slug.")

        class Meta:
            ref_name = "ServiceTypeCreateInput"

    @extend_schema(
        parameters=[
            OFFICE_PARAMETER,
            OpenApiParameter("category", str, description="A service category slug"),
            OpenApiParameter("online", bool, description="Only services requested online"),
        ],
        responses=ServiceTypeOutputSerializer(many=True),
    )
    def get(self, request):
        office = None
        if request.query_params.get("office"):
            office = _citizen_space(request.query_params["office"])
        catalogue = selectors.catalogue(office=office, online_only=_flag(request, "online"))
        if request.query_params.get("category"):
            catalogue = catalogue.filter(category__slug=request.query_params["category"])
        return _paginated(
            self, request, catalogue.prefetch_related("offices"), ServiceTypeOutputSerializer
        )

    @extend_schema(request=InputSerializer, responses={201: ServiceTypeOutputSerializer})
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.resolved()
        service = services.service_create(actor=request.user, **data)
        return Response(ServiceTypeOutputSerializer(service).data, status=status.HTTP_201_CREATED)


class ServiceTypeDetailApi(APIView):
    """One service (anyone); administrators change it with the `version` they read (409 if
    someone saved it since)."""

    permission = "citizen_spaces.catalogue.edit"

    def get_permissions(self):
        return [AllowAny()] if self.request.method in READ_METHODS else [HasPermission()]

    def get_throttles(self):
        return [PublicReadThrottle()] if self.request.method in READ_METHODS else []

    class InputSerializer(ServiceTypeInputSerializer):
        version = serializers.IntegerField(min_value=1)

        class Meta:
            ref_name = "ServiceTypeUpdateInput"

    def _service(self, code: str) -> ServiceType:
        # Editors also reach the services taken out of the catalogue, to put them back.
        services_seen = (
            ServiceType.objects.select_related("category", "department")
            if scope_for(self.request.user).can(self.permission)
            else selectors.catalogue()
        )
        service = services_seen.prefetch_related("offices").filter(code=code).first()
        if service is None:
            raise Http404
        return service

    @extend_schema(responses=ServiceTypeOutputSerializer)
    def get(self, request, code):
        return Response(ServiceTypeOutputSerializer(self._service(code)).data)

    @extend_schema(request=InputSerializer, responses=ServiceTypeOutputSerializer)
    def patch(self, request, code):
        service = self._service(code)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.resolved()
        expected_version = data.pop("version")
        offices = data.pop("offices", None)
        services.service_update(
            actor=request.user,
            service=service,
            expected_version=expected_version,
            offices=offices,
            **data,
        )
        return Response(ServiceTypeOutputSerializer(self._service(code)).data)


class CitizenSpaceListApi(APIView):
    """The open Citizen Spaces, each with the services it offers."""

    permission_classes = [AllowAny]
    throttle_classes = [PublicReadThrottle]
    pagination_class = LimitOffsetPagination

    @staticmethod
    def spaces():
        return selectors.citizen_spaces().prefetch_related(
            Prefetch(
                "services",
                queryset=selectors.catalogue().select_related("category"),
                to_attr="offered_services",
            )
        )

    @extend_schema(responses=CitizenSpaceOutputSerializer(many=True))
    def get(self, request):
        return _paginated(self, request, self.spaces(), CitizenSpaceOutputSerializer)


class CitizenSpaceDetailApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [PublicReadThrottle]

    @extend_schema(responses=CitizenSpaceOutputSerializer)
    def get(self, request, slug):
        space = CitizenSpaceListApi.spaces().filter(slug=slug).first()
        if space is None:
            raise Http404
        return Response(CitizenSpaceOutputSerializer(space).data)


class AppointmentSlotListApi(APIView):
    """The appointment slots of a Citizen Space with room left, from now on (`days` ahead,
    14 by default, at most 60; `category` filters)."""

    permission_classes = [AllowAny]
    throttle_classes = [PublicReadThrottle]
    pagination_class = LimitOffsetPagination

    class QuerySerializer(serializers.Serializer):
        office = serializers.SlugField()
        category = serializers.SlugField(required=False)
        days = serializers.IntegerField(required=False, min_value=1, max_value=60, default=14)

    @extend_schema(
        parameters=[
            OpenApiParameter("office", str, required=True, description="A Citizen Space slug"),
            OpenApiParameter("category", str, description="A service category slug"),
            OpenApiParameter("days", int, description="How many days ahead (1–60, 14)"),
        ],
        responses=AppointmentSlotOutputSerializer(many=True),
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        office = _citizen_space(query.validated_data["office"])
        category = _by_slug(ServiceCategory, query.validated_data.get("category"), "category")
        slots = selectors.open_slots(
            office=office, category=category, days=query.validated_data["days"]
        ).select_related("office")
        return _paginated(self, request, slots, AppointmentSlotOutputSerializer)


# ---------------------------------------------------------------------------------------
# Requests (staff)


def _request(request, reference: str) -> ServiceRequest:
    try:
        return selectors.request_get(user=request.user, reference=reference)
    except ServiceRequest.DoesNotExist:
        raise Http404 from None


class ServiceRequestListApi(APIView):
    """The work queue: open requests of the caller's Citizen Spaces, earliest due first
    (`office`, `stage`, `department`, `service`, `overdue=true`, `q` — a reference, a phone
    or a name — and `include_closed=true`). POST registers a request at the desk: JSON, or
    multipart with `documents`; an `Idempotency-Key` header makes a retry return the request
    the first call created."""

    permission_classes = [HasPermission]
    pagination_class = LimitOffsetPagination

    @property
    def permission(self):
        if self.request.method == "POST":
            return "citizen_spaces.requests.process"
        return "citizen_spaces.requests.view"

    class InputSerializer(serializers.Serializer):
        service = serializers.SlugField(help_text="The service code.")
        office = serializers.SlugField(help_text="The Citizen Space where it is registered.")
        requester_name = serializers.CharField(max_length=200)
        phone = serializers.CharField(max_length=30)
        email = serializers.EmailField(required=False, allow_blank=True, default="")
        contact_channel = serializers.ChoiceField(
            choices=ContactChannel.choices, required=False, default=ContactChannel.SMS
        )
        language = serializers.ChoiceField(choices=LANGUAGES, required=False, default="ar")
        details = serializers.CharField(required=False, allow_blank=True, default="")
        address = serializers.CharField(
            max_length=255, required=False, allow_blank=True, default=""
        )
        latitude = serializers.FloatField(
            required=False, allow_null=True, min_value=-90, max_value=90
        )
        longitude = serializers.FloatField(
            required=False, allow_null=True, min_value=-180, max_value=180
        )
        residence_locality = serializers.IntegerField(
            required=False, allow_null=True, help_text="Where the requester lives."
        )
        documents = serializers.ListField(
            child=serializers.FileField(),
            required=False,
            help_text="PDF, JPEG or PNG files (multipart only).",
        )

        class Meta:
            ref_name = "ServiceRequestInput"

    @extend_schema(
        parameters=[
            OFFICE_PARAMETER,
            OpenApiParameter("stage", str, enum=Stage.values),
            OpenApiParameter("department", str, description="A department slug"),
            OpenApiParameter("service", str, description="A service code"),
            OpenApiParameter("overdue", bool, description="Only open requests past due"),
            OpenApiParameter("include_closed", bool, description="Also delivered and rejected"),
            OpenApiParameter("q", str, description="A reference, a phone number or a name"),
        ],
        responses=ServiceRequestOutputSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        offices = selectors.offices_in_scope(user=request.user)
        if params.get("office"):
            offices = offices.filter(slug=params["office"])
        queues = [
            selectors.work_queue(
                user=request.user,
                office=office,
                stage=params.get("stage"),
                department=params.get("department"),
                service=params.get("service"),
                overdue_only=_flag(request, "overdue"),
                search=params.get("q", ""),
                include_closed=_flag(request, "include_closed"),
            )
            for office in offices
        ]
        requests = functools.reduce(operator.or_, queues, ServiceRequest.objects.none())
        requests = requests.select_related(
            "service", "service__department", "office", "submitted_by"
        ).order_by("due_on", "submitted_at", "pk")
        return _paginated(self, request, requests, ServiceRequestOutputSerializer)

    @extend_schema(
        request={
            "application/json": InputSerializer,
            "multipart/form-data": InputSerializer,
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                location=OpenApiParameter.HEADER,
                description="Any string unique to this submission; a retry with the same key "
                "returns the request already created.",
            )
        ],
        responses={201: ServiceRequestDetailOutputSerializer},
    )
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        service = selectors.catalogue().filter(code=data.pop("service")).first()
        if service is None:
            raise serializers.ValidationError({"service": [_("Unknown service.")]})
        office = _citizen_space(data.pop("office"))
        locality_id = data.pop("residence_locality", None)
        if locality_id is not None:
            data["residence_locality"] = Locality.objects.filter(pk=locality_id).first()
            if data["residence_locality"] is None:
                raise serializers.ValidationError({"residence_locality": [_("Unknown locality.")]})
        submitted = services.request_submit(
            service=service,
            office=office,
            channel=ServiceRequest.Channel.DESK,
            actor=request.user,
            documents=data.pop("documents", ()),
            idempotency_key=_idempotency_key(request),
            **data,
        )
        return Response(
            ServiceRequestDetailOutputSerializer(_request(request, submitted.reference)).data,
            status=status.HTTP_201_CREATED,
        )


class ServiceRequestDetailApi(APIView):
    """One request of the caller's Citizen Spaces, with its documents."""

    permission_classes = [HasPermission]
    permission = "citizen_spaces.requests.view"

    @extend_schema(responses=ServiceRequestDetailOutputSerializer)
    def get(self, request, reference):
        return Response(ServiceRequestDetailOutputSerializer(_request(request, reference)).data)


class ServiceRequestMoveApi(APIView):
    """Move a request to its next stage; the citizen is told by SMS and/or email. `version`
    is the one read (409 if someone saved since); a move the stages do not allow is a 400
    with code `invalid_transition`; `reason` is required to reject (the reason) and to wait
    for the citizen (the missing document)."""

    permission_classes = [HasPermission]
    permission = "citizen_spaces.requests.process"

    class InputSerializer(serializers.Serializer):
        to_stage = serializers.ChoiceField(choices=Stage.choices)
        version = serializers.IntegerField(min_value=1)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Why it is rejected, or which document is missing.",
        )

        class Meta:
            ref_name = "ServiceRequestMoveInput"

    @extend_schema(request=InputSerializer, responses=ServiceRequestOutputSerializer)
    def post(self, request, reference):
        service_request = _request(request, reference)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        moved = services.request_move(
            actor=request.user,
            request=service_request,
            to_stage=data["to_stage"],
            expected_version=data["version"],
            note=data["note"],
            reason=data["reason"],
        )
        return Response(ServiceRequestOutputSerializer(moved).data)


class ServiceRequestBulkMoveApi(APIView):
    """Move several requests of one Citizen Space to the same stage: all of them, or none
    (the error names the requests that cannot make that move)."""

    permission_classes = [HasPermission]
    permission = "citizen_spaces.requests.process"

    class InputSerializer(serializers.Serializer):
        office = serializers.SlugField()
        references = serializers.ListField(
            child=serializers.CharField(max_length=20), min_length=1, max_length=200
        )
        to_stage = serializers.ChoiceField(choices=Stage.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ServiceRequestBulkMoveInput"

    @extend_schema(request=InputSerializer, responses=ServiceRequestOutputSerializer(many=True))
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        moved = services.requests_move_bulk(
            actor=request.user, office=_citizen_space(data.pop("office")), **data
        )
        return Response(ServiceRequestOutputSerializer(moved, many=True).data)


class ServiceRequestEventListApi(APIView):
    """Every step of a request, oldest first."""

    permission_classes = [HasPermission]
    permission = "citizen_spaces.requests.view"

    @extend_schema(responses=RequestEventOutputSerializer(many=True))
    def get(self, request, reference):
        events = selectors.request_timeline(request=_request(request, reference))
        return Response(RequestEventOutputSerializer(events, many=True).data)


# ---------------------------------------------------------------------------------------
# Queue (staff at the counters)


def _queue_office(request, slug: str) -> Office:
    """A Citizen Space where the caller runs the queue; 403 for another one."""
    office = _citizen_space(slug)
    queue_offices = selectors.offices_in_scope(
        user=request.user, permission="citizen_spaces.queue.operate"
    )
    if not queue_offices.filter(pk=office.pk).exists():
        raise ApplicationError(_("You work at another Citizen Space."), code="forbidden")
    return office


class TicketIssueApi(APIView):
    """Hand out the next take-a-number ticket of a category at a Citizen Space (A001, A002…),
    for a counter application; the kiosk page of the waiting room does the same for the
    public."""

    permission_classes = [HasPermission]
    permission = "citizen_spaces.queue.operate"

    class InputSerializer(serializers.Serializer):
        office = serializers.SlugField()
        category = serializers.SlugField(help_text="A service category slug.")

        class Meta:
            ref_name = "TicketIssueInput"

    @extend_schema(request=InputSerializer, responses={201: IssuedTicketOutputSerializer})
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        office = _queue_office(request, payload.validated_data["office"])
        category = _by_slug(ServiceCategory, payload.validated_data["category"], "category")
        ticket = services.ticket_issue(office=office, category=category)
        ticket.waiting_before = selectors.ticket_position(ticket=ticket)
        return Response(IssuedTicketOutputSerializer(ticket).data, status=status.HTTP_201_CREATED)


class TicketCallNextApi(APIView):
    """A counter closes the ticket it was serving and calls the longest-waiting one (of the
    `categories` given, else of any); 204 when nobody waits."""

    permission_classes = [HasPermission]
    permission = "citizen_spaces.queue.operate"

    class InputSerializer(serializers.Serializer):
        office = serializers.SlugField()
        counter = serializers.CharField(max_length=40, help_text="e.g. “Guichet 2”.")
        categories = serializers.ListField(
            child=serializers.SlugField(), required=False, help_text="Category slugs."
        )

        class Meta:
            ref_name = "TicketCallNextInput"

    @extend_schema(
        request=InputSerializer,
        responses={200: TicketOutputSerializer, 204: OpenApiResponse(description="Nobody waits.")},
    )
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        office = _queue_office(request, data["office"])
        categories = [
            _by_slug(ServiceCategory, slug, "categories") for slug in data.get("categories", [])
        ]
        ticket = services.ticket_call_next(
            actor=request.user, office=office, counter=data["counter"], categories=categories
        )
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TicketOutputSerializer(ticket).data)


class TicketCloseApi(APIView):
    """The counter is done with a called ticket: the person came (`came`) or did not."""

    permission_classes = [HasPermission]
    permission = "citizen_spaces.queue.operate"

    class InputSerializer(serializers.Serializer):
        came = serializers.BooleanField()

        class Meta:
            ref_name = "TicketCloseInput"

    @extend_schema(request=InputSerializer, responses=TicketOutputSerializer)
    def post(self, request, pk):
        offices = selectors.offices_in_scope(
            user=request.user, permission="citizen_spaces.queue.operate"
        )
        ticket = (
            Ticket.objects.select_related("office", "category")
            .filter(office__in=offices, pk=pk)
            .first()
        )
        if ticket is None:
            raise Http404
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ticket = services.ticket_close(
            actor=request.user, ticket=ticket, came=payload.validated_data["came"]
        )
        return Response(TicketOutputSerializer(ticket).data)
