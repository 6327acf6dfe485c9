"""The desk pages of the Citizen Spaces, as a front-desk agent and an administrator use them."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wasla.citizen_spaces import services
from wasla.citizen_spaces.models import (
    AppointmentSlot,
    Holiday,
    Rating,
    RequestEvent,
    ServiceRequest,
    ServiceType,
    Stage,
)
from wasla.citizen_spaces.tests.factories import make_catalogue
from wasla.core.models import OutboundMessage

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUEUE = "/desk/citizen-space-ksar-el-ababsa/requests/"


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def client_for(client_for, settings):
    """Pages in English, so that the tests read the texts they check, unless asked."""

    def signed_in(role: str | None, language: str = "en"):
        client = client_for(role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return signed_in


@pytest.fixture
def catalogue(demo):
    return make_catalogue()


@pytest.fixture
def agent(user_for_role):
    return user_for_role("front_desk_agent")


@pytest.fixture
def submit(catalogue, agent):
    """A request taken at the desk of Ksar el Ababsa by the demo agent."""

    def make(service="birth", **fields):
        values = {
            "requester_name": "Fatma Ben Ali",
            "phone": "22 123 456",
            "language": "ar",
            "contact_channel": "sms",
        }
        values.update(fields)
        return services.request_submit(
            service=catalogue[service],
            office=catalogue["office"],
            channel=ServiceRequest.Channel.DESK,
            actor=agent,
            **values,
        )

    return make


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_an_agent_of_one_citizen_space_goes_straight_to_its_queue(client_for, catalogue):
    response = client_for("front_desk_agent").get("/desk/")
    assert response.status_code == 302
    assert response["Location"] == QUEUE


def test_an_administrator_sees_every_citizen_space_of_the_municipality(client_for, submit):
    submit()
    response = client_for("administrator").get("/desk/")
    assert response.status_code == 200
    page = _text(response)
    assert "Ksar el Ababsa" in page and "Ghomrassen" in page
    assert "Bab Souika" not in page
    assert "/desk/citizen-space-ghomrassen/requests/" in page


def test_the_queue_lists_open_requests_by_due_date_with_overdue_ones_in_evidence(
    client_for, submit
):
    permit = submit("permit", requester_name="Late Permit")
    birth = submit("birth", requester_name="Soon Birth")
    ServiceRequest.objects.filter(pk=permit.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    closed = submit("legalisation", requester_name="Closed Legalisation")
    services.request_move(
        actor=closed.submitted_by,
        request=closed,
        to_stage=Stage.REJECTED,
        expected_version=closed.version,
        reason="Not a resident.",
    )
    response = client_for("front_desk_agent").get(QUEUE)
    assert response.status_code == 200
    page = _text(response)
    assert page.index(permit.reference) < page.index(birth.reference)
    assert "Closed Legalisation" not in page
    row = re.search(r'<tr class="overdue">.*?</tr>', page).group(0)
    assert permit.reference in row
    assert "Overdue by 3 days" in row
    assert "2 requests match." in page


def test_the_queue_filters_by_stage_service_overdue_and_search(client_for, submit):
    permit = submit("permit", requester_name="Hedi Permit", phone="98 765 432")
    birth = submit("birth", requester_name="Mouna Birth")
    client = client_for("front_desk_agent")
    by_service = _text(client.get(QUEUE, {"service": "test-building-permit"}))
    assert permit.reference in by_service and birth.reference not in by_service
    by_department = _text(client.get(QUEUE, {"department": "test-civil-status"}))
    assert birth.reference in by_department and permit.reference not in by_department
    by_phone = _text(client.get(QUEUE, {"q": "98765432"}))
    assert permit.reference in by_phone and birth.reference not in by_phone
    by_reference = _text(client.get(QUEUE, {"q": birth.reference.lower().replace("-", " ")}))
    assert birth.reference in by_reference and permit.reference not in by_reference
    by_name = _text(client.get(QUEUE, {"q": "mouna"}))
    assert birth.reference in by_name and permit.reference not in by_name
    overdue = _text(client.get(QUEUE, {"overdue": "on"}))
    assert "No request matches." in overdue
    delivered = _text(client.get(QUEUE, {"stage": "delivered"}))
    assert "No request matches." in delivered


def test_an_htmx_filter_gets_only_the_results(client_for, submit):
    submit("permit")
    response = client_for("front_desk_agent").get(
        QUEUE, {"service": "test-building-permit"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="queue-results"' in page and 'id="queue-count"' in page
    assert "<html" not in page


def test_the_queue_is_paginated(client_for, submit):
    for number in range(52):
        submit(requester_name=f"Person {number}")
    client = client_for("front_desk_agent")
    first = _text(client.get(QUEUE))
    assert "52 requests match." in first and 'rel="next"' in first
    assert first.count('name="references"') == 50
    second = _text(client.get(QUEUE, {"page": 2}))
    assert second.count('name="references"') == 2


def test_a_bulk_move_changes_every_ticked_request(client_for, submit):
    first, second = submit(), submit()
    response = client_for("front_desk_agent").post(
        QUEUE, {"references": [first.reference, second.reference], "to_stage": "in_process"}
    )
    assert response.status_code == 302
    stages = set(ServiceRequest.objects.values_list("stage", flat=True))
    assert stages == {Stage.IN_PROCESS}


def test_a_bulk_move_that_one_request_cannot_make_changes_none(client_for, submit, agent):
    moving, stuck = submit(), submit()
    services.request_move(
        actor=agent, request=stuck, to_stage=Stage.IN_PROCESS, expected_version=stuck.version
    )
    stuck.refresh_from_db()
    services.request_move(
        actor=agent, request=stuck, to_stage=Stage.READY, expected_version=stuck.version
    )
    response = client_for("front_desk_agent").post(
        QUEUE, {"references": [moving.reference, stuck.reference], "to_stage": "in_process"}
    )
    assert response.status_code == 400
    assert stuck.reference in _text(response)
    moving.refresh_from_db()
    assert moving.stage == Stage.RECEIVED
    # The ticked boxes stay ticked for a second try.
    assert re.search(rf'value="{moving.reference}"[^>]*checked', response.content.decode())


def test_a_bulk_rejection_needs_a_reason(client_for, submit):
    item = submit()
    client = client_for("front_desk_agent")
    response = client.post(QUEUE, {"references": [item.reference], "to_stage": "rejected"})
    assert response.status_code == 400
    assert "Say why the request is refused." in _text(response)
    item.refresh_from_db()
    assert item.stage == Stage.RECEIVED
    response = client.post(
        QUEUE,
        {"references": [item.reference], "to_stage": "rejected", "reason": "Duplicate."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.stage, item.rejection_reason) == (Stage.REJECTED, "Duplicate.")


def test_an_administrator_sees_the_queue_but_cannot_move_requests(client_for, submit):
    item = submit()
    client = client_for("administrator")
    page = _text(client.get(QUEUE))
    assert item.reference in page and 'name="references"' not in page
    response = client.post(QUEUE, {"references": [item.reference], "to_stage": "in_process"})
    assert response.status_code == 403


def test_an_agent_registers_a_request_at_the_desk_with_documents(client_for, catalogue):
    client = client_for("front_desk_agent")
    form = client.get(f"{QUEUE}new/")
    assert form.status_code == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.content.decode()).group(1)
    data = {
        "service": "test-birth-extract",
        "requester_name": "Samia Gharbi",
        "phone": "22 333 444",
        "language": "fr",
        "contact_channel": "sms",
        "idempotency_key": key,
    }
    response = client.post(
        f"{QUEUE}new/",
        {**data, "documents": [SimpleUploadedFile("cin.pdf", PDF, "application/pdf")]},
    )
    assert response.status_code == 302
    item = ServiceRequest.objects.get()
    assert response["Location"] == f"/desk/requests/{item.reference}/"
    assert (item.channel, item.phone, item.language) == ("desk", "+21622333444", "fr")
    assert item.documents.count() == 1
    message = OutboundMessage.objects.get(recipient="+21622333444")
    assert item.reference in message.body and message.language == "fr"
    # The same form sent twice (double click, a retry) makes one request.
    again = client.post(f"{QUEUE}new/", data)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert ServiceRequest.objects.count() == 1


def test_a_request_at_the_desk_with_bad_input_comes_back_with_errors(client_for, catalogue):
    client = client_for("front_desk_agent")
    response = client.post(
        f"{QUEUE}new/",
        {
            "service": "test-birth-extract",
            "requester_name": "Samia",
            "phone": "12",
            "language": "ar",
            "contact_channel": "email",
            "documents": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", "application/pdf")],
        },
    )
    assert response.status_code == 400
    page = _text(response)
    assert "This is not a valid phone number." in page
    assert "Give an email address to be notified by email." in page
    assert "Only PDF, JPEG and PNG files are accepted." in page
    assert not ServiceRequest.objects.exists()


def test_a_service_not_offered_here_cannot_be_chosen(client_for, catalogue):
    response = client_for("front_desk_agent").get(f"{QUEUE}new/")
    page = _text(response)
    assert "test-legalisation" in page and "test-occupation" not in page


def test_the_request_page_shows_the_request_its_documents_and_timeline(
    client_for, submit, private_root
):
    item = submit(
        documents=[SimpleUploadedFile("cin.pdf", PDF, "application/pdf")], details="Two copies"
    )
    client = client_for("front_desk_agent")
    response = client.get(f"/desk/requests/{item.reference}/")
    assert response.status_code == 200
    page = _text(response)
    for text in (item.reference, "Fatma Ben Ali", "+21622123456", "Two copies", "cin.pdf"):
        assert text in page
    assert 'value="in_process"' in page and 'value="rejected"' in page
    assert 'value="ready"' not in page
    document = item.documents.get()
    download = client.get(f"/desk/requests/{item.reference}/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"
    assert client.get(f"/desk/requests/{item.reference}/documents/999999/").status_code == 404
    assert (
        client_for("programme_manager")
        .get(f"/desk/requests/{item.reference}/documents/{document.pk}/")
        .status_code
        == 403
    )


def test_an_agent_moves_a_request_and_the_citizen_is_told(client_for, submit):
    item = submit()
    client = client_for("front_desk_agent")
    response = client.post(
        f"/desk/requests/{item.reference}/move/",
        {"to_stage": "in_process", "version": item.version, "note": "Checked the ID"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.stage == Stage.IN_PROCESS
    event = RequestEvent.objects.filter(request=item).last()
    assert (event.from_stage, event.to_stage, event.note) == (
        "received",
        "in_process",
        "Checked the ID",
    )
    assert OutboundMessage.objects.filter(dedupe_key__contains=f"event:{event.pk}").exists()
    page = _text(client.get(f"/desk/requests/{item.reference}/"))
    assert "Checked the ID" in page


def test_a_move_made_on_a_stale_page_is_refused_with_409(client_for, submit):
    item = submit()
    loaded_version = item.version
    client = client_for("front_desk_agent")
    assert (
        client.post(
            f"/desk/requests/{item.reference}/move/",
            {"to_stage": "in_process", "version": loaded_version},
        ).status_code
        == 302
    )
    response = client.post(
        f"/desk/requests/{item.reference}/move/",
        {"to_stage": "rejected", "version": loaded_version, "reason": "Too late"},
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in _text(response)
    item.refresh_from_db()
    assert item.stage == Stage.IN_PROCESS and item.rejection_reason == ""


def test_asking_for_a_missing_document_needs_to_say_which(client_for, submit):
    item = submit()
    client = client_for("front_desk_agent")
    response = client.post(
        f"/desk/requests/{item.reference}/move/",
        {"to_stage": "waiting_citizen", "version": item.version, "reason": " "},
    )
    assert response.status_code == 400
    assert "Say which document is missing." in _text(response)
    response = client.post(
        f"/desk/requests/{item.reference}/move/",
        {"to_stage": "waiting_citizen", "version": item.version, "reason": "Birth record"},
    )
    assert response.status_code == 302
    page = _text(client.get(f"/desk/requests/{item.reference}/"))
    assert "Missing documents" in page and "Birth record" in page


def test_a_request_of_another_citizen_space_is_not_found(client_for, catalogue, agent):
    other = services.request_submit(
        service=catalogue["birth"],
        office=catalogue["other_office"],
        channel=ServiceRequest.Channel.OPEN311,
        requester_name="Elsewhere",
        phone="22 999 888",
    )
    assert (
        client_for("front_desk_agent").get(f"/desk/requests/{other.reference}/").status_code == 404
    )
    assert client_for("administrator").get(f"/desk/requests/{other.reference}/").status_code == 200


def test_the_pages_speak_arabic_right_to_left_by_default(client_for, submit, settings):
    item = submit()
    client = client_for("front_desk_agent")
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    response = client.get(f"/desk/requests/{item.reference}/")
    page = response.content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    assert "مضمون ولادة" in page


def test_an_administrator_edits_a_service_in_three_languages(client_for, catalogue):
    client = client_for("administrator")
    birth = catalogue["birth"]
    listing = _text(client.get("/desk/catalogue/"))
    assert "test-birth-extract" in listing and "test-occupation" in listing
    form = client.get(f"/desk/catalogue/{birth.code}/")
    assert form.status_code == 200
    page = _text(form)
    # Only the Citizen Spaces of the administrator's municipality can be chosen.
    assert "Ksar el Ababsa" in page and "Bab Souika" not in page
    office, other = catalogue["office"], catalogue["other_office"]
    tunis = type(office).objects.get(slug="citizen-space-tunis-bab-souika")
    birth.offices.add(tunis)
    response = client.post(
        f"/desk/catalogue/{birth.code}/",
        {
            "version": birth.version,
            "name_ar": "مضمون ولادة",
            "name_fr": "Extrait d'acte de naissance",
            "name_en": "Birth extract",
            "requirements_fr": "CIN\nLivret de famille",
            "category": catalogue["category"].pk,
            "department": catalogue["department"].pk,
            "fee_tnd": "1.500",
            "target_working_days": "2",
            "online": "on",
            "is_active": "on",
            "offices": [other.pk],
        },
    )
    assert response.status_code == 302, _text(response)
    birth.refresh_from_db()
    assert birth.name_fr == "Extrait d'acte de naissance"
    assert str(birth.fee_tnd) == "1.500" and birth.target_working_days == 2
    # Ksar el Ababsa is taken off; another municipality's Citizen Space keeps the service.
    assert set(birth.offices.all()) == {other, tunis}


def test_a_service_edited_by_two_administrators_keeps_the_first_edit(client_for, catalogue):
    client = client_for("administrator")
    birth = catalogue["birth"]
    data = {
        "version": birth.version,
        "name_ar": "مضمون",
        "name_fr": "Premier",
        "category": catalogue["category"].pk,
        "department": catalogue["department"].pk,
        "fee_tnd": "0",
        "target_working_days": "1",
        "is_active": "on",
    }
    assert client.post(f"/desk/catalogue/{birth.code}/", data).status_code == 302
    response = client.post(f"/desk/catalogue/{birth.code}/", {**data, "name_fr": "Second"})
    assert response.status_code == 409
    birth.refresh_from_db()
    assert birth.name_fr == "Premier"


def test_an_administrator_adds_a_service(client_for, catalogue):
    client = client_for("administrator")
    assert client.get("/desk/catalogue/new/").status_code == 200
    data = {
        "code": "test-residence",
        "name_ar": "شهادة إقامة",
        "name_fr": "Certificat de résidence",
        "name_en": "Residence certificate",
        "category": catalogue["category"].pk,
        "department": catalogue["department"].pk,
        "fee_tnd": "2",
        "target_working_days": "3",
        "is_active": "on",
        "offices": [catalogue["office"].pk],
    }
    assert client.post("/desk/catalogue/new/", data).status_code == 302
    service = ServiceType.objects.get(code="test-residence")
    assert list(service.offices.all()) == [catalogue["office"]]
    again = client.post("/desk/catalogue/new/", {**data, "name_ar": ""})
    assert again.status_code == 400


def test_the_holidays_are_listed(client_for, catalogue):
    Holiday.objects.update_or_create(
        date=timezone.localdate().replace(month=3, day=20),
        defaults={
            "name_ar": "عيد الاستقلال",
            "name_fr": "Fête de l'indépendance",
            "name_en": "Independence Day",
        },
    )
    page = _text(client_for("front_desk_agent").get("/desk/holidays/"))
    assert "Independence Day" in page


def test_an_agent_opens_a_days_appointment_slots(client_for, catalogue):
    client = client_for("front_desk_agent")
    url = "/desk/citizen-space-ksar-el-ababsa/slots/"
    assert client.get(url).status_code == 200
    day = timezone.localdate() + datetime.timedelta(days=2)
    data = {
        "category": catalogue["category"].pk,
        "day": day.isoformat(),
        "first": "09:00",
        "last": "10:00",
        "minutes": "30",
        "capacity": "2",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert AppointmentSlot.objects.filter(office=catalogue["office"]).count() == 3
    page = _text(client.get(url))
    assert "09:30" in page and "0 of 2" in page
    bad = client.post(url, {**data, "first": "11:00"})
    assert bad.status_code == 400
    assert "The last slot must start after the first." in _text(bad)


def _deliver(item, agent, *, days_late=0, score=None):
    for stage in (Stage.IN_PROCESS, Stage.READY, Stage.DELIVERED):
        item.refresh_from_db()
        services.request_move(
            actor=agent, request=item, to_stage=stage, expected_version=item.version
        )
    if days_late:
        ServiceRequest.objects.filter(pk=item.pk).update(
            due_on=timezone.localdate() - datetime.timedelta(days=days_late)
        )
    if score:
        Rating.objects.create(request=item, score=score)


def test_the_statistics_page_draws_charts_and_gives_the_table_as_csv(client_for, submit, agent):
    _deliver(submit(), agent, score=5)
    _deliver(submit(), agent, days_late=2, score=3)
    submit("permit")
    client = client_for("administrator")
    response = client.get("/desk/statistics/")
    assert response.status_code == 200
    page = _text(response)
    assert page.count("<svg") >= 3 and 'role="img"' in page
    assert "Birth certificate extract: 2" in page  # the chart's text alternative
    assert "50 %" in page and "4.0 (2 ratings)" in page
    csv = client.get("/desk/statistics/csv/").content.decode().splitlines()
    assert csv[0].startswith("citizen_space,citizen_space_name,service_code")
    birth = next(line for line in csv if "test-birth-extract" in line).split(",")
    assert birth[4:8] == ["2", "2", "0", "0"]
    assert birth[9:12] == ["0.5", "4.0", "2"]
    empty = _text(client.get("/desk/statistics/", {"since": "2001-01-01", "until": "2001-12-31"}))
    assert "No request in this period." in empty
    wrong = client.get("/desk/statistics/", {"since": "2024-05-01", "until": "2024-01-01"})
    assert wrong.status_code == 400


def test_statistics_charts_grow_from_the_right_in_arabic(client_for, submit):
    submit()
    page = client_for("administrator", language="ar").get("/desk/statistics/")
    assert 'text-anchor="end"' in page.content.decode()
