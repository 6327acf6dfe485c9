"""Merging two records of the same person and undoing it: every row that points at the merged
record moves to the survivor and back, nothing is deleted, everything is audited."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wasla.core.exceptions import ApplicationError
from wasla.core.models import AuditEntry
from wasla.organisations.models import Office
from wasla.people import duplicates, selectors
from wasla.people.models import (
    CandidatePair,
    Person,
    PersonMerge,
    PersonNameToken,
    PersonOffice,
)
from wasla.people.services import document_upload, person_update

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def platform(demo):
    return get_user_model().objects.get(username="platform")


@pytest.fixture
def sami(demo):
    """The demo's returning migrant: a case, a return, three consents, an office link."""
    return Person.objects.get(given_name_latin="Sami", family_name_latin="Ouertani")


@pytest.fixture
def service_request(demo, sami):
    ServiceRequest = apps.get_model("citizen_spaces", "ServiceRequest")
    ServiceType = apps.get_model("citizen_spaces", "ServiceType")
    now = timezone.now()
    return ServiceRequest.objects.create(
        service=ServiceType.objects.first(),
        office=Office.objects.get(slug="citizen-space-ghomrassen"),
        channel="desk",
        requester_name="Sami Ouertani",
        phone=sami.phone,
        person=sami,
        submitted_at=now,
        due_on=now.date() + datetime.timedelta(days=5),
        stage_changed_at=now,
    )


@pytest.fixture
def twin(register):
    """Sami registered a second time at the same antenna, in Arabic script only."""
    return register(
        given_name_latin="",
        family_name_latin="",
        given_name_ar="سامي",
        family_name_ar="الورتاني",
        father_name_ar="محمد",
        sex="male",
        birth_date=datetime.date(1992, 5, 14),
        phone="",
        national_id="08123456",
    )


def _rows_of(person: Person) -> dict[str, set[int]]:
    """Every row, of every kind, that points at `person`."""
    rows = {}
    for reference in duplicates.person_references():
        pks = set(
            reference.model._base_manager.filter(**{reference.field.name: person}).values_list(
                "pk", flat=True
            )
        )
        if pks:
            rows[reference.label] = pks
    links = set(PersonOffice.objects.filter(person=person).values_list("pk", flat=True))
    if links:
        rows["people.personoffice"] = links
    return rows


def test_the_registry_finds_the_rows_of_every_app_that_points_at_a_person(demo):
    """Cases, requests, consents, documents and migration episodes are all found without the
    people app naming them; name tokens, office links (copied, not moved) and the linkage rows
    are not moved."""
    labels = {reference.label for reference in duplicates.person_references()}
    assert {
        "cases.case",
        "citizen_spaces.servicerequest",
        "people.consent",
        "people.persondocument",
        "people.migrationepisode",
    } <= labels
    assert not labels & {
        "people.personnametoken",
        "people.personoffice",
        "people.candidatepair",
        "people.personmerge",
    }


