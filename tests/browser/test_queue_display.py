"""The waiting room of a Citizen Space in headless Chromium: a citizen takes a ticket at the
kiosk on a phone, the agent calls it at the counter, and the screen of the waiting room shows
it after its next poll. Screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from wasla.demo.landscape import DEMO_PASSWORD

pytestmark = pytest.mark.browser

OFFICE = "citizen-space-ksar-el-ababsa"


def _fits_the_screen(page) -> bool:
    return (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )


def test_a_ticket_taken_at_the_kiosk_is_called_and_shown_on_the_screen(page_factory, site):
    # The screen of the waiting room, on a 1280×720 television, before anyone is called.
    screen = page_factory(width=1280, height=720)
    screen.goto(f"{site}/queue/{OFFICE}/display/")
    expect(screen.locator(".display-empty").first).to_be_visible()

    # A citizen takes a civil-status ticket on a 360-pixel phone, in Arabic.
    phone = page_factory(width=360, height=740, language_cookie="ar")
    phone.goto(f"{site}/queue/{OFFICE}/take/")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    buttons = phone.locator(".kiosk-button")
    assert buttons.count() >= 5
    assert _fits_the_screen(phone)
    screenshot(phone, "queue-kiosk-phone-ar")
    with phone.expect_navigation():
        phone.click("form:has(input[name=category][value=civil-status]) .kiosk-button")
    label = phone.locator(".ticket-label").inner_text().strip()
    assert label == "A001"
    expect(phone.locator(".ticket-position")).to_be_visible()
    expect(phone.locator("[data-print]")).to_be_visible()  # the script ran
    assert _fits_the_screen(phone)
    screenshot(phone, "queue-ticket-phone-ar")

    # Two more people take tickets at the kiosk at the entrance: a permit, a civil-status one.
    kiosk = page_factory(width=1280, height=800)
    for category in ("permits", "civil-status"):
        kiosk.goto(f"{site}/queue/{OFFICE}/take/")
        with kiosk.expect_navigation():
            kiosk.click(f"form:has(input[name=category][value={category}]) .kiosk-button")
    assert kiosk.locator(".ticket-label").inner_text().strip() == "A002"

    # The agent of the Citizen Space names her counter and calls the next ticket.
    desk = page_factory(width=1280, height=900, language_cookie="fr")
    desk.goto(f"{site}/accounts/login/")
    desk.fill("input[name=username]", "agent")
    desk.fill("input[name=password]", DEMO_PASSWORD)
    with desk.expect_navigation():
        desk.click("main button[type=submit]")
    desk.goto(f"{site}/queue/{OFFICE}/counter/")
    expect(desk.locator("#queue-waiting")).to_contain_text(label)
    desk.fill("input[name=counter]", "3")
    with desk.expect_navigation():
        desk.click("form[action$='/counter/setup/'] button[type=submit]")
    with desk.expect_navigation():
        desk.click(".call-next-button")
    expect(desk.locator(".counter-label")).to_have_text(label)
    screenshot(desk, "queue-counter-fr")

    # The screen shows the call within one poll, highlighted, and announces it.
    call = screen.locator(f'tr[data-ticket="{label}"]')
    expect(call).to_be_visible(timeout=15_000)
    expect(call).to_have_class("display-call is-new")
    expect(call.locator(".display-counter")).to_contain_text("3")
    expect(screen.locator("#queue-announce")).to_contain_text(label)
    expect(screen.locator('[data-category="permits"] .display-count')).to_contain_text("1")
    expect(screen.locator('[data-category="civil-status"] .display-count')).to_contain_text("1")
    expect(screen.locator(".display-names [lang=ar]").first).to_be_visible()
    expect(screen.locator(".display-names [lang=fr]").first).to_be_visible()
    screenshot(screen, "queue-display-1280x720")

    # The phone that kept the ticket open learns that its number is called.
    expect(phone.locator(".ticket-called")).to_contain_text("3", timeout=20_000)
    assert phone.outside_requests == [] and screen.outside_requests == []
