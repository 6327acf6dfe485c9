import datetime

import pytest

from wasla.core.exceptions import ApplicationError
from wasla.core.models import AuditEntry
from wasla.organisations.models import Office
from wasla.people.models import Person, PersonOffice
from wasla.people.services import person_register

pytestmark = pytest.mark.django_db


def test_a_counsellor_registers_a_returning_migrant(register):
    person = register(national_id="08 123 456")
    assert person.phone == "+21622123456"
    assert person.national_id == "08123456"
    assert person.birth_year == 1994
    assert person.reference.startswith("P-") and len(person.reference) == 9
    assert PersonOffice.objects.filter(person=person, office__slug="ote-antenna-medenine").exists()
    entry = AuditEntry.objects.get(target_type="people.person", target_id=str(person.pk))
    assert entry.action == "create" and entry.after["phone"] == "+21622123456"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"national_id": "1234567"}, "national_id"),
        ({"birth_date": datetime.date(2999, 1, 1)}, "birth_date"),
        ({"birth_date": None, "birth_year": None}, "birth_year"),
        ({"given_name_latin": "", "given_name_ar": ""}, "given_name_latin"),
        ({"given_name_ar": "Mariem"}, "given_name_ar"),
        ({"nationality": "XX"}, "nationality"),
        ({"occupations": ["12345"]}, "occupations"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(register, fields, field):
    people, entries = Person.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as error:
        register(**fields)
    assert field in error.value.extra
    assert Person.objects.count() == people
    assert AuditEntry.objects.count() == entries


def test_every_mistake_is_reported_at_once(register):
    with pytest.raises(ApplicationError) as error:
        register(phone="abc", national_id="12", nationality="ZZ")
    assert {"phone", "national_id", "nationality"} <= set(error.value.extra)


def test_an_identity_card_number_is_registered_once(register):
    register(national_id="08123456")
    with pytest.raises(ApplicationError) as error:
        register(national_id="08123456", given_name_latin="Other")
    assert error.value.code == "duplicate_national_id"
    assert Person.objects.filter(given_name_latin="Other").count() == 0


def test_only_the_year_of_birth_may_be_known(register):
    person = register(birth_date=None, birth_year=1987)
    assert person.birth_date is None and person.birth_year == 1987


def test_no_one_registers_at_an_office_they_do_not_work_at(user_for_role):
    with pytest.raises(ApplicationError) as error:
        person_register(
            actor=user_for_role("counsellor"),
            office=Office.objects.get(slug="ote-antenna-tunis"),
            given_name_latin="Ali",
            sex="male",
            birth_year=1990,
            population_group="returning_migrant",
            contact_channel="sms",
        )
    assert error.value.code == "forbidden"


@pytest.mark.parametrize(
    "role", ["partner_caseworker", "programme_manager", "auditor", "administrator"]
)
def test_roles_without_front_line_work_cannot_register(user_for_role, antenna, role):
    with pytest.raises(ApplicationError):
        person_register(
            actor=user_for_role(role),
            office=antenna,
            given_name_latin="Ali",
            sex="male",
            birth_year=1990,
            population_group="host_community",
            contact_channel="sms",
        )
