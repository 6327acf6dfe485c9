"""Headless Chromium, as a person would use Wasla: screenshots land in test-artifacts/."""

import re
import time

import pytest

from tests.browser.conftest import screenshot
from wasla.demo.landscape import DEMO_PASSWORD, USERS

pytestmark = pytest.mark.browser


def _sign_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/dashboard/")


def _wait_until(page, expression: str, timeout_seconds: float = 10.0) -> None:
    """Poll a JavaScript expression from Python: the pages' Content-Security-Policy forbids the
    eval that Playwright's wait_for_function runs inside the page."""
    deadline = time.monotonic() + timeout_seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout_seconds} s: {expression}"
        page.wait_for_timeout(100)


@pytest.mark.parametrize("spec", [s for s in USERS if not s.superuser], ids=lambda s: s.role)
def test_each_demo_role_signs_in_and_sees_its_dashboard(page_factory, site, spec):
    page = page_factory(language_cookie=spec.language)
    _sign_in(page, site, spec.username)
    panel = page.locator(f"section.dashboard-panel[data-role={spec.role}]")
    assert panel.count() == 1
    assert panel.locator("h2").inner_text().strip()
    assert page.locator("section.dashboard-panel").count() == 1
    screenshot(page, f"dashboard-{spec.role}-{spec.language}")
    assert page.outside_requests == []


def test_the_public_switches_between_arabic_and_french(page_factory, site):
    page = page_factory(width=360, height=740)
    page.goto(f"{site}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    screenshot(page, "home-ar-phone")
    page.select_option("#language-select", "fr")
    with page.expect_navigation():
        page.click(".language-switch button")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "fr"
    screenshot(page, "home-fr-phone")
    page.select_option("#language-select", "ar")
    with page.expect_navigation():
        page.click(".language-switch button")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.outside_requests == []


def test_the_localities_map_draws_every_place_and_zooms_to_a_governorate(page_factory, site):
    page = page_factory(language_cookie="fr")
    page.goto(f"{site}/territories/map/")
    circles = page.locator("figure.map-figure svg circle.map-point")
    assert circles.count() >= 250
    screenshot(page, "map-tunisia-fr")
    _wait_until(page, "typeof window.htmx !== 'undefined'")
    with page.expect_response(lambda response: "governorate=TN-83" in response.url):
        page.select_option("#governorate", "TN-83")
    _wait_until(
        page, "document.querySelectorAll('figure.map-figure svg circle.map-point').length < 20"
    )
    assert "Tataouine" in page.locator("h1").inner_text()
    assert page.locator("table tbody tr").count() == circles.count()
    assert "governorate=TN-83" in page.url
    screenshot(page, "map-tataouine-fr")
    page_ar = page_factory(language_cookie="ar")
    page_ar.goto(f"{site}/territories/map/?governorate=TN-83")
    assert "تطاوين" in page_ar.locator("h1").inner_text()
    screenshot(page_ar, "map-tataouine-ar")
    assert page.outside_requests == [] and page_ar.outside_requests == []


@pytest.mark.parametrize(
    "path", ["/", "/offices/", "/territories/map/", "/territories/TN-41/", "/accounts/login/"]
)
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_pages_fit_a_360_pixel_phone(page_factory, site, path, language):
    page = page_factory(width=360, height=740, language_cookie=language)
    page.goto(f"{site}{path}")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    name = path.strip("/").replace("/", "-") or "home"
    screenshot(page, f"phone-{name}-{language}")


def test_the_keyboard_reaches_the_content_and_the_sign_in_form(page_factory, site):
    page = page_factory(language_cookie="en")
    page.goto(f"{site}/accounts/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type("auditor")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dashboard/"))
    assert page.locator("section.dashboard-panel[data-role=auditor]").count() == 1


def test_an_administrator_edits_office_hours_in_the_browser(page_factory, site):
    page = page_factory(language_cookie="fr")
    _sign_in(page, site, "admin")
    page.goto(f"{site}/offices/citizen-space-ksar-el-ababsa/edit/")
    page.fill("input[name=phone]", "+216 75 860 000")
    page.select_option("select[name=hours-10-weekday]", "5")
    page.fill("input[name=hours-10-opens]", "13:00")
    page.fill("input[name=hours-10-closes]", "15:00")
    screenshot(page, "office-edit-fr")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/offices/citizen-space-ksar-el-ababsa/")
    assert "+216 75 860 000" in page.content()
    assert page.locator(".message").count() == 1
    assert "08:00–12:00, 13:00–15:00" in page.locator("table.hours").inner_text()


def test_swagger_ui_runs_without_the_internet(page_factory, site):
    page = page_factory()
    page.goto(f"{site}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "Wasla API" in page.locator(".swagger-ui .info .title").inner_text()
    screenshot(page, "api-docs")
    assert page.outside_requests == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_counsellor_registers_a_returning_migrant_and_is_warned_of_a_likely_duplicate(
    page_factory, site, language
):
    page = page_factory(language_cookie=language, width=390, height=844)
    _sign_in(page, site, "counsellor")
    page.goto(f"{site}/people/new/")
    page.fill("input[name=given_name_ar]", "أميرة")
    page.fill("input[name=family_name_ar]", "بن عمار")
    page.fill("input[name=given_name_latin]", "Amira")
    page.fill("input[name=family_name_latin]", "Ben Ammar")
    page.check("input[name=sex][value=female]")
    page.fill("input[name=birth_date]", "1996-05-14")
    page.fill("input[name=phone]", "29 555 014")
    page.select_option("select[name=population_group]", "returning_migrant")
    screenshot(page, f"person-intake-{language}")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/people/P-" in page.url
    screenshot(page, f"person-detail-{language}")

    page.goto(f"{site}/people/new/")
    page.fill("input[name=given_name_latin]", "AMIRA")
    page.fill("input[name=family_name_latin]", "BENAMMAR")
    page.check("input[name=sex][value=female]")
    page.fill("input[name=birth_year]", "1996")
    page.select_option("select[name=population_group]", "returning_migrant")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("section.card.warning").count() == 1
    assert page.locator("section.card.warning tbody tr").count() == 1
    screenshot(page, f"person-likely-duplicate-{language}")

    page.goto(f"{site}/people/?q=" + ("أميرة" if language == "ar" else "AMIRA BENAMOR"))
    assert page.locator("#people-results tbody tr a").count() == 1
    assert page.outside_requests == []
