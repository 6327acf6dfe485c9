import datetime
from decimal import Decimal

import pytest

from wasla.cases import services
from wasla.cases.models import Case, CaseEvent, FollowUp, Referral, Stage
from wasla.cases.selectors import caseload, partner_inbox, support_totals
from wasla.core.exceptions import ApplicationError, ConcurrentEditError
from wasla.core.models import AuditEntry
from wasla.engines.sustainability.scoring import SustainabilityIndex
from wasla.organisations.models import Organisation
from wasla.people.services import consent_withdraw

pytestmark = pytest.mark.django_db

ASSESSMENT = {
    "income_source": "none",
    "debt": "manageable",
    "housing": "rented",
    "family_support": "some",
    "distress": "mild",
}


@pytest.fixture
def counsellor(user_for_role):
    return user_for_role("counsellor")


@pytest.fixture
def open_case(counsellor, consenting_person, programme, antenna):
    return services.case_open(
        actor=counsellor, person=consenting_person(), programme=programme, office=antenna
    )


def _agree_plan(counsellor, case):
    case = services.case_move(
        actor=counsellor, case=case, to_stage=Stage.ASSESSMENT, expected_version=case.version
    )
    services.needs_assessment_record(actor=counsellor, case=case, answers=ASSESSMENT)
    services.plan_action_add(
        actor=counsellor, case=case, kind="vocational_training", budget_tnd=Decimal("800")
    )
    return services.case_move(
        actor=counsellor, case=case, to_stage=Stage.PLAN_AGREED, expected_version=case.version
    )


def test_a_case_opens_at_reception_and_says_so_in_its_timeline(open_case):
    assert open_case.stage == Stage.RECEPTION
    assert open_case.reference.startswith("C-")
    assert list(open_case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.OPENED]
    assert AuditEntry.objects.filter(
        target_type="cases.case", target_id=str(open_case.pk), action="create"
    ).exists()


def test_a_person_without_consent_to_be_served_gets_no_case(
    counsellor, consenting_person, programme, antenna
):
    person = consenting_person("sms_contact")
    with pytest.raises(ApplicationError) as error:
        services.case_open(actor=counsellor, person=person, programme=programme, office=antenna)
    assert error.value.code == "no_consent"
    assert not Case.objects.filter(person=person).exists()


def test_one_open_case_per_person_and_programme(counsellor, open_case, programme, antenna):
    with pytest.raises(ApplicationError) as error:
        services.case_open(
            actor=counsellor, person=open_case.person, programme=programme, office=antenna
        )
    assert error.value.code == "already_open"


@pytest.mark.parametrize("to_stage", [Stage.PLAN_AGREED, Stage.SUPPORT, Stage.FOLLOW_UP, "nowhere"])
def test_only_allowed_transitions_pass(counsellor, open_case, to_stage):
    with pytest.raises(ApplicationError) as error:
        services.case_move(
            actor=counsellor, case=open_case, to_stage=to_stage, expected_version=open_case.version
        )
    assert error.value.code == "invalid_transition"
    open_case.refresh_from_db()
    assert open_case.stage == Stage.RECEPTION and open_case.version == 1


def test_a_plan_needs_an_assessment_and_an_action(counsellor, open_case):
    case = services.case_move(
        actor=counsellor, case=open_case, to_stage=Stage.ASSESSMENT, expected_version=1
    )
    with pytest.raises(ApplicationError) as error:
        services.case_move(
            actor=counsellor, case=case, to_stage=Stage.PLAN_AGREED, expected_version=case.version
        )
    assert error.value.code == "no_assessment"
    services.needs_assessment_record(actor=counsellor, case=case, answers=ASSESSMENT)
    with pytest.raises(ApplicationError) as error:
        services.case_move(
            actor=counsellor, case=case, to_stage=Stage.PLAN_AGREED, expected_version=case.version
        )
    assert error.value.code == "empty_plan"


def test_agreeing_the_plan_schedules_the_follow_ups(counsellor, open_case):
    case = _agree_plan(counsellor, open_case)
    today = datetime.date.today()
    follow_ups = list(case.follow_ups.values_list("months_after_plan", "due_on"))
    assert [months for months, _due in follow_ups] == [3, 6, 12]
    assert follow_ups[0][1] == services.add_months(today, 3)


def test_add_months_keeps_the_end_of_the_month():
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


def test_two_counsellors_moving_the_same_case_cannot_both_win(counsellor, open_case):
    services.case_move(
        actor=counsellor,
        case=Case.objects.get(pk=open_case.pk),
        to_stage=Stage.ASSESSMENT,
        expected_version=1,
    )
    with pytest.raises(ConcurrentEditError):
        services.case_move(
            actor=counsellor,
            case=open_case,
            to_stage=Stage.CLOSED,
            expected_version=1,
            closure_reason="lost_contact",
        )
    open_case.refresh_from_db()
    assert open_case.stage == Stage.ASSESSMENT


def test_closing_needs_a_reason_and_is_final(counsellor, open_case):
    with pytest.raises(ApplicationError) as error:
        services.case_move(
            actor=counsellor, case=open_case, to_stage=Stage.CLOSED, expected_version=1
        )
    assert "closure_reason" in error.value.extra
    case = services.case_move(
        actor=counsellor,
        case=open_case,
        to_stage=Stage.CLOSED,
        expected_version=1,
        closure_reason="moved_away",
    )
    assert case.closed_on == datetime.date.today() and case.next_stages == ()


