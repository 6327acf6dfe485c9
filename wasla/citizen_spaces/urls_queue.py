"""The waiting-room queue of a Citizen Space, under /queue/<office slug>/."""

from django.urls import path

from wasla.citizen_spaces import views_queue as views

urlpatterns = [
    path("<slug:slug>/take/", views.KioskView.as_view(), name="queue_take"),
    path("<slug:slug>/ticket/<str:token>/", views.TicketView.as_view(), name="queue_ticket"),
    path("<slug:slug>/display/", views.DisplayView.as_view(), name="queue_display"),
    path(
        "<slug:slug>/display/board/", views.DisplayBoardView.as_view(), name="queue_display_board"
    ),
    path("<slug:slug>/counter/", views.CounterView.as_view(), name="queue_counter"),
    path(
        "<slug:slug>/counter/setup/", views.CounterSetupView.as_view(), name="queue_counter_setup"
    ),
    path("<slug:slug>/counter/call/", views.CounterCallView.as_view(), name="queue_call_next"),
    path(
        "<slug:slug>/counter/tickets/<int:pk>/close/",
        views.CounterCloseView.as_view(),
        name="queue_ticket_close",
    ),
]
