"""Checks and normalisation of a person's fields, shared by every write.

All problems are collected and raised together, per field, so a form or an API call can
show every mistake at once."""

import datetime
import re

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.core.validation import FieldErrors
from wasla.engines.linkage import standardise
from wasla.people.isco import is_isco_code
from wasla.people.models import Person

NAME_FIELDS = (
    "given_name_ar",
    "father_name_ar",
    "family_name_ar",
    "given_name_latin",
    "father_name_latin",
    "family_name_latin",
)
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
ISCO_CODE = re.compile(r"^\d{1,4}$")


def country_code(value: str) -> str | None:
    value = (value or "").strip().upper()
    return value if value and pycountry.countries.get(alpha_2=value) else None


def clean_person_fields(fields: dict, *, partial: bool = False) -> dict:
    """Return the fields normalised (phone in E.164, identity number as 8 digits, birth year
    from the date), or raise ApplicationError listing every field at fault."""
    errors = FieldErrors()
    cleaned = dict(fields)
    for name in NAME_FIELDS:
        if name in cleaned:
            cleaned[name] = " ".join((cleaned[name] or "").split())
    for name in NAME_FIELDS[:3]:
        if cleaned.get(name) and LATIN_LETTER.search(cleaned[name]):
            errors.add(
                name, _("Write this name in Arabic letters, or put it in the Latin-script field.")
            )
    for name in NAME_FIELDS[3:]:
        if cleaned.get(name) and ARABIC_LETTER.search(cleaned[name]):
            errors.add(
                name, _("Write this name in Latin letters, or put it in the Arabic-script field.")
            )
    if not partial and not (cleaned.get("given_name_ar") or cleaned.get("given_name_latin")):
        errors.add(
            "given_name_latin", _("Give the person's given name, in Arabic or Latin letters.")
        )

    if "phone" in cleaned:
        raw = (cleaned["phone"] or "").strip()
        if raw:
            phone = standardise.phone_e164(raw)
            if phone is None:
                errors.add(
                    "phone",
                    _(
                        "This is not a valid phone number. Example: 22 123 456 or +33 6 12 34 56 78."
                    ),
                )
            cleaned["phone"] = phone or raw
        else:
            cleaned["phone"] = ""

    if "national_id" in cleaned:
        raw = (cleaned["national_id"] or "").strip()
        if raw:
            number = standardise.national_id(raw)
            if number is None:
                errors.add(
                    "national_id", _("A national identity card number has exactly 8 digits.")
                )
            cleaned["national_id"] = number or raw
        else:
            cleaned["national_id"] = None

    today = timezone.localdate()
    birth_date = cleaned.get("birth_date")
    if isinstance(birth_date, str):
        try:
            birth_date = datetime.date.fromisoformat(birth_date) if birth_date else None
        except ValueError:
            errors.add("birth_date", _("Give the date as year-month-day, e.g. 1990-03-04."))
            birth_date = None
        cleaned["birth_date"] = birth_date
    if birth_date:
        if birth_date > today:
            errors.add("birth_date", _("The date of birth cannot be in the future."))
        elif birth_date.year < today.year - 120:
            errors.add("birth_date", _("The date of birth is too far in the past."))
        cleaned["birth_year"] = birth_date.year
    elif "birth_year" in cleaned or not partial:
        year = cleaned.get("birth_year")
        if year in (None, ""):
            if not partial or "birth_date" in cleaned:
                errors.add("birth_year", _("Give the date of birth, or at least the year."))
        else:
            try:
                year = int(year)
            except (TypeError, ValueError):
                year = -1
            if not (today.year - 120 <= year <= today.year):
                errors.add(
                    "birth_year",
                    _("The year of birth must lie between %(first)s and %(last)s.")
                    % {"first": today.year - 120, "last": today.year},
                )
            cleaned["birth_year"] = year

    for name in ("nationality",):
        if name in cleaned:
            code = country_code(cleaned[name])
            if code is None:
                errors.add(name, _("Unknown country."))
            else:
                cleaned[name] = code

    if "occupations" in cleaned:
        codes = cleaned["occupations"] or []
        if isinstance(codes, str):
            codes = codes.replace(";", ",").split(",")
        codes = [str(code).strip() for code in codes if str(code).strip()]
        malformed = [code for code in codes if not ISCO_CODE.match(code)]
        unknown = [code for code in codes if ISCO_CODE.match(code) and not is_isco_code(code)]
        if malformed:
            errors.add(
                "occupations",
                _("ISCO-08 codes have one to four digits: %(codes)s")
                % {"codes": ", ".join(malformed)},
            )
        if unknown:
            errors.add(
                "occupations",
                _("These codes are not in the ISCO-08 classification: %(codes)s")
                % {"codes": ", ".join(unknown)},
            )
        cleaned["occupations"] = sorted(set(codes))

    if cleaned.get("household_size") not in (None, ""):
        try:
            size = int(cleaned["household_size"])
        except (TypeError, ValueError):
            size = 0
        if not 1 <= size <= 40:
            errors.add("household_size", _("A household has between 1 and 40 people."))
        cleaned["household_size"] = size
    elif "household_size" in cleaned:
        cleaned["household_size"] = None

    for name, choices in (
        ("sex", Person.Sex.values),
        ("population_group", Person.PopulationGroup.values),
        ("contact_channel", Person.ContactChannel.values),
    ):
        if (name in cleaned or not partial) and cleaned.get(name) not in choices:
            errors.add(name, _("Choose one of the options."))
    if cleaned.get("education_level") not in (None, "", *Person.EducationLevel.values):
        errors.add("education_level", _("Choose one of the options."))
    errors.raise_if_any()
    return cleaned
