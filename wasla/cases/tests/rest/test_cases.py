import pytest

from wasla.cases.models import Case, CaseEvent
from wasla.people.models import PersonOffice

pytestmark = pytest.mark.django_db

ANSWERS = {
    "income_source": "irregular",
    "debt": "manageable",
    "housing": "rented",
    "family_support": "strong",
    "distress": "none",
}


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/cases/"),
        ("post", "/api/v1/cases/"),
        ("get", "/api/v1/cases/C-XXXXXXX/"),
        ("post", "/api/v1/cases/C-XXXXXXX/transitions/"),
        ("get", "/api/v1/cases/C-XXXXXXX/timeline/"),
        ("get", "/api/v1/cases/C-XXXXXXX/assessments/"),
        ("post", "/api/v1/cases/C-XXXXXXX/assessments/"),
        ("get", "/api/v1/plan-actions/"),
        ("post", "/api/v1/plan-actions/"),
        ("patch", "/api/v1/plan-actions/1/"),
        ("get", "/api/v1/referrals/"),
        ("post", "/api/v1/referrals/"),
        ("post", "/api/v1/referrals/1/accept/"),
        ("post", "/api/v1/referrals/1/decline/"),
        ("post", "/api/v1/referrals/1/complete/"),
        ("get", "/api/v1/support/"),
        ("post", "/api/v1/support/"),
        ("get", "/api/v1/support/totals/"),
        ("get", "/api/v1/follow-ups/"),
        ("post", "/api/v1/follow-ups/1/record/"),
    ],
)
def test_anonymous_callers_are_asked_to_authenticate(client_for, method, url):
    """Every case-management endpoint answers 401 with a token challenge to anonymous callers."""
    response = getattr(client_for(None), method)(url, {}, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_counsellors_list_the_cases_of_their_office_with_filters(
    client_for, assessment_case, planned_case
):
    """The list holds the office's cases; `stage`, `programme` and `mine` narrow it."""
    client = client_for("counsellor")
    everything = client.get("/api/v1/cases/").json()
    assert everything["count"] == 2
    assert {row["reference"] for row in everything["results"]} == {
        assessment_case.reference,
        planned_case.reference,
    }
    row = next(r for r in everything["results"] if r["reference"] == planned_case.reference)
    assert row["person"] == planned_case.person.reference
    assert row["programme"] == "reintegration"
    assert row["office"] == "ote-antenna-medenine"
    assert row["next_stages"] == ["support", "closed"]
    at_assessment = client.get("/api/v1/cases/", {"stage": "assessment"}).json()
    assert [r["reference"] for r in at_assessment["results"]] == [assessment_case.reference]
    assert client.get("/api/v1/cases/", {"mine": "true"}).json()["count"] == 2
    assert client.get("/api/v1/cases/", {"programme": "displaced-support"}).json()["count"] == 0


def test_other_offices_and_other_roles_do_not_see_the_cases(client_for, planned_case):
    """A partner may not list cases (403); an employment officer of another organisation
    sees none of the antenna's cases (empty list, 404 on the case)."""
    assert client_for("partner_caseworker").get("/api/v1/cases/").status_code == 403
    assert (
        client_for("partner_caseworker").get(f"/api/v1/cases/{planned_case.reference}/").status_code
        == 403
    )
    employment = client_for("employment_officer")
    assert employment.get("/api/v1/cases/").json()["count"] == 0
    response = employment.get(f"/api/v1/cases/{planned_case.reference}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert employment.get(f"/api/v1/cases/{planned_case.reference}/timeline/").status_code == 404


def test_a_counsellor_opens_a_case_at_their_office(client_for, register):
    """POST /cases/ opens a case at reception, and the office then serves the person."""
    person = register("service_delivery")
    response = client_for("counsellor").post(
        "/api/v1/cases/",
        {
            "person": person.reference,
            "programme": "reintegration",
            "office": "ote-antenna-medenine",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "reception" and body["version"] == 1
    assert body["counsellor"] == "counsellor"
    case = Case.objects.get(reference=body["reference"])
    assert case.person == person
    assert PersonOffice.objects.filter(person=person, office=case.office).exists()


def test_opening_a_case_is_refused_elsewhere_and_without_consent(client_for, register):
    """Another office is 403, an unknown programme a field error, no consent to service 400."""
    client = client_for("counsellor")
    consenting = register("service_delivery")
    elsewhere = client.post(
        "/api/v1/cases/",
        {"person": consenting.reference, "programme": "reintegration", "office": "aneti-tataouine"},
        content_type="application/json",
    )
    assert elsewhere.status_code == 403
    unknown = client.post(
        "/api/v1/cases/",
        {"person": consenting.reference, "programme": "nope", "office": "ote-antenna-medenine"},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert set(unknown.json()["error"]["fields"]) == {"programme"}
    silent = register(given_name_latin="Amel", phone="22 999 888")
    refused = client.post(
        "/api/v1/cases/",
        {
            "person": silent.reference,
            "programme": "reintegration",
            "office": "ote-antenna-medenine",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "no_consent"
    assert not Case.objects.filter(person__in=[consenting, silent]).exists()


def test_the_case_shows_its_plan_referrals_support_and_follow_ups(client_for, planned_case):
    body = client_for("counsellor").get(f"/api/v1/cases/{planned_case.reference}/").json()
    assert body["stage"] == "plan_agreed"
    assert sorted(action["kind"] for action in body["plan_actions"]) == [
        "psychosocial_support",
        "vocational_training",
    ]
    assert [(r["partner"], r["status"]) for r in body["referrals"]] == [("unft-kairouan", "sent")]
    assert [f["months_after_plan"] for f in body["follow_ups"]] == [3, 6, 12]
    assert body["support_totals"] == {"all": "0.000"}


def test_moving_a_case_checks_the_version_and_the_allowed_stages(client_for, planned_case):
    """A move with the version read passes; a stale version is 409 and nothing changes; a
    move the stages do not allow is 400 with code invalid_transition."""
    client = client_for("counsellor")
    url = f"/api/v1/cases/{planned_case.reference}/transitions/"
    moved = client.post(
        url,
        {"to_stage": "support", "version": planned_case.version},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "support"
    assert moved.json()["version"] == planned_case.version + 1
    stale = client.post(
        url,
        {"to_stage": "follow_up", "version": planned_case.version},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    invalid = client.post(
        url,
        {"to_stage": "plan_agreed", "version": planned_case.version + 1},
        content_type="application/json",
    )
    assert invalid.status_code == 400
    assert invalid.json()["error"]["code"] == "invalid_transition"
    planned_case.refresh_from_db()
    assert planned_case.stage == "support"
    assert planned_case.version == moved.json()["version"]


def test_closing_a_case_needs_a_reason(client_for, assessment_case):
    client = client_for("counsellor")
    url = f"/api/v1/cases/{assessment_case.reference}/transitions/"
    version = assessment_case.version
    no_reason = client.post(
        url, {"to_stage": "closed", "version": version}, content_type="application/json"
    )
    assert no_reason.status_code == 400
    assert set(no_reason.json()["error"]["fields"]) == {"closure_reason"}
    closed = client.post(
        url,
        {"to_stage": "closed", "version": version, "closure_reason": "moved_away"},
        content_type="application/json",
    )
    assert closed.status_code == 200
    assert closed.json()["closure_reason"] == "moved_away"
    assert closed.json()["closed_on"] is not None
    assert closed.json()["next_stages"] == []


def test_a_plan_cannot_be_agreed_before_the_needs_are_assessed(client_for, assessment_case):
    response = client_for("counsellor").post(
        f"/api/v1/cases/{assessment_case.reference}/transitions/",
        {"to_stage": "plan_agreed", "version": assessment_case.version},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_assessment"


def test_other_roles_and_offices_may_not_move_a_case(client_for, planned_case):
    url = f"/api/v1/cases/{planned_case.reference}/transitions/"
    payload = {"to_stage": "support", "version": planned_case.version}
    assert (
        client_for("partner_caseworker")
        .post(url, payload, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        client_for("employment_officer")
        .post(url, payload, content_type="application/json")
        .status_code
        == 404
    )
    planned_case.refresh_from_db()
    assert planned_case.stage == "plan_agreed"


def test_the_timeline_lists_what_happened_oldest_first(client_for, planned_case):
    events = (
        client_for("counsellor").get(f"/api/v1/cases/{planned_case.reference}/timeline/").json()
    )
    assert events[0]["kind"] == "opened"
    assert events[0]["actor"] == "counsellor"
    assert [event["kind"] for event in events] == list(
        CaseEvent.objects.filter(case=planned_case)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    assert {"stage", "assessment", "plan_action", "referral"} <= {e["kind"] for e in events}


def test_needs_assessments_are_recorded_and_listed(client_for, assessment_case):
    client = client_for("counsellor")
    url = f"/api/v1/cases/{assessment_case.reference}/assessments/"
    assert client.get(url).json() == []
    recorded = client.post(
        url,
        {"answers": ANSWERS, "notes": "Wants to train as a welder."},
        content_type="application/json",
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["answers"] == ANSWERS
    assert recorded.json()["assessed_by"] == "counsellor"
    listed = client.get(url).json()
    assert [a["id"] for a in listed] == [recorded.json()["id"]]
    assert listed[0]["notes"] == "Wants to train as a welder."


def test_assessment_answers_are_checked_against_the_questions(client_for, assessment_case):
    response = client_for("counsellor").post(
        f"/api/v1/cases/{assessment_case.reference}/assessments/",
        {"answers": {**ANSWERS, "debt": "astronomical", "shoe_size": "42"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"debt", "shoe_size"}
    assert not assessment_case.assessments.exists()