def test_merge_moves_every_related_row_and_undo_moves_each_back(
    platform, sami, twin, service_request
):
    document_upload(
        actor=platform,
        person=sami,
        kind="identity",
        title="CIN",
        uploaded_file=SimpleUploadedFile("cin.pdf", PDF, content_type="application/pdf"),
    )
    ghomrassen = Office.objects.get(slug="citizen-space-ghomrassen")
    PersonOffice.objects.create(person=sami, office=ghomrassen, reason="request")
    sami_rows_before = _rows_of(sami)
    twin_rows_before = _rows_of(twin)
    for kind in (
        "cases.case",
        "citizen_spaces.servicerequest",
        "people.consent",
        "people.persondocument",
        "people.migrationepisode",
    ):
        assert sami_rows_before.get(kind), kind

    merge = duplicates.person_merge(actor=platform, survivor=twin, merged=sami)

    sami.refresh_from_db()
    twin.refresh_from_db()
    assert sami.merged_into == twin
    # Sami's record keeps its office links (its page still opens where it was known); the
    # twin is now served by the Citizen Space too.
    after_sami, after_twin = _rows_of(sami), _rows_of(twin)
    assert after_sami == {"people.personoffice": sami_rows_before["people.personoffice"]}
    assert len(merge.linked_offices) == 1
    assert PersonOffice.objects.get(pk=merge.linked_offices[0]).office == ghomrassen
    assert merge.kept_rows == []
    for kind, pks in sami_rows_before.items():
        if kind != "people.personoffice":
            assert pks <= after_twin[kind], kind
    # Empty fields of the survivor filled from the merged record, and recorded.
    assert twin.given_name_latin == "Sami" and twin.phone == sami.phone
    assert merge.filled_fields["given_name_latin"] == "Sami"
    assert (
        "ouertani"
        in " ".join(PersonNameToken.objects.filter(person=twin).values_list("token", flat=True))
        or PersonNameToken.objects.filter(person=twin).count() > 2
    )
    assert Person.objects.filter(pk=sami.pk).exists(), "nothing is deleted"
    assert AuditEntry.objects.filter(
        target_type="people.personmerge", target_id=str(merge.pk), action="create"
    ).exists()

    duplicates.person_merge_undo(actor=platform, merge=merge)

    sami.refresh_from_db()
    twin.refresh_from_db()
    merge.refresh_from_db()
    assert sami.merged_into is None
    assert merge.undone_at is not None and merge.undone_by == platform
    assert _rows_of(sami) == sami_rows_before
    assert _rows_of(twin) == twin_rows_before
    assert twin.given_name_latin == "" and twin.phone == ""
    assert AuditEntry.objects.filter(
        target_type="people.personmerge", target_id=str(merge.pk), action="update"
    ).exists()


def test_the_identity_card_number_moves_to_the_survivor_and_back(platform, sami, twin):
    merge = duplicates.person_merge(actor=platform, survivor=sami, merged=twin)
    sami.refresh_from_db()
    twin.refresh_from_db()
    assert sami.national_id == "08123456" and twin.national_id is None
    assert merge.taken_fields == ["national_id"]
    # Sami's record knew only the year; the twin's date agrees with it, so it fills in.
    assert sami.birth_date == datetime.date(1992, 5, 14)
    duplicates.person_merge_undo(actor=platform, merge=merge)
    sami.refresh_from_db()
    twin.refresh_from_db()
    assert sami.national_id is None and twin.national_id == "08123456"
    assert sami.birth_date is None


def test_a_field_changed_since_the_merge_is_left_as_it_is_on_undo(platform, sami, twin):
    merge = duplicates.person_merge(actor=platform, survivor=twin, merged=sami)
    twin.refresh_from_db()
    counsellor = get_user_model().objects.get(username="counsellor")
    person_update(
        actor=counsellor, person=twin, expected_version=twin.version, phone="+216 98 000 111"
    )
    duplicates.person_merge_undo(actor=platform, merge=merge)
    twin.refresh_from_db()
    assert twin.phone == "+21698000111"
    assert twin.given_name_latin == ""


def test_a_merge_that_would_make_two_open_cases_in_one_programme_is_refused(platform, sami, twin):
    Case = apps.get_model("cases", "Case")
    case = Case.objects.get(person=sami)
    Case.objects.create(
        person=twin,
        programme=case.programme,
        office=case.office,
        counsellor=case.counsellor,
        opened_on=case.opened_on,
    )
    before = _rows_of(sami)
    with pytest.raises(ApplicationError) as refused:
        duplicates.person_merge(actor=platform, survivor=twin, merged=sami)
    assert refused.value.code == "merge_conflict"
    assert case.reference in refused.value.message
    sami.refresh_from_db()
    assert sami.merged_into is None and _rows_of(sami) == before
    assert not PersonMerge.objects.exists()


def test_undo_is_refused_once_the_survivor_was_merged_again(platform, sami, twin, register):
    third = register(given_name_latin="Sami", family_name_latin="Wertani", phone="98 410 999")
    first = duplicates.person_merge(actor=platform, survivor=twin, merged=sami)
    duplicates.person_merge(actor=platform, survivor=third, merged=twin)
    with pytest.raises(ApplicationError) as refused:
        duplicates.person_merge_undo(actor=platform, merge=first)
    assert refused.value.code == "unsafe"
    assert third.reference in refused.value.message


