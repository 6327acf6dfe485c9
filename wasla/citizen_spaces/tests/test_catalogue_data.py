"""The catalogue of municipal services shipped with Wasla, and its loader."""

import copy
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from wasla.citizen_spaces.catalogue_data import (
    CatalogueError,
    catalogue_data,
    catalogue_load,
    catalogue_validate,
)
from wasla.citizen_spaces.models import Department, Holiday, ServiceCategory, ServiceType
from wasla.organisations.models import Office

LANGUAGES = ("ar", "fr", "en")


@pytest.fixture
def data():
    return copy.deepcopy(catalogue_data())


def _service(data, code):
    return next(item for item in data["services"] if item["code"] == code)


# ---------------------------------------------------------------------------------------
# The data file


def test_the_file_says_what_is_indicative():
    source = catalogue_data()["source"]
    assert "INDICATIVE" in source and "administrators" in source


@pytest.mark.django_db
def test_the_catalogue_file_is_valid(data):
    assert catalogue_validate(data) == []


def test_every_service_is_described_in_three_languages(data):
    departments = {item["slug"] for item in data["departments"]}
    categories = {item["slug"] for item in data["categories"]}
    assert len(data["services"]) >= 20
    for item in data["services"]:
        for field in ("name", "description"):
            for language in LANGUAGES:
                assert item[field][language].strip(), (item["code"], field, language)
        lengths = {len(item["requirements"][language]) for language in LANGUAGES}
        assert len(lengths) == 1 and lengths.pop() >= 1, item["code"]
        assert Decimal(str(item["fee_tnd"])) >= 0, item["code"]
        assert isinstance(item["target_working_days"], int)
        assert 0 <= item["target_working_days"] <= 365
        assert item["category"] in categories and item["department"] in departments
    # Arabic names are written in Arabic script, French ones are not.
    for item in data["services"]:
        assert any("\u0600" <= ch <= "\u06ff" for ch in item["name"]["ar"]), item["code"]
        assert not any("\u0600" <= ch <= "\u06ff" for ch in item["name"]["fr"]), item["code"]


def test_the_categories_carry_the_ticket_letters_a_to_e(data):
    letters = {item["slug"]: item["ticket_prefix"] for item in data["categories"]}
    assert letters == {
        "civil-status": "A",
        "legalisation-copies": "B",
        "certificates": "C",
        "permits": "D",
        "complaints-requests": "E",
    }


def test_the_catalogue_holds_the_usual_municipal_services(data):
    codes = {item["code"]: item for item in data["services"]}
    for code in (
        "birth-extract",
        "birth-full-copy",
        "marriage-extract",
        "death-extract",
        "family-record-book",
        "signature-legalisation",
        "certified-copy",
        "residence-certificate",
        "building-permit",
        "economic-activity-authorisation",
        "public-space-occupation",
        "land-status-certificate",
        "complaint-municipal-service",
        "waste-collection-request",
        "street-lighting-request",
        "hall-reservation",
    ):
        assert code in codes, code
    # Extracts and legalisations are quick; permits take weeks; complaints about 15 days.
    for code in ("birth-extract", "marriage-extract", "death-extract"):
        assert codes[code]["target_working_days"] <= 1
    assert codes["signature-legalisation"]["target_working_days"] == 0
    assert 30 <= codes["building-permit"]["target_working_days"] <= 60
    assert codes["complaint-municipal-service"]["target_working_days"] == 15
    # The building-permit fee is a base amount, and says so.
    assert "surface" in codes["building-permit"]["description"]["fr"]
    # What can be requested online, with its documents.
    for code in (
        "birth-extract",
        "residence-certificate",
        "complaint-municipal-service",
        "building-permit",
        "public-space-occupation",
    ):
        assert codes[code]["online"] is True, code
    for code in ("signature-legalisation", "certified-copy"):
        assert codes[code]["online"] is False, code


# ---------------------------------------------------------------------------------------
# The loader


@pytest.mark.django_db
def test_loading_twice_changes_nothing_the_second_time(data):
    assert catalogue_load() == len(data["services"])
    counts = (Department.objects.count(), ServiceCategory.objects.count())
    versions = dict(ServiceType.objects.values_list("code", "version"))
    assert catalogue_load() == 0
    assert (Department.objects.count(), ServiceCategory.objects.count()) == counts
    assert ServiceType.objects.count() == len(data["services"])
    assert dict(ServiceType.objects.values_list("code", "version")) == versions

    birth = ServiceType.objects.get(code="birth-extract")
    assert birth.category.ticket_prefix == "A" and birth.department.slug == "civil-status"
    assert birth.name_ar == "مضمون ولادة" and birth.name_fr == "Extrait d'acte de naissance"
    assert birth.fee_tnd == Decimal("0.500") and birth.online and birth.is_active
    assert len(birth.requirements_en.splitlines()) == len(
        _service(data, "birth-extract")["requirements"]["en"]
    )


@pytest.mark.django_db
def test_loading_again_brings_back_the_values_of_the_file(data):
    catalogue_load()
    ServiceType.objects.filter(code="building-permit").update(
        fee_tnd=Decimal("1"), name_fr="Changé"
    )
    before = ServiceType.objects.get(code="building-permit").version

    _service(data, "death-extract")["target_working_days"] = 1
    assert catalogue_load(data=data) == 2
    permit = ServiceType.objects.get(code="building-permit")
    assert permit.fee_tnd == Decimal("50.000") and permit.name_fr == "Permis de bâtir"
    assert permit.version == before + 1
    assert ServiceType.objects.get(code="death-extract").target_working_days == 1


