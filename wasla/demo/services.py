"""Loads the demo landscape. Idempotent: a second run changes nothing and is quick."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from wasla.cases import services as case_services
from wasla.cases.models import Programme
from wasla.citizen_spaces.catalogue_data import catalogue_load
from wasla.citizen_spaces.services import calendar_load
from wasla.core.exceptions import ApplicationError
from wasla.demo import landscape
from wasla.engines.linkage import standardise
from wasla.organisations.models import Office, Organisation, StaffMembership
from wasla.organisations.services import OpeningPeriodInput, membership_add, office_create
from wasla.people import services as person_services
from wasla.people.demo import demo_duplicates_add
from wasla.people.models import Person
from wasla.planning.demo import planning_demo_load
from wasla.territories.models import Governorate, Locality, Municipality
from wasla.territories.services import (
    corridor_ensure,
    localities_assign_to_nearest_municipality,
    municipality_ensure,
)


def _locality(governorate_code: str | None, name: str) -> Locality:
    candidates = Locality.objects.filter(name=name)
    if governorate_code:
        candidates = candidates.filter(governorate__code=governorate_code)
    locality = candidates.order_by("-population").first()
    if locality is None:
        raise ApplicationError(
            _("The locality %(name)s is not loaded; run manage.py load_territories first.")
            % {"name": name}
        )
    return locality


def _hours(spec) -> list[OpeningPeriodInput]:
    return [
        OpeningPeriodInput(
            weekday=day,
            opens=datetime.time.fromisoformat(opens),
            closes=datetime.time.fromisoformat(closes),
        )
        for day, opens, closes in spec
    ]


def _municipalities() -> dict[str, Municipality]:
    by_seat = {}
    for spec in landscape.MUNICIPALITIES:
        governorate = Governorate.objects.get(code=spec.governorate)
        by_seat[spec.seat] = municipality_ensure(
            governorate=governorate,
            seat=_locality(spec.governorate, spec.seat),
            name_ar=spec.name_ar,
            name_fr=spec.name_fr,
            name_en=spec.name_en,
        )
    for code in sorted({spec.governorate for spec in landscape.MUNICIPALITIES}):
        localities_assign_to_nearest_municipality(governorate=Governorate.objects.get(code=code))
    return by_seat


def _organisations(municipalities: dict[str, Municipality]) -> None:
    for spec in landscape.ORGANISATIONS:
        municipality = municipalities.get(spec.municipality) if spec.municipality else None
        organisation, _created = Organisation.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "kind": spec.kind,
                "acronym": spec.acronym,
                "name_ar": spec.name_ar,
                "name_fr": spec.name_fr,
                "name_en": spec.name_en,
                "governorate": Governorate.objects.get(code=spec.governorate)
                if spec.governorate
                else None,
                "municipality": municipality,
                "website": spec.website,
            },
        )
        for office_spec in spec.offices:
            if Office.objects.filter(slug=office_spec.slug).exists():
                continue
            office_create(
                organisation=organisation,
                slug=office_spec.slug,
                kind=office_spec.kind,
                locality=_locality(spec.governorate, office_spec.locality),
                name_ar=office_spec.name_ar,
                name_fr=office_spec.name_fr,
                name_en=office_spec.name_en,
                phone=office_spec.phone,
                opening_periods=_hours(office_spec.hours),
            )


def _users() -> list[landscape.UserSpec]:
    User = get_user_model()
    for spec in landscape.USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(username=spec.username)
            user.set_password(landscape.DEMO_PASSWORD)
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.email = f"{spec.username}@demo.wasla.tn"
        user.preferred_language = spec.language
        user.is_superuser = user.is_staff = spec.superuser
        user.save()
        organisation = Organisation.objects.get(slug=spec.organisation)
        office = Office.objects.get(slug=spec.office) if spec.office else None
        if not StaffMembership.objects.filter(
            user=user, organisation=organisation, role=spec.role, office=office, is_active=True
        ).exists():
            membership_add(
                actor=None, user=user, organisation=organisation, role=spec.role, office=office
            )
    return landscape.USERS


def _programmes() -> None:
    questions = case_services.default_assessment_questions()
    for spec in landscape.PROGRAMMES:
        Programme.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name_ar": spec.name_ar,
                "name_fr": spec.name_fr,
                "name_en": spec.name_en,
                "follow_up_months": list(spec.follow_up_months),
                "assessment_questions": questions,
            },
        )


def _sample_cases() -> None:
    """Registered through the same services as real work, so they are checked and audited."""
    counsellor = get_user_model().objects.get(username="counsellor")
    antenna = Office.objects.get(slug="ote-antenna-medenine")
    programme = Programme.objects.get(slug="reintegration")
    today = datetime.date.today()
    for spec in landscape.SAMPLE_PEOPLE:
        if Person.objects.filter(phone=standardise.phone_e164(spec["phone"])).exists():
            continue
        fields = {
            k: v
            for k, v in spec.items()
            if k not in {"returned_from", "return_year", "return_type", "stage"}
        }
        person = person_services.person_register(actor=counsellor, office=antenna, **fields)
        person_services.migration_episode_add(
            actor=counsellor,
            person=person,
            kind="return",
            departure_country=spec["returned_from"],
            destination_country="TN",
            year=spec["return_year"],
            return_type=spec["return_type"],
        )
        for purpose in ("service_delivery", "partner_sharing", "sms_contact"):
            person_services.consent_give(
                actor=counsellor, person=person, purpose=purpose, given_on=today, method="written"
            )
        case = case_services.case_open(
            actor=counsellor, person=person, programme=programme, office=antenna
        )
        case = case_services.case_move(
            actor=counsellor, case=case, to_stage="assessment", expected_version=case.version
        )
        if spec["stage"] == "assessment":
            continue
        case_services.needs_assessment_record(
            actor=counsellor,
            case=case,
            answers={
                "income_source": "none",
                "debt": "heavy",
                "housing": "own_or_family",
                "family_support": "some",
                "distress": "mild",
            },
        )
        case_services.plan_action_add(
            actor=counsellor,
            case=case,
            kind="vocational_training",
            description="Couture / خياطة",
            partner=Organisation.objects.get(slug="atfp"),
            budget_tnd=1200,
            due_on=today + datetime.timedelta(days=90),
        )
        case_services.plan_action_add(
            actor=counsellor,
            case=case,
            kind="psychosocial_support",
            partner=Organisation.objects.get(slug="unft-kairouan"),
            due_on=today + datetime.timedelta(days=30),
        )
        case = case_services.case_move(
            actor=counsellor, case=case, to_stage="plan_agreed", expected_version=case.version
        )
        case_services.referral_send(
            actor=counsellor,
            case=case,
            partner=Organisation.objects.get(slug="unft-kairouan"),
            reason="Psychosocial support group for returning women",
            plan_action=None,
        )


@transaction.atomic
def demo_load() -> list[landscape.UserSpec]:
    """Municipalities, corridors, organisations with their offices, and one user per role."""
    if not Governorate.objects.exists():
        raise ApplicationError(
            _("Territories are not loaded; run manage.py load_territories first.")
        )
    municipalities = _municipalities()
    for corridor in landscape.CORRIDORS:
        corridor_ensure(
            **{key: value for key, value in corridor.items() if key != "governorates"},
            governorates=Governorate.objects.filter(code__in=corridor["governorates"]),
        )
    _organisations(municipalities)
    users = _users()
    _programmes()
    _sample_cases()
    # Likely duplicates and namesakes at the Kairouan agency, for the review queue.
    demo_duplicates_add()
    # The working-day calendar and the service catalogue, offered at every Citizen Space.
    calendar_load()
    catalogue_load(offices=Office.objects.filter(kind=Office.Kind.CITIZEN_SPACE))
    # One answered siting scenario for Tataouine, so the planner's pages show an answer.
    planning_demo_load()
    return users
