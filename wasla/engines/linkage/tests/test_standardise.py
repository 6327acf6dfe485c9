"""Standardisation of person records: pure Python, run with `-p no:django`."""

import ast
import datetime
from pathlib import Path

import pytest

from wasla.engines.linkage import standardise
from wasla.engines.linkage.standardise import (
    BirthDateAgreement,
    birth_date_candidates,
    birth_dates_agree,
    name_key,
    name_tokens,
    national_id,
    normalise_arabic,
    normalise_latin,
    phone_e164,
    transliteration_key,
)

date = datetime.date


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Replaces the root conftest's fixture of that name, which needs Django settings: the
    engine is pure Python and these tests run with `-p no:django`."""
    yield


def test_module_imports_neither_django_nor_wasla_apps():
    """The engine stays usable outside Django: only the standard library and phonenumbers."""
    tree = ast.parse(Path(standardise.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert "django" not in imported
    assert "rest_framework" not in imported
    assert "wasla" not in imported


# --- normalise_arabic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("with_marks", "without_marks"),
    [
        ("مُحَمَّد", "محمد"),
        ("فَاطِمَةُ", "فاطمة"),
        ("يُوسُفَ", "يوسف"),
        ("عَائِشَة", "عائشة"),
        ("سَيْفُ الدِّين", "سيف الدين"),
        ("رَحْمٰن", "رحمن"),  # superscript alef
    ],
)
def test_normalise_arabic_is_the_same_with_and_without_diacritics(with_marks, without_marks):
    """Harakat, shadda, sukun and the superscript alef never tell two names apart."""
    assert normalise_arabic(with_marks) == normalise_arabic(without_marks)
    assert transliteration_key(with_marks) == transliteration_key(without_marks)


def test_normalise_arabic_removes_tatweel():
    assert normalise_arabic("محـــمد") == "محمد"


@pytest.mark.parametrize("alef", ["أ", "إ", "آ", "ٱ"])
def test_normalise_arabic_folds_every_alef_form(alef):
    assert normalise_arabic(f"{alef}حمد") == "احمد"


def test_normalise_arabic_folds_hamza_carriers_and_drops_a_lone_hamza():
    assert normalise_arabic("مسؤول") == "مسوول"
    assert normalise_arabic("رئيس") == "رييس"
    assert normalise_arabic("سماء") == "سما"


def test_normalise_arabic_folds_ta_marbuta_and_alef_maqsura():
    assert normalise_arabic("فاطمة") == "فاطمه"
    assert normalise_arabic("مصطفى") == "مصطفي"


def test_normalise_arabic_folds_persian_urdu_and_maghrebi_letters():
    """ی ک ہ ھ look like Arabic letters on Persian keyboards; ڤ and ڨ write v and g in Tunisia."""
    assert normalise_arabic("یوسف") == "يوسف"
    assert normalise_arabic("کمال") == "كمال"
    assert normalise_arabic("ہند") == normalise_arabic("ھند") == "هند"
    assert normalise_arabic("ڤيصل") == "فيصل"
    assert normalise_arabic("ڨاسم") == "قاسم"


def test_normalise_arabic_turns_arabic_indic_digits_into_ascii():
    assert normalise_arabic("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalise_arabic("۰۱۲۳۴۵۶۷۸۹") == "0123456789"


def test_normalise_arabic_collapses_whitespace_and_strips():
    assert normalise_arabic("  محمد \t  بن\n صالح  ") == "محمد بن صالح"


def test_normalise_arabic_reads_presentation_forms_and_drops_direction_marks():
    """Text copied from PDFs carries presentation forms; text from phones, invisible marks."""
    assert normalise_arabic("ﻣﺤﻤﺪ") == "محمد"
    assert normalise_arabic("\u200fمحمد\u200e") == "محمد"


def test_normalise_arabic_of_empty_text_is_empty():
    assert normalise_arabic("") == ""
    assert normalise_arabic("   ") == ""


# --- normalise_latin -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Aïcha", "aicha"),
        ("HÉDI", "hedi"),
        ("Ben-Salah", "ben salah"),
        ("O'Neil", "o neil"),
        ("Ma’moun", "ma moun"),
        ("J.-P. Dupont", "j p dupont"),
        ("  Seif   Eddine ", "seif eddine"),
        ("Straße", "strasse"),
        ("Çelik", "celik"),
    ],
)
def test_normalise_latin_lowers_removes_accents_and_punctuation(typed, normalised):
    assert normalise_latin(typed) == normalised


def test_normalise_latin_of_empty_text_is_empty():
    assert normalise_latin("") == ""
    assert normalise_latin(" -'. ") == ""


# --- transliteration_key: spellings that must agree ------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["محمد", "Mohamed", "Mohammed", "Mhamed", "Muhammad", "Mouhamed", "مُحَمَّد"],
        ["يوسف", "Youssef", "Youcef", "Yousef", "Yusuf"],
        ["مريم", "Mariem", "Meriem", "Maryam"],
        ["بن صالح", "Ben Salah", "Bensalah", "Ben-Salah"],
        ["سيف الدين", "Seifeddine", "Seif Eddine", "Saif al-Din", "Seif-Eddine"],
        ["الطرابلسي", "Trabelsi", "Traboulsi", "El Trabelsi", "Ettrabelsi"],
        ["عائشة", "Aicha", "Aïcha", "Aisha"],
        ["محمود", "Mahmoud"],
        ["صالح", "صلاح", "Saleh", "Salah"],
        ["عبد القادر", "عبدالقادر", "Abdelkader", "Abd El Kader", "Abdel Kader"],
        ["عبد الرحمن", "عبدالرحمن", "Abderrahmane", "Abdel Rahman", "Abdelrahman"],
        ["عبد الله", "عبدالله", "Abdallah", "Abdellah", "Abdullah", "Abd Allah"],
        ["عز الدين", "Ezzeddine", "Ezzedine", "Ezz Eddine"],
        ["فتحي", "Fethi", "Fathi"],
        ["عثمان", "Othman"],
        ["رضا", "Ridha", "Redha", "Reda"],
        ["هدى", "Houda", "Hoda"],
        ["ضحى", "Dhouha"],
        ["وائل", "Wael", "Ouael"],
        ["مروان", "Marouane", "Marwen", "Marwan"],
        ["مروة", "Marwa", "Maroua"],
        ["سعاد", "Souad"],
        ["حياة", "Hayet", "Hayat"],
        ["زياد", "Zied", "Ziad"],
        ["الشاذلي", "Chedly", "Chedli"],
        ["السيد", "Essid", "Es-Sid"],
        ["الأسعد", "Lassaad"],
        ["العروسي", "Laroussi", "El Aroussi"],
        ["المكي", "Mekki", "El Mekki", "Elmekki"],
        ["أبو بكر", "ابوبكر", "Boubaker", "Abou Bakr", "Aboubaker"],
        ["بوزيد", "Bouzid", "Bou Zid"],
        ["إلياس", "الياس", "Elyes", "Ilyes"],
        ["فاطمة", "Fatma", "Fatima"],
        ["حسين", "Houcine", "Hussein"],
        ["مصطفى", "Mustapha", "Moustafa"],
        ["فاطمة الزهراء", "Fatma Ezzahra"],
        # ة written as ه, as loose Arabic spelling does: the final ه is read as ة.
        ["فاطمه", "فاطمة", "Fatma"],
        ["ناديه", "نادية", "Nadia", "Nadiya"],
        ["خديجه", "خديجة", "Khadija"],
        ["نجاه", "نجاة", "Najet"],
        ["الفه", "الفة", "Olfa"],
        # ك before ح is Latin "kh"; ث is "th" in Tunisian spelling and "s" in Turkish.
        ["بن لكحل", "Ben Lakhal", "Benlakhal"],
        ["عثمان", "Othman", "Osman", "Ousman"],
        ["أبو القاسم الشابي", "Abou El Kacem Chebbi"],
    ],
)
def test_transliteration_key_brings_spellings_of_a_name_together(spellings):
    keys = {spelling: transliteration_key(spelling) for spelling in spellings}
    assert len(set(keys.values())) == 1, keys
    assert next(iter(keys.values()))


def test_transliteration_key_examples_are_readable_skeletons():
    """The keys are short consonant skeletons; docs/name-standardisation.md explains them."""
    assert transliteration_key("Mohamed") == "mhmd"
    assert transliteration_key("Mahmoud") == "mhmud"
    assert transliteration_key("Youssef") == "ysf"
    assert transliteration_key("Ben Salah") == "bnslh"
    assert transliteration_key("Aicha") == "aca"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Mohamed", "Mahmoud"),
        ("محمد", "محمود"),
        ("Amira", "Amir"),
        ("أميرة", "أمير"),
        ("Samir", "Samira"),
        ("Sami", "Samia"),
        ("Ali", "Alia"),
        ("Ahmed", "Hamed"),
        ("Youssef", "Seif"),
        ("Mariem", "Marwa"),
        ("Rania", "Rana"),
        ("Hedi", "Houda"),
        ("Ben Ali", "Ben Salah"),
        ("Trabelsi", "Tounsi"),
        # Names that really end in h keep it.
        ("نزيه", "نزيهة"),
        ("Nazih", "Nazia"),
    ],
)
def test_transliteration_key_keeps_different_names_apart(one, other):
    assert transliteration_key(one) != transliteration_key(other)


def test_salah_and_saleh_share_a_key_on_purpose():
    """صالح and صلاح differ only in where the long a falls, which Latin spelling does not keep
    ("Ben Salah" is usually بن صالح); the birth date and other fields tell them apart."""
    assert transliteration_key("Salah") == transliteration_key("Saleh") == "slh"


def test_transliteration_key_ignores_case_and_accents():
    assert transliteration_key("MOHAMED BEN SALAH") == transliteration_key("mohamed ben salah")
    assert transliteration_key("Hédi") == transliteration_key("Hedi") == transliteration_key("هادي")


def test_transliteration_key_reads_mixed_scripts():
    assert transliteration_key("Mohamed بن صالح") == transliteration_key("محمد Ben Salah")
    assert transliteration_key("Mohamed بن صالح") == transliteration_key("Mohamed Ben Salah")


def test_transliteration_key_reads_apostrophes_inside_a_word():
    """An apostrophe marking ع or a hamza ("Sa'id") does not split the word."""
    assert (
        transliteration_key("Sa'id") == transliteration_key("Said") == transliteration_key("سعيد")
    )


@pytest.mark.parametrize("text", ["", "   ", "123", "-- . --", "M.", "\u200f"])
def test_transliteration_key_of_text_without_a_name_is_empty(text):
    assert transliteration_key(text) == ""


# --- name_tokens and name_key ----------------------------------------------------------------


def test_name_tokens_give_one_token_per_name():
    assert name_tokens("Mohamed Ben Salah") == ["mhmd", "bnslh"]
    assert name_tokens("محمد بن صالح") == ["mhmd", "bnslh"]


@pytest.mark.parametrize(
    ("glued", "apart"),
    [
        ("Benali", "Ben Ali"),
        ("Benali", "Ben-Ali"),
        ("Benali", "بن علي"),
        ("Benali", "Bin Ali"),
        ("Bouzid", "Bou Zid"),
        ("Boubaker", "Abou Bakr"),
        ("Abdelkader", "Abd El Kader"),
        ("Abdallah", "Abd Allah"),
        ("Seifeddine", "Seif Eddine"),
        ("Seifeddine", "Saif al-Din"),
        ("Benabdallah", "Ben Abd Allah"),
        ("Elmekki", "El Mekki"),
    ],
)
def test_name_tokens_join_particles_and_compounds_to_their_word(glued, apart):
    assert name_tokens(glued) == name_tokens(apart)
    assert len(name_tokens(apart)) == 1


def test_name_tokens_join_the_article_to_its_word():
    """The article is no token of its own: "El Mekki", "Elmekki", "المكي" and "Mekki" agree."""
    assert name_tokens("Mohamed El Mekki") == ["mhmd", "mki"]
    assert name_tokens("محمد المكي") == ["mhmd", "mki"]
    assert name_tokens("Mohamed Mekki") == ["mhmd", "mki"]


def test_name_tokens_read_hyphens_and_apostrophes():
    assert name_tokens("Mohamed-Ali Ben-Salah") == ["mhmd", "ali", "bnslh"]
    assert name_tokens("Sa'id Ben Ma'moun") == name_tokens("Said Ben Mamoun")


def test_name_tokens_of_a_mixed_script_name():
    assert name_tokens("Mohamed بن صالح") == ["mhmd", "bnslh"]
    assert name_tokens("محمدMohamed") == ["mhmd", "mhmd"]


def test_name_tokens_leave_out_initials_and_noise():
    assert name_tokens("M. Ben Salah") == ["bnslh"]
    assert name_tokens("Mohamed 2 - .") == ["mhmd"]


def test_name_tokens_keep_a_particle_with_nothing_after_it():
    """A search typed as far as "Ben" already looks for the Ben… families."""
    assert name_tokens("Ben") == ["bn"]
    assert name_tokens("Mohamed Ben") == ["mhmd", "bn"]


@pytest.mark.parametrize("text", ["", "   ", "- ' .", "El", "12345"])
def test_name_tokens_of_text_without_a_name_are_empty(text):
    assert name_tokens(text) == []


def test_name_tokens_treat_none_as_no_name():
    """Model fields left blank may reach the function as None."""
    assert name_tokens(None) == []  # type: ignore[arg-type]
    assert name_key(None) == ""  # type: ignore[arg-type]


def test_name_key_is_order_insensitive():
    """A family name typed in the given-name field still matches."""
    assert name_key("Ben Salah Mohamed") == name_key("Mohamed Ben Salah") == "bnslh mhmd"


def test_name_key_agrees_across_scripts():
    assert name_key("محمد بن صالح") == name_key("Mohamed Bensalah")
    assert name_key("Aïcha Trabelsi") == name_key("الطرابلسي عائشة")


def test_name_key_of_empty_text_is_empty():
    assert name_key("") == ""


# --- phone_e164 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "22 123 456",
        "22123456",
        "+216 22 123 456",
        "0021622123456",
        "216-22-123-456",
        "(+216)22.123.456",
        "٢٢ ١٢٣ ٤٥٦",
        "+٢١٦ ٢٢ ١٢٣ ٤٥٦",
        "\u200e22 123 456",
    ],
)
def test_phone_e164_reads_common_layouts(typed):
    assert phone_e164(typed) == "+21622123456"


def test_phone_e164_reads_landlines_and_foreign_numbers():
    assert phone_e164("71 123 456") == "+21671123456"
    assert phone_e164("+33 6 12 34 56 78") == "+33612345678"
    assert phone_e164("06 12 34 56 78", default_region="FR") == "+33612345678"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "22 12",
        "2212345",
        "221234567",
        "22ABC456",
        "abc",
        "22 123 456 ext 2",
        "0612345678",
    ],
)
def test_phone_e164_refuses_what_is_not_a_valid_number(typed):
    """Too short, too long, letters, or a number that is not valid in Tunisia."""
    assert phone_e164(typed) is None


def test_phone_e164_without_a_region_needs_a_country_code():
    assert phone_e164("22 123 456", default_region="") is None
    assert phone_e164("+216 22 123 456", default_region="") == "+21622123456"
    assert phone_e164("22 123 456", default_region="XX") is None


# --- national_id -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12345678", "12345678"),
        ("1234 5678", "12345678"),
        (" 01234567 ", "01234567"),
        ("١٢٣٤٥٦٧٨", "12345678"),
        ("۱۲۳۴ ۵۶۷۸", "12345678"),
    ],
)
def test_national_id_is_eight_digits(typed, number):
    assert national_id(typed) == number


@pytest.mark.parametrize(
    "typed", ["", "   ", "1234567", "123456789", "1234-5678", "A1234567", "1234567X"]
)
def test_national_id_refuses_anything_else(typed):
    """Seven or nine digits, letters or separators other than spaces are not a card number."""
    assert national_id(typed) is None


# --- birth_date_candidates ---------------------------------------------------------------------


def test_birth_date_candidates_read_iso_dates_one_way():
    assert birth_date_candidates("1990-03-04") == [date(1990, 3, 4)]
    assert birth_date_candidates("1990/3/4") == [date(1990, 3, 4)]


@pytest.mark.parametrize(
    "typed", ["04/03/1990", "4-3-1990", "04.03.1990", "4 / 3 / 1990", "٠٤/٠٣/١٩٩٠"]
)
def test_birth_date_candidates_give_both_readings_when_ambiguous_day_first_first(typed):
    assert birth_date_candidates(typed) == [date(1990, 3, 4), date(1990, 4, 3)]


def test_birth_date_candidates_give_one_reading_when_only_one_is_possible():
    assert birth_date_candidates("13/03/1990") == [date(1990, 3, 13)]
    assert birth_date_candidates("05/05/1990") == [date(1990, 5, 5)]
    assert birth_date_candidates("12/31/1990") == [date(1990, 12, 31)]


@pytest.mark.parametrize(
    "typed", ["", "  ", "31/02/1990", "30/02/1990", "1990-02-30", "04/03/90", "04031990", "soon"]
)
def test_birth_date_candidates_of_impossible_or_unreadable_dates_are_empty(typed):
    assert birth_date_candidates(typed) == []


# --- birth_dates_agree -------------------------------------------------------------------------


def test_birth_dates_agree_exactly():
    assert birth_dates_agree(date(1990, 3, 4), None, date(1990, 3, 4), None) == "exact"


def test_birth_dates_agree_when_day_and_month_are_swapped():
    assert birth_dates_agree(date(1990, 3, 4), None, date(1990, 4, 3), None) == "swapped"


@pytest.mark.parametrize(("day_a", "day_b"), [(4, 14), (12, 21), (9, 10), (3, 8), (3, 30)])
def test_birth_dates_are_close_when_days_are_one_keystroke_apart(day_a, day_b):
    assert birth_dates_agree(date(1990, 3, day_a), None, date(1990, 3, day_b), None) == "close"


def test_birth_dates_with_unrelated_days_or_other_years_are_different():
    assert birth_dates_agree(date(1990, 3, 4), None, date(1990, 3, 27), None) == "different"
    assert birth_dates_agree(date(1990, 3, 4), None, date(1991, 3, 4), None) == "different"
    assert birth_dates_agree(date(1990, 3, 4), None, date(1990, 5, 4), None) == "different"


def test_birth_dates_agree_on_the_year_when_a_full_date_is_missing():
    assert birth_dates_agree(None, 1990, date(1990, 3, 4), None) == "year"
    assert birth_dates_agree(date(1990, 3, 4), None, None, 1990) == "year"
    assert birth_dates_agree(None, 1990, None, 1990) == "year"
    assert birth_dates_agree(None, 1990, None, 1991) == "different"


def test_birth_dates_agree_is_unknown_without_a_year_on_each_side():
    assert birth_dates_agree(None, None, date(1990, 3, 4), None) == "unknown"
    assert birth_dates_agree(None, 1990, None, None) == "unknown"
    assert birth_dates_agree(None, None, None, None) == "unknown"


def test_birth_dates_agree_prefers_the_full_date_and_accepts_datetimes():
    assert birth_dates_agree(date(1990, 3, 4), 1985, date(1990, 3, 4), None) == "exact"
    moment = datetime.datetime(1990, 3, 4, 10, 30)
    assert birth_dates_agree(moment, None, date(1990, 3, 4), None) == "exact"


def test_birth_dates_agree_answers_plain_strings():
    agreement = birth_dates_agree(date(1990, 3, 4), None, date(1990, 4, 3), None)
    assert agreement == BirthDateAgreement.SWAPPED == "swapped"
    assert f"birth_{agreement}" == "birth_swapped"


@pytest.mark.parametrize(
    ("text", "with_article", "without_article"),
    [
        ("El Amri", ["lmri"], ["amri"]),
        ("Amri", ["amri"], ["amri"]),
        ("العامري", ["lmri"], ["amri"]),
        ("Laroussi", ["lrsi"], ["lrsi"]),  # a glued l is not known to be the article
        ("Mohamed Ali El Abdelli", ["mhmd", "ali", "lbdli"], ["mhmd", "ali", "abdli"]),
        ("عبد القادر الطرابلسي", ["abdlkdr", "trblsi"], ["abdkdr", "trblsi"]),
    ],
)
def test_name_tokens_without_the_article(text, with_article, without_article):
    assert name_tokens(text) == with_article
    assert name_tokens(text, keep_article=False) == without_article
