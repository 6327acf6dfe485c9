from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView


class HomeView(TemplateView):
    """The public front page: what Wasla is and where to go, Arabic first."""

    template_name = "core/home.html"


class AboutView(TemplateView):
    template_name = "core/about.html"


@never_cache
def ping(request):
    """Liveness: answers without touching the database. The load benchmark uses it as the
    floor — what the server costs before Wasla does any work."""
    return HttpResponse("ok", content_type="text/plain")


def health(request):
    """For load balancers and `make run`'s readiness check: answers once the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
