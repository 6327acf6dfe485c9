"""Every role × every page and API endpoint: allowed or denied, as docs/permissions.md says."""

import json

import pytest

ROLES = [
    None,
    "administrator",
    "counsellor",
    "front_desk_agent",
    "partner_caseworker",
    "employment_officer",
    "programme_manager",
    "auditor",
]
STAFF = set(ROLES) - {None}
FRONT_LINE = {"counsellor", "front_desk_agent", "employment_officer"}
CASE_WORK = {"counsellor", "employment_officer"}
EVERYONE = set(ROLES)

# (method, path, roles allowed, status when allowed, status for a signed-in role denied)
MATRIX = [
    ("get", "/", EVERYONE, 200, None),
    ("get", "/about/", EVERYONE, 200, None),
    ("get", "/healthz", EVERYONE, 200, None),
    ("get", "/territories/", EVERYONE, 200, None),
    ("get", "/territories/map/", EVERYONE, 200, None),
    ("get", "/territories/TN-83/", EVERYONE, 200, None),
    ("get", "/territories/corridors/kairouan/", EVERYONE, 200, None),
    ("get", "/organisations/", EVERYONE, 200, None),
    ("get", "/organisations/ote/", EVERYONE, 200, None),
    ("get", "/offices/", EVERYONE, 200, None),
    ("get", "/offices/citizen-space-ghomrassen/", EVERYONE, 200, None),
    ("get", "/accounts/password-reset/", EVERYONE, 200, None),
    ("get", "/dashboard/", STAFF, 200, 403),
    ("get", "/accounts/two-factor/", STAFF, 200, 403),
    ("get", "/organisations/staff/", {"administrator", "programme_manager", "auditor"}, 200, 403),
    ("get", "/accounts/audit/", {"auditor"}, 200, 403),
    ("get", "/offices/citizen-space-ghomrassen/edit/", {"administrator"}, 200, 403),
    # An administrator of another municipality does not even learn the edit page exists.
    (
        "get",
        "/offices/citizen-space-kairouan-medina/edit/",
        set(),
        200,
        {"administrator": 404, "*": 403},
    ),
    ("get", "/api/v1/governorates/", EVERYONE, 200, None),
    ("get", "/api/v1/governorates/TN-83/", EVERYONE, 200, None),
    ("get", "/api/v1/municipalities/", EVERYONE, 200, None),
    ("get", "/api/v1/localities/?governorate=TN-83", EVERYONE, 200, None),
    ("get", "/api/v1/localities.geojson?corridor=kairouan", EVERYONE, 200, None),
    ("get", "/api/v1/corridors/", EVERYONE, 200, None),
    ("get", "/api/v1/corridors/kairouan/", EVERYONE, 200, None),
    ("get", "/api/v1/organisations/", EVERYONE, 200, None),
    ("get", "/api/v1/organisations/ote/", EVERYONE, 200, None),
    ("get", "/api/v1/offices/", EVERYONE, 200, None),
    ("get", "/api/v1/offices/citizen-space-ghomrassen/", EVERYONE, 200, None),
    ("patch", "/api/v1/offices/citizen-space-ghomrassen/", {"administrator"}, 200, 403),
    ("patch", "/api/v1/offices/citizen-space-kairouan-medina/", set(), 200, 403),
    ("get", "/api/v1/me/", STAFF, 200, 403),
    ("get", "/people/", FRONT_LINE, 200, 403),
    ("get", "/people/new/", FRONT_LINE, 200, 403),
    (
        "get",
        "/people/{counsellor_person}/",
        {"counsellor"},
        200,
        {"front_desk_agent": 404, "employment_officer": 404, "*": 403},
    ),
    (
        "get",
        "/people/{counsellor_person}/edit/",
        {"counsellor"},
        200,
        {"front_desk_agent": 404, "employment_officer": 404, "*": 403},
    ),
    (
        "get",
        "/people/{counsellor_person}/access/",
        {"counsellor"},
        200,
        {"front_desk_agent": 404, "employment_officer": 404, "*": 403},
    ),
    (
        "get",
        "/people/{counsellor_person}/access.json",
        {"counsellor"},
        200,
        {"front_desk_agent": 404, "employment_officer": 404, "*": 403},
    ),
    ("get", "/people/export/pseudonymised.csv", {"programme_manager"}, 200, 403),
    ("get", "/api/v1/persons/", FRONT_LINE, 200, 403),
    (
        "get",
        "/api/v1/persons/{counsellor_person}/",
        {"counsellor"},
        200,
        {"front_desk_agent": 404, "employment_officer": 404, "*": 403},
    ),
    (
        "get",
        "/api/v1/persons/{counsellor_person}/migration-episodes/",
        {"counsellor"},
        200,
        {"front_desk_agent": 404, "employment_officer": 404, "*": 403},
    ),
    (
        "get",
        "/api/v1/persons/{counsellor_person}/access/",
        {"counsellor"},
        200,
        {"front_desk_agent": 404, "employment_officer": 404, "*": 403},
    ),
    ("get", "/api/v1/consents/", FRONT_LINE, 200, 403),
    ("get", "/cases/", CASE_WORK, 200, 403),
    ("get", "/cases/new/", CASE_WORK, 200, 403),
    ("get", "/cases/{demo_case}/", {"counsellor"}, 200, {"employment_officer": 404, "*": 403}),
    ("get", "/referrals/", {"partner_caseworker"}, 200, 403),
    ("get", "/api/v1/cases/", CASE_WORK, 200, 403),
    (
        "get",
        "/api/v1/cases/{demo_case}/",
        {"counsellor"},
        200,
        {"employment_officer": 404, "*": 403},
    ),
    (
        "get",
        "/api/v1/cases/{demo_case}/timeline/",
        {"counsellor"},
        200,
        {"employment_officer": 404, "*": 403},
    ),
    (
        "get",
        "/api/v1/cases/{demo_case}/assessments/",
        {"counsellor"},
        200,
        {"employment_officer": 404, "*": 403},
    ),
    ("get", "/api/v1/plan-actions/", CASE_WORK, 200, 403),
    ("get", "/api/v1/referrals/", CASE_WORK | {"partner_caseworker"}, 200, 403),
    ("get", "/api/v1/support/", CASE_WORK, 200, 403),
    ("get", "/api/v1/support/totals/", CASE_WORK, 200, 403),
    ("get", "/api/v1/follow-ups/", CASE_WORK, 200, 403),
    ("get", "/api/schema/", EVERYONE, 200, None),
    ("get", "/api/docs/", EVERYONE, 200, None),
    # Citizen Spaces: the public pages and the waiting room. The desk pages and the API have
    # their own matrices in wasla/citizen_spaces/tests/.
    ("get", "/services/", EVERYONE, 200, None),
    ("get", "/services/citizen-space-ghomrassen/", EVERYONE, 200, None),
    ("get", "/services/citizen-space-ghomrassen/birth-extract/", EVERYONE, 200, None),
    ("get", "/services/citizen-space-ghomrassen/birth-extract/request/", EVERYONE, 200, None),
    ("get", "/services/citizen-space-ghomrassen/appointments/", EVERYONE, 200, None),
    ("get", "/track/", EVERYONE, 200, None),
    ("get", "/appointments/cancel/", EVERYONE, 200, None),
    ("get", "/queue/citizen-space-ksar-el-ababsa/take/", EVERYONE, 200, None),
    ("get", "/queue/citizen-space-ksar-el-ababsa/display/", EVERYONE, 200, None),
    ("get", "/queue/citizen-space-ksar-el-ababsa/display/board/", EVERYONE, 200, None),
    ("get", "/queue/citizen-space-ksar-el-ababsa/counter/", {"front_desk_agent"}, 200, 403),
    ("get", "/open311/v2/discovery.json", EVERYONE, 200, None),
    ("get", "/open311/v2/services.xml", EVERYONE, 200, None),
    # Planning (docs/planning.md); every page with real scenarios is in
    # wasla/planning/tests/test_permissions.py.
    ("get", "/planning/", {"administrator", "programme_manager", "auditor"}, 200, 403),
    ("get", "/planning/new/", {"administrator", "programme_manager"}, 200, 403),
    # No scenarios ticked: allowed roles get the form's error (400).
    ("get", "/planning/compare/", {"administrator", "programme_manager", "auditor"}, 400, 403),
    # A scenario outside the user's organisations does not exist for them.
    (
        "get",
        "/planning/999999/",
        set(),
        200,
        {"administrator": 404, "programme_manager": 404, "auditor": 404, "*": 403},
    ),
    (
        "get",
        "/planning/999999/export/scenario.geojson",
        set(),
        200,
        {"administrator": 404, "programme_manager": 404, "auditor": 404, "*": 403},
    ),
    # Likely duplicates (docs/duplicates.md); the pair pages and actions are in
    # wasla/people/tests/test_duplicates_pages.py.
    ("get", "/people/duplicates/", {"programme_manager"}, 200, 403),
    ("get", "/people/duplicates/runs/", {"programme_manager"}, 200, 403),
    ("get", "/people/duplicates/merges/", {"programme_manager"}, 200, 403),
    # Files from partners; the upload and its refusals are in
    # wasla/people/tests/test_partner_files.py.
    ("get", "/people/duplicates/partner-files/", {"programme_manager"}, 200, 403),
    ("get", "/people/duplicates/partner-files/{partner_file}/", {"programme_manager"}, 200, 403),
]


