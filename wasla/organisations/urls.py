from django.urls import path

from wasla.organisations import views

app_name = "organisations"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/staff/", views.StaffListView.as_view(), name="staff_list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("offices/", views.OfficeListView.as_view(), name="office_list"),
    path("offices/<slug:slug>/", views.OfficeDetailView.as_view(), name="office_detail"),
    path("offices/<slug:slug>/edit/", views.OfficeEditView.as_view(), name="office_edit"),
]
