"""Every role × every Citizen Spaces API and Open311 endpoint: allowed or denied, as
docs/permissions.md says (the same design as tests/test_permission_matrix.py).

Each endpoint is one test that walks every role, so that the demo is loaded once per
endpoint; a failure lists every role that got an unexpected status."""

import json

import pytest
from django.core.cache import cache

from wasla.citizen_spaces import services
from wasla.citizen_spaces.models import ServiceRequest
from wasla.citizen_spaces.tests.factories import make_catalogue

ROLES = [
    None,
    "administrator",
    "counsellor",
    "front_desk_agent",
    "partner_caseworker",
    "employment_officer",
    "programme_manager",
    "auditor",
    "platform",
]
EVERYONE = set(ROLES)
STAFF = EVERYONE - {None}
REQUEST_READERS = {"front_desk_agent", "administrator", "platform"}
AGENTS = {"front_desk_agent", "platform"}
EDITORS = {"administrator", "platform"}

# (method, path, body, roles allowed, status when allowed, status of the others)
# `denied` maps a role (None: anonymous, "*": any other) to its status.
MATRIX = [
    ("get", "/api/v1/service-types/", None, EVERYONE, 200, {}),
    ("get", "/api/v1/service-types/test-birth-extract/", None, EVERYONE, 200, {}),
    (
        "patch",
        "/api/v1/service-types/test-birth-extract/",
        {"version": 1, "fee_tnd": "1.000"},
        EDITORS,
        200,
        {None: 401, "*": 403},
    ),
    ("post", "/api/v1/service-types/", {}, EDITORS, 400, {None: 401, "*": 403}),
    ("get", "/api/v1/citizen-spaces/", None, EVERYONE, 200, {}),
    ("get", "/api/v1/citizen-spaces/citizen-space-ksar-el-ababsa/", None, EVERYONE, 200, {}),
    (
        "get",
        "/api/v1/appointment-slots/?office=citizen-space-ksar-el-ababsa",
        None,
        EVERYONE,
        200,
        {},
    ),
    ("get", "/api/v1/service-requests/", None, REQUEST_READERS, 200, {None: 401, "*": 403}),
    ("post", "/api/v1/service-requests/", {}, AGENTS, 400, {None: 401, "*": 403}),
    (
        "get",
        "/api/v1/service-requests/{desk_request}/",
        None,
        REQUEST_READERS,
        200,
        {None: 401, "*": 403},
    ),
    (
        "get",
        "/api/v1/service-requests/{desk_request}/events/",
        None,
        REQUEST_READERS,
        200,
        {None: 401, "*": 403},
    ),
    (
        "post",
        "/api/v1/service-requests/{desk_request}/move/",
        {},
        AGENTS,
        400,
        {None: 401, "*": 403},
    ),
    ("post", "/api/v1/service-requests/bulk-move/", {}, AGENTS, 400, {None: 401, "*": 403}),
    ("post", "/api/v1/tickets/", {}, AGENTS, 400, {None: 401, "*": 403}),
    ("post", "/api/v1/tickets/call-next/", {}, AGENTS, 400, {None: 401, "*": 403}),
    ("post", "/api/v1/tickets/{ticket}/close/", {}, AGENTS, 400, {None: 401, "*": 403}),
    # Open311: reads are public; posting takes an api_key, never a session.
    ("get", "/open311/v2/discovery.json", None, EVERYONE, 200, {}),
    ("get", "/open311/v2/services.xml", None, EVERYONE, 200, {}),
    ("get", "/open311/v2/services/test-birth-extract.json", None, EVERYONE, 200, {}),
    ("get", "/open311/v2/requests.json", None, EVERYONE, 200, {}),
    ("post", "/open311/v2/requests.json", {}, set(), 200, {"*": 403, None: 403}),
]


def _expected(allowed, ok, denied, role):
    if role in allowed:
        return ok
    return denied.get(role, denied.get("*"))


def _client(client, django_user_model, user_for_role, role):
    client.logout()
    if role == "platform":
        client.force_login(django_user_model.objects.get(username="platform"))
    elif role is not None:
        client.force_login(user_for_role(role))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "body", "allowed", "ok", "denied"),
    MATRIX,
    ids=[f"{method} {path}" for method, path, *_ in MATRIX],
)
def test_citizen_spaces_permission_matrix(
    client, django_user_model, user_for_role, method, path, body, allowed, ok, denied
):
    catalogue = make_catalogue()
    agent = user_for_role("front_desk_agent")
    office = catalogue["office"]
    desk_request = services.request_submit(
        service=catalogue["birth"],
        office=office,
        channel=ServiceRequest.Channel.DESK,
        actor=agent,
        requester_name="Naziha Ferchichi",
        phone="+21655111222",
    )
    ticket = services.ticket_issue(office=office, category=catalogue["category"])
    url = path.replace("{desk_request}", desk_request.reference).replace("{ticket}", str(ticket.pk))
    wrong = []
    for role in ROLES:
        cache.clear()
        caller = _client(client, django_user_model, user_for_role, role)
        if body and "version" in body:
            # Each allowed role edits the version the one before it saved.
            catalogue["birth"].refresh_from_db()
            body = {**body, "version": catalogue["birth"].version}
        if method == "get":
            response = caller.get(url)
        elif url.startswith("/open311/"):
            response = caller.post(url, body)
        else:
            response = getattr(caller, method)(
                url, json.dumps(body), content_type="application/json"
            )
        expected = _expected(allowed, ok, denied, role)
        if response.status_code != expected:
            wrong.append(f"{role}: {response.status_code} (expected {expected})")
        if url.startswith("/api/") and role is None and expected == 401:
            assert response["WWW-Authenticate"].startswith("Token")
    assert not wrong, f"{method} {url}: " + "; ".join(wrong)
