"""The case-management pages: what counsellors and partners see and can do through them."""

import datetime

import pytest
from django.utils import timezone

from wasla.cases import services
from wasla.cases.models import Case, CaseEvent, FollowUp, Referral
from wasla.engines.sustainability.scoring import SustainabilityIndex
from wasla.organisations.models import Office, Organisation
from wasla.organisations.services import membership_add
from wasla.people.models import Consent
from wasla.people.services import consent_withdraw

pytestmark = pytest.mark.django_db

ASSESSMENT = {
    "income_source": "irregular",
    "debt": "manageable",
    "housing": "own_or_family",
    "family_support": "some",
    "distress": "mild",
}


def _withdraw(person, purpose, by):
    consent = person.consents.get(purpose=purpose, withdrawn_on__isnull=True)
    consent_withdraw(actor=by, consent=consent)


def test_the_caseload_shows_overdue_follow_ups_in_evidence(signed_in, case_with_plan):
    late = case_with_plan.follow_ups.get(months_after_plan=3)
    FollowUp.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=12)
    )
    page = signed_in("counsellor").get("/cases/")
    assert page.status_code == 200
    html = page.content.decode()
    overdue = html.split('id="overdue-title"')[1].split("</section>")[0]
    assert case_with_plan.reference in overdue
    assert "card warning" in html.split('id="overdue-title"')[0].rsplit("<section", 1)[1]
    assert "Hajer" in overdue
    # Both sample cases are the counsellor's own open cases.
    assert html.count('href="/cases/C-') >= 2


def test_the_caseload_lists_the_cases_of_the_offices_by_stage(signed_in, case_in_assessment):
    page = signed_in("counsellor").get("/cases/", {"stage": "plan_agreed"})
    results = page.content.decode().split('id="case-results"')[1]
    assert case_in_assessment.reference not in results
    assert Case.objects.get(stage="plan_agreed").reference in results


def test_a_counsellor_opens_a_case_from_the_page(signed_in, register):
    person = register()
    client = signed_in("counsellor")
    form = client.get("/cases/new/", {"person": person.reference})
    assert form.status_code == 200
    assert 'value="reintegration"' in form.content.decode()
    response = client.post(
        f"/cases/new/?person={person.reference}",
        {"programme": "employment-inclusion", "office": "ote-antenna-medenine"},
    )
    assert response.status_code == 302
    case = Case.objects.get(person=person)
    assert response.url == f"/cases/{case.reference}/"
    assert case.programme.slug == "employment-inclusion" and case.stage == "reception"
    detail = client.get(response.url).content.decode()
    assert person.reference in detail and 'data-kind="opened"' in detail


