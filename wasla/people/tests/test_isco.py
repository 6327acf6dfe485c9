import json

import pytest

from wasla.core.exceptions import ApplicationError
from wasla.people.isco import (
    is_isco_code,
    isco_choices,
    isco_group,
    isco_groups,
    isco_title,
    isco_title_and_language,
)
from wasla.people.models import Person

FORM = {
    "given_name_latin": "Youssef",
    "family_name_latin": "Hammami",
    "sex": "male",
    "birth_date": "1991-05-20",
    "phone": "98 111 222",
    "nationality": "TN",
    "population_group": "returning_migrant",
    "preferred_language": "ar",
    "contact_channel": "sms",
}


def test_the_classification_has_the_ilo_structure():
    """10 major, 43 sub-major, 130 minor and 436 unit groups, each inside its parent."""
    codes = list(isco_groups())
    assert [sum(1 for code in codes if len(code) == n) for n in (1, 2, 3, 4)] == [10, 43, 130, 436]
    for code in codes:
        assert code.isdigit()
        if len(code) > 1:
            assert code[:-1] in codes or (len(code) == 4 and code[:3] in codes)
        assert isco_group(code).titles.keys() >= {"en", "fr"}


@pytest.mark.parametrize(
    ("code", "english", "french"),
    [
        ("2512", "Software developers", "Concepteurs de logiciels"),
        (
            "6111",
            "Field crop and vegetable growers",
            "Agriculteurs et ouvriers qualifiés, cultures de plein champ",
        ),
        ("9312", "Civil engineering labourers", "Manœuvres de chantier de travaux publics"),
        ("0110", "Commissioned armed forces officers", "Officiers des forces armées"),
        (
            "7",
            "Craft and related trades workers",
            "Métiers qualifiés de l’industrie et de l’artisanat",
        ),
    ],
)
def test_known_groups_have_their_official_titles(code, english, french):
    assert isco_title(code, "en") == english
    assert isco_title(code, "fr") == french


def test_codes_exist_at_every_level_and_only_as_written():
    assert all(is_isco_code(code) for code in ("7", "71", "711", "7112", "0110", "0"))
    assert not any(is_isco_code(code) for code in ("110", "9999", "10", "12345", "", " 2512"))
    assert not is_isco_code(2512)


def test_arabic_pages_fall_back_to_french_below_the_major_groups():
    """Only the major groups have (Wasla's) Arabic titles; the rest shows in French."""
    assert isco_title_and_language("9", "ar") == ("المهن الأولية", "ar")
    assert isco_title_and_language("2512", "ar") == ("Concepteurs de logiciels", "fr")
    assert isco_title_and_language("2512", "fr-fr") == ("Concepteurs de logiciels", "fr")
    assert isco_title("2512", "de") == "Software developers"
    assert isco_title("9999", "en") is None


def test_choices_are_the_unit_groups_in_the_language_asked():
    choices = isco_choices("en")
    assert len(choices) == 436
    assert ("2512", "2512 — Software developers") in choices
    assert ("2512", "2512 — Concepteurs de logiciels") in isco_choices("ar")


@pytest.mark.django_db
def test_real_codes_of_any_level_are_kept_sorted_once(register):
    person = register(occupations=["7411", "2512", " 7411", "6"])
    assert person.occupations == ["2512", "6", "7411"]
    assert register(occupations="0110; 9312", phone="22 123 457").occupations == ["0110", "9312"]


@pytest.mark.django_db
def test_codes_outside_isco_08_are_refused_by_name(register):
    people = Person.objects.count()
    with pytest.raises(ApplicationError) as error:
        register(occupations=["2512", "9999", "1110", "12345"])
    messages = error.value.extra["occupations"]
    assert "These codes are not in the ISCO-08 classification: 9999, 1110" in messages
    assert "ISCO-08 codes have one to four digits: 12345" in messages
    assert Person.objects.count() == people


@pytest.mark.django_db
def test_the_form_suggests_unit_groups_in_the_page_language(client_for):
    client = client_for("counsellor")
    client.cookies["wasla_language"] = "en"
    page = client.get("/people/new/").content.decode()
    assert 'list="id_occupations_isco08"' in page and 'id="id_occupations_2"' in page
    assert '<option value="2512">2512 — Software developers</option>' in page
    client.cookies["wasla_language"] = "ar"
    page = client.get("/people/new/").content.decode()
    assert '<option value="2512" lang="fr">2512 — Concepteurs de logiciels</option>' in page


@pytest.mark.django_db
def test_each_occupation_input_adds_its_codes(client_for):
    client = client_for("counsellor")
    response = client.post("/people/new/", {**FORM, "occupations": ["2512", "", "7411, 9312"]})
    assert response.status_code == 302
    person = Person.objects.get(phone="+21698111222")
    assert person.occupations == ["2512", "7411", "9312"]
    client.cookies["wasla_language"] = "en"
    page = client.get(response.url).content.decode()
    assert '<bdi dir="ltr">2512</bdi> <bdi>Software developers</bdi>' in page
    client.cookies["wasla_language"] = "ar"
    page = client.get(response.url).content.decode()
    assert '<bdi dir="ltr">2512</bdi> <bdi lang="fr">Concepteurs de logiciels</bdi>' in page
    edit = client.get(f"{response.url}edit/").content.decode()
    assert 'value="7411"' in edit and 'id="id_occupations_4"' in edit


@pytest.mark.django_db
def test_the_form_shows_an_unknown_code_back_with_the_error(client_for):
    client = client_for("counsellor")
    client.cookies["wasla_language"] = "en"
    response = client.post("/people/new/", {**FORM, "occupations": "2512, 9999"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "not in the ISCO-08 classification: 9999" in page
    assert 'value="9999"' in page
    assert not Person.objects.filter(phone="+21698111222").exists()


@pytest.mark.django_db
def test_the_api_refuses_codes_outside_isco_08(client_for):
    client = client_for("counsellor")
    refused = client.post(
        "/api/v1/persons/",
        json.dumps({**FORM, "office": "ote-antenna-medenine", "occupations": ["2512", "9999"]}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["occupations"] == [
        "These codes are not in the ISCO-08 classification: 9999"
    ]
    created = client.post(
        "/api/v1/persons/",
        json.dumps({**FORM, "office": "ote-antenna-medenine", "occupations": ["2512"]}),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["occupations"] == ["2512"]
