"""The public pages of the Citizen Spaces, as a citizen without an account uses them: the
catalogue, the online request with a code by SMS, tracking, rating and appointments."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wasla.citizen_spaces import services
from wasla.citizen_spaces.models import (
    Appointment,
    PhoneVerification,
    Rating,
    RequestDocument,
    ServiceRequest,
    Stage,
)
from wasla.citizen_spaces.tests.factories import make_catalogue
from wasla.core import sms

PHONE = "22 123 456"
PHONE_E164 = "+21622123456"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _fresh_limits():
    """The rate limits count in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def catalogue(demo):
    return make_catalogue()


@pytest.fixture
def outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """POST as the browser would, running what waits for the commit (the SMS) at once."""

    def post(url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return post


@pytest.fixture
def agent(user_for_role):
    return user_for_role("front_desk_agent")


def _url(catalogue, name="", service="birth"):
    base = f"/services/{catalogue['office'].slug}/"
    if name == "catalogue":
        return base
    code = catalogue[service].code
    return base + code + "/" + {"detail": "", "request": "request/", "code": "request/code/"}[name]


def _pdf(name="acte.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def _element_text(html: bytes, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</div>', html.decode(), re.S)
    assert match, f"#{element_id} is not on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def _stored_files(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def _form_key(html: bytes) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html.decode()).group(1)


def _code_from(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox[-1].body).group(1)


def _ask_code(send, catalogue, phone=PHONE, **extra):
    return send(_url(catalogue, "code"), {"phone": phone, "language": "ar"}, **extra)


def _request_data(key, code, **overrides):
    return {
        "requester_name": "آمنة بن صالح",
        "phone": PHONE,
        "details": "نسختان",
        "contact_channel": "sms",
        "email": "",
        "language": "ar",
        "residence_locality": "",
        "idempotency_key": key,
        "code": code,
        **overrides,
    }


def _desk_request(catalogue, agent, phone=PHONE) -> ServiceRequest:
    return services.request_submit(
        service=catalogue["birth"],
        office=catalogue["office"],
        channel=ServiceRequest.Channel.DESK,
        actor=agent,
        requester_name="Amina Ben Salah",
        phone=phone,
        language="ar",
    )


def _move(request, agent, *stages, reason=""):
    for stage in stages:
        request = services.request_move(
            actor=agent,
            request=request,
            to_stage=stage,
            expected_version=request.version,
            reason=reason,
        )
    return request


def _delivered(catalogue, agent) -> ServiceRequest:
    return _move(
        _desk_request(catalogue, agent), agent, Stage.IN_PROCESS, Stage.READY, Stage.DELIVERED
    )


# ---------------------------------------------------------------------------------------
# Every page, in every language


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_every_public_page_opens_in_each_language(client, catalogue, agent, language, direction):
    """Catalogue, service, request form, tracking, rating and appointments answer 200 in
    Arabic, French and English, in the chosen direction, for a visitor without an account."""
    rated = _delivered(catalogue, agent)
    client.cookies["wasla_language"] = language
    office = catalogue["office"].slug
    pages = [
        "/services/",
        _url(catalogue, "catalogue"),
        _url(catalogue, "detail"),
        _url(catalogue, "request"),
        "/track/",
        f"/rate/{services.rating_token(rated)}/",
        f"/services/{office}/appointments/",
        "/appointments/cancel/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'lang="{language}" dir="{direction}"' in response.content.decode(), path
    names = {"ar": "مضمون ولادة", "fr": "Extrait de naissance", "en": "Birth certificate extract"}
    assert names[language] in client.get(_url(catalogue, "catalogue")).content.decode()


def test_the_list_of_citizen_spaces_groups_them_by_municipality(client, catalogue):
    html = client.get("/services/").content.decode()
    assert "قصر العبابسة" in html and "غمراسن" in html
    assert f'href="/services/{catalogue["office"].slug}/"' in html


# ---------------------------------------------------------------------------------------
# Catalogue


def test_the_catalogue_shows_what_a_citizen_needs_to_know(client, catalogue):
    """Categories, documents to bring, fee, working days, department, opening hours and
    whether the service can be requested online; services of other offices are not there."""
    client.cookies["wasla_language"] = "en"
    response = client.get(_url(catalogue, "catalogue"))
    html = response.content.decode()
    for text in (
        "Civil status",  # category
        "Permits",
        "Birth certificate extract",
        "National identity card",  # document to bring
        "Site plan",
        "Proof of ownership",
        "50 TND",
        "0.600 TND",
        "Free",
        "Urban planning",  # department
        "Opening hours",
        "08:00",
        "/services/citizen-space-ksar-el-ababsa/test-birth-extract/request/",
    ):
        assert text in html, text
    assert "Public-space occupation" not in html
    # The desk-only legalisation offers no online request.
    assert "/test-legalisation/request/" not in html
    assert client.get(_url(catalogue, "request", service="legalisation")).status_code == 404


def test_the_catalogue_page_stays_light(client, catalogue):
    """Under 150 KB of HTML, CSS and script together, for a cheap phone on a slow network."""
    html = client.get(_url(catalogue, "catalogue")).content
    assets = [
        finders.find("wasla/css/wasla.css"),
        finders.find("citizen_spaces/public.css"),
        finders.find("django_htmx/htmx-2.min.js"),
    ]
    total = len(html) + sum(Path(asset).stat().st_size for asset in assets)
    assert total < 150 * 1024, total


def test_an_unknown_citizen_space_or_service_is_not_found(client, catalogue):
    assert client.get("/services/nowhere/").status_code == 404
    assert client.get("/services/citizen-space-ksar-el-ababsa/no-such/").status_code == 404
    # Offered only at the other Citizen Space.
    assert client.get(_url(catalogue, "detail", service="elsewhere")).status_code == 404


# ---------------------------------------------------------------------------------------
# Online request


def test_a_citizen_requests_a_service_online_with_the_code_from_the_sms(
    client, send, catalogue, outbox
):
    form = client.get(_url(catalogue, "request"))
    key = _form_key(form.content)
    # Without JavaScript the whole form comes back, filled in as it was.
    asked = send(
        _url(catalogue, "code"),
        {
            "requester_name": "آمنة بن صالح",
            "phone": PHONE,
            "language": "ar",
            "idempotency_key": key,
        },
    )
    assert asked.status_code == 200
    assert PHONE_E164 in asked.content.decode()
    assert 'value="آمنة بن صالح"' in asked.content.decode()
    assert _form_key(asked.content) == key
    assert [message.to for message in outbox] == [PHONE_E164]
    code = _code_from(outbox)

    data = _request_data(key, code, documents=[_pdf(), _pdf("photo.png", PNG)])
    response = send(_url(catalogue, "request"), data)
    assert response.status_code == 302
    assert response["Location"].endswith("/request/sent/")

    request = ServiceRequest.objects.get()
    assert request.channel == ServiceRequest.Channel.ONLINE
    assert request.phone == PHONE_E164
    assert request.requester_name == "آمنة بن صالح"
    assert request.language == "ar"
    assert sorted(request.documents.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    assert request.reference in outbox[-1].body  # the "registered" SMS

    sent = client.get(response["Location"])
    assert sent.status_code == 200
    assert f'data-reference="{request.reference}"' in sent.content.decode()
    assert re.fullmatch(r"CS-[2-9A-Z]{5}-[2-9A-Z]{5}", request.reference)


def test_the_code_is_asked_for_with_htmx_and_only_the_status_line_comes_back(
    client, send, catalogue, outbox
):
    response = _ask_code(send, catalogue, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and PHONE_E164 in html
    assert len(outbox) == 1


def test_a_bad_phone_number_gets_no_code(client, send, catalogue, outbox):
    client.cookies["wasla_language"] = "en"
    response = _ask_code(send, catalogue, phone="12")
    assert response.status_code == 400
    assert "This is not a valid phone number." in _text(response.content)
    assert outbox == []


def test_a_wrong_code_is_refused_and_nothing_is_saved(
    client, send, catalogue, outbox, private_root
):
    key = _form_key(client.get(_url(catalogue, "request")).content)
    _ask_code(send, catalogue)
    right = _code_from(outbox)
    wrong = "000000" if right != "000000" else "111111"
    client.cookies["wasla_language"] = "en"
    response = send(_url(catalogue, "request"), _request_data(key, wrong, documents=[_pdf()]))
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("This code is wrong or has expired. Ask for a new one.") == 1
    assert 'name="verification_token"' not in html
    assert ServiceRequest.objects.count() == 0
    assert RequestDocument.objects.count() == 0
    assert _stored_files(private_root) == []


def test_a_missing_code_is_asked_for(client, send, catalogue):
    key = _form_key(client.get(_url(catalogue, "request")).content)
    client.cookies["wasla_language"] = "en"
    response = send(_url(catalogue, "request"), _request_data(key, ""))
    assert response.status_code == 400
    assert "Type the code we sent you by SMS." in response.content.decode()
    assert ServiceRequest.objects.count() == 0


def test_sending_the_same_form_twice_makes_one_request(client, send, catalogue, outbox):
    """A double click or a reload sends the same idempotency key: one request, and the
    second answer leads to the same reference."""
    key = _form_key(client.get(_url(catalogue, "request")).content)
    _ask_code(send, catalogue)
    data = _request_data(key, _code_from(outbox))
    first = send(_url(catalogue, "request"), data)
    second = send(_url(catalogue, "request"), data)
    assert first.status_code == second.status_code == 302
    assert ServiceRequest.objects.count() == 1
    reference = ServiceRequest.objects.get().reference
    assert reference in client.get(second["Location"]).content.decode()


def test_someone_elses_form_key_does_not_reveal_their_request(client, send, catalogue, outbox):
    key = _form_key(client.get(_url(catalogue, "request")).content)
    _ask_code(send, catalogue)
    send(_url(catalogue, "request"), _request_data(key, _code_from(outbox)))
    other = "22 654 321"
    _ask_code(send, catalogue, phone=other)
    response = send(_url(catalogue, "request"), _request_data(key, _code_from(outbox), phone=other))
    assert response.status_code == 400
    assert ServiceRequest.objects.get().reference not in response.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: _pdf("letter.pdf", b"just some text, not a PDF"), "Only PDF, JPEG and PNG"),
        (lambda: _pdf("scan.pdf", PDF + b"0" * 3000), "larger than"),
    ],
    ids=["wrong-type", "too-big"],
)
def test_a_bad_upload_is_refused_and_nothing_is_saved(
    client, send, catalogue, outbox, settings, private_root, upload, message
):
    settings.DOCUMENT_MAX_BYTES = 2000
    client.cookies["wasla_language"] = "en"
    key = _form_key(client.get(_url(catalogue, "request")).content)
    _ask_code(send, catalogue)
    response = send(
        _url(catalogue, "request"),
        _request_data(key, _code_from(outbox), documents=[_pdf(), upload()]),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert ServiceRequest.objects.count() == 0
    assert RequestDocument.objects.count() == 0
    assert _stored_files(private_root) == []
    # The phone is proven already: the corrected form goes through without a new code.
    token = re.search(r'name="verification_token" value="([^"]+)"', html).group(1)
    fixed = _request_data(key, "", verification_token=token, documents=[_pdf()])
    assert send(_url(catalogue, "request"), fixed).status_code == 302
    assert ServiceRequest.objects.get().documents.count() == 1
    assert PhoneVerification.objects.filter(used_at__isnull=False).count() == 1


def test_too_many_documents_are_refused(client, send, catalogue, outbox):
    key = _form_key(client.get(_url(catalogue, "request")).content)
    _ask_code(send, catalogue)
    documents = [_pdf(f"page{number}.pdf") for number in range(6)]
    response = send(
        _url(catalogue, "request"), _request_data(key, _code_from(outbox), documents=documents)
    )
    assert response.status_code == 400
    assert ServiceRequest.objects.count() == 0


# ---------------------------------------------------------------------------------------
# Tracking


def test_tracking_shows_the_stage_due_date_and_history(client, send, catalogue, agent):
    request = _move(_desk_request(catalogue, agent), agent, Stage.IN_PROCESS)
    client.cookies["wasla_language"] = "en"
    response = send("/track/", {"reference": request.reference.lower(), "phone": PHONE})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-stage="in_process"' in html
    assert html.count('<li data-stage="') == 2  # received, then in process
    assert 'aria-current="step">In process' in html
    assert "Expected by" in html


def test_unknown_reference_and_wrong_phone_get_the_same_neutral_answer(
    client, send, catalogue, agent
):
    request = _desk_request(catalogue, agent)
    unknown = send("/track/", {"reference": "CS-22222-22222", "phone": PHONE})
    wrong_phone = send("/track/", {"reference": request.reference, "phone": "22 999 888"})
    assert unknown.status_code == wrong_phone.status_code == 200
    message = _element_text(unknown.content, "track-not-found")
    assert message == _element_text(wrong_phone.content, "track-not-found")
    assert "Amina" not in wrong_phone.content.decode()
    assert 'id="track-result"' not in wrong_phone.content.decode()


def test_the_missing_document_is_sent_from_the_tracking_page(client, send, catalogue, agent):
    request = _move(
        _desk_request(catalogue, agent),
        agent,
        Stage.WAITING_CITIZEN,
        reason="Copy of the identity card",
    )
    tracked = send("/track/", {"reference": request.reference, "phone": PHONE})
    assert "Copy of the identity card" in tracked.content.decode()
    assert 'action="/track/documents/"' in tracked.content.decode()

    refused = send(
        "/track/documents/",
        {"reference": request.reference, "phone": PHONE, "documents": [_pdf("x.pdf", b"nope")]},
    )
    assert refused.status_code == 400
    assert RequestDocument.objects.count() == 0

    response = send(
        "/track/documents/",
        {"reference": request.reference, "phone": PHONE, "documents": [_pdf()]},
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.stage == Stage.IN_PROCESS
    assert request.documents.count() == 1


def test_tracking_attempts_are_limited_per_connection(client, send, catalogue):
    client.cookies["wasla_language"] = "en"
    for _attempt in range(10):
        assert send("/track/", {"reference": "CS-22222-22222", "phone": PHONE}).status_code == 200
    response = send("/track/", {"reference": "CS-22222-22222", "phone": PHONE})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many attempts came from this connection." in _text(response.content)
    # Another connection is not held back.
    other = send("/track/", {"reference": "CS-22222-22222", "phone": PHONE}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_codes_are_limited_per_connection(client, send, catalogue, outbox):
    for number in range(5):
        assert _ask_code(send, catalogue, phone=f"22 123 45{number}").status_code == 200
    response = _ask_code(send, catalogue, phone="22 123 459")
    assert response.status_code == 429
    assert len(outbox) == 5


# ---------------------------------------------------------------------------------------
# Rating


def test_a_delivered_request_is_rated_once(client, send, catalogue, agent):
    request = _delivered(catalogue, agent)
    url = f"/rate/{services.rating_token(request)}/"
    page = client.get(url).content.decode()
    assert page.count('type="radio" name="score"') == 5
    response = send(url, {"score": "5", "comment": "خدمة سريعة"})
    assert response.status_code == 302
    assert 'id="rating-thanks"' in client.get(url).content.decode()
    again = send(url, {"score": "1"})
    assert again.status_code == 409
    assert 'id="rating-thanks"' in again.content.decode()
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (5, "خدمة سريعة")


def test_a_rating_needs_a_score_and_a_valid_link(client, send, catalogue, agent):
    request = _delivered(catalogue, agent)
    url = f"/rate/{services.rating_token(request)}/"
    assert send(url, {"score": "9"}).status_code == 400
    assert client.get("/rate/not-a-token/").status_code == 404
    assert Rating.objects.count() == 0


# ---------------------------------------------------------------------------------------
# Appointments


@pytest.fixture
def slot(catalogue, agent):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    slots = services.slots_create(
        actor=agent,
        office=catalogue["office"],
        category=catalogue["category"],
        day=tomorrow,
        first=datetime.time(9, 0),
        last=datetime.time(9, 30),
        minutes=30,
        capacity=1,
    )
    return slots[0]


def test_a_citizen_books_a_slot_and_a_full_slot_is_refused(client, send, catalogue, slot, outbox):
    url = f"/services/{catalogue['office'].slug}/appointments/"
    page = client.get(url, {"category": catalogue["category"].slug}).content.decode()
    assert f'name="slot" value="{slot.pk}"' in page

    booked = send(
        url,
        {
            "category": catalogue["category"].slug,
            "slot": slot.pk,
            "requester_name": "Amina",
            "phone": PHONE,
        },
    )
    assert booked.status_code == 302
    appointment = Appointment.objects.get()
    confirmation = client.get(booked["Location"]).content.decode()
    assert f'data-code="{appointment.code}"' in confirmation
    assert appointment.code in outbox[-1].body

    # The slot is full now: no longer offered, and refused if sent anyway.
    assert (
        f'value="{slot.pk}"'
        not in client.get(url, {"category": "test-civil-status"}).content.decode()
    )
    refused = send(
        url,
        {
            "category": "test-civil-status",
            "slot": slot.pk,
            "requester_name": "Sami",
            "phone": "22 654 321",
        },
    )
    assert refused.status_code == 409
    assert Appointment.objects.count() == 1


def test_an_appointment_is_cancelled_with_its_code_and_phone(client, send, catalogue, slot):
    appointment = services.appointment_book(slot=slot, requester_name="Amina", phone=PHONE)
    wrong = send("/appointments/cancel/", {"code": appointment.code, "phone": "22 999 888"})
    unknown = send("/appointments/cancel/", {"code": "RV-23456789", "phone": PHONE})
    assert _element_text(wrong.content, "cancel-not-found") == _element_text(
        unknown.content, "cancel-not-found"
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED

    done = send("/appointments/cancel/", {"code": appointment.code.lower(), "phone": PHONE})
    assert 'id="cancel-done"' in done.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
