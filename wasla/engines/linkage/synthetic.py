"""Synthetic Tunisian person records with known truth, for tuning and benchmarking record linkage.

`generate(n_records, seed)` returns the records (a DataFrame with the linkage input columns, all
strings, "" for empty) and the truth (record id → person id). `generate_labelled` also returns,
for each record, which noise it carries, so that a benchmark can say which kinds of errors remain.

People
    Households of 1–6 people (40 % alone; 22 % two; 18 % three; 12 % four; 5 % five; 3 % six)
    share a family name, a father's given name (they are siblings), a governorate and a
    household phone; siblings are born within twelve years of each other, and 4 % of siblings
    are twins of the one before (same birth date). Given and family names are drawn from
    `data/synthetic_names.json` with Zipf weights by rank (exponent 1.0 for given names, 0.8 for
    family names), so "Mohamed Ben Salah" is frequent and many people share a name and a birth
    year by chance. On top of that, 4 % of the people who live alone are deliberate namesakes:
    another person's given name, family name, sex and birth year, with their own date, father,
    phone and identity card. 85 % of people have a mobile of their own, 90 % an identity card
    number (8 digits). Birth years 1950–2012.
Records per person
    1 (58 %), 2 (27 %), 3 (11 %) or 4 (4 %), in random order; each record is typed
    independently, as a different partner would type it, with these rates:
Names
    Script: Latin only 47 %, Latin and Arabic 40 %, Arabic only 13 %. Latin spelling: one of the
    name's spellings, the usual one about half the time ("Mohamed", "Mhamed", "Med"; "Ben Salah",
    "Bensalah", "Ben-Salah", "Ben Saleh"); case UPPER 45 %, Title 45 %, lower 10 %. Given and
    family name swapped 6 % of Latin records; the whole name in the given-name field and the
    family field empty 3 %. A typo (neighbouring AZERTY key, dropped, doubled or transposed
    letter) in one name field: one edit 8 %, two edits 2 %. Father's name present 55 % (Latin,
    or Arabic on Arabic-only records). Arabic name: given + family, with "بن/بنت <father>" in
    between 20 % of the time; written loosely 30 % of the time (bare alef for hamzated alef,
    ه for ة, ي for ى, harakat or tatweel); the article ال left off the family name 8 %.
Anchor
    Each person has one identifier that survives on all of their records, as registers keep
    it: the full birth date (52 % of people), their phone (28 %: their own mobile, or the
    household phone for people without one), or their identity card number (16 %: people who
    draw the card but have none keep their birth date). The anchor keeps its format noise,
    which standardisation can undo (day and month swapped in the date, any of the phone's ten
    written forms) but never a destructive one (no missing date, day or year slip, changed
    phone, or mistyped card number on it). 4 % of people have no anchor: their records were
    taken years apart and without papers, and share nothing strong. They carry no card number,
    and on all but their first record the phone is another one and the date is at most a year,
    missing or slipped (drawn in the proportions below), so no two of their records share a
    full date, a phone or a card number: about 4 % of the true pairs (2,000 of 52,000 at
    100,000 records), which a careful clerk could not confirm either. The anchor labels are
    `anchor` (date, phone, card, none) and `anchor_restored` (the record's drawn noise was
    undone on its anchor: about half the records). The rule comes from the issue ("every
    duplicate must remain recognisable: do not destroy all of name, date and phone at once"):
    before it, each record kept a strong identifier but two records of a person often kept
    different ones, so 18 % of true pairs shared nothing strong.
Birth date
    Drawn: exact 42.5 %; day and month swapped 10 % (only possible when the day is 12 or less
    and not equal to the month, otherwise exact); only the year 24 %; missing 13.5 %; a day
    typed wrong (±1–3) 5 %; the year off by one 5 %. The drawn rates are higher than the rates
    in effect because the anchor undoes them on the records of date-anchored people; in effect
    (as before the anchor): exact 73 %, swapped 3.6 %, year only 12 %, missing 6.7 %, day typo
    2.5 %, year slip 2.5 %. `birth_year` is filled on half the records with a full date, always
    on those with only a year.
Phone
    Drawn: the person's own mobile 41.5 % (the household phone for people without one); the
    household phone 18 % (shared by siblings); a changed number 15.5 %; missing 25 %. In effect,
    after the anchor: own 49 %, household 21 %, changed 12 %, missing 18 %. Written 8 digits,
    with spaces, dots or dashes, with +216, 00216 or 216, or "(+216) 98 12 34 56".
Identity card
    Drawn on 41 % of the records of people who have one, one digit wrong on 6 % of those; in
    effect (card anchors included) on 45 % of records, wrong on 1.7 %.
Governorate
    Home 85 %; moved to another 8 %; missing 7 %. Sex given 90 % of the time.

Deterministic for a seed. 1,000,000 records take about half a minute on one core.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .records import COLUMNS

_NAMES_FILE = Path(__file__).with_name("data") / "synthetic_names.json"

HOUSEHOLD_SIZES = {1: 0.40, 2: 0.22, 3: 0.18, 4: 0.12, 5: 0.05, 6: 0.03}
RECORDS_PER_PERSON = {1: 0.58, 2: 0.27, 3: 0.11, 4: 0.04}
TWIN_SHARE = 0.04
NAMESAKE_SHARE = 0.04
OWN_PHONE_SHARE = 0.85
NATIONAL_ID_SHARE = 0.90
GIVEN_ZIPF = 1.0
FAMILY_ZIPF = 0.8

SCRIPT = {"latin": 0.47, "both": 0.40, "arabic": 0.13}
CASE = {"upper": 0.45, "title": 0.45, "lower": 0.10}
SWAPPED_NAMES = 0.06
FULL_NAME_IN_GIVEN = 0.03
TYPO = {0: 0.90, 1: 0.08, 2: 0.02}
FATHER_PRESENT = 0.55
ARABIC_WITH_FATHER = 0.20
ARABIC_LOOSE = 0.30
ARABIC_NO_ARTICLE = 0.08
DATE = {
    "exact": 0.425,
    "swapped": 0.10,
    "year_only": 0.24,
    "missing": 0.135,
    "day_typo": 0.05,
    "year_slip": 0.05,
}
BIRTH_YEAR_WITH_DATE = 0.5
PHONE = {"own": 0.415, "household": 0.18, "changed": 0.155, "missing": 0.25}
PHONE_FORMATS = {
    "{a}{b}{c}": 0.35,
    "{a} {b} {c}": 0.15,
    "{a}.{b}.{c}": 0.05,
    "{a}-{b}-{c}": 0.05,
    "+216 {a} {b} {c}": 0.12,
    "+216{a}{b}{c}": 0.10,
    "00216 {a} {b} {c}": 0.05,
    "00216{a}{b}{c}": 0.05,
    "216 {a}{b}{c}": 0.03,
    "(+216) {a} {b1} {b2} {c1}{c2}": 0.05,
}
NATIONAL_ID_ON_RECORD = 0.41
NATIONAL_ID_TYPO = 0.06
GOVERNORATE = {"home": 0.85, "moved": 0.08, "missing": 0.07}
# The identifier that survives on all of a person's records (module docstring, "Anchor").
ANCHOR = {"date": 0.50, "phone": 0.28, "card": 0.18, "none": 0.04}
SEX_PRESENT = 0.90

# Neighbouring keys on the French AZERTY keyboards that Tunisian offices use.
_AZERTY_ROWS = ("azertyuiop", "qsdfghjklm", "wxcvbn")
_NEIGHBOURS = {}
for _row_index, _row in enumerate(_AZERTY_ROWS):
    for _col, _key in enumerate(_row):
        _near = [_row[j] for j in (_col - 1, _col + 1) if 0 <= j < len(_row)]
        for _other in (_row_index - 1, _row_index + 1):
            if 0 <= _other < len(_AZERTY_ROWS):
                _near += [
                    _AZERTY_ROWS[_other][j]
                    for j in (_col, _col + 1)
                    if j < len(_AZERTY_ROWS[_other])
                ]
        _NEIGHBOURS[_key] = "".join(_near)

_ARABIC_LOOSE_SPELLING = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})
_HARAKAT = "\u064e\u064f\u0650\u0651\u0652"
_TATWEEL = "\u0640"


@dataclass(frozen=True)
class _Names:
    latin: list[list[str]]
    arabic: list[str]
    weights: np.ndarray


@dataclass(frozen=True)
class SyntheticRecords:
    """Generated records with their truth and, per record, the noise they carry.

    `labels` is indexed like `records` and holds person_id, household_id, household_size,
    namesake (a deliberate namesake of another person), the true given and family names (usual
    Latin spelling) and birth year, and the noise kinds drawn: script, case, swapped, full_name_
    in_given, typo (number of edits), father_present, arabic_with_father, date, phone,
    phone_format, national_id ("present", "typo", "none"), governorate, anchor ("date", "phone",
    "card", "none") and anchor_restored."""

    records: pd.DataFrame
    truth: dict[str, str]
    labels: pd.DataFrame


@cache
def _name_data() -> dict:
    with _NAMES_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def _names(kind: str, exponent: float) -> _Names:
    entries = _name_data()[kind]
    ranks = np.arange(1, len(entries) + 1, dtype=float)
    weights = ranks**-exponent
    return _Names(
        latin=[entry["latin"] for entry in entries],
        arabic=[entry["arabic"] for entry in entries],
        weights=weights / weights.sum(),
    )


def _draw(rng: np.random.Generator, table: dict, size: int) -> np.ndarray:
    keys = list(table)
    probabilities = np.array([table[key] for key in keys], dtype=float)
    indexes = rng.choice(len(keys), size=size, p=probabilities / probabilities.sum())
    return np.array(keys, dtype=object)[indexes]


def _unique_numbers(rng: np.random.Generator, size: int, low: int, high: int) -> np.ndarray:
    # Distinct numbers in [low, high): draw with a margin and drop repeats, keeping the order.
    numbers = np.empty(0, dtype=np.int64)
    while len(numbers) < size:
        more = rng.integers(low, high, size=int((size - len(numbers)) * 1.1) + 16)
        numbers = np.concatenate([numbers, more])
        _, first = np.unique(numbers, return_index=True)
        numbers = numbers[np.sort(first)]
    return numbers[:size]


def _typo(text: str, rng: np.random.Generator) -> str:
    letters = [i for i, character in enumerate(text) if character.isalpha()]
    if len(letters) < 3:
        return text
    position = letters[int(rng.integers(len(letters)))]
    kind = int(rng.integers(4))
    character = text[position]
    if kind == 0 and character.lower() in _NEIGHBOURS:
        near = _NEIGHBOURS[character.lower()]
        slip = near[int(rng.integers(len(near)))]
        slip = slip.upper() if character.isupper() else slip
        return text[:position] + slip + text[position + 1 :]
    if kind == 1:
        return text[:position] + text[position + 1 :]
    if kind == 2 or position + 1 >= len(text):
        return text[:position] + character + text[position:]
    return text[:position] + text[position + 1] + character + text[position + 2 :]


def _cased(text: str, case: str) -> str:
    if case == "upper":
        return text.upper()
    if case == "lower":
        return text.lower()
    return text


def _loose_arabic(text: str, rng: np.random.Generator) -> str:
    text = text.translate(_ARABIC_LOOSE_SPELLING)
    roll = rng.random()
    if roll < 0.1:
        # A shadda or a vowel mark after the first letter, as some keyboards add them.
        text = text[:1] + _HARAKAT[int(rng.integers(len(_HARAKAT)))] + text[1:]
    elif roll < 0.15 and len(text) > 2:
        text = text[:2] + _TATWEEL + text[2:]
    return text


def _phone_text(number: int, template: str) -> str:
    digits = f"{number:08d}"
    return template.format(
        a=digits[:2],
        b=digits[2:5],
        c=digits[5:],
        b1=digits[2:4],
        b2=digits[4:6],
        c1=digits[6],
        c2=digits[7],
    )


def _mobiles(rng: np.random.Generator, size: int) -> np.ndarray:
    # Distinct Tunisian mobile numbers: 2x, 4x, 5x and 9x xxx xxx.
    numbers = _unique_numbers(rng, size, 0, 40_000_000)
    return np.select(
        [numbers < 10_000_000, numbers < 30_000_000],
        [numbers + 20_000_000, numbers + 30_000_000],
        numbers + 60_000_000,
    )


def _variant_index(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    # Skewed towards the first, usual spelling: about half the draws of a five-spelling name.
    return np.minimum((counts * rng.random(len(counts)) ** 2.2).astype(np.int64), counts - 1)


def _people(n_people: int, rng: np.random.Generator) -> pd.DataFrame:
    male = _names("male", GIVEN_ZIPF)
    female = _names("female", GIVEN_ZIPF)
    family = _names("family", FAMILY_ZIPF)
    governorates = _name_data()["governorates"]
    population = np.array([entry["population_thousands"] for entry in governorates], dtype=float)

    sizes = _draw(rng, HOUSEHOLD_SIZES, n_people).astype(np.int64)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n_people)) + 1]
    household = np.repeat(np.arange(len(sizes)), sizes)[:n_people]
    n_households = int(household[-1]) + 1
    rank_in_household = np.arange(n_people) - np.searchsorted(household, household)
    household_size = np.bincount(household)[household]

    family_of_household = rng.choice(len(family.arabic), size=n_households, p=family.weights)
    father_of_household = rng.choice(len(male.arabic), size=n_households, p=male.weights)
    governorate_of_household = rng.choice(
        len(governorates), size=n_households, p=population / population.sum()
    )
    # Household phones: half a parent's mobile, half a landline (7x xxx xxx).
    household_phone = np.where(
        rng.random(n_households) < 0.5,
        _mobiles(rng, n_households),
        _unique_numbers(rng, n_households, 70_000_000, 80_000_000),
    )
    first_birth_year = rng.integers(1950, 2001, size=n_households)

    female_person = rng.random(n_people) < 0.5
    given_female = rng.choice(len(female.arabic), size=n_people, p=female.weights)
    given_male = rng.choice(len(male.arabic), size=n_people, p=male.weights)
    birth_year = first_birth_year[household] + np.where(
        rank_in_household == 0, 0, rng.integers(1, 13, size=n_people)
    )
    birth_day = rng.integers(0, 365, size=n_people)
    twin = (rank_in_household > 0) & (rng.random(n_people) < TWIN_SHARE)
    twin_index = np.flatnonzero(twin)
    birth_year[twin_index] = birth_year[twin_index - 1]
    birth_day[twin_index] = birth_day[twin_index - 1]

    people = pd.DataFrame(
        {
            "household_id": household,
            "household_size": household_size,
            "female": female_person,
            "given": np.where(female_person, given_female, given_male),
            "family": family_of_household[household],
            "father": father_of_household[household],
            "governorate": governorate_of_household[household],
            "household_phone": household_phone[household],
            "birth_year": birth_year,
            "birth_day": birth_day,
            "namesake": False,
        }
    )
    # Deliberate namesakes: people living alone who take another person's name, sex and year.
    alone = np.flatnonzero(household_size == 1)
    n_namesakes = min(int(NAMESAKE_SHARE * n_people), len(alone))
    targets = rng.choice(alone, size=n_namesakes, replace=False)
    sources = rng.integers(0, n_people, size=n_namesakes)
    keep = targets != sources
    targets, sources = targets[keep], sources[keep]
    for column in ("female", "given", "family", "birth_year"):
        people.loc[targets, column] = people[column].to_numpy()[sources]
    people.loc[targets, "namesake"] = True
    people.loc[sources, "namesake"] = True

    dates = pd.to_datetime(people["birth_year"].astype(str) + "-01-01") + pd.to_timedelta(
        people["birth_day"], unit="D"
    )
    people["birth_month"] = dates.dt.month.to_numpy()
    people["birth_day_of_month"] = dates.dt.day.to_numpy()
    people["own_phone"] = np.where(
        rng.random(n_people) < OWN_PHONE_SHARE,
        _mobiles(rng, n_people),
        -1,
    )
    # Identity card numbers: eight digits, today starting with 0 or 1.
    people["national_id"] = np.where(
        rng.random(n_people) < NATIONAL_ID_SHARE,
        _unique_numbers(rng, n_people, 0, 20_000_000),
        -1,
    )
    # The anchor: a card only for people who have one (the others keep their birth date).
    anchor = _draw(rng, ANCHOR, n_people)
    anchor = np.where((anchor == "card") & (people["national_id"].to_numpy() < 0), "date", anchor)
    people["anchor"] = anchor
    return people


def generate_labelled(n_records: int, seed: int = 1) -> SyntheticRecords:
    """`n_records` synthetic records, their truth and the noise each carries (see the module
    docstring for the model and its rates). Deterministic for a seed."""
    if n_records < 1:
        raise ValueError("n_records must be at least 1")
    rng = np.random.default_rng(seed)
    mean_records = sum(count * share for count, share in RECORDS_PER_PERSON.items())
    n_people = int(n_records / mean_records * 1.05) + 10
    counts = _draw(rng, RECORDS_PER_PERSON, n_people).astype(np.int64)
    while counts.sum() < n_records:
        counts = np.concatenate([counts, _draw(rng, RECORDS_PER_PERSON, n_people // 10 + 10)])
    n_people = int(np.searchsorted(np.cumsum(counts), n_records)) + 1
    counts = counts[:n_people]
    counts[-1] -= int(counts.sum()) - n_records
    people = _people(n_people, rng)

    person = np.repeat(np.arange(n_people), counts)[rng.permutation(n_records)]
    n = n_records
    script = _draw(rng, SCRIPT, n)
    case = _draw(rng, CASE, n)
    latin = script != "arabic"
    swapped = latin & (rng.random(n) < SWAPPED_NAMES)
    full_name_in_given = latin & ~swapped & (rng.random(n) < FULL_NAME_IN_GIVEN)
    typo = _draw(rng, TYPO, n).astype(np.int64)
    father_present = rng.random(n) < FATHER_PRESENT
    arabic_with_father = (script != "latin") & (rng.random(n) < ARABIC_WITH_FATHER)
    arabic_loose = rng.random(n) < ARABIC_LOOSE
    arabic_no_article = rng.random(n) < ARABIC_NO_ARTICLE
    date_kind = _draw(rng, DATE, n)
    with_birth_year = rng.random(n) < BIRTH_YEAR_WITH_DATE
    phone_kind = _draw(rng, PHONE, n)
    phone_format = _draw(rng, PHONE_FORMATS, n)
    changed_phone = _mobiles(rng, n)
    id_on_record = rng.random(n) < NATIONAL_ID_ON_RECORD
    id_typo = rng.random(n) < NATIONAL_ID_TYPO
    governorate_kind = _draw(rng, GOVERNORATE, n)
    moved_to = rng.integers(1, len(_name_data()["governorates"]), size=n)
    sex_present = rng.random(n) < SEX_PRESENT

    of = people.iloc[person].reset_index(drop=True)
    has_own_phone = of["own_phone"].to_numpy() >= 0
    phone_kind = np.where((phone_kind == "own") & ~has_own_phone, "household", phone_kind)
    has_id = of["national_id"].to_numpy() >= 0
    id_kind = np.where(has_id & id_on_record, np.where(id_typo, "typo", "present"), "none")
    birth_day = of["birth_day_of_month"].to_numpy()
    birth_month = of["birth_month"].to_numpy()
    swappable = (birth_day <= 12) & (birth_day != birth_month)
    date_kind = np.where((date_kind == "swapped") & ~swappable, "exact", date_kind)
    # The anchor survives on every record of its person, with its format noise only (a date
    # may still have day and month swapped, a phone is written any way, a card number is never
    # mistyped).
    anchor = of["anchor"].to_numpy()
    date_anchor, phone_anchor, card_anchor = (anchor == kind for kind in ("date", "phone", "card"))
    restored = (date_anchor & ~np.isin(date_kind, ["exact", "swapped"])) | (
        phone_anchor & (phone_kind != np.where(has_own_phone, "own", "household"))
        | (card_anchor & (id_kind != "present"))
    )
    date_kind = np.where(
        date_anchor & ~np.isin(date_kind, ["exact", "swapped"]), "exact", date_kind
    )
    phone_kind = np.where(phone_anchor, np.where(has_own_phone, "own", "household"), phone_kind)
    id_kind = np.where(card_anchor, "present", id_kind)
    # People without an anchor share nothing strong between their records (taken years apart,
    # without papers): no card number; on all but their first record, another phone and no
    # full date that could agree with the first (only a year, nothing, or a slipped date).
    anchorless = anchor == "none"
    later = anchorless & (pd.Series(person).groupby(person).cumcount().to_numpy() > 0)
    id_kind = np.where(anchorless, "none", id_kind)
    phone_kind = np.where(later & np.isin(phone_kind, ["own", "household"]), "changed", phone_kind)
    weak_dates = {kind: DATE[kind] for kind in ("year_only", "missing", "day_typo", "year_slip")}
    date_kind = np.where(
        later & np.isin(date_kind, ["exact", "swapped"]), _draw(rng, weak_dates, n), date_kind
    )

    male = _names("male", GIVEN_ZIPF)
    female = _names("female", GIVEN_ZIPF)
    family = _names("family", FAMILY_ZIPF)
    governorates = [entry["name"] for entry in _name_data()["governorates"]]

    female_record = of["female"].to_numpy()
    given_index = of["given"].to_numpy()
    family_index = of["family"].to_numpy()
    father_index = of["father"].to_numpy()
    given_latin = [
        (female.latin if is_female else male.latin)[index]
        for is_female, index in zip(female_record, given_index, strict=True)
    ]
    given_pick = _variant_index(rng, np.array([len(spellings) for spellings in given_latin]))
    family_counts = np.array([len(spellings) for spellings in family.latin])
    family_pick = _variant_index(rng, family_counts[family_index])
    father_counts = np.array([len(spellings) for spellings in male.latin])
    father_pick = _variant_index(rng, father_counts[father_index])
    typo_in_family = rng.random(n) < 0.5
    true_birth_year = of["birth_year"].to_numpy()
    own_phone = of["own_phone"].to_numpy()
    household_phone = of["household_phone"].to_numpy()
    national_id = of["national_id"].to_numpy()
    home_governorate = of["governorate"].to_numpy()

    # Plain Python values: indexing numpy arrays one element at a time is several times slower.
    (
        female_record,
        given_index,
        family_index,
        father_index,
        latin_record,
        script_of,
        case_of,
        swapped_of,
        full_name_of,
        typo_of,
        typo_in_family,
        father_present,
        arabic_with_father,
        arabic_no_article,
        arabic_loose,
        sex_present,
        birth_year_of,
        month_of,
        day_of,
        date_of,
        with_birth_year,
        phone_of,
        own_phone,
        household_phone,
        changed_phone,
        format_of,
        id_of,
        national_id,
        governorate_of,
        home_governorate,
        moved_to,
        given_pick,
        family_pick,
        father_pick,
    ) = (
        values.tolist()
        for values in (
            female_record,
            given_index,
            family_index,
            father_index,
            latin,
            script,
            case,
            swapped,
            full_name_in_given,
            typo,
            typo_in_family,
            father_present,
            arabic_with_father,
            arabic_no_article,
            arabic_loose,
            sex_present,
            true_birth_year,
            birth_month,
            birth_day,
            date_kind,
            with_birth_year,
            phone_kind,
            own_phone,
            household_phone,
            changed_phone,
            phone_format,
            id_kind,
            national_id,
            governorate_kind,
            home_governorate,
            moved_to,
            given_pick,
            family_pick,
            father_pick,
        )
    )
    records = {column: [""] * n for column in COLUMNS}
    order = rng.permutation(n)  # record ids in an order unrelated to people
    true_given, true_family = [], []
    for i in range(n):
        is_female = bool(female_record[i])
        given_names = female if is_female else male
        usual_given = given_names.latin[given_index[i]][0]
        usual_family = family.latin[family_index[i]][0]
        true_given.append(usual_given)
        true_family.append(usual_family)
        record_case = case_of[i]
        if latin_record[i]:
            given = _cased(given_latin[i][given_pick[i]], record_case)
            family_name = _cased(family.latin[family_index[i]][family_pick[i]], record_case)
            for _ in range(typo_of[i] if script_of[i] != "arabic" else 0):
                if typo_in_family[i]:
                    family_name = _typo(family_name, rng)
                else:
                    given = _typo(given, rng)
            if swapped_of[i]:
                given, family_name = family_name, given
            elif full_name_of[i]:
                given, family_name = f"{given} {family_name}", ""
            records["given_name"][i] = given
            records["family_name"][i] = family_name
            if father_present[i]:
                father = male.latin[father_index[i]][father_pick[i]]
                records["father_name"][i] = _cased(father, record_case)
        if script_of[i] != "latin":
            family_ar = family.arabic[family_index[i]]
            if arabic_no_article[i] and family_ar.startswith("ال"):
                family_ar = family_ar[2:]
            parts = [given_names.arabic[given_index[i]]]
            if arabic_with_father[i]:
                parts += ["بنت" if is_female else "بن", male.arabic[father_index[i]]]
            parts.append(family_ar)
            name_ar = " ".join(parts)
            if arabic_loose[i]:
                name_ar = _loose_arabic(name_ar, rng)
            if script_of[i] == "arabic":
                for _ in range(typo_of[i]):
                    name_ar = _typo(name_ar, rng)
                if father_present[i]:
                    records["father_name"][i] = male.arabic[father_index[i]]
            records["name_ar"][i] = name_ar
        if sex_present[i]:
            records["sex"][i] = "female" if is_female else "male"

        birth_year = birth_year_of[i]
        month, day = month_of[i], day_of[i]
        kind = date_of[i]
        if kind in ("exact", "swapped", "day_typo", "year_slip"):
            if kind == "swapped":
                month, day = day, month
            elif kind == "day_typo":
                shift = int(rng.integers(1, 4)) * (1 if rng.random() < 0.5 else -1)
                # Stay within 1–28 so that the slip is a valid date in any month.
                day = day + shift if 1 <= day + shift <= 28 else min(max(day - shift, 1), 28)
            elif kind == "year_slip":
                birth_year += 1 if rng.random() < 0.5 else -1
                day = min(day, 28) if month == 2 else day  # no 29 February in a common year
            records["birth_date"][i] = f"{birth_year:04d}-{month:02d}-{day:02d}"
            if with_birth_year[i]:
                records["birth_year"][i] = str(birth_year)
        elif kind == "year_only":
            records["birth_year"][i] = str(birth_year)

        number = {
            "own": own_phone[i],
            "household": household_phone[i],
            "changed": changed_phone[i],
        }.get(phone_of[i])
        if number is not None:
            records["phone"][i] = _phone_text(int(number), format_of[i])

        if id_of[i] != "none":
            digits = list(f"{int(national_id[i]):08d}")
            if id_of[i] == "typo":
                position = int(rng.integers(8))
                digits[position] = str((int(digits[position]) + int(rng.integers(1, 10))) % 10)
            records["national_id"][i] = "".join(digits)

        home = int(home_governorate[i])
        if governorate_of[i] == "home":
            records["governorate"][i] = governorates[home]
        elif governorate_of[i] == "moved":
            records["governorate"][i] = governorates[(home + moved_to[i]) % len(governorates)]

    record_ids = np.array([f"R{rank:07d}" for rank in order + 1], dtype=object)
    records["record_id"] = list(record_ids)
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    person_ids = [f"P{index:07d}" for index in person + 1]
    labels = pd.DataFrame(
        {
            "record_id": record_ids,
            "person_id": person_ids,
            "household_id": of["household_id"].to_numpy(),
            "household_size": of["household_size"].to_numpy(),
            "namesake": of["namesake"].to_numpy(),
            "true_given": true_given,
            "true_family": true_family,
            "true_birth_year": true_birth_year,
            "script": script,
            "case": case,
            "swapped": swapped,
            "full_name_in_given": full_name_in_given,
            "typo": typo,
            "father_present": father_present,
            "arabic_with_father": arabic_with_father,
            "date": date_kind,
            "phone": phone_kind,
            "phone_format": phone_format,
            "national_id": id_kind,
            "governorate": governorate_kind,
            "anchor": anchor,
            "anchor_restored": restored,
        }
    )
    # Records in the order of their ids, so that the file reads like an export.
    sort = np.argsort(order)
    frame = frame.iloc[sort].reset_index(drop=True)
    labels = labels.iloc[sort].reset_index(drop=True)
    truth = dict(zip(record_ids[sort].tolist(), np.array(person_ids)[sort].tolist(), strict=True))
    return SyntheticRecords(records=frame, truth=truth, labels=labels)


def generate(n_records: int, seed: int = 1) -> tuple[pd.DataFrame, dict[str, str]]:
    """`n_records` synthetic Tunisian person records (columns `COLUMNS`, all strings, "" for
    empty) and the truth: record id → person id. Deterministic for a seed."""
    synthetic = generate_labelled(n_records, seed)
    return synthetic.records, synthetic.truth
