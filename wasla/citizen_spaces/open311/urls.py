"""Open311 GeoReport v2, mounted at /open311/v2/ (docs/open311.md). Each resource answers
as `.json` or `.xml`; anything else under the prefix is a 404 in the specification's format."""

from django.urls import path, re_path

from wasla.citizen_spaces.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)"

urlpatterns = [
    path("", views.root, name="root"),
    re_path(rf"^discovery{FORMAT}$", views.DiscoveryView.as_view(), name="discovery"),
    re_path(rf"^services{FORMAT}$", views.ServiceListView.as_view(), name="services"),
    re_path(
        rf"^services/(?P<code>[-\w]+){FORMAT}$",
        views.ServiceDefinitionView.as_view(),
        name="service",
    ),
    re_path(rf"^requests{FORMAT}$", views.RequestListView.as_view(), name="requests"),
    re_path(
        rf"^requests/(?P<reference>[-\w]+){FORMAT}$",
        views.RequestDetailView.as_view(),
        name="request",
    ),
    re_path(r"^(?P<path>.+)$", views.not_found, name="not-found"),
]
