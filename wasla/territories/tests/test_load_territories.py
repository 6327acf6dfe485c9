import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wasla.territories.models import Governorate, Locality

pytestmark = pytest.mark.django_db

GEONAMES_LINE = "{id}\t{name}\t{name}\t{alternates}\t{lat}\t{lon}\tP\tPPL\tTN\t\t{admin1}\t\t\t\t{population}\t\t100\tAfrica/Tunis\t2024-01-01\n"


def _state():
    return (
        list(
            Governorate.objects.order_by("code").values_list(
                "code", "name_ar", "name_fr", "name_en"
            )
        ),
        list(
            Locality.objects.order_by("geonames_id").values_list(
                "geonames_id",
                "name",
                "name_ar",
                "latitude",
                "longitude",
                "population",
                "governorate__code",
            )
        ),
    )


def test_loading_twice_leaves_the_same_24_governorates_and_localities():
    call_command("load_territories", verbosity=0)
    first = _state()
    out = StringIO()
    call_command("load_territories", stdout=out)
    assert _state() == first
    assert len(first[0]) == 24
    assert 250 <= len(first[1]) <= 320
    assert "0 created, 0 updated" in out.getvalue()


def test_every_governorate_has_its_iso_code_and_three_names():
    call_command("load_territories", verbosity=0)
    codes = set(Governorate.objects.values_list("code", flat=True))
    assert codes == {
        "TN-11", "TN-12", "TN-13", "TN-14", "TN-21", "TN-22", "TN-23", "TN-31", "TN-32", "TN-33",
        "TN-34", "TN-41", "TN-42", "TN-43", "TN-51", "TN-52", "TN-53", "TN-61", "TN-71", "TN-72",
        "TN-73", "TN-81", "TN-82", "TN-83",
    }  # fmt: skip
    assert not Governorate.objects.filter(name_ar="").exists()
    assert Governorate.objects.get(code="TN-83").name_ar == "تطاوين"
    assert Governorate.objects.get(code="TN-82").name_fr == "Médenine"
    assert Governorate.objects.get(code="TN-41").name_en == "Kairouan"


def test_localities_sit_in_their_governorate_with_arabic_names_where_geonames_has_them():
    call_command("load_territories", verbosity=0)
    tataouine = Locality.objects.get(name="Tataouine")
    assert tataouine.governorate.code == "TN-83"
    assert tataouine.name_ar == "تطاوين"
    assert tataouine.population > 50_000
    assert Locality.objects.filter(population__lt=500).count() == 0
    # Each governorate seat lies in its own governorate.
    assert Locality.objects.get(name="Kairouan").governorate.code == "TN-41"
    assert Locality.objects.get(name="Medenine").governorate.code == "TN-82"


def test_a_broken_file_changes_nothing_and_names_the_line_at_fault(tmp_path):
    call_command("load_territories", verbosity=0)
    before = _state()
    broken = tmp_path / "TN.txt"
    broken.write_text(
        GEONAMES_LINE.format(
            id=1,
            name="Tataouine",
            alternates="تطاوين",
            lat=32.9,
            lon=10.45,
            admin1="34",
            population=99999,
        )
        + GEONAMES_LINE.format(
            id=2, name="Nowhere", alternates="", lat="north", lon=10.0, admin1="34", population=900
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_territories", file=broken, verbosity=0)
    assert "TN.txt, line 2" in str(error.value)
    assert "latitude" in str(error.value)
    assert _state() == before


def test_a_file_with_missing_columns_is_refused_with_its_line(tmp_path):
    broken = tmp_path / "cities.txt"
    broken.write_text("# comment\n2463810\tMatmata\t33.5\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"cities.txt, line 2: expected 19 tab-separated columns"
    ):
        call_command("load_territories", file=broken, verbosity=0)
    assert Locality.objects.count() == 0


def test_a_geonames_dump_is_filtered_to_tunisian_places_of_500_or_more(tmp_path):
    dump = tmp_path / "TN.txt"
    dump.write_text(
        GEONAMES_LINE.format(
            id=10,
            name="Ksar Ouled Soltane",
            alternates="قصر أولاد سلطان,Ksar",
            lat=32.79,
            lon=10.3,
            admin1="34",
            population=1200,
        )
        + GEONAMES_LINE.format(
            id=11, name="Hamlet", alternates="", lat=32.7, lon=10.3, admin1="34", population=120
        ),
        encoding="utf-8",
    )
    call_command("load_territories", file=dump, verbosity=0)
    assert list(Locality.objects.values_list("name", "name_ar", "governorate__code")) == [
        ("Ksar Ouled Soltane", "قصر أولاد سلطان", "TN-83")
    ]


def test_coordinates_outside_tunisia_are_refused(tmp_path):
    dump = tmp_path / "TN.txt"
    dump.write_text(
        GEONAMES_LINE.format(
            id=12,
            name="Paris",
            alternates="",
            lat=48.85,
            lon=2.35,
            admin1="34",
            population=2_000_000,
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        CommandError, match=re.escape("line 1: coordinates 48.85, 2.35 lie outside Tunisia")
    ):
        call_command("load_territories", file=dump, verbosity=0)
