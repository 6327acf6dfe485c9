from django.urls import path

from wasla.territories.rest import views

urlpatterns = [
    path("governorates/", views.GovernorateListApi.as_view(), name="governorate-list"),
    path(
        "governorates/<str:code>/", views.GovernorateDetailApi.as_view(), name="governorate-detail"
    ),
    path("municipalities/", views.MunicipalityListApi.as_view(), name="municipality-list"),
    path("localities/", views.LocalityListApi.as_view(), name="locality-list"),
    path("localities.geojson", views.LocalityGeoJsonApi.as_view(), name="locality-geojson"),
    path("corridors/", views.CorridorListApi.as_view(), name="corridor-list"),
    path("corridors/<slug:slug>/", views.CorridorDetailApi.as_view(), name="corridor-detail"),
]
