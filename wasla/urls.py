from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from wasla.accounts.rest.views import MeView, TokenView

api_v1 = [
    path("", include("wasla.territories.rest.urls")),
    path("", include("wasla.organisations.rest.urls")),
    path("", include("wasla.people.rest.urls")),
    path("", include("wasla.cases.rest.urls")),
    path("", include("wasla.citizen_spaces.rest.urls")),
    path("me/", MeView.as_view(), name="me"),
    path("auth/token/", TokenView.as_view(), name="token"),
]

urlpatterns = [
    path("", include("wasla.core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("wasla.accounts.urls")),
    path("dashboard/", include("wasla.dashboards.urls")),
    path("territories/", include("wasla.territories.urls")),
    path("people/", include("wasla.people.urls")),
    path("planning/", include("wasla.planning.urls")),
    path("", include("wasla.citizen_spaces.urls")),
    path("open311/v2/", include("wasla.citizen_spaces.open311.urls")),
    path("", include("wasla.cases.urls")),
    path("", include("wasla.organisations.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
