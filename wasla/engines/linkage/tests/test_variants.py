"""Each family of spellings of a Tunisian name, phone, card number or birth date maps to one
standard form, and names that are different stay apart (table-driven)."""

import datetime

import pandas as pd
import pytest

from wasla.engines.linkage.prepare import (
    national_id_lenient,
    phone_e164_fast,
    prepare,
    sex_code,
)
from wasla.engines.linkage.records import COLUMNS
from wasla.engines.linkage.standardise import (
    birth_date_candidates,
    birth_dates_agree,
    name_key,
    phone_e164,
    transliteration_key,
)

SAME_NAME = {
    "Mohamed": ["Mohamed", "Mohammed", "MOHAMED", "Mhamed", "Muhammad", "محمد", "مُحَمَّد"],
    "Youssef": ["Youssef", "Youcef", "Yousef", "Yusuf", "يوسف"],
    "Seifeddine": ["Seifeddine", "Seif Eddine", "Seif-Eddine", "Seif eddine", "سيف الدين"],
    "Ben Ali": ["Ben Ali", "Benali", "Ben-Ali", "BEN ALI", "بن علي"],
    "Mariem": ["Mariem", "Meriem", "Maryem", "MERIEM", "مريم"],
    "Ben Salah": ["Ben Salah", "Bensalah", "Ben-Salah", "BENSALAH", "بن صالح"],
    "Fatma": ["Fatma", "Fatima", "فاطمة"],
    "Aicha": ["Aicha", "Aïcha", "عائشة"],
    "Yassine": ["Yassine", "Yacine", "ياسين"],
    "Chaima": ["Chaima", "Chaimaa", "شيماء"],
    "Hedi": ["Hedi", "Hadi", "الهادي"],
    "Nour": ["Nour", "Noor", "نور"],
    # One Arabic name, vowels written either way: Wasla treats them as one name.
    "Amel": ["Amel", "Amal", "أمل"],
    # صالح is written Salah and Saleh; صلاح is also Salah. Latin spelling cannot tell them
    # apart, so they share a key and the other fields decide (docs/name-standardisation.md).
    "Salah": ["Salah", "Saleh", "صالح", "صلاح"],
}

DIFFERENT_NAMES = [
    ("Mohamed", "Mahmoud"),
    ("Mohamed", "Ahmed"),
    ("Ahmed", "Hamed"),
    ("Youssef", "Younes"),
    ("Mariem", "Maram"),
    ("Ben Ali", "Ben Salah"),
    ("Amel", "Amina"),
    ("Salah", "Saleem"),
    ("Fatma", "Fatha"),
    ("Hamza", "Hamdi"),
]


@pytest.mark.parametrize(("family", "spellings"), SAME_NAME.items())
def test_each_variant_family_has_one_key(family, spellings):
    """All spellings of a name, in either script, share one transliteration key."""
    keys = {spelling: transliteration_key(spelling) for spelling in spellings}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize(("a", "b"), DIFFERENT_NAMES)
def test_different_names_stay_apart(a, b):
    assert transliteration_key(a) != transliteration_key(b)


def test_variant_families_do_not_merge_with_each_other():
    keys = [transliteration_key(spellings[0]) for spellings in SAME_NAME.values()]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(
    "text", ["+216 98 123 456", "0021698123456", "98.123.456", "98 123 456", "98123456"]
)
def test_phones_in_any_layout_become_e164(text):
    assert phone_e164(text) == "+21698123456"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("98 123 456", "+21698123456"),
        ("(+216) 71 12 34 56", "+21671123456"),
        # A range the numbering plan does not know yet: still the same number on two records.
        ("49 217 019", "+21649217019"),
        ("00216 49.217.019", "+21649217019"),
        ("+216 49 21 70 19", "+21649217019"),
        # Not a Tunisian number's shape, or a placeholder.
        ("01234567", None),
        ("19 217 019", None),
        ("99 999 999", None),
        ("00000000", None),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("", None),
    ],
)
def test_phones_for_comparison(text, expected):
    assert phone_e164_fast(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01234567", "01234567"),
        ("0123 4567", "01234567"),
        (" 01 23 45 67 ", "01234567"),
        ("١٢٣٤٥٦٧٨", "12345678"),
        ("1234567", "01234567"),  # a spreadsheet dropped the leading zero
        ("123456", "00123456"),
        ("12345", None),
        ("123456789", None),
        ("12A45678", None),
        ("", None),
    ],
)
def test_national_id_eight_digits(text, expected):
    assert national_id_lenient(text) == expected


