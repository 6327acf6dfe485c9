"""Rate limits for the public pages: attempts per client address in a fixed window, counted
in the shared cache so that every web worker sees the same count (settings.CACHES).

`settings.RATE_LIMIT_SCALE` multiplies every limit (1 in production; the load benchmark,
whose simulated citizens share one address, raises it)."""

import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The address limits count by: the one our proxy saw when Wasla runs behind one (the
    same setting as the sign-in lockout), else the socket's."""
    for header in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"]):
        value = request.META.get(header, "")
        if value:
            # The last entry is the one our own proxy added; earlier ones are the client's word.
            return value.split(",")[-1].strip()[:64]
    return "unknown"


def over_limit(request, bucket: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt in this client's current window; True once past the limit."""
    allowed = int(limit * getattr(settings, "RATE_LIMIT_SCALE", 1))
    window = int(time.time() // seconds)
    key = f"ratelimit:{bucket}:{client_address(request)}:{window}"
    if cache.add(key, 1, seconds + 5):
        return allowed < 1
    try:
        return cache.incr(key) > allowed
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds + 5)
        return allowed < 1
