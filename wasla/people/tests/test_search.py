import datetime

import pytest

from wasla.people.selectors import person_likely_matches, person_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(register):
    mariem = register()
    mohamed = register(
        given_name_latin="Mohamed",
        family_name_latin="Ben Ali",
        given_name_ar="محمد",
        family_name_ar="بن علي",
        sex="male",
        birth_date=datetime.date(1988, 11, 2),
        phone="+216 55 000 111",
        national_id="07654321",
    )
    return mariem, mohamed


@pytest.mark.parametrize(
    "query", ["Mariem Ben Salah", "MERIEM BENSALAH", "مريم بن صالح", "meriem", "bensalah mariem"]
)
def test_a_name_is_found_whatever_the_script_or_spelling(user_for_role, people, query):
    mariem, _mohamed = people
    assert list(person_search(user=user_for_role("counsellor"), query=query)) == [mariem]


@pytest.mark.parametrize("query", ["Mohammed Benali", "Mhamed Ben-Ali", "محمّد بن علي"])
def test_transliteration_variants_of_mohamed_ben_ali(user_for_role, people, query):
    _mariem, mohamed = people
    assert mohamed in person_search(user=user_for_role("counsellor"), query=query)


@pytest.mark.parametrize("query", ["55000111", "+216 55 000 111", "00216-55-000-111"])
def test_a_phone_is_found_in_any_format(user_for_role, people, query):
    _mariem, mohamed = people
    assert list(person_search(user=user_for_role("counsellor"), query=query)) == [mohamed]


def test_an_identity_card_number_and_a_reference_find_the_person(user_for_role, people):
    _mariem, mohamed = people
    counsellor = user_for_role("counsellor")
    assert list(person_search(user=counsellor, query="07654321")) == [mohamed]
    assert list(person_search(user=counsellor, query=mohamed.reference.lower())) == [mohamed]


def test_search_stays_inside_the_readers_scope(user_for_role, people):
    assert list(person_search(user=user_for_role("employment_officer"), query="Mariem")) == []
    assert list(person_search(user=user_for_role("front_desk_agent"), query="Mariem")) == []


def test_intake_shows_the_likely_existing_record_with_its_reasons(user_for_role, people):
    mariem, _mohamed = people
    matches = person_likely_matches(
        user=user_for_role("counsellor"),
        fields={
            "given_name_latin": "Meriem",
            "family_name_latin": "Bensalah",
            "birth_date": datetime.date(1994, 7, 3),
            "phone": "0021622123456",
        },
    )
    assert matches[0].reference == mariem.reference
    assert {"name", "phone", "birth_swapped"} <= set(matches[0].reasons)


def test_a_namesake_born_another_year_is_not_proposed(user_for_role, people):
    matches = person_likely_matches(
        user=user_for_role("counsellor"),
        fields={"given_name_latin": "Mariem", "family_name_latin": "Ben Salah", "birth_year": 1961},
    )
    assert matches == []


def test_the_migration_rebuilds_search_tokens_written_by_an_older_standardisation(
    people, user_for_role
):
    """Records registered before a change of the name keys are found by new searches."""
    import importlib

    from django.apps import apps

    from wasla.people.models import PersonNameToken

    migration = importlib.import_module("wasla.people.migrations.0007_rebuild_name_tokens")
    mariem, mohamed = people
    expected = set(mariem.name_tokens.values_list("token", flat=True))
    PersonNameToken.objects.filter(person=mariem).delete()
    PersonNameToken.objects.create(person=mariem, token="an-old-key")

    migration.rebuild_name_tokens(apps, None)

    assert set(mariem.name_tokens.values_list("token", flat=True)) == expected
    assert mohamed.name_tokens.count() > 0
    found = person_search(user=user_for_role("counsellor"), query="MERIEM BENSALAH")
    assert mariem in list(found)