def test_birth_dates_day_and_month_swapped_and_year_only():
    march, april = datetime.date(1990, 3, 4), datetime.date(1990, 4, 3)
    assert birth_dates_agree(march, None, april, None) == "swapped"
    assert birth_dates_agree(march, None, None, 1990) == "year"
    assert birth_dates_agree(march, None, None, 1991) == "different"
    assert birth_date_candidates("04/03/1990") == [march, april]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("M", "M"), ("f", "F"), ("Femme", "F"), ("H", "M"), ("ذكر", "M"), ("أنثى", "F"), ("?", None)],
)
def test_sex_codes(text, expected):
    assert sex_code(text) == expected


def _prepared(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame([dict.fromkeys(COLUMNS, "") | row for row in rows])
    return prepare(frame)


def test_family_name_in_the_given_name_field_and_arabic_only_records_agree():
    """The token set of all name fields is the same whether the family name is in its own
    field, typed after the given name, in the other field, or the name is in Arabic only."""
    prepared = _prepared(
        {"record_id": "1", "given_name": "Mariem", "family_name": "Ben Salah"},
        {"record_id": "2", "given_name": "MERIEM BENSALAH"},
        {"record_id": "3", "given_name": "Ben Salah", "family_name": "Meriem"},
        {"record_id": "4", "name_ar": "مريم بن صالح"},
    )
    assert prepared["name_sorted"].nunique() == 1
    assert prepared["name_sorted"][0] == name_key("Mariem Ben Salah")
    assert prepared["given_key"].tolist()[0] == "mrim"
    assert prepared["family_key"].tolist()[0] == "bnslh"


def test_prepared_birth_fields_and_missing_values():
    prepared = _prepared(
        {"record_id": "1", "birth_date": "1990-03-04"},
        {"record_id": "2", "birth_year": "1985"},
        {"record_id": "3", "birth_date": "04/03/1990", "birth_year": "1991"},
        {"record_id": "4", "birth_date": "not a date", "phone": "12"},
    )
    assert prepared["birth_date"].tolist() == ["1990-03-04", None, "1990-03-04", None]
    assert prepared["birth_year"].tolist() == [1990, 1985, 1990, pd.NA]
    assert prepared["birth_month"].tolist()[0] == 3
    assert prepared["birth_day"].tolist()[0] == 4
    assert prepared["phone"].tolist()[3] is None
    assert prepared["name_sorted"].tolist() == [None] * 4


def test_prepared_date_key_meets_a_date_typed_month_first():
    prepared = _prepared(
        {"record_id": "1", "birth_date": "1990-03-04"},
        {"record_id": "2", "birth_date": "1990-04-03"},
        {"record_id": "3", "birth_date": "1990-12-25"},
        {"record_id": "4", "birth_year": "1990"},
    )
    assert prepared["birth_date_key"].tolist() == ["1990-03-04", "1990-03-04", "1990-12-25", None]


@pytest.mark.parametrize(
    ("one", "other", "bare", "consonants"),
    [
        # The article dropped from a Latin spelling: the same names but for the article (the
        # key keeps the l of the article before a vowel, so the consonants differ).
        ({"given_name": "Ahmed", "family_name": "Amri"}, {"name_ar": "أحمد العامري"}, True, False),
        (
            {"given_name": "Ahmed", "family_name": "El Amri"},
            {"given_name": "Ahmed Amri"},
            True,
            False,
        ),
        # Vowels written long or short, ى written ي, غ written g: the same consonants.
        ({"given_name": "Nour", "family_name": "Gharbi"}, {"given_name": "Nur Garbi"}, False, True),
        (
            {"given_name": "Khaled", "family_name": "Jebali"},
            {"name_ar": "خالد الجبالي"},
            True,
            True,
        ),
        ({"given_name": "Houda", "family_name": "Harbi"}, {"name_ar": "هدي الحربي"}, False, True),
        # Different names stay apart.
        ({"given_name": "Amira", "family_name": "Amri"}, {"name_ar": "أحمد العامري"}, False, False),
        (
            {"given_name": "Samia", "family_name": "Ben Ali"},
            {"given_name": "Sana Ben Ali"},
            False,
            False,
        ),
    ],
)
def test_prepared_names_without_the_article_or_the_vowels(one, other, bare, consonants):
    prepared = _prepared({"record_id": "1"} | one, {"record_id": "2"} | other)
    assert (prepared["name_bare"][0] == prepared["name_bare"][1]) is bare
    assert (prepared["name_consonants"][0] == prepared["name_consonants"][1]) is consonants
