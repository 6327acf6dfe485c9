"""Every planning page, export and action × every demo user (and the anonymous visitor):
allowed, refused (403) or not found (404, for scenarios of organisations outside the user's
scope), as docs/permissions.md says. The style of tests/test_permission_matrix.py.

The programme manager and the auditor work for LDA Kairouan, which owns the scenario "ours";
"theirs" belongs to the municipality of Ghomrassen, whose administrator is "admin"."""

import pytest
from django.db import transaction

from wasla.planning import services
from wasla.planning.tests.factories import make_scenario

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


def expect(default: int = 403, **statuses: int) -> dict:
    return {user: statuses.get(user, default) for user in USERS if user} | {None: "login"}


# Who reads: planning.view (administrator, programme manager, auditor) in the scenario's
# organisation; who acts: planning.manage (administrator, programme manager).
MATRIX = [
    ("get", "/planning/", expect(admin=200, manager=200, auditor=200, platform=200)),
    ("get", "/planning/new/", expect(admin=200, manager=200, platform=200)),
    ("post", "/planning/new/", expect(admin=302, manager=302, platform=302)),
    (
        "get",
        "/planning/{ours}/",
        expect(admin=404, manager=200, auditor=200, platform=200),
    ),
    (
        "get",
        "/planning/{theirs}/",
        expect(admin=200, manager=404, auditor=404, platform=200),
    ),
    (
        "get",
        "/planning/{ours}/?part=status",
        expect(admin=404, manager=200, auditor=200, platform=200),
    ),
    ("get", "/planning/{ours}/edit/", expect(admin=404, manager=200, auditor=403, platform=200)),
    ("post", "/planning/{ours}/edit/", expect(admin=404, manager=302, auditor=403, platform=302)),
    ("get", "/planning/{theirs}/edit/", expect(admin=200, manager=404, platform=200)),
    ("post", "/planning/{ours}/run/", expect(admin=404, manager=302, auditor=403, platform=302)),
    ("post", "/planning/{theirs}/run/", expect(admin=302, manager=404, platform=302)),
    ("get", "/planning/{ours}/delete/", expect(admin=404, manager=200, platform=200)),
    ("post", "/planning/{ours}/delete/", expect(admin=404, manager=302, platform=302)),
    ("post", "/planning/{theirs}/delete/", expect(admin=302, manager=404, platform=302)),
    (
        "get",
        "/planning/{ours}/export/scenario.geojson",
        expect(admin=404, manager=200, auditor=200, platform=200),
    ),
    (
        "get",
        "/planning/{ours}/export/assignments.csv",
        expect(admin=404, manager=200, auditor=200, platform=200),
    ),
    (
        "get",
        "/planning/{ours}/export/summary.csv",
        expect(admin=404, manager=200, auditor=200, platform=200),
    ),
    (
        "get",
        "/planning/{theirs}/export/summary.csv",
        expect(admin=200, manager=404, auditor=404, platform=200),
    ),
    (
        "get",
        "/planning/compare/?s={ours}&s={ours_too}",
        # The administrator of Ghomrassen sees neither: the choice is invalid for them.
        expect(admin=400, manager=200, auditor=200, platform=200),
    ),
]


@pytest.fixture
def scenarios(demo, user_for_role, django_capture_on_commit_callbacks):
    manager, admin = user_for_role("programme_manager"), user_for_role("administrator")
    made = {
        "ours": make_scenario(manager, p=1),
        "ours_too": make_scenario(manager, p=2, name="Second"),
        "theirs": make_scenario(admin, organisation_slug="municipality-ghomrassen", p=1),
    }
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("ours", "theirs"):
            scenario = made[key]
            services.scenario_run(
                actor=scenario.created_by, scenario=scenario, expected_version=scenario.version
            )
    for scenario in made.values():
        scenario.refresh_from_db()
    return made


def _post_data(path: str, scenarios: dict, user) -> dict:
    target = scenarios["theirs" if "{theirs}" in path else "ours"]
    if path.endswith("/run/") or path.endswith("/delete/"):
        return {"version": target.version}
    from wasla.organisations.models import Organisation
    from wasla.territories.models import Governorate

    organisation = Organisation.objects.filter(memberships__user__username=user).first()
    return {
        "organisation": organisation.pk if organisation else "",
        "name": "Matrix",
        "territory_kind": "governorate",
        "governorate": Governorate.objects.get(code="TN-83").pk,
        "demand_source": "localities",
        "weighting": "population",
        "women_share": "50",
        "existing_kind": "citizen_space",
        "candidate_source": "localities",
        "model": "mclp",
        "p": "1",
        "radius_km": "15",
        "detour": "1.3",
        "time_limit": "30",
        "version": target.version,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "statuses"), MATRIX, ids=[f"{m} {p}" for m, p, _s in MATRIX]
)
def test_planning_permission_matrix(client, django_user_model, scenarios, method, path, statuses):
    """Every user against one page; each attempt is rolled back, so one user's successful
    POST does not change what the next one meets."""
    url = path.format(**{key: scenario.pk for key, scenario in scenarios.items()})
    for user in USERS:
        client.logout()
        if user is not None:
            client.force_login(django_user_model.objects.get(username=user))
        with transaction.atomic():
            if method == "post":
                response = client.post(url, _post_data(path, scenarios, user))
            else:
                response = client.get(url)
            transaction.set_rollback(True)
        expected = statuses[user]
        if expected == "login":
            assert response.status_code == 302, f"{user} {method} {url}"
            assert response.url.startswith("/accounts/login/")
        else:
            assert response.status_code == expected, f"{user} {method} {url}"
