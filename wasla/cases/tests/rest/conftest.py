import datetime

import pytest

from wasla.cases.models import Case
from wasla.organisations.models import Office


@pytest.fixture
def antenna(demo):
    return Office.objects.get(slug="ote-antenna-medenine")


@pytest.fixture
def assessment_case(demo):
    """The demo case at stage "assessment": Sami, who consented to every purpose."""
    return Case.objects.get(stage="assessment")


@pytest.fixture
def planned_case(demo):
    """The demo case at stage "plan_agreed": Hajer, referred to unft-kairouan."""
    return Case.objects.get(stage="plan_agreed")


@pytest.fixture
def register(user_for_role, antenna):
    """Register a person at the Medenine antenna who gave the consents named."""
    from wasla.people.services import consent_give, person_register

    def make(*purposes: str, **fields):
        counsellor = user_for_role("counsellor")
        values = {
            "given_name_latin": "Mariem",
            "family_name_latin": "Jaziri",
            "sex": "female",
            "birth_date": datetime.date(1994, 3, 7),
            "phone": "22 123 456",
            "nationality": "TN",
            "population_group": "returning_migrant",
            "contact_channel": "sms",
            **fields,
        }
        person = person_register(actor=counsellor, office=antenna, **values)
        for purpose in purposes:
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
def open_case(user_for_role, antenna, register):
    """A new case in the reintegration programme for a person with the consents named."""
    from wasla.cases.models import Programme
    from wasla.cases.services import case_open

    def make(*purposes: str) -> Case:
        person = register("service_delivery", *purposes)
        return case_open(
            actor=user_for_role("counsellor"),
            person=person,
            programme=Programme.objects.get(slug="reintegration"),
            office=antenna,
        )

    return make
