"""A citizen without an account, on a 360-px phone in Arabic: finds the birth-certificate
extract in the catalogue of the Citizen Space of Ksar el Ababsa, requests it online with the
code received by SMS, tracks it to delivery and rates the service from the link in the SMS.
The front-desk agent processes it on the desk pages, in another browser, in Arabic.
Screenshots of each step land in test-artifacts/."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from tests.browser.conftest import screenshot
from wasla.citizen_spaces import services
from wasla.citizen_spaces.models import Rating, ServiceRequest, Stage
from wasla.citizen_spaces.tests.factories import OFFICE_SLUG, make_catalogue
from wasla.core import sms
from wasla.demo.landscape import DEMO_PASSWORD, USERS

pytestmark = pytest.mark.browser

PHONE = "22 123 456"
PHONE_E164 = "+21622123456"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SHOT = "citizen-request-ar"


def _fits_the_screen(page) -> bool:
    return (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )


def _messages_to(phone: str) -> list[str]:
    return [message.body for message in sms.outbox if message.to == phone]


def _track(page, site, reference: str) -> str:
    page.goto(f"{site}/track/")
    page.fill("#id_reference", reference)
    page.fill("#id_phone", PHONE)
    with page.expect_navigation():
        page.click("#track-form button[type=submit]")
    return page.locator("#track-result .cs-stage [data-stage]").get_attribute("data-stage")


def _agent_signs_in(page, site) -> None:
    username = next(spec.username for spec in USERS if spec.role == "front_desk_agent")
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _agent_moves(page, site, reference: str, stage: str, shot: str | None = None) -> None:
    """The agent finds the request in the work queue and moves it from its page."""
    page.goto(f"{site}/desk/{OFFICE_SLUG}/requests/?q={reference}")
    with page.expect_navigation():
        page.click(f"a:has-text('{reference}')")
    if shot:
        screenshot(page, shot)
    with page.expect_navigation():
        page.click(f"#move-form button[value={stage}]")
    assert ServiceRequest.objects.get(reference=reference).stage == stage


@pytest.fixture
def fresh(settings, site):
    """Links in the SMS point at the live server; no limit or message left from before."""
    settings.WASLA_PUBLIC_URL = site
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()


def test_a_citizen_requests_online_tracks_to_delivery_and_rates(page_factory, site, fresh):
    catalogue = make_catalogue()
    birth = catalogue["birth"]
    page = page_factory(language_cookie="ar", width=360, height=740)
    desk = page_factory(language_cookie="ar", width=1280, height=900)
    _agent_signs_in(desk, site)

    # The catalogue of the Citizen Space, in Arabic, right to left, on a small phone.
    page.goto(f"{site}/services/{OFFICE_SLUG}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text().strip() == catalogue["office"].name_ar
    assert _fits_the_screen(page)
    screenshot(page, f"{SHOT}-01-catalogue")
    service = page.locator(f"#service-{birth.code}")
    service.locator("summary").click()
    assert service.get_attribute("open") is not None
    screenshot(page, f"{SHOT}-02-service-open")
    with page.expect_navigation():
        service.locator("a[href$='/request/']").click()

    # The form: name and phone, the code by SMS (htmx), the request and a document.
    page.fill("#id_requester_name", "آمنة بن صالح")
    page.fill("#id_phone", PHONE)
    page.wait_for_function("typeof window.htmx !== 'undefined'")
    with page.expect_response(lambda response: response.url.endswith("/request/code/")) as sent:
        page.click("button[name=send_code]")
    assert sent.value.request.headers.get("hx-request") == "true"  # no page load
    page.locator("#code-status .message").wait_for()
    assert PHONE_E164 in page.locator("#code-status").inner_text()
    code = re.search(r"\b(\d{6})\b", _messages_to(PHONE_E164)[-1]).group(1)
    page.fill("#id_details", "نسختان من مضمون الولادة")
    page.set_input_files(
        "#id_documents", files=[{"name": "cin.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.fill("#id_code", code)
    assert _fits_the_screen(page)
    screenshot(page, f"{SHOT}-03-form-filled")
    with page.expect_navigation():
        page.press("#id_code", "Enter")  # the request goes, not a new code

    # The reference, big enough to read out over the phone.
    assert page.url.endswith("/request/sent/")
    reference = page.locator("[data-reference]").get_attribute("data-reference")
    assert re.fullmatch(r"CS-[2-9A-Z]{5}-[2-9A-Z]{5}", reference)
    assert any(reference in body for body in _messages_to(PHONE_E164))
    request = ServiceRequest.objects.get(reference=reference)
    assert (request.channel, request.language, request.documents.count()) == ("online", "ar", 1)
    assert _fits_the_screen(page)
    screenshot(page, f"{SHOT}-04-reference")

    # The agents work on it; the citizen follows each step on the tracking page.
    assert _track(page, site, reference) == Stage.RECEIVED
    screenshot(page, f"{SHOT}-05-track-received")
    _agent_moves(desk, site, reference, Stage.IN_PROCESS, shot=f"{SHOT}-05b-desk-request")
    assert _track(page, site, reference) == Stage.IN_PROCESS
    _agent_moves(desk, site, reference, Stage.READY)
    assert _track(page, site, reference) == Stage.READY
    assert _fits_the_screen(page)
    screenshot(page, f"{SHOT}-06-track-ready")
    _agent_moves(desk, site, reference, Stage.DELIVERED)
    screenshot(desk, f"{SHOT}-06b-desk-delivered")
    assert _track(page, site, reference) == Stage.DELIVERED
    assert page.locator("#track-result .timeline li").count() == 4
    assert _fits_the_screen(page)
    screenshot(page, f"{SHOT}-07-track-delivered")

    # The last SMS carries the rating link.
    link = re.search(r"https?://\S+/rate/\S+/", _messages_to(PHONE_E164)[-1]).group(0)
    assert link.startswith(site)
    page.goto(link)
    page.click("label.cs-star:nth-child(5)")
    assert page.locator("input[name=score][value='5']").is_checked()
    page.fill("#id_comment", "خدمة سريعة، شكراً")
    assert _fits_the_screen(page)
    screenshot(page, f"{SHOT}-08-rating")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#rating-thanks").is_visible()
    screenshot(page, f"{SHOT}-09-thanks")
    assert Rating.objects.get(request=request).score == 5
    assert page.outside_requests == []
    assert desk.outside_requests == []


def test_a_citizen_books_an_appointment_and_cancels_it(page_factory, site, fresh):
    catalogue = make_catalogue()
    username = next(spec.username for spec in USERS if spec.role == "front_desk_agent")
    services.slots_create(
        actor=get_user_model().objects.get(username=username),
        office=catalogue["office"],
        category=catalogue["category"],
        day=timezone.localdate() + datetime.timedelta(days=1),
        first=datetime.time(9, 0),
        last=datetime.time(11, 0),
        minutes=30,
        capacity=2,
    )
    page = page_factory(language_cookie="ar", width=360, height=740)
    page.goto(f"{site}/services/{OFFICE_SLUG}/appointments/")
    with page.expect_navigation():
        page.click(f"a[href='?category={catalogue['category'].slug}']")
    page.locator("label.cs-slot").nth(2).click()
    page.fill("#id_requester_name", "آمنة بن صالح")
    page.fill("#id_phone", PHONE)
    assert _fits_the_screen(page)
    screenshot(page, "citizen-appointment-ar-01-choose")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    code = page.locator("[data-code]").get_attribute("data-code")
    assert any(code in body for body in _messages_to(PHONE_E164))
    screenshot(page, "citizen-appointment-ar-02-booked")

    with page.expect_navigation():
        page.click("a[href='/appointments/cancel/'] >> nth=-1")
    page.fill("#id_code", code)
    page.fill("#id_phone", PHONE)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#cancel-done").is_visible()
    assert _fits_the_screen(page)
    screenshot(page, "citizen-appointment-ar-03-cancelled")
    assert page.outside_requests == []
