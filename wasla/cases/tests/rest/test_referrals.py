import pytest

from wasla.cases.models import Referral
from wasla.cases.services import referral_send
from wasla.organisations.models import Organisation
from wasla.people.services import consent_withdraw

pytestmark = pytest.mark.django_db

# What a partner may know of a person referred to it, and of the referral.
INBOX_FIELDS = {
    "id", "version", "status", "programme", "reason", "sent_on", "person_shared",
    "given_name", "sex", "birth_year", "locality", "phone",
}  # fmt: skip


@pytest.fixture
def demo_referral(planned_case):
    """Hajer's referral to unft-kairouan, where the demo partner caseworker works."""
    return planned_case.referrals.get()


def _withdraw(user_for_role, person, purpose):
    consent = person.consents.get(purpose=purpose, withdrawn_on__isnull=True)
    consent_withdraw(actor=user_for_role("counsellor"), consent=consent)


def test_counsellors_list_the_referrals_of_their_cases(client_for, planned_case, demo_referral):
    client = client_for("counsellor")
    listed = client.get("/api/v1/referrals/", {"case": planned_case.reference}).json()
    assert [row["id"] for row in listed["results"]] == [demo_referral.pk]
    row = listed["results"][0]
    assert row["case"] == planned_case.reference
    assert row["partner"] == "unft-kairouan" and row["status"] == "sent"
    assert client.get("/api/v1/referrals/", {"status": "accepted"}).json()["count"] == 0
    assert client_for("employment_officer").get("/api/v1/referrals/").json()["count"] == 0


