"""Settings for the test suite: the normal settings, read with WASLA_TESTING on."""

import os

os.environ["WASLA_TESTING"] = "1"
# Playwright's sync API runs an event loop in the test thread; the ORM calls made beside it
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from wasla.settings import *  # noqa: F403

# Tests start from an empty cache each run (the database cache table would outlive the
# browser tests' flushes and carry rate-limit counts from one test to the next).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A test database is thrown away: PostgreSQL need not wait for the disk at each commit, which
# the suite's many transactions (and TransactionTestCase flushes) otherwise pay for.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
