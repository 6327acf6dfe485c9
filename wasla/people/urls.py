from django.urls import path

from wasla.people import views, views_duplicates, views_partner_files

app_name = "people"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("new/", views.PersonCreateView.as_view(), name="person_create"),
    # Before "<reference>/": these words are not references.
    path("duplicates/", views_duplicates.DuplicateQueueView.as_view(), name="duplicate_queue"),
    path("duplicates/pairs/<int:pk>/", views_duplicates.PairView.as_view(), name="pair_detail"),
    path("duplicates/runs/", views_duplicates.LinkageRunView.as_view(), name="linkage_runs"),
    path(
        "duplicates/runs/<int:pk>/", views_duplicates.LinkageRunView.as_view(), name="linkage_run"
    ),
    path("duplicates/merges/", views_duplicates.MergeListView.as_view(), name="merge_list"),
    path(
        "duplicates/merges/<int:pk>/",
        views_duplicates.MergeDetailView.as_view(),
        name="merge_detail",
    ),
    path(
        "duplicates/partner-files/",
        views_partner_files.PartnerFileListView.as_view(),
        name="partner_files",
    ),
    path(
        "duplicates/partner-files/<int:pk>/",
        views_partner_files.PartnerFileDetailView.as_view(),
        name="partner_file",
    ),
    path(
        "export/pseudonymised.csv",
        views.PseudonymisedExportView.as_view(),
        name="pseudonymised_export",
    ),
    path("<str:reference>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("<str:reference>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path(
        "<str:reference>/migration/",
        views.MigrationEpisodeView.as_view(),
        name="migration_episodes",
    ),
    path("<str:reference>/consents/", views.ConsentView.as_view(), name="consents"),
    path("<str:reference>/access/", views.PersonAccessExportView.as_view(), name="person_access"),
    path(
        "<str:reference>/access.json",
        views.PersonAccessExportView.as_view(),
        {"output": "json"},
        name="person_access_json",
    ),
    path("<str:reference>/documents/", views.DocumentView.as_view(), name="documents"),
    path(
        "<str:reference>/documents/<int:pk>/",
        views.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    path(
        "<str:reference>/anonymise/", views.PersonAnonymiseView.as_view(), name="person_anonymise"
    ),
]