def _counsellor_person(user_for_role):
    """A person registered at the Medenine antenna, where the demo counsellor works."""
    from wasla.organisations.models import Office
    from wasla.people.services import person_register

    return person_register(
        actor=user_for_role("counsellor"),
        office=Office.objects.get(slug="ote-antenna-medenine"),
        given_name_latin="Amel",
        sex="female",
        birth_year=1990,
        population_group="returning_migrant",
        contact_channel="sms",
    )


def _partner_file(user_for_role) -> int:
    """A file of the Kairouan women's union imported at the agency of the demo manager."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wasla.organisations.models import Office, Organisation
    from wasla.people.partner_files import partner_file_import

    outcome = partner_file_import(
        actor=user_for_role("programme_manager"),
        uploaded_file=SimpleUploadedFile(
            "unft.csv", b"record_id,given_name,sex,birth_year\nU-1,Hela,female,1979\n"
        ),
        organisation=Organisation.objects.get(slug="unft-kairouan"),
        office=Office.objects.get(slug="lda-kairouan-office"),
        default_population_group="internal_migrant",
        consent_attested=True,
    )
    return outcome.partner_file.pk


def _demo_case_reference() -> str:
    """A sample case of the demo, at the Medenine antenna where the demo counsellor works."""
    from wasla.cases.models import Case

    return Case.objects.filter(office__slug="ote-antenna-medenine").order_by("pk").first().reference


CASES = [(method, path, role) for method, path, *_ in MATRIX for role in ROLES]


def _expected(path, method, role):
    for m, p, allowed, ok, denied in MATRIX:
        if (m, p) == (method, path):
            if role in allowed:
                return ok
            if role is None:
                return 401 if p.startswith("/api/") else 302
            if isinstance(denied, dict):
                return denied.get(role, denied["*"])
            return denied
    raise LookupError(path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "role"), CASES, ids=[f"{m} {p} {r}" for m, p, r in CASES]
)
def test_permission_matrix(client_for, user_for_role, method, path, role):
    template = path
    if "{counsellor_person}" in path:
        path = path.replace("{counsellor_person}", _counsellor_person(user_for_role).reference)
    if "{partner_file}" in path:
        path = path.replace("{partner_file}", str(_partner_file(user_for_role)))
    if "{demo_case}" in path:
        path = path.replace("{demo_case}", _demo_case_reference())
    client = client_for(role)
    if method == "patch":
        response = client.patch(
            path,
            json.dumps({"version": 1, "phone": "+21675000000"}),
            content_type="application/json",
        )
    else:
        response = client.get(path)
    expected = _expected(template, method, role)
    assert response.status_code == expected, f"{role} {method} {path}"
    if expected == 302:
        assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_django_admin_is_for_platform_administrators_only(
    client_for, client, django_user_model
):
    for role in STAFF:
        response = client_for(role).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response.url
    client.force_login(django_user_model.objects.get(username="platform"))
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_navigation_offers_only_what_the_role_may_open(client_for):
    assert "/accounts/audit/" in client_for("auditor").get("/").content.decode()
    page = client_for("counsellor").get("/").content.decode()
    assert (
        "/accounts/audit/" not in page
        and "/organisations/staff/" not in page
        and "/dashboard/" in page
    )
    assert "/dashboard/" not in client_for(None).get("/").content.decode()