def test_a_merged_record_cannot_be_edited_nor_merged_again(platform, sami, twin, register):
    duplicates.person_merge(actor=platform, survivor=twin, merged=sami)
    sami.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        person_update(actor=platform, person=sami, expected_version=sami.version, skills="x")
    assert refused.value.code == "merged"
    other = register(given_name_latin="Sami", family_name_latin="Ouertany", phone="98 410 777")
    with pytest.raises(ApplicationError) as again:
        duplicates.person_merge(actor=platform, survivor=other, merged=sami)
    assert again.value.code == "already_merged"


def test_merged_records_leave_lists_and_search_but_keep_their_page(
    platform, sami, twin, user_for_role
):
    duplicates.person_merge(actor=platform, survivor=twin, merged=sami)
    counsellor = user_for_role("counsellor")
    assert sami not in selectors.person_list(user=counsellor)
    assert sami not in selectors.person_search(user=counsellor, query="Ouertani")
    assert twin in selectors.person_search(user=counsellor, query="Ouertani")
    page = selectors.person_get(user=counsellor, reference=sami.reference)
    assert page.merged_into == twin


def test_only_a_programme_manager_serving_both_records_may_merge(sami, twin, user_for_role):
    """The demo manager works for the Kairouan agency; these records are the OTE antenna's."""
    with pytest.raises(ApplicationError) as refused:
        duplicates.person_merge(
            actor=user_for_role("programme_manager"), survivor=twin, merged=sami
        )
    assert refused.value.code == "forbidden"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        duplicates.person_merge(actor=user_for_role("counsellor"), survivor=twin, merged=sami)


def _pair(first: Person, second: Person) -> CandidatePair:
    low, high = sorted((first, second), key=lambda person: person.pk)
    return CandidatePair.objects.create(
        person_a=low,
        person_b=high,
        probability=0.97,
        match_weight=9.1,
        agreements=["name_ar", "birth_year"],
        disagreements=["phone"],
    )


def test_two_managers_deciding_the_same_pair_do_not_both_act(platform, sami, twin):
    pair = _pair(sami, twin)
    seen_version = pair.version
    duplicates.pair_reject(actor=platform, pair=pair, expected_version=seen_version)
    with pytest.raises(ApplicationError) as second:
        duplicates.pair_confirm(
            actor=platform, pair=pair, expected_version=seen_version, survivor=sami
        )
    assert second.value.code == "conflict"
    assert "already decided" in second.value.message
    sami.refresh_from_db()
    assert sami.merged_into is None and not PersonMerge.objects.exists()


def test_confirming_a_pair_merges_and_undo_puts_it_back_in_the_queue(platform, sami, twin):
    pair = _pair(sami, twin)
    merge = duplicates.pair_confirm(
        actor=platform, pair=pair, expected_version=pair.version, survivor=sami
    )
    pair.refresh_from_db()
    assert pair.status == "confirmed" and pair.reviewed_by == platform
    assert merge.pair == pair and merge.merged == twin
    duplicates.person_merge_undo(actor=platform, merge=merge)
    pair.refresh_from_db()
    assert pair.status == "pending"
    with pytest.raises(ApplicationError):
        duplicates.person_merge_undo(actor=platform, merge=merge)


def test_an_active_consent_the_survivor_already_has_stays_with_the_merged_record(
    platform, sami, twin
):
    from wasla.people.services import consent_give

    consent_give(
        actor=platform,
        person=twin,
        purpose="service_delivery",
        given_on=datetime.date.today(),
        method="written",
    )
    merge = duplicates.person_merge(actor=platform, survivor=twin, merged=sami)
    kept = {row["pk"] for row in merge.kept_rows}
    assert kept == set(
        sami.consents.filter(purpose="service_delivery").values_list("pk", flat=True)
    )
    assert twin.consents.filter(purpose="sms_contact").exists()  # the others moved
    duplicates.person_merge_undo(actor=platform, merge=merge)
    assert sami.consents.count() == 3 and twin.consents.count() == 1
