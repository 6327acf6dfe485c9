import datetime

import pytest

from wasla.organisations.models import Office


@pytest.fixture
def antenna(demo):
    return Office.objects.get(slug="ote-antenna-medenine")


@pytest.fixture
def register(user_for_role, antenna):
    """Register a person at the Medenine antenna as its counsellor."""
    from wasla.people.services import person_register

    def make(**fields):
        values = {
            "given_name_latin": "Mariem",
            "family_name_latin": "Ben Salah",
            "given_name_ar": "مريم",
            "family_name_ar": "بن صالح",
            "sex": "female",
            "birth_date": datetime.date(1994, 3, 7),
            "phone": "22 123 456",
            "nationality": "TN",
            "population_group": "returning_migrant",
            "contact_channel": "sms",
        }
        values.update(fields)
        return person_register(actor=user_for_role("counsellor"), office=antenna, **values)

    return make
