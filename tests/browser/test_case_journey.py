"""A returning migrant's case from intake to closing, in headless Chromium, as the counsellor
and the partner would do it: screenshots of each step land in test-artifacts/."""

import datetime

import pytest

from tests.browser.conftest import screenshot
from wasla.demo.landscape import DEMO_PASSWORD

pytestmark = pytest.mark.browser

REFERRAL_REASON = "Groupe de parole pour personnes de retour / مجموعة دعم للعائدين"


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _sign_in(page, site, username: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    _submit(page, "main button[type=submit]")
    page.wait_for_url(f"{site}/dashboard/")


def _sign_out(page) -> None:
    _submit(page, ".nav-user form button")


def _stage(page) -> str:
    return page.locator("h1 [data-stage]").get_attribute("data-stage")


def _move_to(page, stage: str) -> None:
    _submit(page, f"#stage-form button[value={stage}]")
    assert _stage(page) == stage, page.locator(".messages").inner_text()


def _fits_the_screen(page) -> bool:
    return (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )


def _record_consent(page, purpose: str) -> None:
    page.click("section[aria-labelledby=consents-title] summary")
    page.select_option("section[aria-labelledby=consents-title] select[name=purpose]", purpose)
    # The consent form shows its date in the page's format, which a date input in French
    # cannot read; typing it as the browser sends it keeps the test on the journey.
    page.fill(
        "section[aria-labelledby=consents-title] input[name=given_on]",
        datetime.date.today().isoformat(),
    )
    _submit(page, "section[aria-labelledby=consents-title] form.stacked button[type=submit]")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_case_from_intake_to_closing(page_factory, site, language):
    page = page_factory(language_cookie=language, width=360, height=800)
    shot = f"journey-{language}"

    # Intake of a returning migrant, and the consents that case work needs.
    _sign_in(page, site, "counsellor")
    page.goto(f"{site}/people/new/")
    page.fill("input[name=given_name_ar]", "وليد")
    page.fill("input[name=family_name_ar]", "القرصلي")
    page.fill("input[name=given_name_latin]", "Walid")
    page.fill("input[name=family_name_latin]", "Gharsalli")
    page.check("input[name=sex][value=male]")
    page.fill("input[name=birth_date]", "1990-11-02")
    page.fill("input[name=phone]", "29 555 014")
    page.select_option("select[name=population_group]", "returning_migrant")
    screenshot(page, f"{shot}-01-intake")
    _submit(page, "main form button[type=submit]")
    assert "/people/P-" in page.url
    person_reference = page.url.rstrip("/").rsplit("/", 1)[1]
    _record_consent(page, "service_delivery")
    _record_consent(page, "partner_sharing")
    assert page.locator("section[aria-labelledby=consents-title] tbody tr").count() == 2
    screenshot(page, f"{shot}-02-consents")

    # Open a case in the reintegration programme from the caseload page.
    page.goto(f"{site}/cases/")
    assert _fits_the_screen(page)
    screenshot(page, f"{shot}-03-caseload")
    page.fill("#open-person", person_reference)
    _submit(page, "form:has(#open-person) button[type=submit]")
    page.check("input[name=programme][value=reintegration]")
    screenshot(page, f"{shot}-04-open-case")
    _submit(page, "main form.card button[type=submit]")
    assert "/cases/C-" in page.url
    assert _stage(page) == "reception"
    case_url = page.url.split("#")[0]

    # Assess the needs.
    _move_to(page, "assessment")
    page.click("#assessment summary")
    for question, answer in {
        "income_source": "irregular",
        "debt": "heavy",
        "housing": "rented",
        "family_support": "some",
        "distress": "mild",
    }.items():
        page.check(f"#assessment-form input[name={question}][value={answer}]")
    page.check("#assessment-form input[name=vulnerabilities][value=chronic_illness]")
    screenshot(page, f"{shot}-05-assessment-form")
    _submit(page, "#assessment-form button[type=submit]")
    assert page.locator("#assessment dl.answers dt").count() == 6
    screenshot(page, f"{shot}-06-assessment")

    # Two plan actions, then the plan is agreed.
    for kind, partner, budget in (
        ("vocational_training", "atfp", "1200"),
        ("psychosocial_support", "unft-kairouan", "0"),
    ):
        page.click("#plan summary")
        page.select_option("#plan-form select[name=kind]", kind)
        page.select_option("#plan-form select[name=partner]", partner)
        page.fill("#plan-form input[name=budget_tnd]", budget)
        page.fill("#plan-form input[name=due_on]", "2030-06-30")
        _submit(page, "#plan-form button[type=submit]")
    assert page.locator("#plan tbody tr").count() == 2
    _move_to(page, "plan_agreed")
    assert page.locator("#follow-ups tbody tr[data-months]").count() == 3
    screenshot(page, f"{shot}-07-plan-agreed")

    # Refer the person to the UNFT's Kairouan office.
    page.click("#referrals summary")
    page.select_option("#referral-form select[name=partner]", "unft-kairouan")
    page.fill("#referral-form input[name=reason]", REFERRAL_REASON)
    _submit(page, "#referral-form button[type=submit]")
    assert page.locator("#referrals [data-status=sent]").count() == 1
    screenshot(page, f"{shot}-08-referral-sent")
    _sign_out(page)

    # The partner accepts it, seeing only what it needs.
    _sign_in(page, site, "partner")
    page.goto(f"{site}/referrals/")
    referral = page.locator("article.referral", has_text=REFERRAL_REASON)
    assert referral.count() == 1
    assert "Walid" in referral.inner_text() and "Gharsalli" not in referral.inner_text()
    assert _fits_the_screen(page)
    screenshot(page, f"{shot}-09-partner-inbox")
    with page.expect_navigation():
        referral.locator("form.accept-form button").click()
    referral = page.locator("article.referral", has_text=REFERRAL_REASON)
    assert referral.get_attribute("data-status") == "accepted"
    screenshot(page, f"{shot}-10-referral-accepted")
    _sign_out(page)

    # Support, then the 6-month follow-up, recorded early.
    _sign_in(page, site, "counsellor")
    page.goto(case_url)
    assert page.locator("#referrals [data-status=accepted]").count() == 1
    _move_to(page, "support")
    _move_to(page, "follow_up")
    page.click("#follow-ups summary")
    page.select_option("#follow-up-form select[name=months]", "6")
    questions = page.locator("#follow-up-form fieldset.radios")
    assert questions.count() == 15
    for number in range(15):
        questions.nth(number).locator("input[type=radio]").nth(number % 3).check()
    screenshot(page, f"{shot}-11-follow-up-form")
    _submit(page, "#follow-up-form button[type=submit]")
    composite = page.locator("#follow-ups tr[data-months='6'] td.composite data")
    assert 0 <= float(composite.get_attribute("value")) <= 1
    assert _fits_the_screen(page)
    screenshot(page, f"{shot}-12-follow-up-recorded")

    # Close the case, with the reason.
    page.click("#stage details summary")
    page.select_option("#close-form select[name=closure_reason]", "reintegrated")
    _submit(page, "#close-form button[type=submit]")
    assert _stage(page) == "closed"
    assert page.locator("#timeline li").count() >= 12
    assert _fits_the_screen(page)
    screenshot(page, f"{shot}-13-closed")
    assert page.outside_requests == []