def test_a_counsellor_refers_a_person_who_agreed_to_share(client_for, assessment_case):
    response = client_for("counsellor").post(
        "/api/v1/referrals/",
        {"case": assessment_case.reference, "partner": "atfp", "reason": "Welding course"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["partner"] == "atfp" and body["status"] == "sent" and body["version"] == 1
    assert body["sent_by"] == "counsellor"


def test_a_referral_may_name_an_action_of_the_same_case_only(
    client_for, planned_case, assessment_case
):
    client = client_for("counsellor")
    action = planned_case.plan_actions.get(kind="vocational_training")
    elsewhere = client.post(
        "/api/v1/referrals/",
        {
            "case": assessment_case.reference,
            "partner": "atfp",
            "reason": "Training",
            "plan_action": action.pk,
        },
        content_type="application/json",
    )
    assert elsewhere.status_code == 400
    assert set(elsewhere.json()["error"]["fields"]) == {"plan_action"}
    linked = client.post(
        "/api/v1/referrals/",
        {
            "case": planned_case.reference,
            "partner": "atfp",
            "reason": "Training",
            "plan_action": action.pk,
        },
        content_type="application/json",
    )
    assert linked.status_code == 201, linked.content
    assert linked.json()["plan_action"] == action.pk


def test_no_referral_without_consent_to_share_with_partners(client_for, open_case):
    """A person who did not agree to share with partners cannot be referred: 400 no_consent."""
    case = open_case()  # consented to service delivery only
    response = client_for("counsellor").post(
        "/api/v1/referrals/",
        {"case": case.reference, "partner": "unft-kairouan", "reason": "Support group"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_consent"
    assert not case.referrals.exists()


def test_partners_and_other_offices_may_not_send_referrals(client_for, assessment_case):
    payload = {"case": assessment_case.reference, "partner": "atfp", "reason": "Training"}
    partner = client_for("partner_caseworker")
    assert (
        partner.post("/api/v1/referrals/", payload, content_type="application/json").status_code
        == 403
    )
    employment = client_for("employment_officer")
    assert (
        employment.post("/api/v1/referrals/", payload, content_type="application/json").status_code
        == 404
    )
    assert not assessment_case.referrals.exists()


def test_the_partner_inbox_gives_the_minimum_data_only(client_for, planned_case, demo_referral):
    """Given name, sex, birth year, locality and (with SMS consent) the phone; never the
    family name, the case reference or anything else of the person."""
    response = client_for("partner_caseworker").get("/api/v1/referrals/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [demo_referral.pk]
    row = rows[0]
    assert set(row) == INBOX_FIELDS
    assert row["given_name"] == "Hajer"
    assert row["birth_year"] == 1988
    assert row["phone"] == planned_case.person.phone
    assert row["programme"] == "reintegration"
    assert row["reason"] == demo_referral.reason
    assert row["person_shared"] is True
    content = response.content.decode()
    for private in ("Ben Amor", "بن عمر", planned_case.person.reference, planned_case.reference):
        assert private not in content


def test_the_partner_gets_no_phone_without_consent_to_sms(
    client_for, user_for_role, planned_case, demo_referral
):
    _withdraw(user_for_role, planned_case.person, "sms_contact")
    row = client_for("partner_caseworker").get("/api/v1/referrals/").json()["results"][0]
    assert row["phone"] == ""
    assert row["given_name"] == "Hajer"


def test_the_partner_sees_nothing_of_the_person_once_consent_is_withdrawn(
    client_for, user_for_role, planned_case, demo_referral
):
    _withdraw(user_for_role, planned_case.person, "partner_sharing")
    response = client_for("partner_caseworker").get("/api/v1/referrals/")
    row = response.json()["results"][0]
    assert row["person_shared"] is False
    assert (row["given_name"], row["sex"], row["birth_year"], row["locality"], row["phone"]) == (
        "",
        "",
        None,
        "",
        "",
    )
    assert "Hajer" not in response.content.decode()
    assert row["status"] == "sent" and row["id"] == demo_referral.pk


def test_the_partner_accepts_then_completes_a_referral(client_for, demo_referral):
    client = client_for("partner_caseworker")
    accepted = client.post(
        f"/api/v1/referrals/{demo_referral.pk}/accept/",
        {"version": demo_referral.version},
        content_type="application/json",
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["version"] == demo_referral.version + 1
    assert "given_name" not in accepted.json()
    completed = client.post(
        f"/api/v1/referrals/{demo_referral.pk}/complete/",
        {"version": accepted.json()["version"], "outcome": "Joined the support group"},
        content_type="application/json",
    )
    assert completed.status_code == 200, completed.content
    assert completed.json()["status"] == "completed"
    assert completed.json()["outcome"] == "Joined the support group"
    demo_referral.refresh_from_db()
    assert demo_referral.status == "completed"


def test_answering_with_a_stale_version_is_a_conflict(client_for, demo_referral):
    client = client_for("partner_caseworker")
    url = f"/api/v1/referrals/{demo_referral.pk}/accept/"
    client.post(url, {"version": demo_referral.version}, content_type="application/json")
    demo_referral.refresh_from_db()
    complete = client.post(
        f"/api/v1/referrals/{demo_referral.pk}/complete/",
        {"version": demo_referral.version - 1, "outcome": "Done"},
        content_type="application/json",
    )
    assert complete.status_code == 409
    assert complete.json()["error"]["code"] == "conflict"
    demo_referral.refresh_from_db()
    assert demo_referral.status == "accepted"


def test_the_partner_declines_a_referral_saying_why(client_for, user_for_role, assessment_case):
    referral = referral_send(
        actor=user_for_role("counsellor"),
        case=assessment_case,
        partner=Organisation.objects.get(slug="unft-kairouan"),
        reason="Support group",
    )
    client = client_for("partner_caseworker")
    url = f"/api/v1/referrals/{referral.pk}/decline/"
    no_reason = client.post(
        url, {"version": referral.version, "reason": "  "}, content_type="application/json"
    )
    assert no_reason.status_code == 400
    assert set(no_reason.json()["error"]["fields"]) == {"reason"}
    declined = client.post(
        url,
        {"version": referral.version, "reason": "Group is full"},
        content_type="application/json",
    )
    assert declined.status_code == 200, declined.content
    assert declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "Group is full"
    again = client.post(
        f"/api/v1/referrals/{referral.pk}/accept/",
        {"version": declined.json()["version"]},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invalid_transition"


def test_only_the_partner_it_was_sent_to_answers_a_referral(
    client_for, user_for_role, assessment_case, demo_referral
):
    """Counsellors may not answer referrals (403); a partner cannot find another
    organisation's referrals (404)."""
    counsellor = client_for("counsellor")
    assert (
        counsellor.post(
            f"/api/v1/referrals/{demo_referral.pk}/accept/",
            {"version": demo_referral.version},
            content_type="application/json",
        ).status_code
        == 403
    )
    to_atfp = referral_send(
        actor=user_for_role("counsellor"),
        case=assessment_case,
        partner=Organisation.objects.get(slug="atfp"),
        reason="Welding course",
    )
    partner = client_for("partner_caseworker")
    assert (
        partner.post(
            f"/api/v1/referrals/{to_atfp.pk}/accept/",
            {"version": to_atfp.version},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert [row["id"] for row in partner.get("/api/v1/referrals/").json()["results"]] == [
        demo_referral.pk
    ]
    assert Referral.objects.get(pk=to_atfp.pk).status == "sent"
    assert Referral.objects.get(pk=demo_referral.pk).responded_on is None
