"""The planner's journey in headless Chromium: the programme manager asks where two more
Citizen Spaces should go in Tataouine governorate, runs the scenario, and reads the answer on
the map and in the tables, in English and in Arabic, on a desktop and on a 360-px phone.
Screenshots land in test-artifacts/."""

import pytest

from tests.browser.conftest import screenshot
from wasla.demo.landscape import DEMO_PASSWORD
from wasla.territories.models import Governorate

pytestmark = pytest.mark.browser


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _fits_the_screen(page) -> bool:
    return (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )


def test_planner_runs_a_scenario_and_reads_the_map(page_factory, site):
    page = page_factory(width=1280, height=900, language_cookie="en")
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", DEMO_PASSWORD)
    _submit(page, "main button[type=submit]")

    page.goto(f"{site}/planning/")
    assert page.locator("h1").inner_text() == "Where to put the next office"
    _submit(page, "main a.button")
    page.fill("input[name=name]", "Tataouine: two more Citizen Spaces")
    # The form shows only what the choices use (a small script; all of it without one).
    assert page.locator("select[name=governorate]").is_visible()
    assert not page.locator("select[name=corridor]").is_visible()
    assert not page.locator("input[name=demand_file]").is_visible()
    page.check("input[name=territory_kind][value=corridor]")
    assert page.locator("select[name=corridor]").is_visible()
    page.check("input[name=territory_kind][value=governorate]")
    tataouine = Governorate.objects.get(code="TN-83")
    page.select_option("select[name=governorate]", str(tataouine.pk))
    page.select_option("select[name=weighting]", "women")
    page.check("input[name=model][value=mclp]")
    page.fill("input[name=p]", "2")
    # The run is computed by the task backend; in tests it runs before the page comes back.
    _submit(page, "button[name=save_and_run]")

    assert page.locator("h1").inner_text() == "Tataouine: two more Citizen Spaces"
    page.select_option("#language-select", "en")
    _submit(page, ".language-switch button")
    assert page.locator("html").get_attribute("dir") == "ltr"
    map_svg = page.locator("#result-map svg.result-svg")
    assert map_svg.get_attribute("role") == "img"
    assert page.locator("#result-map .chosen use").count() == 2
    assert page.locator("#result-map .existing use").count() >= 3
    assert (
        page.locator("#result-map .covered circle").count()
        + page.locator("#result-map .uncovered rect").count()
        == 6
    )
    assert page.locator("#chosen-sites tbody tr").count() == 2
    assert "People within 15 km" in page.locator("#what-changes").inner_text()
    assert page.locator(".planning-legend li").count() == 5
    screenshot(page, "planning-result-en-desktop")

    # The same answer in Arabic, right to left.
    page.select_option("#language-select", "ar")
    _submit(page, ".language-switch button")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#result-map .chosen use").count() == 2
    screenshot(page, "planning-result-ar-desktop")

    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    assert _fits_the_screen(page), "the result page scrolls sideways on a phone"
    box = map_svg.bounding_box()
    assert box["width"] <= 360
    page.locator("#result-map").scroll_into_view_if_needed()
    screenshot(page, "planning-result-ar-phone")
    page.locator("#result-map").screenshot(path="test-artifacts/planning-map-ar-phone.png")

    # The form, too, fits the phone.
    page.goto(f"{site}/planning/new/")
    assert _fits_the_screen(page), "the scenario form scrolls sideways on a phone"
    screenshot(page, "planning-form-ar-phone")

    # Keyboard: the first download link is reachable and the exports answer.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.go_back()
    geojson = page.request.get(site + page.locator("ul.downloads a").first.get_attribute("href"))
    assert geojson.ok
    assert geojson.json()["type"] == "FeatureCollection"
    assert page.outside_requests == []


def test_progress_follows_the_run_and_the_page_reloads_when_it_ends(page_factory, site):
    """The page polls the run's progress (htmx) and shows the outcome by itself."""
    from django.contrib.auth import get_user_model

    from wasla.planning.models import Scenario
    from wasla.planning.tests.factories import make_scenario

    manager = get_user_model().objects.get(username="manager")
    scenario = make_scenario(manager, p=1, name="Followed run")
    Scenario.objects.filter(pk=scenario.pk).update(
        status=Scenario.Status.RUNNING, stage=Scenario.Stage.SOLVING, progress=30
    )
    page = page_factory(width=360, height=780, language_cookie="en")
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", DEMO_PASSWORD)
    _submit(page, "main button[type=submit]")
    page.goto(f"{site}/planning/{scenario.pk}/")
    progress = page.locator("#run-status progress")
    assert progress.get_attribute("value") == "30"
    Scenario.objects.filter(pk=scenario.pk).update(progress=70)
    page.wait_for_selector("#run-status progress[value='70']", timeout=10_000)
    Scenario.objects.filter(pk=scenario.pk).update(
        status=Scenario.Status.FAILED,
        failure=Scenario.Failure.ENGINE,
        error_message="radius_km: a radius of 15 km covers nobody",
    )
    page.wait_for_selector("text=The run failed", timeout=10_000)
    assert "covers nobody" in page.locator("#run-status").inner_text()
    assert page.locator("#run-status progress").count() == 0
    screenshot(page, "planning-failed-run-phone")
