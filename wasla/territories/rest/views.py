"""Public, read-only API of Tunisia's territories."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wasla.territories import selectors
from wasla.territories.models import Governorate
from wasla.territories.rest.serializers import (
    CorridorSerializer,
    GovernorateSerializer,
    LocalitySerializer,
    MunicipalitySerializer,
)

LOCALITY_FILTERS = [
    OpenApiParameter("governorate", str, description="ISO 3166-2 code, e.g. TN-83"),
    OpenApiParameter("municipality", str, description="Municipality identifier"),
    OpenApiParameter("corridor", str, description="Corridor identifier"),
    OpenApiParameter("min_population", int),
    OpenApiParameter("search", str, description="Part of the Latin or Arabic name"),
]


def _locality_queryset(params):
    try:
        min_population = int(params.get("min_population") or 0)
    except ValueError:
        min_population = 0
    return selectors.locality_list(
        governorate_code=params.get("governorate"),
        municipality_slug=params.get("municipality"),
        corridor_slug=params.get("corridor"),
        min_population=min_population,
        search=params.get("search"),
    )


class GovernorateListApi(generics.ListAPIView):
    """The 24 governorates with their names in Arabic, French and English."""

    permission_classes = [AllowAny]
    serializer_class = GovernorateSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.governorate_list()


class GovernorateDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = GovernorateSerializer

    def get_object(self):
        try:
            return selectors.governorate_get(code=self.kwargs["code"])
        except Governorate.DoesNotExist:
            raise Http404 from None


class MunicipalityListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = MunicipalitySerializer

    @extend_schema(parameters=[OpenApiParameter("governorate", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.municipality_list(
            governorate_code=self.request.query_params.get("governorate")
        )


class LocalityListApi(generics.ListAPIView):
    """Localities of 500 inhabitants or more (GeoNames)."""

    permission_classes = [AllowAny]
    serializer_class = LocalitySerializer

    @extend_schema(parameters=LOCALITY_FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return _locality_queryset(self.request.query_params)


class LocalityGeoJsonApi(APIView):
    """The same localities as a GeoJSON FeatureCollection, for GIS tools."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=LOCALITY_FILTERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        features = [
            {
                "type": "Feature",
                "id": locality.geonames_id,
                "geometry": {
                    "type": "Point",
                    "coordinates": [locality.longitude, locality.latitude],
                },
                "properties": {
                    "name": locality.name,
                    "name_ar": locality.name_ar,
                    "governorate": locality.governorate.code,
                    "municipality": locality.municipality.slug if locality.municipality else None,
                    "population": locality.population,
                },
            }
            for locality in _locality_queryset(request.query_params)
        ]
        return Response(
            {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
        )


class CorridorListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CorridorSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.corridor_list()


class CorridorDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = CorridorSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.corridor_list()
