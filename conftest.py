"""Fixtures shared by every app's tests."""

import socket

import pytest

from wasla.demo.landscape import DEMO_PASSWORD, USERS

ROLE_USERNAMES = {spec.role: spec.username for spec in USERS if not spec.superuser}


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests never reach outside this machine."""
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "localhost", "::1"}
            and not host.startswith("/")
        ):
            raise RuntimeError(f"Tests may not connect to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no rate-limit counts left by the one before."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages raised by services called straight from a test read in English; requests
    still choose their own language through the middleware."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def territories(db):
    from wasla.territories import sources
    from wasla.territories.services import territories_load

    return territories_load(
        governorates=sources.governorate_records(), localities=sources.bundled_locality_records()
    )


@pytest.fixture
def demo(territories):
    from wasla.demo.services import demo_load

    return demo_load()


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


@pytest.fixture
def user_for_role(demo):
    from django.contrib.auth import get_user_model

    def get(role: str):
        return get_user_model().objects.get(username=ROLE_USERNAMES[role])

    return get


@pytest.fixture
def client_for(client, user_for_role):
    """A test client signed in as the demo user of a role (or anonymous for None)."""

    def signed_in(role: str | None):
        client.logout()
        if role is not None:
            client.force_login(user_for_role(role))
        return client

    return signed_in
