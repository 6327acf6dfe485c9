import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("WASLA_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium is missing at {CHROMIUM}; .ci/run installs Debian's chromium package."
            )
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server with territories and the demo landscape loaded."""
    from wasla.demo.services import demo_load
    from wasla.territories import sources
    from wasla.territories.services import territories_load

    territories_load(
        governorates=sources.governorate_records(), localities=sources.bundled_locality_records()
    )
    demo_load()
    return live_server.url


@pytest.fixture
def page_factory(browser, site):
    """New pages that record every request that leaves the live server."""
    contexts = []

    def make(*, width=1280, height=900, language_cookie=None):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        if language_cookie:
            context.add_cookies([{"name": "wasla_language", "value": language_cookie, "url": site}])
        contexts.append(context)
        page = context.new_page()
        page.outside_requests = []
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith((site, "data:"))
                else page.outside_requests.append(request.url)
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
