from django.urls import path

from wasla.organisations.rest import views

urlpatterns = [
    path("organisations/", views.OrganisationListApi.as_view(), name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailApi.as_view(),
        name="organisation-detail",
    ),
    path("offices/", views.OfficeListApi.as_view(), name="office-list"),
    path("offices/<slug:slug>/", views.OfficeDetailApi.as_view(), name="office-detail"),
]
