"""Pages of the Citizen Spaces: public pages for citizens (no account), desk pages for the
agents, and the waiting-room queue. Each part keeps its own views module."""

from django.urls import include, path

app_name = "citizen_spaces"

urlpatterns = [
    path("", include("wasla.citizen_spaces.urls_public")),
    path("desk/", include("wasla.citizen_spaces.urls_desk")),
    path("queue/", include("wasla.citizen_spaces.urls_queue")),
]
