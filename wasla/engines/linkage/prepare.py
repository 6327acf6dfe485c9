"""Person records turned into the standardised columns the Splink model compares.

Every function of `standardise` runs once per DISTINCT value of a column (names, phones and
dates repeat a lot), so a million records take seconds, not minutes.
"""

import functools
import re
from collections.abc import Callable, Hashable

import pandas as pd

from . import standardise

# The columns given to Splink; `unique_id` is the record id.
PREPARED_COLUMNS = (
    "unique_id",
    "given_key",
    "family_key",
    "father_key",
    "name_sorted",
    "name_bare",
    "name_consonants",
    "name_tokens",
    "name_first",
    "name_last",
    "birth_date",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_date_key",
    "phone",
    "national_id",
    "sex",
    "governorate",
)

_SEXES = {
    "m": "M",
    "male": "M",
    "man": "M",
    "h": "M",
    "homme": "M",
    "masculin": "M",
    "ذكر": "M",
    "f": "F",
    "female": "F",
    "woman": "F",
    "femme": "F",
    "feminin": "F",
    "انثي": "F",
    "امراه": "F",
}
_DIGITS = re.compile("[0-9]+")
# The vowel marks of a key after its first letter (see standardise._skeleton).
_VOWEL_MARK = re.compile("(?<=.)[aiu]")


def _consonants(key: str) -> str:
    # Without vowel marks, and غ (g) read as ق (k): a Latin g is how Tunisian spelling writes
    # ق (Gafsa, قفصة), and some write غ so too (Garbi for Gharbi).
    return _VOWEL_MARK.sub("", key).replace("g", "k")


_SPREADSHEET_ID = re.compile("[0-9]{6,7}")


def _per_distinct(values: pd.Series, function: Callable[[str], Hashable]) -> pd.Series:
    """`function` applied to each distinct value once, mapped back onto every row."""
    codes, uniques = pd.factorize(values, sort=False)
    mapped = [function(value) for value in uniques]
    result = pd.Series(mapped, dtype=object).take(codes)
    result.index = values.index
    return result


def sex_code(text: str) -> str | None:
    """ "M" or "F" from the usual ways of writing it in French, English or Arabic; None if
    missing or unreadable."""
    if not text:
        return None
    # normalise_arabic folds أنثى to انثي and امرأة to امراه.
    return _SEXES.get(standardise.normalise_latin(standardise.normalise_arabic(text)))


def national_id_lenient(text: str) -> str | None:
    """The 8-digit card number; a number of 6 or 7 digits is taken as one whose leading zeros a
    spreadsheet dropped ("1234567" → "01234567"). None otherwise."""
    strict = standardise.national_id(text)
    if strict or not text:
        return strict
    compact = "".join(standardise.normalise_arabic(text).split())
    if _SPREADSHEET_ID.fullmatch(compact):
        return compact.zfill(8)
    return None


_PHONE_LAYOUT = re.compile(r"[\s().+\-]*")
_NOT_DIGIT = re.compile("[^0-9]")


@functools.lru_cache(maxsize=1000)
def _tunisian_prefix_validity(prefix: str) -> bool | None:
    """Whether every 8-digit number starting with these 3 digits is valid (True), none is
    (False), or it depends on the digits after (None): the plan is made of prefixes."""
    low = standardise.phone_e164(prefix + "00000") is not None
    high = standardise.phone_e164(prefix + "99999") is not None
    middle = standardise.phone_e164(prefix + "45454") is not None
    return low if low == high == middle else None


def _numbering_plan_gap(digits: str) -> bool:
    # Eight digits that look like a Tunisian number (2 to 9 first) but that the numbering plan
    # shipped with phonenumbers does not know.
    return digits[0] in "23456789"


def phone_e164_fast(text: str) -> str | None:
    """`standardise.phone_e164` with a fast path for Tunisian numbers in the usual layouts
    (8 digits, or 216/00216 then 8 digits, with spaces, dots, dashes, brackets or +).

    For comparing records, a number in such a layout that the numbering plan does not know
    (a range opened after the plan's last update, such as 49x xxx xxx) is kept as +216 and its
    digits: two records that carry it still share a phone. A number starting with 0 or 1
    stays None, and so does one digit repeated ("99 999 999"), which forms use for "no phone"
    and which would join everybody who typed it."""
    if not text:
        return None
    digits = _NOT_DIGIT.sub("", text)
    if _PHONE_LAYOUT.fullmatch(_DIGITS.sub("", text)):
        if len(digits) == 13 and digits.startswith("00216"):
            digits = digits[5:]
        elif len(digits) == 11 and digits.startswith("216"):
            digits = digits[3:]
        if len(digits) == 8:
            if len(set(digits)) == 1:
                return None
            valid = _tunisian_prefix_validity(digits[:3])
            if valid is None:
                valid = standardise.phone_e164(digits) is not None
            return "+216" + digits if valid or _numbering_plan_gap(digits) else None
    return standardise.phone_e164(text)


