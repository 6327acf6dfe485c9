import datetime

import pytest

from wasla.cases.models import Case
from wasla.organisations.models import Office


@pytest.fixture
def antenna(demo):
    return Office.objects.get(slug="ote-antenna-medenine")


@pytest.fixture
def register(user_for_role, antenna):
    """Register a person at the Medenine antenna as its counsellor, with the given consents."""
    from wasla.people.services import consent_give, person_register

    def make(*, consents=("service_delivery",), **fields):
        counsellor = user_for_role("counsellor")
        values = {
            "given_name_latin": "Walid",
            "family_name_latin": "Gharsalli",
            "given_name_ar": "وليد",
            "family_name_ar": "القرصلي",
            "sex": "male",
            "birth_date": datetime.date(1990, 11, 2),
            "phone": "29 555 014",
            "nationality": "TN",
            "population_group": "returning_migrant",
            "contact_channel": "sms",
            **fields,
        }
        person = person_register(actor=counsellor, office=antenna, **values)
        for purpose in consents:
            consent_give(
                actor=counsellor,
                person=person,
                purpose=purpose,
                given_on=datetime.date.today(),
                method="written",
            )
        return person

    return make


@pytest.fixture
def case_in_assessment(demo):
    """The demo case whose needs are being assessed."""
    return Case.objects.get(stage="assessment")


@pytest.fixture
def case_with_plan(demo):
    """The demo case with an agreed plan of two actions and a referral sent to UNFT Kairouan."""
    return Case.objects.get(stage="plan_agreed")


@pytest.fixture
def signed_in(client_for):
    """A test client signed in as the demo user of a role, reading pages in a language."""

    def make(role: str, language: str = "en"):
        client = client_for(role)  # signing in again starts with no cookie
        client.cookies["wasla_language"] = language
        return client

    return make
