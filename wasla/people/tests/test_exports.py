import datetime

import pytest

from wasla.people.selectors import PSEUDONYMISED_COLUMNS, person_access_export, pseudonymised_export
from wasla.people.services import consent_give, migration_episode_add

pytestmark = pytest.mark.django_db


def test_right_of_access_holds_everything_about_the_person(register, user_for_role):
    person = register(national_id="08123456")
    counsellor = user_for_role("counsellor")
    migration_episode_add(
        actor=counsellor,
        person=person,
        kind="return",
        departure_country="DE",
        destination_country="TN",
        year=2023,
        return_type="voluntary",
    )
    consent_give(
        actor=counsellor,
        person=person,
        purpose="service_delivery",
        given_on=datetime.date.today(),
        method="oral",
    )
    data = person_access_export(user=counsellor, person=person)
    assert (
        data["person"]["given_name_latin"] == "Mariem"
        and data["person"]["national_id"] == "08123456"
    )
    assert data["migration_history"][0]["departure_country"] == "DE"
    assert data["consents"][0]["purpose"] == "service_delivery"
    assert data["changes"][0]["by"] == "counsellor"


def test_the_pseudonymised_export_has_no_identifier_and_only_consenting_people(
    register, user_for_role, django_user_model
):
    from wasla.organisations.models import Office, Organisation
    from wasla.organisations.services import membership_add

    counsellor = user_for_role("counsellor")
    consenting = register(national_id="08123456")
    register(given_name_latin="Salma", given_name_ar="سلمى", phone="", national_id=None)
    consent_give(
        actor=counsellor,
        person=consenting,
        purpose="ote_sharing",
        given_on=datetime.date.today(),
        method="written",
    )
    migration_episode_add(
        actor=counsellor,
        person=consenting,
        kind="return",
        departure_country="IT",
        destination_country="TN",
        year=2024,
        return_type="assisted_voluntary",
    )
    manager = django_user_model.objects.create_user("ote-me", password="a-long-password-4")
    membership_add(
        actor=None,
        user=manager,
        organisation=Organisation.objects.get(slug="ote"),
        role="programme_manager",
    )
    manager = django_user_model.objects.get(pk=manager.pk)
    assert Office.objects.filter(organisation__slug="ote").exists()

    rows = pseudonymised_export(user=manager)
    assert len(rows) == 1
    row = rows[0]
    assert tuple(row) == PSEUDONYMISED_COLUMNS
    text = str(row)
    for identifier in ("Mariem", "مريم", "+21622123456", "08123456", consenting.reference):
        assert identifier not in text
    assert row["last_returned_from"] == "IT" and row["last_return_type"] == "assisted_voluntary"
    assert (
        len(row["pseudonym"]) == 32
        and pseudonymised_export(user=manager)[0]["pseudonym"] == row["pseudonym"]
    )
