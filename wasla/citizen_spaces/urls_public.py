"""Public pages of the Citizen Spaces: for citizens, without an account."""

from django.urls import path

from . import views_public as views

urlpatterns = [
    path("services/", views.CitizenSpaceListView.as_view(), name="public_spaces"),
    path("services/<slug:office>/", views.CatalogueView.as_view(), name="public_catalogue"),
    path(
        "services/<slug:office>/appointments/",
        views.AppointmentBookView.as_view(),
        name="public_appointments",
    ),
    path(
        "services/<slug:office>/appointments/booked/",
        views.AppointmentBookedView.as_view(),
        name="public_appointment_booked",
    ),
    path(
        "services/<slug:office>/<slug:service>/",
        views.ServiceDetailView.as_view(),
        name="public_service",
    ),
    path(
        "services/<slug:office>/<slug:service>/request/",
        views.OnlineRequestView.as_view(),
        name="public_request",
    ),
    path(
        "services/<slug:office>/<slug:service>/request/code/",
        views.VerificationCodeView.as_view(),
        name="public_request_code",
    ),
    path(
        "services/<slug:office>/<slug:service>/request/sent/",
        views.OnlineRequestSentView.as_view(),
        name="public_request_sent",
    ),
    path("track/", views.TrackView.as_view(), name="public_track"),
    path("track/documents/", views.TrackDocumentsView.as_view(), name="public_track_documents"),
    path("rate/<str:token>/", views.RateView.as_view(), name="rate"),
    path(
        "appointments/cancel/",
        views.AppointmentCancelView.as_view(),
        name="public_appointment_cancel",
    ),
]
