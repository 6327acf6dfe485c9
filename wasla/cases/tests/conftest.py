import datetime

import pytest

from wasla.cases.models import Programme
from wasla.organisations.models import Office
from wasla.people.services import consent_give, person_register


@pytest.fixture
def antenna(demo):
    return Office.objects.get(slug="ote-antenna-medenine")


@pytest.fixture
def programme(demo):
    return Programme.objects.get(slug="reintegration")


@pytest.fixture
def consenting_person(user_for_role, antenna):
    """A returning migrant registered at the Medenine antenna who consented to be served
    and to have their data shared with the partners they are referred to."""

    def make(*purposes, **fields):
        counsellor = user_for_role("counsellor")
        values = {
            "given_name_latin": "Nizar",
            "family_name_latin": "Mejri",
            "sex": "male",
            "birth_year": 1990,
            "phone": "+216 29 555 010",
            "population_group": "returning_migrant",
            "contact_channel": "sms",
        }
        values.update(fields)
        person = person_register(actor=counsellor, office=antenna, **values)
        for purpose in purposes or ("service_delivery", "partner_sharing"):
            consent_give(
                actor=counsellor,
                person=person,
                purpose=purpose,
                given_on=datetime.date.today(),
                method="written",
            )
        return person

    return make
