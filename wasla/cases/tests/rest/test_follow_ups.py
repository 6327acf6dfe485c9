import datetime

import pytest

pytestmark = pytest.mark.django_db

# One answer per sustainability indicator (wasla/engines/sustainability/index.json).
ANSWERS = {
    "economic_satisfaction": "satisfied",
    "food_security": "rarely",
    "employment": "occasional",
    "debt": "smaller",
    "borrowing": "with_difficulty",
    "housing": "good",
    "education": "fair",
    "health": "good",
    "documentation": "all",
    "justice": "fair",
    "social_participation": "sometimes",
    "support_network": "one",
    "belonging": "partly",
    "discrimination": "sometimes",
    "distress": "rarely",
}


def test_follow_ups_are_listed_by_case_and_when_overdue(client_for, planned_case):
    client = client_for("counsellor")
    listed = client.get("/api/v1/follow-ups/", {"case": planned_case.reference}).json()
    assert [row["months_after_plan"] for row in listed["results"]] == [3, 6, 12]
    assert client.get("/api/v1/follow-ups/", {"overdue": "true"}).json()["count"] == 0
    first = planned_case.follow_ups.get(months_after_plan=3)
    first.due_on = datetime.date.today() - datetime.timedelta(days=1)
    first.save(update_fields=["due_on"])
    overdue = client.get("/api/v1/follow-ups/", {"overdue": "true"}).json()
    assert [row["id"] for row in overdue["results"]] == [first.pk]
    assert client_for("employment_officer").get("/api/v1/follow-ups/").json()["count"] == 0
    assert client_for("partner_caseworker").get("/api/v1/follow-ups/").status_code == 403


def test_recording_a_follow_up_gives_the_sustainability_scores(client_for, planned_case):
    follow_up = planned_case.follow_ups.get(months_after_plan=3)
    response = client_for("counsellor").post(
        f"/api/v1/follow-ups/{follow_up.pk}/record/",
        {"answers": ANSWERS, "notes": "Working part-time."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    for score in ("economic_score", "social_score", "psychosocial_score", "composite_score"):
        assert 0 <= body[score] <= 1
    assert body["score_band"] in {"low", "medium", "high"}
    assert body["index_version"] == 1
    assert body["done_by"] == "counsellor" and body["done_on"] is not None
    follow_up.refresh_from_db()
    assert follow_up.composite_score == body["composite_score"]


def test_a_follow_up_is_recorded_once_and_with_known_answers(client_for, planned_case):
    client = client_for("counsellor")
    follow_up = planned_case.follow_ups.get(months_after_plan=6)
    url = f"/api/v1/follow-ups/{follow_up.pk}/record/"
    unknown = client.post(
        url, {"answers": {**ANSWERS, "employment": "astronaut"}}, content_type="application/json"
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "invalid"
    assert (
        client.post(url, {"answers": ANSWERS}, content_type="application/json").status_code == 200
    )
    twice = client.post(url, {"answers": ANSWERS}, content_type="application/json")
    assert twice.status_code == 400
    assert twice.json()["error"]["code"] == "already_done"


def test_follow_ups_of_other_offices_cannot_be_recorded(client_for, planned_case):
    follow_up = planned_case.follow_ups.first()
    url = f"/api/v1/follow-ups/{follow_up.pk}/record/"
    payload = {"answers": ANSWERS}
    assert (
        client_for("employment_officer")
        .post(url, payload, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        client_for("partner_caseworker")
        .post(url, payload, content_type="application/json")
        .status_code
        == 403
    )
    follow_up.refresh_from_db()
    assert follow_up.done_on is None
