"""The ILO's ISCO-08 classification of occupations: which codes exist and what they are called.

The groups and their titles are in data/isco08.json, whose "source" entry says where each
language comes from (docs/people.md, "Occupations (ISCO-08)"). English and French cover every
group; Arabic only the ten major groups, so an Arabic page shows the French title of the
others, and a French page the English title where French is missing."""

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

DATA_FILE = Path(__file__).with_name("data") / "isco08.json"
LANGUAGES = ("ar", "fr", "en")
FALLBACKS = {"ar": ("ar", "fr", "en"), "fr": ("fr", "en"), "en": ("en",)}
LEVELS = {1: "major", 2: "sub-major", 3: "minor", 4: "unit"}


@dataclass(frozen=True)
class IscoGroup:
    code: str
    titles: MappingProxyType

    @property
    def level(self) -> str:
        return LEVELS[len(self.code)]


@functools.lru_cache(maxsize=1)
def isco_groups() -> MappingProxyType:
    """Every ISCO-08 group by code, at all four levels."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return MappingProxyType(
        {
            item["code"]: IscoGroup(
                code=item["code"],
                titles=MappingProxyType({lang: item[lang] for lang in LANGUAGES if item.get(lang)}),
            )
            for item in data["groups"]
        }
    )


def _language(language: str | None) -> str:
    language = (language or "en").split("-")[0].lower()
    return language if language in FALLBACKS else "en"


def is_isco_code(code) -> bool:
    """Whether `code` is the code of an ISCO-08 group at any level: "7", "71", "711", "7112"."""
    return isinstance(code, str) and code in isco_groups()


def isco_group(code: str) -> IscoGroup | None:
    return isco_groups().get(code) if isinstance(code, str) else None


def isco_title_and_language(code: str, language: str | None) -> tuple[str, str] | None:
    """The group's title in `language`, or in the nearest language that has one, with the
    language actually used (so a page can mark French inside Arabic with lang="fr")."""
    group = isco_group(code)
    if group is None:
        return None
    for candidate in FALLBACKS[_language(language)]:
        if candidate in group.titles:
            return group.titles[candidate], candidate
    return None


def isco_title(code: str, language: str | None) -> str | None:
    """The group's title in `language` (ar, fr or en, regional variants allowed), falling back
    from Arabic to French to English; None for a code that is not in ISCO-08."""
    found = isco_title_and_language(code, language)
    return found[0] if found else None


@functools.lru_cache(maxsize=len(FALLBACKS))
def _unit_choices(language: str) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (code, *isco_title_and_language(code, language))
        for code in sorted(isco_groups())
        if len(code) == 4
    )


def isco_unit_choices(language: str | None) -> tuple[tuple[str, str, str], ...]:
    """The 436 unit groups as (code, title, language of the title), in code order."""
    return _unit_choices(_language(language))


def isco_choices(language: str | None) -> list[tuple[str, str]]:
    """The 436 unit groups as (code, "code — title") pairs in `language`, in code order."""
    return [(code, f"{code} — {title}") for code, title, _lang in isco_unit_choices(language)]
