import pytest

pytestmark = pytest.mark.django_db

CASE_PATHS = {
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{reference}/": {"get"},
    "/api/v1/cases/{reference}/transitions/": {"post"},
    "/api/v1/cases/{reference}/timeline/": {"get"},
    "/api/v1/cases/{reference}/assessments/": {"get", "post"},
    "/api/v1/plan-actions/": {"get", "post"},
    "/api/v1/plan-actions/{id}/": {"patch"},
    "/api/v1/referrals/": {"get", "post"},
    "/api/v1/referrals/{id}/accept/": {"post"},
    "/api/v1/referrals/{id}/decline/": {"post"},
    "/api/v1/referrals/{id}/complete/": {"post"},
    "/api/v1/support/": {"get", "post"},
    "/api/v1/support/totals/": {"get"},
    "/api/v1/follow-ups/": {"get"},
    "/api/v1/follow-ups/{id}/record/": {"post"},
}


def test_the_schema_lists_the_case_management_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    for path, methods in CASE_PATHS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) >= methods, path
    transition = schema["paths"]["/api/v1/cases/{reference}/transitions/"]["post"]
    body = transition["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    assert {"to_stage", "version", "closure_reason"} <= set(fields)
    record = schema["paths"]["/api/v1/follow-ups/{id}/record/"]["post"]
    answer = record["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    scores = schema["components"]["schemas"][answer.rsplit("/", 1)[1]]["properties"]
    assert {"composite_score", "score_band", "index_version"} <= set(scores)