def test_opening_a_case_without_consent_says_so_and_links_to_the_person(signed_in, register):
    person = register(consents=())
    response = signed_in("counsellor").post(
        f"/cases/new/?person={person.reference}",
        {"programme": "reintegration", "office": "ote-antenna-medenine"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "has not consented to" in html
    assert f'href="/people/{person.reference}/#consents-title"' in html
    assert not Case.objects.filter(person=person).exists()


def test_an_unknown_person_reference_is_not_found(signed_in):
    response = signed_in("counsellor").get("/cases/new/", {"person": "P-NOSUCH1"})
    assert response.status_code == 404
    assert "P-NOSUCH1" in response.content.decode()


def test_a_stage_move_that_is_not_allowed_shows_a_clear_error_and_changes_nothing(
    signed_in, case_in_assessment
):
    events = case_in_assessment.events.count()
    response = signed_in("counsellor").post(
        f"/cases/{case_in_assessment.reference}/stage/",
        {"to_stage": "follow_up", "version": case_in_assessment.version},
    )
    assert response.status_code == 400
    assert "A case cannot go from “Needs assessment” to “Follow-up”." in response.content.decode()
    stored = Case.objects.get(pk=case_in_assessment.pk)
    assert (stored.stage, stored.version) == ("assessment", case_in_assessment.version)
    assert stored.events.count() == events


def test_agreeing_a_plan_before_assessing_needs_is_refused(signed_in, case_in_assessment):
    response = signed_in("counsellor").post(
        f"/cases/{case_in_assessment.reference}/stage/",
        {"to_stage": "plan_agreed", "version": case_in_assessment.version},
    )
    assert response.status_code == 400
    assert "Assess the person&#x27;s needs before agreeing a plan." in response.content.decode()
    assert Case.objects.get(pk=case_in_assessment.pk).stage == "assessment"


def test_a_stale_version_gets_409_and_changes_nothing(signed_in, case_with_plan):
    client = signed_in("counsellor")
    response = client.post(
        f"/cases/{case_with_plan.reference}/stage/",
        {"to_stage": "support", "version": case_with_plan.version - 1},
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert Case.objects.get(pk=case_with_plan.pk).stage == "plan_agreed"
    # The page shown with the error carries the stored version, so a retry goes through.
    assert f'name="version" value="{case_with_plan.version}"' in response.content.decode()

    action = case_with_plan.plan_actions.first()
    response = client.post(
        f"/cases/{case_with_plan.reference}/plan/{action.pk}/status/",
        {"status": "done", "version": action.version + 5},
    )
    assert response.status_code == 409
    action.refresh_from_db()
    assert action.status == "planned"


def test_closing_a_case_needs_a_reason(signed_in, case_with_plan):
    client = signed_in("counsellor")
    url = f"/cases/{case_with_plan.reference}/stage/"
    refused = client.post(url, {"to_stage": "closed", "version": case_with_plan.version})
    assert refused.status_code == 400
    assert "Say why the case is closed." in refused.content.decode()
    closed = client.post(
        url,
        {"to_stage": "closed", "version": case_with_plan.version, "closure_reason": "moved_away"},
    )
    assert closed.status_code == 302
    case = Case.objects.get(pk=case_with_plan.pk)
    assert (case.stage, case.closure_reason) == ("closed", "moved_away")
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="stage-form"' not in page and 'id="plan-form"' not in page


def test_the_needs_assessment_is_asked_and_shown_in_the_page_language(
    signed_in, case_in_assessment
):
    client = signed_in("counsellor", "fr")
    url = f"/cases/{case_in_assessment.reference}/"
    form = client.get(url).content.decode()
    assert "Principale source de revenus" in form
    assert 'type="checkbox" name="vulnerabilities"' in form
    response = client.post(
        url + "assessments/",
        {**ASSESSMENT, "vulnerabilities": ["chronic_illness", "single_parent"]},
    )
    assert response.status_code == 302, response.content.decode()
    assessment = case_in_assessment.assessments.get()
    assert assessment.answers["vulnerabilities"] == ["chronic_illness", "single_parent"]
    shown = client.get(url).content.decode().split('id="assessment-title"')[1]
    assert "Travail irrégulier ou informel" in shown


def test_a_needs_assessment_missing_a_needed_answer_comes_back_with_the_error(
    signed_in, case_in_assessment
):
    answers = {key: value for key, value in ASSESSMENT.items() if key != "debt"}
    response = signed_in("counsellor").post(
        f"/cases/{case_in_assessment.reference}/assessments/", answers
    )
    assert response.status_code == 400
    assert "This question needs an answer." in response.content.decode()
    assert not case_in_assessment.assessments.exists()


def test_plan_actions_are_added_and_their_status_changed(signed_in, case_in_assessment):
    client = signed_in("counsellor")
    url = f"/cases/{case_in_assessment.reference}/"
    response = client.post(
        url + "plan/",
        {
            "kind": "job_placement",
            "description": "Welding workshop",
            "partner": "atfp",
            "budget_tnd": "350.500",
            "due_on": "2030-01-15",
        },
    )
    assert response.status_code == 302
    action = case_in_assessment.plan_actions.get()
    assert action.partner.slug == "atfp" and str(action.budget_tnd) == "350.500"
    changed = client.post(
        url + f"plan/{action.pk}/status/", {"status": "in_progress", "version": action.version}
    )
    assert changed.status_code == 302
    action.refresh_from_db()
    assert action.status == "in_progress"
    page = client.get(url).content.decode()
    assert "Welding workshop" in page and "350.500" in page


def test_a_referral_without_consent_to_share_is_refused_with_the_reason(
    signed_in, case_with_plan, user_for_role
):
    _withdraw(case_with_plan.person, Consent.Purpose.PARTNER_SHARING, user_for_role("counsellor"))
    response = signed_in("counsellor").post(
        f"/cases/{case_with_plan.reference}/referrals/",
        {"partner": "atfp", "reason": "Welding course"},
    )
    assert response.status_code == 400
    assert "has not consented to" in response.content.decode()
    assert not case_with_plan.referrals.filter(partner__slug="atfp").exists()


def test_support_is_recorded_with_totals_per_kind(signed_in, case_with_plan):
    client = signed_in("counsellor")
    url = f"/cases/{case_with_plan.reference}/"
    today = timezone.localdate().isoformat()
    for kind, amount in (("cash", "200"), ("cash", "150.250"), ("in_kind", "80")):
        response = client.post(
            url + "support/", {"kind": kind, "amount_tnd": amount, "provided_on": today}
        )
        assert response.status_code == 302
    refused = client.post(
        url + "support/", {"kind": "cash", "amount_tnd": "0", "provided_on": today}
    )
    assert refused.status_code == 400
    assert "The amount must be more than zero." in refused.content.decode()
    totals = client.get(url).content.decode().split("<tfoot>")[1]
    assert "350.250" in totals and "430.250" in totals


def test_a_follow_up_is_recorded_with_its_sustainability_score(signed_in, case_with_plan):
    index = SustainabilityIndex.load()
    answers = {indicator.id: indicator.options[1].id for indicator in index.indicators}
    client = signed_in("counsellor")
    response = client.post(
        f"/cases/{case_with_plan.reference}/follow-ups/", {"months": "6", **answers}
    )
    assert response.status_code == 302, response.content.decode()
    follow_up = case_with_plan.follow_ups.get(months_after_plan=6)
    assert follow_up.done_on == timezone.localdate()
    assert 0 <= follow_up.composite_score <= 1
    page = client.get(f"/cases/{case_with_plan.reference}/").content.decode()
    assert f'<data value="{follow_up.composite_score:.3f}">' in page


def test_the_timeline_shows_every_event(signed_in, case_with_plan):
    page = signed_in("counsellor").get(f"/cases/{case_with_plan.reference}/").content.decode()
    timeline = page.split('id="timeline-title"')[1]
    assert timeline.count("<li ") == CaseEvent.objects.filter(case=case_with_plan).count() >= 6


def test_a_counsellor_of_another_office_gets_404_on_a_case(
    signed_in, case_with_plan, django_user_model
):
    other = django_user_model.objects.create_user("counsellor-tataouine", password="x")
    office = Office.objects.get(slug="ote-antenna-tataouine")
    membership_add(
        actor=None, user=other, organisation=office.organisation, role="counsellor", office=office
    )
    client = signed_in("counsellor")
    client.force_login(other)
    assert client.get(f"/cases/{case_with_plan.reference}/").status_code == 404
    moved = client.post(
        f"/cases/{case_with_plan.reference}/stage/",
        {"to_stage": "support", "version": case_with_plan.version},
    )
    assert moved.status_code == 404
    assert Case.objects.get(pk=case_with_plan.pk).stage == "plan_agreed"
    assert case_with_plan.reference not in client.get("/cases/").content.decode()


def test_an_employment_officer_of_another_organisation_gets_404(signed_in, case_with_plan):
    client = signed_in("employment_officer")
    assert client.get(f"/cases/{case_with_plan.reference}/").status_code == 404


@pytest.mark.parametrize(
    ("role", "path"), [("partner_caseworker", "/cases/"), ("counsellor", "/referrals/")]
)
def test_each_role_keeps_to_its_own_pages(signed_in, role, path):
    assert signed_in(role).get(path).status_code == 403


def test_a_partner_sees_only_its_referrals_and_only_the_minimum_data(
    signed_in, case_with_plan, user_for_role
):
    services.referral_send(
        actor=user_for_role("counsellor"),
        case=case_with_plan,
        partner=Organisation.objects.get(slug="atfp"),
        reason="Welding course for the ATFP",
    )
    html = signed_in("partner_caseworker").get("/referrals/").content.decode()
    assert "Psychosocial support group for returning women" in html
    assert "Welding course for the ATFP" not in html
    assert html.count('class="card referral"') == 1
    person = case_with_plan.person
    assert "Hajer" in html and "1988" in html
    for private in (person.family_name_latin, person.family_name_ar, person.reference):
        assert private not in html
    assert case_with_plan.reference not in html
    # The person agreed to be contacted by SMS: the phone is there, until that consent goes.
    assert person.phone in html
    _withdraw(person, Consent.Purpose.SMS_CONTACT, user_for_role("counsellor"))
    assert person.phone not in signed_in("partner_caseworker").get("/referrals/").content.decode()


def test_after_consent_withdrawal_the_inbox_hides_the_person(
    signed_in, case_with_plan, user_for_role
):
    _withdraw(case_with_plan.person, Consent.Purpose.PARTNER_SHARING, user_for_role("counsellor"))
    html = signed_in("partner_caseworker").get("/referrals/").content.decode()
    assert 'class="card referral"' in html
    assert "withdrawn their consent" in html
    assert "Hajer" not in html and case_with_plan.person.phone not in html
    assert "1988" not in html


def test_a_partner_accepts_then_completes_a_referral(signed_in, case_with_plan):
    referral = case_with_plan.referrals.get()
    client = signed_in("partner_caseworker")
    accepted = client.post(
        f"/referrals/{referral.pk}/answer/", {"decision": "accept", "version": referral.version}
    )
    assert accepted.status_code == 302 and accepted.url == "/referrals/"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    again = client.post(
        f"/referrals/{referral.pk}/answer/", {"decision": "accept", "version": referral.version}
    )
    assert again.status_code == 400
    assert "already been answered" in again.content.decode()
    no_outcome = client.post(
        f"/referrals/{referral.pk}/complete/", {"outcome": " ", "version": referral.version}
    )
    assert no_outcome.status_code == 400 and "Describe the outcome." in no_outcome.content.decode()
    completed = client.post(
        f"/referrals/{referral.pk}/complete/",
        {"outcome": "Joined the Thursday group", "version": referral.version},
    )
    assert completed.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "Joined the Thursday group")
    case_page = signed_in("counsellor").get(f"/cases/{case_with_plan.reference}/")
    assert "Joined the Thursday group" in case_page.content.decode()


def test_a_partner_declines_a_referral_with_a_reason(signed_in, case_with_plan):
    referral = case_with_plan.referrals.get()
    client = signed_in("partner_caseworker")
    url = f"/referrals/{referral.pk}/answer/"
    no_reason = client.post(url, {"decision": "decline", "version": referral.version})
    assert no_reason.status_code == 400
    assert "Say why the referral is declined." in no_reason.content.decode()
    stale = client.post(
        url, {"decision": "decline", "decline_reason": "Full", "version": referral.version + 1}
    )
    assert stale.status_code == 409
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT
    declined = client.post(
        url, {"decision": "decline", "decline_reason": "The group is full", "version": 1}
    )
    assert declined.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == ("declined", "The group is full")


def test_a_partner_cannot_answer_a_referral_made_to_another_partner(
    signed_in, case_with_plan, user_for_role
):
    other = services.referral_send(
        actor=user_for_role("counsellor"),
        case=case_with_plan,
        partner=Organisation.objects.get(slug="atfp"),
        reason="Welding course",
    )
    response = signed_in("partner_caseworker").post(
        f"/referrals/{other.pk}/answer/", {"decision": "accept", "version": other.version}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Referral.Status.SENT


def test_a_document_given_for_a_case_shows_on_the_case_page(client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wasla.cases.models import Case

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    case = Case.objects.filter(office__slug="ote-antenna-medenine").order_by("pk").first()
    client = client_for("counsellor")
    response = client.post(
        f"/people/{case.person.reference}/documents/",
        {
            "kind": "contract",
            "title": "Attestation de formation",
            "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", "application/pdf"),
            "case_reference": case.reference,
            "next": f"/cases/{case.reference}/#documents",
        },
    )
    assert response.status_code == 302 and response.url == f"/cases/{case.reference}/#documents"
    assert "Attestation de formation" in client.get(f"/cases/{case.reference}/").content.decode()
