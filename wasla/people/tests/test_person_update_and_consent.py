import datetime

import pytest

from wasla.core.exceptions import ApplicationError, ConcurrentEditError
from wasla.core.models import AuditEntry
from wasla.people.models import Consent, MigrationEpisode
from wasla.people.services import (
    consent_give,
    consent_require,
    consent_withdraw,
    migration_episode_add,
    person_anonymise,
    person_update,
)

pytestmark = pytest.mark.django_db


def test_two_counsellors_editing_the_same_person_cannot_overwrite_each_other(
    register, user_for_role
):
    person = register()
    counsellor = user_for_role("counsellor")
    loaded = person.version
    person_update(actor=counsellor, person=person, expected_version=loaded, phone="+216 98 765 432")
    with pytest.raises(ConcurrentEditError):
        person_update(actor=counsellor, person=person, expected_version=loaded, skills="welding")
    person.refresh_from_db()
    assert person.phone == "+21698765432" and person.skills == ""


def test_someone_outside_the_office_cannot_edit(register, user_for_role):
    person = register()
    with pytest.raises(ApplicationError) as error:
        person_update(
            actor=user_for_role("front_desk_agent"), person=person, expected_version=1, skills="x"
        )
    assert error.value.code == "forbidden"


def test_consent_is_given_withdrawn_and_required_for_sharing(register, user_for_role):
    person = register()
    counsellor = user_for_role("counsellor")
    with pytest.raises(ApplicationError) as error:
        consent_require(person=person, purpose=Consent.Purpose.PARTNER_SHARING)
    assert error.value.code == "no_consent"
    consent = consent_give(
        actor=counsellor,
        person=person,
        purpose="partner_sharing",
        given_on=datetime.date.today(),
        method="written",
    )
    assert consent_require(person=person, purpose="partner_sharing") == consent
    with pytest.raises(ApplicationError):
        consent_give(
            actor=counsellor,
            person=person,
            purpose="partner_sharing",
            given_on=datetime.date.today(),
            method="oral",
        )
    consent_withdraw(actor=counsellor, consent=consent)
    with pytest.raises(ApplicationError):
        consent_require(person=person, purpose="partner_sharing")
    assert AuditEntry.objects.filter(target_type="people.consent", action="update").exists()


def test_a_return_records_where_from_and_whether_it_was_voluntary(register, user_for_role):
    person = register()
    counsellor = user_for_role("counsellor")
    episode = migration_episode_add(
        actor=counsellor,
        person=person,
        kind="return",
        departure_country="IT",
        destination_country="TN",
        year=2024,
        return_type="forced",
    )
    assert episode.get_return_type_display() == "Forced (removal or deportation)"
    with pytest.raises(ApplicationError) as error:
        migration_episode_add(
            actor=counsellor,
            person=person,
            kind="return",
            departure_country="IT",
            destination_country="TN",
            year=2024,
        )
    assert "return_type" in error.value.extra
    assert MigrationEpisode.objects.filter(person=person).count() == 1


def test_anonymisation_erases_identifiers_everywhere_and_keeps_what_counts(register, user_for_role):
    person = register(national_id="08123456")
    person_update(
        actor=user_for_role("counsellor"), person=person, expected_version=1, skills="tailoring"
    )
    person_anonymise(actor=_admin_of_ote(), person=person)
    person.refresh_from_db()
    assert (
        person.anonymised_at
        and person.given_name_latin == ""
        and person.phone == ""
        and person.national_id is None
    )
    assert (
        person.sex == "female"
        and person.birth_year == 1994
        and person.population_group == "returning_migrant"
    )
    assert not person.name_tokens.exists()
    for entry in AuditEntry.objects.filter(target_type="people.person", target_id=str(person.pk)):
        text = str(entry.before) + str(entry.after) + entry.target_label
        assert "Mariem" not in text and "+21622123456" not in text and "08123456" not in text


def _admin_of_ote():
    from django.contrib.auth import get_user_model

    from wasla.organisations.models import Organisation
    from wasla.organisations.services import membership_add

    admin = get_user_model().objects.create_user("ote-admin", password="a-long-password-3")
    membership_add(
        actor=None,
        user=admin,
        organisation=Organisation.objects.get(slug="ote"),
        role="administrator",
    )
    return get_user_model().objects.get(pk=admin.pk)
