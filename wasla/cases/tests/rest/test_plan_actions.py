import pytest

from wasla.cases.models import PlanAction

pytestmark = pytest.mark.django_db


def test_plan_actions_are_listed_by_case(client_for, planned_case, assessment_case):
    client = client_for("counsellor")
    everything = client.get("/api/v1/plan-actions/").json()
    assert everything["count"] == 2
    of_case = client.get("/api/v1/plan-actions/", {"case": planned_case.reference}).json()
    assert {row["kind"] for row in of_case["results"]} == {
        "vocational_training",
        "psychosocial_support",
    }
    assert {row["case"] for row in of_case["results"]} == {planned_case.reference}
    assert (
        client.get("/api/v1/plan-actions/", {"case": assessment_case.reference}).json()["count"]
        == 0
    )


def test_a_counsellor_adds_an_action_to_the_plan(client_for, assessment_case):
    response = client_for("counsellor").post(
        "/api/v1/plan-actions/",
        {
            "case": assessment_case.reference,
            "kind": "business_start_up",
            "description": "Bakery",
            "partner": "atfp",
            "budget_tnd": "3500.500",
            "due_on": "2027-06-30",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["partner"] == "atfp" and body["budget_tnd"] == "3500.500"
    assert body["status"] == "planned" and body["version"] == 1
    assert PlanAction.objects.get(pk=body["id"]).case == assessment_case


def test_adding_an_action_checks_its_fields(client_for, assessment_case):
    client = client_for("counsellor")
    unknown_partner = client.post(
        "/api/v1/plan-actions/",
        {"case": assessment_case.reference, "kind": "housing", "partner": "nobody"},
        content_type="application/json",
    )
    assert unknown_partner.status_code == 400
    assert set(unknown_partner.json()["error"]["fields"]) == {"partner"}
    negative = client.post(
        "/api/v1/plan-actions/",
        {"case": assessment_case.reference, "kind": "housing", "budget_tnd": "-1"},
        content_type="application/json",
    )
    assert negative.status_code == 400
    assert set(negative.json()["error"]["fields"]) == {"budget_tnd"}
    assert not assessment_case.plan_actions.exists()


def test_plans_of_other_offices_and_other_roles_are_out_of_reach(client_for, planned_case):
    """An employment officer elsewhere cannot find the case (404) nor see its actions; a
    partner may not use the plan at all (403)."""
    payload = {"case": planned_case.reference, "kind": "housing"}
    employment = client_for("employment_officer")
    assert (
        employment.post(
            "/api/v1/plan-actions/", payload, content_type="application/json"
        ).status_code
        == 404
    )
    assert employment.get("/api/v1/plan-actions/").json()["count"] == 0
    action = planned_case.plan_actions.first()
    assert (
        employment.patch(
            f"/api/v1/plan-actions/{action.pk}/",
            {"status": "done", "version": action.version},
            content_type="application/json",
        ).status_code
        == 404
    )
    partner = client_for("partner_caseworker")
    assert partner.get("/api/v1/plan-actions/").status_code == 403
    assert (
        partner.post("/api/v1/plan-actions/", payload, content_type="application/json").status_code
        == 403
    )


def test_the_status_of_an_action_changes_with_the_version_read(client_for, planned_case):
    """PATCH with the version read passes; a stale version is 409 and nothing changes."""
    client = client_for("counsellor")
    action = planned_case.plan_actions.get(kind="vocational_training")
    url = f"/api/v1/plan-actions/{action.pk}/"
    started = client.patch(
        url, {"status": "in_progress", "version": action.version}, content_type="application/json"
    )
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "in_progress"
    assert started.json()["version"] == action.version + 1
    stale = client.patch(
        url, {"status": "cancelled", "version": action.version}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    action.refresh_from_db()
    assert action.status == "in_progress"
    unknown = client.patch(
        url, {"status": "forgotten", "version": action.version}, content_type="application/json"
    )
    assert unknown.status_code == 400
    assert set(unknown.json()["error"]["fields"]) == {"status"}
