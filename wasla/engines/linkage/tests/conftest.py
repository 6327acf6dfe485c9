"""The engine is pure Python: its tests need no Django settings."""

import pytest


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Replaces the root conftest's fixture of that name, which needs Django settings."""
    yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Replaces the root conftest's fixture of that name: the engine uses no Django cache."""
    yield
