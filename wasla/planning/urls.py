from django.urls import path

from wasla.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.ScenarioListView.as_view(), name="scenario_list"),
    path("new/", views.ScenarioCreateView.as_view(), name="scenario_create"),
    path("compare/", views.CompareView.as_view(), name="scenario_compare"),
    path("<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario_detail"),
    path("<int:pk>/edit/", views.ScenarioEditView.as_view(), name="scenario_edit"),
    path("<int:pk>/run/", views.ScenarioRunView.as_view(), name="scenario_run"),
    path("<int:pk>/delete/", views.ScenarioDeleteView.as_view(), name="scenario_delete"),
    path(
        "<int:pk>/export/scenario.geojson",
        views.GeoJsonExportView.as_view(),
        name="export_geojson",
    ),
    path(
        "<int:pk>/export/assignments.csv",
        views.AssignmentsCsvView.as_view(),
        name="export_assignments",
    ),
    path("<int:pk>/export/summary.csv", views.SummaryCsvView.as_view(), name="export_summary"),
]