def test_assessment_answers_are_checked_against_the_programme_form(counsellor, open_case):
    with pytest.raises(ApplicationError) as error:
        services.needs_assessment_record(
            actor=counsellor, case=open_case, answers={"income_source": "lottery", "colour": "red"}
        )
    assert {"income_source", "colour", "debt", "housing"} <= set(error.value.extra)
    services.needs_assessment_record(
        actor=counsellor,
        case=open_case,
        answers={**ASSESSMENT, "vulnerabilities": ["single_parent", "disability"]},
    )


def test_a_referral_needs_consent_and_the_partner_answers_it(
    counsellor, consenting_person, programme, antenna, user_for_role
):
    person = consenting_person("service_delivery")
    case = services.case_open(actor=counsellor, person=person, programme=programme, office=antenna)
    unft = Organisation.objects.get(slug="unft-kairouan")
    with pytest.raises(ApplicationError) as error:
        services.referral_send(actor=counsellor, case=case, partner=unft, reason="Support group")
    assert error.value.code == "no_consent"

    person = consenting_person(given_name_latin="Rania", phone="+216 29 555 011")
    case = services.case_open(actor=counsellor, person=person, programme=programme, office=antenna)
    referral = services.referral_send(
        actor=counsellor, case=case, partner=unft, reason="Support group"
    )
    partner = user_for_role("partner_caseworker")
    with pytest.raises(ApplicationError):
        services.referral_respond(
            actor=partner, referral=referral, expected_version=1, accept=False
        )
    referral = services.referral_respond(
        actor=partner, referral=referral, expected_version=1, accept=True
    )
    referral = services.referral_complete(
        actor=partner,
        referral=referral,
        expected_version=referral.version,
        outcome="Joined the group",
    )
    assert referral.status == Referral.Status.COMPLETED
    with pytest.raises(ApplicationError):
        services.referral_respond(
            actor=counsellor, referral=referral, expected_version=referral.version, accept=True
        )


def test_the_partner_inbox_shows_the_minimum_and_nothing_after_withdrawal(
    counsellor, consenting_person, programme, antenna, user_for_role
):
    person = consenting_person(given_name_latin="Rania", family_name_latin="Khelifi")
    case = services.case_open(actor=counsellor, person=person, programme=programme, office=antenna)
    services.referral_send(
        actor=counsellor,
        case=case,
        partner=Organisation.objects.get(slug="unft-kairouan"),
        reason="Training",
    )
    partner = user_for_role("partner_caseworker")
    inbox = {item.referral.case_id: item for item in partner_inbox(user=partner)}
    item = inbox[case.pk]
    assert item.given_name == "Rania" and item.birth_year == 1990 and item.phone == ""
    assert not hasattr(item, "family_name")
    consent_withdraw(actor=counsellor, consent=person.consents.get(purpose="partner_sharing"))
    item = {i.referral.case_id: i for i in partner_inbox(user=partner)}[case.pk]
    assert not item.person_shared and item.given_name == "" and item.birth_year is None


def test_support_ledger_totals(counsellor, open_case):
    today = datetime.date.today()
    services.support_record(
        actor=counsellor, case=open_case, kind="cash", amount_tnd=Decimal("300"), provided_on=today
    )
    services.support_record(
        actor=counsellor,
        case=open_case,
        kind="microcredit",
        amount_tnd=Decimal("2500.500"),
        provided_on=today,
    )
    with pytest.raises(ApplicationError):
        services.support_record(
            actor=counsellor,
            case=open_case,
            kind="cash",
            amount_tnd=Decimal("-5"),
            provided_on=today,
        )
    totals = support_totals(case=open_case)
    assert totals["cash"] == Decimal("300") and totals["all"] == Decimal("2800.500")


def test_a_follow_up_records_the_sustainability_score(counsellor, open_case):
    case = _agree_plan(counsellor, open_case)
    follow_up = case.follow_ups.get(months_after_plan=6)
    index = SustainabilityIndex.load()
    best = {
        indicator.id: max(indicator.options, key=lambda option: option.score).id
        for indicator in index.indicators
    }
    follow_up = services.follow_up_record(actor=counsellor, follow_up=follow_up, answers=best)
    assert follow_up.composite_score == 1.0 and follow_up.economic_score == 1.0
    assert follow_up.index_version == index.version and follow_up.score_band
    assert case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP).exists()
    with pytest.raises(ApplicationError):
        services.follow_up_record(actor=counsellor, follow_up=follow_up, answers=best)


def test_unknown_sustainability_answers_are_refused(counsellor, open_case):
    case = _agree_plan(counsellor, open_case)
    follow_up = case.follow_ups.first()
    with pytest.raises(ApplicationError):
        services.follow_up_record(
            actor=counsellor, follow_up=follow_up, answers={"no_such_indicator": "x"}
        )
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_the_caseload_lists_overdue_follow_ups(counsellor, open_case):
    case = _agree_plan(counsellor, open_case)
    FollowUp.objects.filter(case=case, months_after_plan=3).update(
        due_on=datetime.date.today() - datetime.timedelta(days=2)
    )
    load = caseload(user=counsellor)
    assert [f.case_id for f in load.overdue_follow_ups] == [case.pk]
    assert {stage: count for stage, _label, count in load.by_stage}[Stage.PLAN_AGREED] >= 1


def test_staff_of_another_office_cannot_touch_the_case(open_case, user_for_role):
    with pytest.raises(ApplicationError) as error:
        services.case_move(
            actor=user_for_role("employment_officer"),
            case=open_case,
            to_stage=Stage.ASSESSMENT,
            expected_version=1,
        )
    assert error.value.code == "forbidden"
