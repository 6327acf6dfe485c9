"""Every desk page of the Citizen Spaces × every demo user (and the anonymous visitor):
allowed, refused (403) or not found (404, for Citizen Spaces and requests outside the user's
scope), as docs/permissions.md says. The style of tests/test_permission_matrix.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from wasla.citizen_spaces import services
from wasla.citizen_spaces.models import ServiceRequest
from wasla.citizen_spaces.tests.factories import make_catalogue

# Demo usernames: the front-desk agent of Ksar el Ababsa, the administrator of the
# municipality of Ghomrassen (both of its Citizen Spaces), people of other organisations, and
# the platform administrator (superuser).
USERS = [
    None,
    "agent",
    "admin",
    "counsellor",
    "partner",
    "employment",
    "manager",
    "auditor",
    "platform",
]
KSAR = "citizen-space-ksar-el-ababsa"
GHOMRASSEN = "citizen-space-ghomrassen"
TUNIS = "citizen-space-tunis-bab-souika"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def expect(default: int = 403, **statuses: int) -> dict:
    """The status per user; anyone not named gets `default`, the anonymous visitor is sent
    to the sign-in page."""
    return {user: statuses.get(user, default) for user in USERS if user} | {None: "login"}


# (method, path, expected status per user)
MATRIX = [
    ("get", "/desk/", expect(agent=302, admin=200, platform=200)),
    (
        "get",
        f"/desk/{KSAR}/requests/",
        expect(agent=200, admin=200, platform=200, manager=403),
    ),
    (
        "get",
        f"/desk/{GHOMRASSEN}/requests/",
        expect(agent=404, admin=200, platform=200, manager=403),
    ),
    (
        "get",
        f"/desk/{TUNIS}/requests/",
        expect(agent=404, admin=404, platform=200, manager=403),
    ),
    (
        "get",
        f"/desk/{KSAR}/requests/?stage=all&overdue=on",
        expect(agent=200, admin=200, platform=200, manager=403),
    ),
    ("post", f"/desk/{KSAR}/requests/", expect(agent=302, platform=302, manager=403)),
    ("get", f"/desk/{KSAR}/requests/new/", expect(agent=200, platform=200)),
    ("post", f"/desk/{KSAR}/requests/new/", expect(agent=302, platform=302)),
    ("get", f"/desk/{GHOMRASSEN}/requests/new/", expect(agent=404, platform=200)),
    (
        "get",
        "/desk/requests/{ksar_request}/",
        expect(agent=200, admin=200, platform=200, manager=403),
    ),
    (
        "get",
        "/desk/requests/{ghomrassen_request}/",
        expect(agent=404, admin=200, platform=200, manager=403),
    ),
    (
        "get",
        "/desk/requests/CS-22222-22222/",
        expect(agent=404, admin=404, platform=404, manager=403),
    ),
    ("post", "/desk/requests/{ksar_request}/move/", expect(agent=302, platform=302)),
    ("post", "/desk/requests/{ghomrassen_request}/move/", expect(agent=404, platform=302)),
    (
        "get",
        "/desk/requests/{ksar_request}/documents/{document}/",
        expect(agent=200, admin=200, platform=200, manager=403),
    ),
    ("get", "/desk/catalogue/", expect(admin=200, platform=200)),
    ("get", "/desk/catalogue/new/", expect(admin=200, platform=200)),
    ("get", "/desk/catalogue/test-birth-extract/", expect(admin=200, platform=200)),
    ("get", "/desk/catalogue/no-such-service/", expect(admin=404, platform=404)),
    ("get", "/desk/holidays/", expect(agent=200, admin=200, platform=200)),
    (
        "get",
        "/desk/statistics/",
        expect(agent=200, admin=200, manager=200, auditor=200, platform=200),
    ),
    (
        "get",
        "/desk/statistics/csv/",
        expect(agent=200, admin=200, manager=200, auditor=200, platform=200),
    ),
    ("get", f"/desk/{KSAR}/slots/", expect(agent=200, admin=200, platform=200)),
    ("get", f"/desk/{GHOMRASSEN}/slots/", expect(agent=404, admin=200, platform=200)),
    ("get", f"/desk/{TUNIS}/slots/", expect(agent=404, admin=404, platform=200)),
]


@pytest.fixture
def landscape(demo, tmp_path, settings):
    """A request with a document at Ksar el Ababsa, and one at the other Citizen Space."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    catalogue = make_catalogue()
    ksar = services.request_submit(
        service=catalogue["birth"],
        office=catalogue["office"],
        channel=ServiceRequest.Channel.OPEN311,
        requester_name="Ksar",
        phone="22 111 222",
        documents=[SimpleUploadedFile("cin.pdf", PDF, "application/pdf")],
    )
    ghomrassen = services.request_submit(
        service=catalogue["birth"],
        office=catalogue["other_office"],
        channel=ServiceRequest.Channel.OPEN311,
        requester_name="Ghomrassen",
        phone="22 111 333",
    )
    return {
        "ksar_request": ksar.reference,
        "ghomrassen_request": ghomrassen.reference,
        "document": ksar.documents.get().pk,
        "ksar": ksar,
        "ghomrassen": ghomrassen,
    }


def _post_data(path: str, landscape: dict) -> dict:
    if path.endswith("/move/"):
        item = landscape["ghomrassen" if "ghomrassen_request" in path else "ksar"]
        return {"to_stage": "in_process", "version": item.version}
    if path.endswith("/new/"):
        return {
            "service": "test-birth-extract",
            "requester_name": "Nadia",
            "phone": "22 555 666",
            "language": "ar",
            "contact_channel": "sms",
        }
    return {"references": [landscape["ksar_request"]], "to_stage": "in_process"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "statuses"), MATRIX, ids=[f"{m} {p}" for m, p, _s in MATRIX]
)
def test_desk_permission_matrix(client, django_user_model, landscape, method, path, statuses):
    """Every user against one page; each attempt is rolled back, so a user's successful
    POST does not change what the next one meets (and the demo loads once per page)."""
    url = path.format(**landscape)
    for user in USERS:
        client.logout()
        if user is not None:
            client.force_login(django_user_model.objects.get(username=user))
        with transaction.atomic():
            if method == "post":
                response = client.post(url, _post_data(path, landscape))
            else:
                response = client.get(url)
            transaction.set_rollback(True)
        expected = statuses[user]
        if expected == "login":
            assert response.status_code == 302, f"{user} {method} {url}"
            assert response.url.startswith("/accounts/login/")
        else:
            assert response.status_code == expected, f"{user} {method} {url}"
