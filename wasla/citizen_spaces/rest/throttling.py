"""A light rate limit on the public reads of the Citizen Spaces (REST and Open311): enough
for any person or honest tool, not for a scraper hammering the server. Signed-in staff and
callers with a valid key are not counted. The rate is `WASLA_PUBLIC_API_RATE` in the
settings (DRF's notation, e.g. "120/minute")."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

DEFAULT_RATE = "120/minute"


class PublicReadThrottle(AnonRateThrottle):
    scope = "citizen_spaces_public"

    def get_rate(self):
        return getattr(settings, "WASLA_PUBLIC_API_RATE", DEFAULT_RATE)
