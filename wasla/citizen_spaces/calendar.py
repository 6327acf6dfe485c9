"""Working days of the Tunisian administration: weekends and public holidays are data
(data/tunisia_calendar.json, loaded into the Holiday table, edited by administrators)."""

import datetime
import json
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

CALENDAR_FILE = Path(__file__).parent / "data" / "tunisia_calendar.json"


@lru_cache(maxsize=1)
def calendar_data() -> dict:
    return json.loads(CALENDAR_FILE.read_text(encoding="utf-8"))


def weekend_days() -> frozenset[int]:
    return frozenset(calendar_data()["weekend"])


def holidays_in_data() -> list[dict]:
    """Every holiday of the data file as {date, ar, fr, en}, fixed ones repeated each year."""
    data = calendar_data()
    rows = [
        {"date": datetime.date(year, item["month"], item["day"]), **_names(item)}
        for year in data["years"]
        for item in data["fixed"]
    ]
    rows += [
        {"date": datetime.date.fromisoformat(item["date"]), **_names(item)}
        for item in data["movable"]
    ]
    return sorted(rows, key=lambda row: row["date"])


def _names(item: dict) -> dict:
    return {"ar": item["ar"], "fr": item["fr"], "en": item["en"]}


def is_working_day(
    day: datetime.date, *, holidays: Collection[datetime.date], weekend: Collection[int]
) -> bool:
    return day.weekday() not in weekend and day not in holidays


def add_working_days(
    start: datetime.date,
    days: int,
    *,
    holidays: Collection[datetime.date],
    weekend: Collection[int],
) -> datetime.date:
    """The day on which `days` working days after `start` have passed.

    A request made on a holiday or at the weekend starts counting on the next working day;
    zero days means that same working day."""
    if days < 0:
        raise ValueError("days must not be negative")
    if len(weekend) >= 7:
        raise ValueError("a week needs at least one working day")
    day = start
    while not is_working_day(day, holidays=holidays, weekend=weekend):
        day += datetime.timedelta(days=1)
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays=holidays, weekend=weekend):
            remaining -= 1
    return day


def working_days_between(
    start: datetime.date,
    end: datetime.date,
    *,
    holidays: Collection[datetime.date],
    weekend: Collection[int],
) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays=holidays, weekend=weekend):
            count += 1
    return count
