"""The person registry over HTTP, scoped exactly as the pages are (docs/api.md)."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wasla.organisations.models import Office
from wasla.organisations.permissions import HasPermission
from wasla.organisations.scoping import scope_for
from wasla.people import selectors, services
from wasla.people.models import Consent, Person, PersonDocument
from wasla.people.rest.serializers import (
    ConsentInputSerializer,
    ConsentSerializer,
    MigrationEpisodeInputSerializer,
    MigrationEpisodeSerializer,
    PersonInputSerializer,
    PersonOutputSerializer,
)
from wasla.territories.models import Locality


def _person(request, reference: str, permission: str = "people.view") -> Person:
    try:
        return selectors.person_get(user=request.user, reference=reference, permission=permission)
    except Person.DoesNotExist:
        raise Http404 from None


def _resolve_localities(data: dict, *names: str) -> dict:
    for name in names:
        if data.get(name) is not None:
            locality = Locality.objects.filter(pk=data[name]).first()
            if locality is None:
                raise serializers.ValidationError({name: ["Unknown locality."]})
            data[name] = locality
    return data


def _output(request, person: Person) -> dict:
    show_id = scope_for(request.user).can("people.national_id.view")
    return PersonOutputSerializer(person, show_national_id=show_id).data


class LikelyMatchSerializer(serializers.Serializer):
    reference = serializers.CharField()
    full_name = serializers.CharField()
    birth_year = serializers.IntegerField()
    registered_office = serializers.CharField()
    in_scope = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    strength = serializers.IntegerField()


class PersonListApi(APIView):
    """Search people (`q`: name in any script, phone, identity number, reference) or register one."""

    permission_classes = [HasPermission]

    @property
    def permission(self):
        return "people.register" if self.request.method == "POST" else "people.view"

    class RegisterSerializer(PersonInputSerializer):
        office = serializers.SlugField(help_text="The office where the person is registered.")
        confirmed_new = serializers.BooleanField(
            default=False,
            help_text="Register even though likely existing records were found (409 lists them).",
        )

    @extend_schema(
        parameters=[OpenApiParameter("q", str)], responses=PersonOutputSerializer(many=True)
    )
    def get(self, request):
        query = request.query_params.get("q", "")
        people = (
            selectors.person_search(user=request.user, query=query)
            if query
            else selectors.person_list(user=request.user)
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(people, request, view=self)
        return paginator.get_paginated_response([_output(request, person) for person in page])

    @extend_schema(
        request=RegisterSerializer,
        responses={201: PersonOutputSerializer, 409: LikelyMatchSerializer(many=True)},
    )
    def post(self, request):
        payload = self.RegisterSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = _resolve_localities(
            dict(payload.validated_data), "residence_locality", "origin_locality"
        )
        office = Office.objects.filter(slug=data.pop("office")).first()
        if office is None:
            raise serializers.ValidationError({"office": ["Unknown office."]})
        # The same warning as the intake page: likely existing records first, then a second
        # call with confirmed_new=true registers anyway.
        if not data.pop("confirmed_new"):
            matches = selectors.person_likely_matches(user=request.user, fields=data)
            if matches:
                return Response(
                    {
                        "code": "likely_duplicate",
                        "detail": _(
                            "This person may already be registered. Check these records; "
                            "send confirmed_new=true to register a new person anyway."
                        ),
                        "matches": LikelyMatchSerializer(matches, many=True).data,
                    },
                    status=status.HTTP_409_CONFLICT,
                )
        person = services.person_register(actor=request.user, office=office, **data)
        return Response(_output(request, person), status=status.HTTP_201_CREATED)


class PersonDetailApi(APIView):
    """One person; PATCH must carry the `version` read (409 if someone saved since)."""

    permission_classes = [HasPermission]

    @property
    def permission(self):
        return "people.edit" if self.request.method == "PATCH" else "people.view"

    class UpdateSerializer(PersonInputSerializer):
        version = serializers.IntegerField(min_value=1)

    @extend_schema(responses=PersonOutputSerializer)
    def get(self, request, reference):
        return Response(_output(request, _person(request, reference)))

    @extend_schema(request=UpdateSerializer, responses=PersonOutputSerializer)
    def patch(self, request, reference):
        person = _person(request, reference, "people.edit")
        payload = self.UpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = _resolve_localities(
            dict(payload.validated_data), "residence_locality", "origin_locality"
        )
        version = data.pop("version")
        person = services.person_update(
            actor=request.user, person=person, expected_version=version, **data
        )
        return Response(_output(request, person))


class LikelyMatchesApi(APIView):
    """Records that look like a person about to be registered, with the reasons."""

    permission_classes = [HasPermission]
    permission = "people.register"
    MatchSerializer = LikelyMatchSerializer

    @extend_schema(request=PersonInputSerializer, responses=MatchSerializer(many=True))
    def post(self, request):
        payload = PersonInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        matches = selectors.person_likely_matches(
            user=request.user, fields=dict(payload.validated_data)
        )
        return Response(self.MatchSerializer(matches, many=True).data)


class MigrationEpisodeListApi(APIView):
    permission_classes = [HasPermission]

    @property
    def permission(self):
        return "people.edit" if self.request.method == "POST" else "people.view"

    @extend_schema(responses=MigrationEpisodeSerializer(many=True))
    def get(self, request, reference):
        person = _person(request, reference)
        return Response(MigrationEpisodeSerializer(person.migration_episodes.all(), many=True).data)

    @extend_schema(
        request=MigrationEpisodeInputSerializer, responses={201: MigrationEpisodeSerializer}
    )
    def post(self, request, reference):
        person = _person(request, reference, "people.edit")
        payload = MigrationEpisodeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = _resolve_localities(
            dict(payload.validated_data), "departure_locality", "destination_locality"
        )
        episode = services.migration_episode_add(actor=request.user, person=person, **data)
        return Response(MigrationEpisodeSerializer(episode).data, status=status.HTTP_201_CREATED)


class PersonAccessApi(APIView):
    """Right of access: everything Wasla holds about the person."""

    permission_classes = [HasPermission]
    permission = "people.access_export"

    @extend_schema(responses={200: dict})
    def get(self, request, reference):
        person = _person(request, reference, self.permission)
        return Response(selectors.person_access_export(user=request.user, person=person))


class ConsentListApi(APIView):
    """Consents of the people in the caller's scope (`person` filters by reference); POST records one."""

    permission_classes = [HasPermission]

    @property
    def permission(self):
        return "people.consent.manage" if self.request.method == "POST" else "people.view"

    @extend_schema(
        parameters=[OpenApiParameter("person", str)], responses=ConsentSerializer(many=True)
    )
    def get(self, request):
        people = selectors.person_list(user=request.user)
        consents = Consent.objects.filter(person__in=people).select_related("person")
        if request.query_params.get("person"):
            consents = consents.filter(person__reference=request.query_params["person"])
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(consents.order_by("pk"), request, view=self)
        return paginator.get_paginated_response(ConsentSerializer(page, many=True).data)

    @extend_schema(request=ConsentInputSerializer, responses={201: ConsentSerializer})
    def post(self, request):
        payload = ConsentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        person = _person(request, data.pop("person"), "people.consent.manage")
        consent = services.consent_give(actor=request.user, person=person, **data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentWithdrawApi(APIView):
    permission_classes = [HasPermission]
    permission = "people.consent.manage"

    @extend_schema(request=None, responses=ConsentSerializer)
    def post(self, request, pk):
        people = selectors.person_list(user=request.user)
        consent = Consent.objects.filter(pk=pk, person__in=people).first()
        if consent is None:
            raise Http404
        consent = services.consent_withdraw(actor=request.user, consent=consent)
        return Response(ConsentSerializer(consent).data)


class DocumentListApi(APIView):
    """A person's documents; POST (multipart) adds one: PDF, JPEG or PNG within the size limit."""

    permission_classes = [HasPermission]
    parser_classes = [MultiPartParser]

    @property
    def permission(self):
        return "people.edit" if self.request.method == "POST" else "people.view"

    class DocumentSerializer(serializers.ModelSerializer):
        class Meta:
            model = PersonDocument
            fields = ["id", "kind", "title", "content_type", "size", "case_reference", "created_at"]

    class UploadSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=PersonDocument.Kind.choices)
        title = serializers.CharField(max_length=150)
        file = serializers.FileField()
        case_reference = serializers.CharField(max_length=12, required=False, allow_blank=True)

    @extend_schema(responses=DocumentSerializer(many=True))
    def get(self, request, reference):
        person = _person(request, reference)
        return Response(self.DocumentSerializer(person.documents.all(), many=True).data)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer}, responses={201: DocumentSerializer}
    )
    def post(self, request, reference):
        person = _person(request, reference, "people.edit")
        payload = self.UploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        document = services.document_upload(
            actor=request.user,
            person=person,
            kind=data["kind"],
            title=data["title"],
            uploaded_file=data["file"],
            case_reference=data.get("case_reference", ""),
        )
        return Response(self.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentFileApi(APIView):
    """The document's file, streamed after the same permission check as the pages."""

    permission_classes = [HasPermission]
    permission = "people.view"

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, reference, pk):
        person = _person(request, reference)
        document = person.documents.filter(pk=pk).first()
        if document is None:
            raise Http404
        response = FileResponse(
            document.file.open("rb"),
            content_type=document.content_type,
            as_attachment=True,
            filename=f"{person.reference}-{document.pk}{document.extension}",
        )
        response["Cache-Control"] = "private, no-store"
        return response