@pytest.mark.django_db
def test_services_are_offered_at_the_given_citizen_spaces_keeping_other_offices(demo):
    spaces = Office.objects.filter(kind=Office.Kind.CITIZEN_SPACE)
    chosen = spaces.get(slug="citizen-space-ksar-el-ababsa")
    permit = ServiceType.objects.get(code="building-permit")
    permit.offices.set([chosen])  # an administrator narrowed it down
    assert catalogue_load(offices=[chosen]) == 0
    assert list(permit.offices.all()) == [chosen]
    assert catalogue_load(offices=spaces) == 1
    assert permit.offices.count() == spaces.count()

    antenna = Office.objects.exclude(kind=Office.Kind.CITIZEN_SPACE).first()
    with pytest.raises(CatalogueError) as error:
        catalogue_load(offices=[antenna])
    assert f"office “{antenna.slug}”" in error.value.entries


@pytest.mark.django_db
def test_the_demo_offers_the_catalogue_at_every_citizen_space(demo):
    services = len(catalogue_data()["services"])
    for office in Office.objects.filter(kind=Office.Kind.CITIZEN_SPACE):
        assert office.services.count() == services, office.slug
    assert Holiday.objects.exists()
    assert ServiceCategory.objects.filter(ticket_prefix__in="ABCDE").count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("breakage", "entry", "problem"),
    [
        (lambda d: _service(d, "birth-extract").update(fee_tnd="-1"), "service “birth-extract”", "fee_tnd"),
        (lambda d: _service(d, "death-extract")["name"].update(ar=""), "service “death-extract”", "name in 'ar'"),
        (lambda d: _service(d, "certified-copy")["description"].pop("en"), "service “certified-copy”", "description in 'en'"),
        (lambda d: _service(d, "building-permit")["requirements"]["fr"].pop(), "service “building-permit”", "different number"),
        (lambda d: _service(d, "hall-reservation").update(category="parties"), "service “hall-reservation”", "category “parties”"),
        (lambda d: _service(d, "road-repair-request").update(department=None), "service “road-repair-request”", "department"),
        (lambda d: _service(d, "birth-full-copy").update(target_working_days=400), "service “birth-full-copy”", "target_working_days"),
        (lambda d: _service(d, "marriage-extract").update(online="yes"), "service “marriage-extract”", "online"),
        (lambda d: _service(d, "residence-certificate").update(fees=3), "service “residence-certificate”", "unknown field"),
        (lambda d: d["services"].append(copy.deepcopy(d["services"][0])), "service “birth-extract”", "used twice"),
        (lambda d: d["categories"][1].update(ticket_prefix="A"), "category “legalisation-copies”", "ticket_prefix A"),
        (lambda d: d["departments"][0].update(fr=" "), "department “civil-status”", "name in 'fr'"),
    ],
)  # fmt: skip
def test_a_bad_entry_is_named_and_nothing_is_saved(data, breakage, entry, problem):
    breakage(data)
    with pytest.raises(CatalogueError) as error:
        catalogue_load(data=data)
    assert entry in error.value.entries
    assert any(where == entry and problem in what for where, what in error.value.problems)
    assert entry in str(error.value) and "nothing was saved" in str(error.value)
    assert not ServiceType.objects.exists()
    assert not ServiceCategory.objects.exists() and not Department.objects.exists()


@pytest.mark.django_db
def test_a_ticket_letter_taken_by_another_category_is_refused(data):
    ServiceCategory.objects.create(slug="my-own", ticket_prefix="C", name_fr="À moi")
    with pytest.raises(CatalogueError) as error:
        catalogue_load(data=data)
    assert error.value.entries == ["category “certificates”"]
    assert "my-own" in str(error.value)
    assert not ServiceType.objects.exists()


@pytest.mark.django_db
def test_every_problem_is_reported_at_once(data):
    _service(data, "birth-extract")["fee_tnd"] = "abc"
    _service(data, "hall-reservation")["name"]["en"] = ""
    with pytest.raises(CatalogueError) as error:
        catalogue_load(data=data)
    assert error.value.entries == ["service “birth-extract”", "service “hall-reservation”"]


# ---------------------------------------------------------------------------------------
# Commands


@pytest.mark.django_db
def test_the_load_catalogue_command_offers_the_services_where_asked(demo):
    ServiceType.objects.all().delete()
    out = io.StringIO()
    call_command("load_catalogue", "--office", "citizen-space-medenine", stdout=out, verbosity=1)
    assert "created or updated" in out.getvalue()
    medenine = Office.objects.get(slug="citizen-space-medenine")
    assert medenine.services.count() == len(catalogue_data()["services"])
    with pytest.raises(CommandError, match="No such office"):
        call_command("load_catalogue", "--office", "nowhere", verbosity=0)
    call_command("load_catalogue", "--all-citizen-spaces", verbosity=0)
    assert Office.objects.get(slug="citizen-space-ghomrassen").services.exists()


@pytest.mark.django_db
def test_the_load_catalogue_command_reports_a_bad_file(tmp_path, data):
    _service(data, "certified-copy")["fee_tnd"] = -3
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="service “certified-copy”: fee_tnd"):
        call_command("load_catalogue", "--file", str(path), verbosity=0)
    assert not ServiceType.objects.exists()


@pytest.mark.django_db
def test_the_load_holidays_command_is_safe_to_repeat():
    out = io.StringIO()
    call_command("load_holidays", stdout=out)
    count = Holiday.objects.count()
    assert count > 10 and f"{count} holiday(s) added" in out.getvalue()
    call_command("load_holidays", stdout=out)
    assert Holiday.objects.count() == count
