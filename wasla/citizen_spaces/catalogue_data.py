"""The catalogue of municipal services that Wasla ships (data/catalogue.json), and its loader.

The file holds departments, service categories (with the letter of their queue tickets) and
services, each in Arabic, French and English; docs/citizen-spaces-catalogue.md describes it.
The loader checks every entry before it writes anything, then writes everything in one
transaction: a bad entry is named and nothing is saved."""

import json
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.db import transaction

from wasla.citizen_spaces.models import Department, ServiceCategory, ServiceType
from wasla.organisations.models import Office

CATALOGUE_FILE = Path(__file__).parent / "data" / "catalogue.json"
LANGUAGES = ("ar", "fr", "en")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_MAX = 200
SERVICE_KEYS = {
    "code", "category", "department", "fee_tnd", "target_working_days", "online",
    "is_active", "name", "description", "requirements",
}  # fmt: skip


class CatalogueError(ValueError):
    """Entries of the catalogue that cannot be loaded, each named with what is wrong."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        self.entries = list(dict.fromkeys(entry for entry, _problem in problems))
        super().__init__(
            "The catalogue was not loaded; nothing was saved.\n"
            + "\n".join(f"{entry}: {problem}" for entry, problem in problems)
        )


@lru_cache(maxsize=1)
def catalogue_data() -> dict:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------
# Validation


class _Checker:
    def __init__(self):
        self.problems: list[tuple[str, str]] = []

    def add(self, entry: str, problem: str) -> None:
        self.problems.append((entry, problem))

    def slug(self, entry: str, value, field: str, max_length: int = 60) -> None:
        if not isinstance(value, str) or not SLUG.match(value) or len(value) > max_length:
            self.add(entry, f"{field} must be lower-case letters, digits and dashes")

    def names(self, entry: str, item: dict, field: str = "") -> None:
        """ar/fr/en names: either at the top of `item` or under `item[field]`."""
        names = item.get(field) if field else item
        label = field or "name"
        if not isinstance(names, dict):
            self.add(entry, f"{label} must give ar, fr and en")
            return
        for language in LANGUAGES:
            text = names.get(language)
            if not isinstance(text, str) or not text.strip():
                self.add(entry, f"{label} in '{language}' is missing")
            elif label == "name" and len(text) > NAME_MAX:
                self.add(entry, f"{label} in '{language}' is longer than {NAME_MAX} characters")

    def requirements(self, entry: str, item: dict) -> None:
        lists = item.get("requirements")
        if not isinstance(lists, dict):
            self.add(entry, "requirements must give a list in ar, fr and en")
            return
        lengths = set()
        for language in LANGUAGES:
            documents = lists.get(language)
            if (
                not isinstance(documents, list)
                or not documents
                or not all(isinstance(doc, str) and doc.strip() for doc in documents)
            ):
                self.add(entry, f"requirements in '{language}' must be a list of documents")
                continue
            if any("\n" in document for document in documents):
                self.add(entry, f"requirements in '{language}': one document per item, no newline")
            lengths.add(len(documents))
        if len(lengths) > 1:
            self.add(entry, "requirements list a different number of documents per language")


def _fee(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        fee = Decimal(str(value))
    except InvalidOperation:
        return None
    if not fee.is_finite() or fee < 0 or fee >= Decimal("1000000") or fee != round(fee, 3):
        return None
    return fee


def catalogue_validate(data: dict) -> list[tuple[str, str]]:
    """Every problem of the catalogue as (entry, problem); empty when it can be loaded."""
    check = _Checker()
    if not isinstance(data, dict):
        return [("catalogue", "must be a JSON object")]
    for key in ("departments", "categories", "services"):
        if not isinstance(data.get(key), list) or not data[key]:
            check.add("catalogue", f"'{key}' must be a non-empty list")
    if check.problems:
        return check.problems

    departments: set[str] = set()
    for index, item in enumerate(data["departments"], start=1):
        entry = f"department “{item.get('slug', f'#{index}')}”"
        check.slug(entry, item.get("slug"), "slug")
        if item.get("slug") in departments:
            check.add(entry, "this slug is used twice")
        departments.add(item.get("slug"))
        check.names(entry, item)

    categories: set[str] = set()
    letters: dict[str, str] = {}
    for index, item in enumerate(data["categories"], start=1):
        slug = item.get("slug")
        entry = f"category “{slug or f'#{index}'}”"
        check.slug(entry, slug, "slug")
        if slug in categories:
            check.add(entry, "this slug is used twice")
        categories.add(slug)
        check.names(entry, item)
        letter = item.get("ticket_prefix")
        if not isinstance(letter, str) or not re.fullmatch(r"[A-Z]", letter):
            check.add(entry, "ticket_prefix must be one capital letter")
        elif letter in letters:
            check.add(entry, f"ticket_prefix {letter} is also the letter of “{letters[letter]}”")
        else:
            letters[letter] = slug
            taken = ServiceCategory.objects.filter(ticket_prefix=letter).exclude(slug=slug).first()
            if taken is not None:
                check.add(entry, f"ticket_prefix {letter} is already the letter of “{taken.slug}”")
        position = item.get("position", 0)
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            check.add(entry, "position must be a whole number from 0")

    codes: set[str] = set()
    for index, item in enumerate(data["services"], start=1):
        code = item.get("code")
        entry = f"service “{code or f'#{index}'}”"
        unknown = sorted(set(item) - SERVICE_KEYS)
        if unknown:
            check.add(entry, f"unknown field(s): {', '.join(unknown)}")
        check.slug(entry, code, "code")
        if code in codes:
            check.add(entry, "this code is used twice")
        codes.add(code)
        if item.get("category") not in categories:
            check.add(entry, f"category “{item.get('category')}” is not in the catalogue")
        if item.get("department") not in departments:
            check.add(entry, f"department “{item.get('department')}” is not in the catalogue")
        check.names(entry, item, "name")
        check.names(entry, item, "description")
        check.requirements(entry, item)
        if _fee(item.get("fee_tnd")) is None:
            check.add(entry, "fee_tnd must be an amount in TND from 0, with at most 3 decimals")
        days = item.get("target_working_days")
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365:
            check.add(entry, "target_working_days must be a whole number from 0 to 365")
        for flag in ("online", "is_active"):
            if flag in item and not isinstance(item[flag], bool):
                check.add(entry, f"{flag} must be true or false")
        if "online" not in item:
            check.add(entry, "online must be true or false")
    return check.problems


# ---------------------------------------------------------------------------------------
# Loading


def _write(model, lookup: dict, values: dict, *, versioned: bool = False) -> tuple[object, bool]:
    """Create the row or bring it to `values`; saves only what differs. Returns (row, changed)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), True
    differing = [name for name, value in values.items() if getattr(row, name) != value]
    if not differing:
        return row, False
    for name in differing:
        setattr(row, name, values[name])
    if versioned:
        # An administrator's form opened before the load must not overwrite it unnoticed.
        row.version += 1
        differing.append("version")
    row.save(update_fields=[*differing, "updated_at"])
    return row, True


