from django.urls import path

from wasla.people.rest import views

urlpatterns = [
    path("persons/", views.PersonListApi.as_view(), name="person-list"),
    path("persons/likely-matches/", views.LikelyMatchesApi.as_view(), name="person-likely-matches"),
    path("persons/<str:reference>/", views.PersonDetailApi.as_view(), name="person-detail"),
    path(
        "persons/<str:reference>/migration-episodes/",
        views.MigrationEpisodeListApi.as_view(),
        name="person-migration-episodes",
    ),
    path("persons/<str:reference>/access/", views.PersonAccessApi.as_view(), name="person-access"),
    path(
        "persons/<str:reference>/documents/",
        views.DocumentListApi.as_view(),
        name="person-documents",
    ),
    path(
        "persons/<str:reference>/documents/<int:pk>/file/",
        views.DocumentFileApi.as_view(),
        name="person-document-file",
    ),
    path("consents/", views.ConsentListApi.as_view(), name="consent-list"),
    path(
        "consents/<int:pk>/withdraw/", views.ConsentWithdrawApi.as_view(), name="consent-withdraw"
    ),
]
