"""The programme manager imports a partner's list of people in headless Chromium, in Arabic on
a 360-pixel phone, and finds the partner's record of an already registered woman in the review
queue with where it came from. Screenshots land in test-artifacts/."""

import pytest

from tests.browser.conftest import screenshot
from wasla.demo.landscape import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PARTNER_FILE = (
    "record_id,given_name,family_name,father_name,name_ar,sex,birth_date,birth_year,phone,"
    "national_id,governorate\n"
    # The demo's Mariem Ben Salah, as the women's union wrote her.
    "UNFT-0042,MARIEM,BENSALAH,,مريم بن صالح,female,1994-03-07,,0021622123456,,TN-41\n"
    "UNFT-0043,Zeineb,Ferchichi,Habib,,female,1985-10-19,,25 404 404,,TN-41\n"
)


def _fits_the_screen(page) -> bool:
    return (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )


def test_the_manager_imports_a_partner_file_and_reviews_what_it_brought(
    page_factory, site, tmp_path
):
    from wasla.organisations.models import Office, Organisation
    from wasla.people.demo import demo_duplicates_add
    from wasla.people.models import PartnerFile

    demo_duplicates_add()
    unft = Organisation.objects.get(slug="unft-kairouan")
    office = Office.objects.get(slug="lda-kairouan-office")
    path = tmp_path / "unft-2026-11.csv"
    path.write_text(PARTNER_FILE, encoding="utf-8")

    page = page_factory(width=360, height=780, language_cookie="ar")
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(f"{site}/people/duplicates/partner-files/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.set_input_files("input[type=file]", str(path))
    page.select_option("select[name=organisation]", str(unft.pk))
    page.select_option("select[name=office]", str(office.pk))
    page.check("input[name=consent_attested]")
    assert _fits_the_screen(page)
    screenshot(page, "partner-file-upload-ar")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    partner_file = PartnerFile.objects.get()
    assert f"/people/duplicates/partner-files/{partner_file.pk}/" in page.url
    # The test backend runs the import and the linkage run at once, so the page shows the end.
    assert partner_file.status == "imported" and partner_file.imported_count == 2
    page.reload()
    assert _fits_the_screen(page)
    screenshot(page, "partner-file-outcome-ar")
    assert page.locator("text=UNFT-0042").count() >= 1
    assert page.outside_requests == []
