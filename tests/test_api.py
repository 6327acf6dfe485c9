import json

import pytest
from rest_framework.authtoken.models import Token

from wasla.organisations.models import Office

pytestmark = pytest.mark.django_db

OFFICE_URL = "/api/v1/offices/citizen-space-ghomrassen/"


def test_governorates_come_with_their_three_names(client, territories):
    data = client.get("/api/v1/governorates/").json()
    assert len(data) == 24
    tataouine = next(row for row in data if row["code"] == "TN-83")
    assert tataouine["name_ar"] == "تطاوين" and tataouine["name_fr"] == "Tataouine"


def test_localities_filter_by_corridor_and_export_as_geojson(client, demo):
    listed = client.get(
        "/api/v1/localities/", {"corridor": "medenine-tataouine", "limit": 500}
    ).json()
    governorates = {row["governorate"] for row in listed["results"]}
    assert governorates == {"TN-82", "TN-83"}
    geojson = client.get("/api/v1/localities.geojson", {"corridor": "medenine-tataouine"}).json()
    assert geojson["type"] == "FeatureCollection"
    assert len(geojson["features"]) == listed["count"]
    lon, lat = geojson["features"][0]["geometry"]["coordinates"]
    assert 30 < lat < 38 and 7 < lon < 12


def test_errors_are_json_in_the_language_of_the_request(client, demo):
    french = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert french.status_code == english.status_code == 401
    assert english["WWW-Authenticate"] == "Token"
    assert english.json()["error"]["message"] == "Authentication credentials were not provided."
    assert french.json()["error"]["message"] == "Informations d'authentification non fournies."
    assert french["Content-Language"] == "fr"
    missing = client.get("/api/v1/governorates/TN-99/", HTTP_ACCEPT_LANGUAGE="fr")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_token_signs_in_api_clients(client, demo, demo_password):
    response = client.post(
        "/api/v1/auth/token/", {"username": "manager", "password": demo_password}
    )
    token = response.json()["token"]
    assert Token.objects.get(key=token).user.username == "manager"
    client.logout()
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["username"] == "manager"
    assert me["roles"] == ["programme_manager"]
    assert me["memberships"][0]["organisation"] == "lda-kairouan"


def test_a_wrong_password_gets_no_token(client, demo):
    response = client.post("/api/v1/auth/token/", {"username": "manager", "password": "guess"})
    assert response.status_code == 400
    assert "token" not in response.json()


def _patch(client, payload, language="en"):
    return client.patch(
        OFFICE_URL,
        json.dumps(payload),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_an_administrator_updates_an_office_with_its_version(client_for):
    client = client_for("administrator")
    hours = [{"weekday": 5, "opens": "08:00", "closes": "12:00"}]
    response = _patch(client, {"version": 1, "phone": "+216 75 640 000", "opening_hours": hours})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["opening_hours"] == hours


def test_a_stale_version_gets_409_and_changes_nothing(client_for):
    client = client_for("administrator")
    assert _patch(client, {"version": 1, "phone": "first"}).status_code == 200
    stale = _patch(client, {"version": 1, "phone": "second"}, language="fr")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert "Quelqu'un" in stale.json()["error"]["message"]
    assert Office.objects.get(slug="citizen-space-ghomrassen").phone == "first"


def test_invalid_fields_are_listed_and_nothing_is_saved(client_for):
    response = _patch(
        client_for("administrator"), {"version": 1, "latitude": 120, "email": "not-an-email"}
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"latitude", "email"}
    assert Office.objects.get(slug="citizen-space-ghomrassen").version == 1


def test_the_openapi_schema_describes_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in [
        "/api/v1/governorates/",
        "/api/v1/localities/",
        "/api/v1/offices/{slug}/",
        "/api/v1/me/",
    ]:
        assert path in schema["paths"]


def test_swagger_ui_is_served_from_wasla_itself(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "https://" not in page


def test_governorate_totals_count_each_locality_once(client, demo):
    from wasla.territories.models import Locality
    from wasla.territories.selectors import governorate_list

    kairouan = governorate_list().get(code="TN-41")
    localities = Locality.objects.filter(governorate__code="TN-41")
    assert kairouan.locality_count == localities.count()
    assert kairouan.population == sum(localities.values_list("population", flat=True))
    assert kairouan.municipality_count == 5


def test_an_account_without_a_role_gets_no_token(client, demo, django_user_model):
    django_user_model.objects.create_user("visitor", password="a-long-password-2")
    response = client.post(
        "/api/v1/auth/token/", {"username": "visitor", "password": "a-long-password-2"}
    )
    assert response.status_code == 403
    assert not Token.objects.filter(user__username="visitor").exists()