def _birth_date(text: str) -> str | None:
    candidates = standardise.birth_date_candidates(text)
    return candidates[0].isoformat() if candidates else None


def _year(text: str) -> int | None:
    found = _DIGITS.findall(standardise.normalise_arabic(text)) if text else []
    if len(found) == 1 and len(found[0]) == 4:
        year = int(found[0])
        return year if 1880 <= year <= 2100 else None
    return None


@functools.lru_cache(maxsize=100_000)
def _key_or_none(text: str) -> str | None:
    return standardise.transliteration_key(text) or None


# "Med" is how Tunisian forms abbreviate Mohamed.
_ABBREVIATIONS = {"md": "mhmd"}
# Arabic full names often carry the father: "مريم بنت محمد بن صالح" is Mariem, daughter of
# Mohamed, of the Ben Salah family.
_ARABIC_SON_OF = frozenset({"بن", "بنت", "ابن", "ابنه"})
_ARABIC_COMPOUND_FIRST = frozenset({"عبد", "ابو", "بو"})
_ARABIC_COMPOUND_SECOND = frozenset({"الدين", "دين", "الله"})


@functools.lru_cache(maxsize=200_000)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_ABBREVIATIONS.get(token, token) for token in standardise.name_tokens(text))


# Where an article may be: without one, the tokens without the article are the tokens.
_MAY_HAVE_ARTICLE = re.compile(
    # Arabic alef then lam, with any marks or tatweel between; Latin el, al, il, ul at the
    # start of a word; abdel, abdoul...
    f"[اأإآٱ](?:{standardise._ARABIC_MARKS_AND_TATWEEL.pattern}|[\u200b-\u200f])*ل"
    "|\\b[aeiu]l|abd[aeiou]+l",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=200_000)
def _bare_tokens(text: str) -> tuple[str, ...]:
    if not _MAY_HAVE_ARTICLE.search(text):
        return _tokens(text)
    return tuple(
        _ABBREVIATIONS.get(token, token)
        for token in standardise.name_tokens(text, keep_article=False)
    )


def _name_length(words: list[str], start: int) -> int:
    """How many words the name starting at `start` takes: two for "عبد الرحمن", "سيف الدين"."""
    if start + 1 < len(words) and (
        words[start] in _ARABIC_COMPOUND_FIRST or words[start + 1] in _ARABIC_COMPOUND_SECOND
    ):
        return 2
    return 1


def _arabic_parts(text: str) -> tuple[str, str, str]:
    """(given, father, family) of an Arabic-script full name; father "" when not given."""
    words = text.split()
    plain = [standardise.normalise_arabic(word) for word in words]
    if not words:
        return "", "", ""
    given = _name_length(plain, 0)
    rest_start, father_words = given, []
    if given < len(plain) and plain[given] in _ARABIC_SON_OF:
        father = _name_length(plain, given + 1)
        if words[given + 1 + father :]:
            father_words = words[given + 1 : given + 1 + father]
            rest_start = given + 1 + father
    return " ".join(words[:given]), " ".join(father_words), " ".join(words[rest_start:])


def arabic_name_and_father(text: str) -> tuple[str, str]:
    """An Arabic-script full name split into the person's name and the father's name given
    after بن/بنت between the given and family names; (text, "") when there is none. The words
    keep their spelling (the keys need ة); the tests look at their normalised form."""
    words = text.split()
    plain = [standardise.normalise_arabic(word) for word in words]
    if not words:
        return "", ""
    given = _name_length(plain, 0)
    if given < len(plain) and plain[given] in _ARABIC_SON_OF:
        father = _name_length(plain, given + 1)
        rest = words[given + 1 + father :]
        if rest:
            father_words = words[given + 1 : given + 1 + father]
            return " ".join(words[:given] + rest), " ".join(father_words)
    return text, ""


def _arabic_split(text: str) -> tuple[tuple[str, ...], str | None, tuple[str, ...]]:
    # Full Arabic names are nearly all distinct; their parts are few and cached. A name's
    # tokens are its given part's tokens then its family part's (see _name_length); then the
    # father's key, and the tokens without the article.
    given, father, family = _arabic_parts(text)
    return (
        _tokens(given) + _tokens(family),
        _key_or_none(father) if father else None,
        _bare_tokens(given) + _bare_tokens(family),
    )


def _sorted_names(given: list, family: list, arabic: list) -> list[str | None]:
    # As `name_sorted` in `prepare`: the Latin-script name's tokens, else the Arabic one's.
    return [
        " ".join(sorted(set(g) | set(f) if (g or f) else set(a))) or None
        for g, f, a in zip(given, family, arabic, strict=True)
    ]