def _names(item: dict) -> dict:
    return {f"name_{language}": item[language].strip() for language in LANGUAGES}


def _service_values(item: dict, categories: dict, departments: dict) -> dict:
    values = {
        "category": categories[item["category"]],
        "department": departments[item["department"]],
        "fee_tnd": _fee(item["fee_tnd"]),
        "target_working_days": item["target_working_days"],
        "online": item["online"],
        "is_active": item.get("is_active", True),
    }
    for language in LANGUAGES:
        values[f"name_{language}"] = item["name"][language].strip()
        values[f"description_{language}"] = item["description"][language].strip()
        values[f"requirements_{language}"] = "\n".join(
            document.strip() for document in item["requirements"][language]
        )
    return values


def catalogue_load(
    *,
    offices: Iterable[Office] | None = None,
    data: dict | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Load the catalogue (the bundled file unless `data` is given): departments and
    categories by slug, services by code, created or brought up to date. Services are added
    to `offices` (Citizen Spaces); offices chosen by administrators are kept. Returns how
    many services were created or changed, so a second run returns 0.

    Raises CatalogueError, naming each bad entry, before writing anything."""
    data = catalogue_data() if data is None else data
    offices = list(offices or [])
    problems = catalogue_validate(data)
    for office in offices:
        if office.kind != Office.Kind.CITIZEN_SPACE:
            problems.append((f"office “{office.slug}”", "is not a Citizen Space"))
    if problems:
        raise CatalogueError(problems)

    changed = 0
    with transaction.atomic():
        departments = {
            item["slug"]: _write(Department, {"slug": item["slug"]}, _names(item))[0]
            for item in data["departments"]
        }
        categories = {
            item["slug"]: _write(
                ServiceCategory,
                {"slug": item["slug"]},
                {
                    **_names(item),
                    "ticket_prefix": item["ticket_prefix"],
                    "position": item.get("position", 0),
                },
            )[0]
            for item in data["categories"]
        }
        office_ids = {office.pk for office in offices}
        for item in data["services"]:
            service, differs = _write(
                ServiceType,
                {"code": item["code"]},
                _service_values(item, categories, departments),
                versioned=True,
            )
            missing = office_ids - set(service.offices.values_list("pk", flat=True))
            if missing:
                service.offices.add(*missing)
            changed += bool(differs or missing)
            if progress is not None:
                progress(1)
    return changed
