"""Desk pages (/desk/…) for front-desk agents and municipal administrators."""

from django.urls import path

from wasla.citizen_spaces import views_desk

urlpatterns = [
    path("", views_desk.DeskHomeView.as_view(), name="desk_home"),
    path("catalogue/", views_desk.CatalogueView.as_view(), name="desk_catalogue"),
    path("catalogue/new/", views_desk.ServiceCreateView.as_view(), name="desk_service_new"),
    path("catalogue/<slug:code>/", views_desk.ServiceEditView.as_view(), name="desk_service_edit"),
    path("holidays/", views_desk.HolidayListView.as_view(), name="desk_holidays"),
    path("statistics/", views_desk.StatisticsView.as_view(), name="desk_statistics"),
    path("statistics/csv/", views_desk.StatisticsCsvView.as_view(), name="desk_statistics_csv"),
    path("requests/<str:reference>/", views_desk.RequestDetailView.as_view(), name="desk_request"),
    path(
        "requests/<str:reference>/move/",
        views_desk.RequestMoveView.as_view(),
        name="desk_request_move",
    ),
    path(
        "requests/<str:reference>/documents/<int:pk>/",
        views_desk.RequestDocumentView.as_view(),
        name="desk_request_document",
    ),
    path("<slug:office>/requests/", views_desk.QueueView.as_view(), name="desk_queue"),
    path(
        "<slug:office>/requests/new/",
        views_desk.RequestCreateView.as_view(),
        name="desk_request_new",
    ),
    path("<slug:office>/slots/", views_desk.SlotsView.as_view(), name="desk_slots"),
]
