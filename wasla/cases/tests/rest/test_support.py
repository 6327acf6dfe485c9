import datetime

import pytest

from wasla.cases.models import SupportEntry

pytestmark = pytest.mark.django_db


def _record(client, case, **fields):
    payload = {
        "case": case.reference,
        "kind": "cash",
        "amount_tnd": "450.250",
        "provided_on": "2026-01-15",
        **fields,
    }
    return client.post("/api/v1/support/", payload, content_type="application/json")


def test_a_counsellor_records_support_and_lists_it_by_case(
    client_for, planned_case, assessment_case
):
    client = client_for("counsellor")
    recorded = _record(client, planned_case, provider="unft-kairouan", description="Sewing kit")
    assert recorded.status_code == 201, recorded.content
    body = recorded.json()
    assert body["case"] == planned_case.reference
    assert body["amount_tnd"] == "450.250" and body["provider"] == "unft-kairouan"
    assert body["recorded_by"] == "counsellor"
    _record(client, assessment_case, kind="in_kind", amount_tnd="100")
    assert client.get("/api/v1/support/").json()["count"] == 2
    of_case = client.get("/api/v1/support/", {"case": planned_case.reference}).json()
    assert [row["id"] for row in of_case["results"]] == [body["id"]]
    detail = client.get(f"/api/v1/cases/{planned_case.reference}/").json()
    assert detail["support_totals"] == {"cash": "450.250", "all": "450.250"}


def test_support_totals_are_given_per_programme_and_kind(client_for, planned_case, assessment_case):
    client = client_for("counsellor")
    _record(client, planned_case, amount_tnd="100")
    _record(client, assessment_case, amount_tnd="200")
    _record(client, assessment_case, kind="microcredit", amount_tnd="1000")
    totals = client.get("/api/v1/support/totals/").json()
    assert totals == [
        {
            "programme": "reintegration",
            "programme_name": totals[0]["programme_name"],
            "kind": "cash",
            "total_tnd": "300.000",
            "cases": 2,
        },
        {
            "programme": "reintegration",
            "programme_name": totals[0]["programme_name"],
            "kind": "microcredit",
            "total_tnd": "1000.000",
            "cases": 1,
        },
    ]
    assert client_for("employment_officer").get("/api/v1/support/totals/").json() == []


def test_support_is_checked_and_kept_to_the_office(client_for, planned_case):
    """A date in the future is a field error; another office's case is 404; a partner 403."""
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    future = _record(client_for("counsellor"), planned_case, provided_on=tomorrow)
    assert future.status_code == 400
    assert set(future.json()["error"]["fields"]) == {"provided_on"}
    assert _record(client_for("employment_officer"), planned_case).status_code == 404
    partner = client_for("partner_caseworker")
    assert _record(partner, planned_case).status_code == 403
    assert partner.get("/api/v1/support/").status_code == 403
    assert partner.get("/api/v1/support/totals/").status_code == 403
    assert not SupportEntry.objects.exists()
