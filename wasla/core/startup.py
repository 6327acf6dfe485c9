"""What a web worker does once, at start: load what it will need, then set the garbage
collector for a server.

Each request leaves a few thousand objects in reference cycles (querysets, forms, template
contexts). With Python's default thresholds, young collections run in the middle of a request,
promote that garbage, and an old-generation collection later frees the garbage of many
requests at once while walking every long-lived object of the worker (Django, the apps,
phone-number and country metadata: over 100,000) — a pause of 0.1–0.2 s in some unlucky
request, which was most of the slowest 5 % of pages. Instead:

- the long-lived objects are frozen (gc.freeze): never walked, never collected;
- young collections wait for 50,000 new objects, so they rarely fall inside a request;
- when a request has finished (its response sent), its garbage is collected while still
  young: about 2 ms, every time, outside the response time.
"""

import gc

from django.core.signals import request_finished
from django.urls import get_resolver

YOUNG_THRESHOLD = 50_000


def _collect_young(**_kwargs) -> None:
    gc.collect(0)


def warm_up() -> None:
    """Call once per worker process, after Django is set up (wasla/wsgi.py does)."""
    get_resolver().url_patterns  # noqa: B018 - importing every view is the point
    gc.collect()
    gc.freeze()
    _generation0, generation1, generation2 = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, generation1, generation2)
    request_finished.connect(_collect_young, dispatch_uid="wasla.collect_young")
