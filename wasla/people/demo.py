"""Likely duplicates for the demonstration: the same people registered more than once by the
Kairouan agency, as partners really write them, and namesakes who are different people.

Called by the demo loader (wasla.demo); the records go through the registry's own service, so
they are checked and audited like real work. Running it twice adds nothing."""

import datetime

from django.contrib.auth import get_user_model

from wasla.engines.linkage import standardise
from wasla.organisations.models import Office
from wasla.people.models import Person
from wasla.people.services import person_register

DEMO_OFFICE = "lda-kairouan-office"

DUPLICATE_PEOPLE = [
    # One woman, three registrations: Latin and Arabic, then capitals with the family name
    # glued and the birth date typed day-first, then Arabic script only with the year only.
    {
        "given_name_latin": "Mariem",
        "family_name_latin": "Ben Salah",
        "given_name_ar": "مريم",
        "family_name_ar": "بن صالح",
        "sex": "female",
        "birth_date": datetime.date(1994, 3, 7),
        "phone": "22 123 456",
        "population_group": "internal_migrant",
    },
    {
        "given_name_latin": "MERIEM",
        "family_name_latin": "BENSALAH",
        "sex": "female",
        "birth_date": datetime.date(1994, 7, 3),
        "phone": "+216 22123456",
        "population_group": "internal_migrant",
    },
    {
        "given_name_ar": "مريم",
        "father_name_ar": "الهادي",
        "family_name_ar": "بن صالح",
        "sex": "female",
        "birth_year": 1994,
        "phone": "0021622123456",
        "population_group": "internal_migrant",
    },
    # The same man twice, spelt two ways, with a changed phone.
    {
        "given_name_latin": "Youssef",
        "family_name_latin": "Jebali",
        "given_name_ar": "يوسف",
        "family_name_ar": "الجبالي",
        "sex": "male",
        "birth_date": datetime.date(1989, 11, 2),
        "phone": "98 765 432",
        "population_group": "returning_migrant",
    },
    {
        "given_name_latin": "Youcef",
        "family_name_latin": "Jbali",
        "sex": "male",
        "birth_date": datetime.date(1989, 11, 2),
        "phone": "50 111 222",
        "population_group": "returning_migrant",
    },
    # Namesakes born the same year, sons of different fathers: two people.
    {
        "given_name_latin": "Mohamed",
        "father_name_latin": "Ali",
        "family_name_latin": "Trabelsi",
        "sex": "male",
        "birth_year": 1990,
        "phone": "24 300 100",
        "population_group": "host_community",
    },
    {
        "given_name_latin": "Mohammed",
        "father_name_latin": "Salah",
        "family_name_latin": "Trabelsi",
        "sex": "male",
        "birth_year": 1990,
        "phone": "24 300 200",
        "population_group": "host_community",
    },
]


def demo_duplicates_add() -> list[Person]:
    """Register the demonstration's duplicate records at the Kairouan agency (once); the
    records, in the order of DUPLICATE_PEOPLE."""
    office = Office.objects.get(slug=DEMO_OFFICE)
    phones = {standardise.phone_e164(spec["phone"]) for spec in DUPLICATE_PEOPLE}
    existing = Person.objects.filter(registered_office=office, phone__in=phones).order_by("pk")
    if existing.exists():
        return list(existing)
    actor = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    people = []
    for spec in DUPLICATE_PEOPLE:
        fields = {"nationality": "TN", "contact_channel": "sms", **spec}
        people.append(person_register(actor=actor, office=office, **fields))
    return people
