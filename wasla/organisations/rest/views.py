from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wasla.organisations import selectors, services
from wasla.organisations.models import Office, OpeningPeriod, Organisation
from wasla.organisations.permissions import HasPermission


class OpeningPeriodSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=OpeningPeriod.Weekday.choices)
    opens = serializers.TimeField(format="%H:%M")
    closes = serializers.TimeField(format="%H:%M")


class OrganisationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    governorate = serializers.SlugRelatedField(slug_field="code", read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    office_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "name_ar",
            "name_fr",
            "name_en",
            "acronym",
            "kind",
            "governorate",
            "municipality",
            "website",
            "email",
            "phone",
            "office_count",
        ]


class OfficeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    locality = serializers.PrimaryKeyRelatedField(read_only=True)
    governorate = serializers.CharField(source="locality.governorate.code", read_only=True)
    opening_hours = OpeningPeriodSerializer(source="opening_periods", many=True, read_only=True)

    class Meta:
        model = Office
        fields = [
            "slug",
            "name",
            "name_ar",
            "name_fr",
            "name_en",
            "kind",
            "organisation",
            "locality",
            "governorate",
            "latitude",
            "longitude",
            "address",
            "phone",
            "email",
            "is_active",
            "opening_hours",
            "version",
        ]


class OrganisationListApi(generics.ListAPIView):
    """The directory of organisations working in Wasla."""

    permission_classes = [AllowAny]
    serializer_class = OrganisationSerializer

    @extend_schema(parameters=[OpenApiParameter("kind", str), OpenApiParameter("governorate", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.organisation_list(
            kind=params.get("kind"), governorate_code=params.get("governorate")
        )


class OrganisationDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = OrganisationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.organisation_list()


class OfficeListApi(generics.ListAPIView):
    """Open offices with their position and opening hours."""

    permission_classes = [AllowAny]
    serializer_class = OfficeSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str),
            OpenApiParameter("governorate", str),
            OpenApiParameter("organisation", str),
            OpenApiParameter("corridor", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.office_list(
            kind=params.get("kind"),
            governorate_code=params.get("governorate"),
            organisation_slug=params.get("organisation"),
            corridor_slug=params.get("corridor"),
        )


class OfficeDetailApi(APIView):
    """Read an office (anyone); change it (administrators of its organisation).

    A PATCH must carry the `version` it read: if someone saved the office since, the answer
    is 409 and nothing changes."""

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)
        address = serializers.CharField(max_length=255, required=False, allow_blank=True)
        phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
        longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)
        is_active = serializers.BooleanField(required=False)
        opening_hours = OpeningPeriodSerializer(many=True, required=False)

    permission = "organisations.office.edit"

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [AllowAny()]
        return [HasPermission()]

    def _office(self, slug):
        try:
            return selectors.office_list().get(slug=slug)
        except Office.DoesNotExist:
            raise Http404 from None

    @extend_schema(responses=OfficeSerializer)
    def get(self, request, slug):
        return Response(OfficeSerializer(self._office(slug)).data)

    @extend_schema(request=InputSerializer, responses=OfficeSerializer)
    def patch(self, request, slug):
        office = Office.objects.get(pk=self._office(slug).pk)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        expected_version = data.pop("version")
        hours = data.pop("opening_hours", None)
        opening_periods = None
        if hours is not None:
            opening_periods = [services.OpeningPeriodInput(**period) for period in hours]
        services.office_update(
            actor=request.user,
            office=office,
            expected_version=expected_version,
            opening_periods=opening_periods,
            **data,
        )
        return Response(OfficeSerializer(self._office(slug)).data)
