from django.urls import path

from wasla.citizen_spaces.rest import views

urlpatterns = [
    path("service-types/", views.ServiceTypeListApi.as_view(), name="service-type-list"),
    path(
        "service-types/<slug:code>/",
        views.ServiceTypeDetailApi.as_view(),
        name="service-type-detail",
    ),
    path("citizen-spaces/", views.CitizenSpaceListApi.as_view(), name="citizen-space-list"),
    path(
        "citizen-spaces/<slug:slug>/",
        views.CitizenSpaceDetailApi.as_view(),
        name="citizen-space-detail",
    ),
    path(
        "appointment-slots/", views.AppointmentSlotListApi.as_view(), name="appointment-slot-list"
    ),
    path("service-requests/", views.ServiceRequestListApi.as_view(), name="service-request-list"),
    path(
        "service-requests/bulk-move/",
        views.ServiceRequestBulkMoveApi.as_view(),
        name="service-request-bulk-move",
    ),
    path(
        "service-requests/<str:reference>/",
        views.ServiceRequestDetailApi.as_view(),
        name="service-request-detail",
    ),
    path(
        "service-requests/<str:reference>/move/",
        views.ServiceRequestMoveApi.as_view(),
        name="service-request-move",
    ),
    path(
        "service-requests/<str:reference>/events/",
        views.ServiceRequestEventListApi.as_view(),
        name="service-request-events",
    ),
    path("tickets/", views.TicketIssueApi.as_view(), name="ticket-issue"),
    path("tickets/call-next/", views.TicketCallNextApi.as_view(), name="ticket-call-next"),
    path("tickets/<int:pk>/close/", views.TicketCloseApi.as_view(), name="ticket-close"),
]
