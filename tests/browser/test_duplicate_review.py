"""The programme manager reviews a likely duplicate in headless Chromium, in Arabic on a
360-pixel phone: sees the two records and the reasons, merges them, then undoes the merge.
Screenshots land in test-artifacts/."""

import pytest

from tests.browser.conftest import screenshot
from wasla.demo.landscape import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _fits_the_screen(page) -> bool:
    return (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )


@pytest.fixture
def pair(site):
    """Two registrations of one woman at the Kairouan agency, as linkage scored them."""
    from wasla.people.demo import demo_duplicates_add
    from wasla.people.models import CandidatePair

    first, second = demo_duplicates_add()[:2]
    return CandidatePair.objects.create(
        person_a=first,
        person_b=second,
        probability=0.987,
        match_weight=11.4,
        agreements=[
            "name: same transliteration",
            "birth_date: day and month swapped",
            "phone: same number",
        ],
        disagreements=["governorate: different"],
    )


def test_the_manager_merges_a_duplicate_and_undoes_it_in_arabic_on_a_phone(
    page_factory, site, pair
):
    from wasla.people.models import Person, PersonMerge

    page = page_factory(width=360, height=780, language_cookie="ar")
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", DEMO_PASSWORD)
    _submit(page, "main button[type=submit]")
    page.wait_for_url(f"{site}/dashboard/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#people-counted").is_visible()
    _submit(page, "#people-counted a[href='/people/duplicates/']")

    card = page.locator(f"#pair-{pair.pk}")
    assert card.is_visible()
    assert card.locator("[data-reason='birth_date: day and month swapped']").is_visible()
    assert card.locator(".reason-list.differed li").count() == 1
    survivor = card.locator("input[name=survivor]:checked").get_attribute("value")
    assert survivor == str(pair.person_a_id)  # the older record by default
    assert _fits_the_screen(page)
    screenshot(page, "duplicates-01-queue-ar-360")

    # Keyboard: the decision buttons are reachable and announced by their text.
    confirm = card.locator("button[value=confirm]")
    confirm.focus()
    assert page.evaluate("document.activeElement.value") == "confirm"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    merge = PersonMerge.objects.get()
    assert page.url.endswith(f"/people/duplicates/merges/{merge.pk}/")
    assert page.locator("#merge").get_attribute("data-undone") == "no"
    assert Person.objects.get(pk=pair.person_b_id).merged_into_id == pair.person_a_id
    assert _fits_the_screen(page)
    screenshot(page, "duplicates-02-merged-ar-360")

    _submit(page, "#merge form button[type=submit]")
    assert page.locator("#merge").get_attribute("data-undone") == "yes"
    assert Person.objects.get(pk=pair.person_b_id).merged_into_id is None
    screenshot(page, "duplicates-03-undone-ar-360")

    page.goto(f"{site}/people/duplicates/")
    assert page.locator(f"#pair-{pair.pk}").is_visible()  # back in the queue after the undo
    assert page.outside_requests == []
