import json

import pytest

from wasla.people.models import Person

pytestmark = pytest.mark.django_db

FORM = {
    "given_name_latin": "Youssef",
    "family_name_latin": "Hammami",
    "given_name_ar": "يوسف",
    "family_name_ar": "الحمامي",
    "sex": "male",
    "birth_date": "1991-05-20",
    "phone": "98 111 222",
    "nationality": "TN",
    "population_group": "returning_migrant",
    "preferred_language": "ar",
    "contact_channel": "sms",
}


def test_intake_on_the_page_registers_a_person(client_for):
    client = client_for("counsellor")
    response = client.post("/people/new/", FORM)
    assert response.status_code == 302
    person = Person.objects.get(phone="+21698111222")
    assert response.url == f"/people/{person.reference}/"
    assert person.phone == "+21698111222"
    page = client.get(response.url).content.decode()
    assert "يوسف" in page and person.reference in page


def test_intake_shows_likely_matches_before_creating_a_second_record(client_for):
    client = client_for("counsellor")
    client.post("/people/new/", FORM)
    variant = {
        **FORM,
        "given_name_latin": "Youcef",
        "family_name_latin": "Hamami",
        "given_name_ar": "",
        "family_name_ar": "",
    }
    registered = Person.objects.count()
    warned = client.post("/people/new/", variant)
    assert warned.status_code == 200
    assert 'name="confirmed_new"' in warned.content.decode()
    assert Person.objects.count() == registered
    confirmed = client.post("/people/new/", {**variant, "confirmed_new": "yes"})
    assert confirmed.status_code == 302
    assert Person.objects.count() == registered + 1


def test_field_errors_come_back_in_the_page_language(client_for):
    client = client_for("counsellor")
    client.cookies["wasla_language"] = "fr"
    registered = Person.objects.count()
    response = client.post("/people/new/", {**FORM, "phone": "12"})
    assert response.status_code == 400
    assert "numéro de téléphone" in response.content.decode()
    assert Person.objects.count() == registered


def test_the_api_registers_searches_and_guards_versions(client_for):
    client = client_for("counsellor")
    created = client.post(
        "/api/v1/persons/",
        json.dumps({**FORM, "office": "ote-antenna-medenine"}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    assert created.json()["phone"] == "+21698111222"
    found = client.get("/api/v1/persons/", {"q": "يوسف الحمامي"}).json()
    assert [row["reference"] for row in found["results"]] == [reference]
    first = client.patch(
        f"/api/v1/persons/{reference}/",
        json.dumps({"version": 1, "skills": "plumbing"}),
        content_type="application/json",
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/persons/{reference}/",
        json.dumps({"version": 1, "skills": "x"}),
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_api_field_errors_are_listed(client_for):
    response = client_for("counsellor").post(
        "/api/v1/persons/",
        json.dumps(
            {**FORM, "office": "ote-antenna-medenine", "phone": "abc", "national_id": "123"}
        ),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"phone", "national_id"}


def test_the_national_id_is_hidden_from_roles_that_do_not_need_it(client_for, register):
    person = register(national_id="08123456")
    counsellor_view = client_for("counsellor").get(f"/api/v1/persons/{person.reference}/").json()
    assert counsellor_view["national_id"] == "08123456"


def test_consent_api_records_and_withdraws(client_for, register):
    person = register()
    client = client_for("counsellor")
    given = client.post(
        "/api/v1/consents/",
        json.dumps(
            {
                "person": person.reference,
                "purpose": "sms_contact",
                "given_on": "2026-01-10",
                "method": "oral",
            }
        ),
        content_type="application/json",
    )
    assert given.status_code == 201
    withdrawn = client.post(f"/api/v1/consents/{given.json()['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["is_active"] is False