def _joined(tokens) -> str | None:
    return "".join(tokens) or None


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """The standardised frame for Splink, one row per record, columns `PREPARED_COLUMNS`.

    Names: the transliteration key of the given, family and father's names; the set of the
    name tokens of the given, family and Arabic-script names together (`name_tokens`) and the
    sorted tokens of the Latin-script name, or of the Arabic one when there is no other
    (`name_sorted`), so that a family name typed in the given-name field, swapped fields and an
    Arabic-only record still agree; the same without any trace of the article (`name_bare`:
    "El Amri", "Amri" and "العامري" agree) and the sorted name without its vowel marks
    (`name_consonants`: Nour and Nur, Khaled and Khalid, هدى and هدي, Gharbi and Garbi);
    `name_first` and `name_last` (the smallest and largest
    token) serve blocking. Birth: ISO date, year (from the date, else the year column), month,
    day, and the date with day and month in either order (`birth_date_key`, for blocking). Phone in E.164, card number in 8 digits, sex as M/F, governorate as a key. Missing
    values are None."""
    given = _per_distinct(records["given_name"], _tokens).tolist()
    family = _per_distinct(records["family_name"], _tokens).tolist()
    arabic_split = _per_distinct(records["name_ar"], _arabic_split).tolist()
    arabic = [tokens for tokens, _, _ in arabic_split]
    token_sets = [
        tuple(sorted(set(g) | set(f) | set(a)))
        for g, f, a in zip(given, family, arabic, strict=True)
    ]
    # The sorted name of a record with a Latin-script name is that name's tokens alone: an
    # Arabic spelling beside it adds keys of its own ("سارة" → sra beside "Sarah" → srh)
    # which the same person's Latin-only record lacks. Arabic-only records use their tokens.
    sorted_names = [
        tuple(sorted(set(g) | set(f))) if (g or f) else tuple(sorted(set(a)))
        for g, f, a in zip(given, family, arabic, strict=True)
    ]
    given_keys, family_keys = [], []
    for g, f, a in zip(given, family, arabic, strict=True):
        if not g and not f:
            # Arabic only: the first name is the given name, the rest the family name.
            g, f = a[:1], a[1:]
        elif not f and len(g) > 1:
            # The whole name typed in the given-name field.
            g, f = g[:1], g[1:]
        given_keys.append(_joined(g))
        family_keys.append(_joined(f))
    out = pd.DataFrame(index=records.index)
    out["unique_id"] = records["record_id"]
    out["given_key"] = given_keys
    out["family_key"] = family_keys
    fathers = _per_distinct(records["father_name"], _key_or_none)
    arabic_fathers = pd.Series([father for _, father, _ in arabic_split], index=records.index)
    out["father_key"] = fathers.where(fathers.notna(), arabic_fathers)
    out["name_sorted"] = [(" ".join(tokens) or None) for tokens in sorted_names]
    out["name_bare"] = _sorted_names(
        _per_distinct(records["given_name"], _bare_tokens).tolist(),
        _per_distinct(records["family_name"], _bare_tokens).tolist(),
        [bare for _, _, bare in arabic_split],
    )
    out["name_consonants"] = [
        " ".join(sorted(_consonants(token) for token in name.split())) if name else None
        for name in out["name_sorted"].tolist()
    ]
    out["name_tokens"] = [list(tokens) for tokens in token_sets]
    out["name_first"] = [tokens[0] if tokens else None for tokens in sorted_names]
    out["name_last"] = [tokens[-1] if tokens else None for tokens in sorted_names]

    dates = _per_distinct(records["birth_date"], _birth_date)
    out["birth_date"] = dates
    date_years = pd.to_numeric(dates.str.slice(0, 4), errors="coerce")
    column_years = pd.to_numeric(
        _per_distinct(records["birth_year"], _year), errors="coerce"
    ).astype("float64")
    out["birth_year"] = date_years.fillna(column_years).astype("Int64")
    out["birth_month"] = pd.to_numeric(dates.str.slice(5, 7), errors="coerce").astype("Int64")
    out["birth_day"] = pd.to_numeric(dates.str.slice(8, 10), errors="coerce").astype("Int64")
    # The date with day and month in either order, for blocking: a date typed month first
    # ("04/03" for 3 April) still meets its other records.
    month_day = dates.str.slice(5, 7) + "-" + dates.str.slice(8, 10)
    day_month = dates.str.slice(8, 10) + "-" + dates.str.slice(5, 7)
    date_key = dates.str.slice(0, 5) + month_day.where(month_day <= day_month, day_month)
    out["birth_date_key"] = date_key.astype(object).where(date_key.notna(), None)

    out["phone"] = _per_distinct(records["phone"], phone_e164_fast)
    out["national_id"] = _per_distinct(records["national_id"], national_id_lenient)
    out["sex"] = _per_distinct(records["sex"], sex_code)
    out["governorate"] = _per_distinct(records["governorate"], _key_or_none)
    return out.reset_index(drop=True)
