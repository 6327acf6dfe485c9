"""Plain data the siting engine takes and returns.

Everything here is validated on construction, so the solvers can trust it. Messages name the
point or parameter at fault in plain English; the planner shows them to users as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

import numpy as np

MODELS = ("mclp", "pmedian", "pcenter", "lscp")


class SitingInputError(ValueError):
    """Input the engine cannot use: the message names the row, point or parameter at fault."""


def _describe(ids: Sequence[str], index: int, name: str) -> str:
    return f"{name} point {index + 1} (id {ids[index]!r})"


@dataclass(frozen=True, eq=False)
class Points:
    """Named places on the globe: demand points, candidate sites or existing offices."""

    ids: list[str]
    lat: np.ndarray
    lon: np.ndarray
    name: str = "points"

    def __post_init__(self) -> None:
        ids = [str(i) for i in self.ids]
        lat = np.asarray(self.lat, dtype=float).reshape(-1)
        lon = np.asarray(self.lon, dtype=float).reshape(-1)
        if not (len(ids) == lat.size == lon.size):
            raise SitingInputError(
                f"{self.name}: {len(ids)} ids but {lat.size} latitudes and {lon.size} longitudes"
            )
        for index, value in enumerate(ids):
            if not value.strip():
                raise SitingInputError(f"{self.name} point {index + 1}: the id is empty")
        bad = np.flatnonzero(~np.isfinite(lat) | (lat < -90) | (lat > 90))
        if bad.size:
            raise SitingInputError(
                f"{_describe(ids, int(bad[0]), self.name)}: latitude {lat[bad[0]]} "
                "is missing or outside -90..90"
            )
        bad = np.flatnonzero(~np.isfinite(lon) | (lon < -180) | (lon > 180))
        if bad.size:
            raise SitingInputError(
                f"{_describe(ids, int(bad[0]), self.name)}: longitude {lon[bad[0]]} "
                "is missing or outside -180..180"
            )
        seen: dict[str, int] = {}
        for index, value in enumerate(ids):
            if value in seen:
                raise SitingInputError(
                    f"{self.name} point {index + 1}: id {value!r} is already used by "
                    f"point {seen[value] + 1}"
                )
            seen[value] = index
        lat.setflags(write=False)
        lon.setflags(write=False)
        object.__setattr__(self, "ids", ids)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, eq=False)
class DistanceTable:
    """A supplied travel distance (or time) for each reachable (origin, destination) pair.

    Long form, one pair per entry: origins are demand ids, destinations are candidate or
    existing site ids. A pair that is absent is unreachable. Values are used as they are (no
    detour factor), in kilometres or any other unit the radius is given in.
    """

    origin_ids: list[str]
    destination_ids: list[str]
    km: np.ndarray

    def __post_init__(self) -> None:
        origins = [str(i) for i in self.origin_ids]
        destinations = [str(i) for i in self.destination_ids]
        km = np.asarray(self.km, dtype=float).reshape(-1)
        if not (len(origins) == len(destinations) == km.size):
            raise SitingInputError(
                f"distance matrix: {len(origins)} origins, {len(destinations)} destinations "
                f"and {km.size} distances; each entry needs all three"
            )
        bad = np.flatnonzero(~np.isfinite(km) | (km < 0))
        if bad.size:
            index = int(bad[0])
            raise SitingInputError(
                f"distance matrix entry {index + 1} ({origins[index]!r} to "
                f"{destinations[index]!r}): distance {km[index]} is missing or negative"
            )
        seen: dict[tuple[str, str], int] = {}
        for index, pair in enumerate(zip(origins, destinations, strict=True)):
            if pair in seen:
                raise SitingInputError(
                    f"distance matrix entry {index + 1}: the pair {pair[0]!r} to {pair[1]!r} "
                    f"is already given in entry {seen[pair] + 1}"
                )
            seen[pair] = index
        km.setflags(write=False)
        object.__setattr__(self, "origin_ids", origins)
        object.__setattr__(self, "destination_ids", destinations)
        object.__setattr__(self, "km", km)

    def __len__(self) -> int:
        return self.km.size


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


class Assignment(NamedTuple):
    """A demand point and the nearest open site (None when no open site is reachable)."""

    demand_id: str
    site_id: str | None
    distance_km: float | None


@dataclass(frozen=True)
class Coverage:
    """How well a set of open sites serves the demand (used for before/after comparisons).

    Distances are weighted by demand; `mean_distance_km` and `max_distance_km` count only
    demand with positive weight that can reach an open site, `unreachable_weight` the rest.
    """

    covered_weight: float
    total_weight: float
    mean_distance_km: float | None
    max_distance_km: float | None
    unreachable_weight: float
    radius_km: float | None
    assignments: list[Assignment] = field(repr=False)

    @property
    def covered_share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["assignments"] = [a._asdict() for a in self.assignments]
        return data


@dataclass(frozen=True)
class SitingResult:
    """The sites a model chose and how well they serve the demand, existing offices included.

    `selected` holds only new candidate sites (sorted by candidate order); `existing` the
    offices fixed open. `objective` is in the model's own terms: covered weight (mclp),
    weighted total distance (pmedian), worst distance (pcenter), number of new sites (lscp).
    `gap` is the proven relative optimality gap: 0.0 when `optimal`.
    """

    model: str
    selected: list[str]
    existing: list[str]
    objective: float
    bound: float
    covered_weight: float
    total_weight: float
    mean_distance_km: float | None
    max_distance_km: float | None
    unreachable_weight: float
    optimal: bool
    gap: float
    seconds: float
    p: int | None
    radius_km: float | None
    detour: float | None
    assignments: list[Assignment] = field(repr=False)
    reductions: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the keys of result.json (docs/siting.md)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["selected"] = list(self.selected)
        data["existing"] = list(self.existing)
        data["reductions"] = dict(self.reductions)
        data["assignments"] = [a._asdict() for a in self.assignments]
        for key in ("objective", "bound", "gap"):
            data[key] = _finite_or_none(data[key])
        return data
