"""Reading the engine's CSV files: points (`id,lat,lon` plus weight columns) and a long-form
distance matrix (`origin_id,destination_id,distance_km`). Errors name the file and line."""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO

import numpy as np

from .data import DistanceTable, Points, SitingInputError

Source = str | os.PathLike | IO[str]


def parse_weight_spec(spec: Sequence[str] | Mapping[str, float] | None) -> dict[str, float]:
    """Weight columns and their factors: ["population"], ["women:2", "migrants:1"] or a mapping.

    The weight of a demand point is the sum of factor x column value over the columns."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        items: Iterable[tuple[str, object]] = spec.items()
    else:
        pairs = []
        for entry in spec:
            column, _, factor = str(entry).partition(":")
            pairs.append((column.strip(), factor.strip() or "1"))
        items = pairs
    out: dict[str, float] = {}
    for column, factor in items:
        try:
            value = float(factor)
        except (TypeError, ValueError):
            raise SitingInputError(
                f"weight column {column!r}: factor {factor!r} is not a number"
            ) from None
        if not column:
            raise SitingInputError("weight column: a column name is empty")
        if not math.isfinite(value) or value < 0:
            raise SitingInputError(f"weight column {column!r}: factor {factor!r} must be 0 or more")
        out[column] = out.get(column, 0.0) + value
    return out


def _open(source: Source):
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return open(path, newline="", encoding="utf-8-sig"), path.name
        except OSError as error:
            raise SitingInputError(f"{path}: cannot be read ({error.strerror})") from None
    name = getattr(source, "name", None)
    return source, (Path(name).name if isinstance(name, str) else "CSV")


def _rows(source: Source, required: Sequence[str], label: str | None):
    handle, name = _open(source)
    name = label or name
    try:
        text = handle.read()
    finally:
        if isinstance(source, str | os.PathLike):
            handle.close()
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        raise SitingInputError(f"{name}: the file is empty; it needs a header line")
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise SitingInputError(
            f"{name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header has {', '.join(header) or 'nothing'})"
        )
    return name, header, reader


def _number(name: str, line: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SitingInputError(f"{name} line {line}: {column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise SitingInputError(f"{name} line {line}: {column} {text!r} is not a finite number")
    return value


def read_points_csv(
    source: Source,
    *,
    weight_columns: Sequence[str] | Mapping[str, float] | None = None,
    name: str | None = None,
) -> tuple[Points, np.ndarray | None]:
    """Points from a CSV with `id,lat,lon` and, when asked, the combined weight columns.

    Returns (points, weights); weights is None when no weight column is asked for. `name`
    labels the file in error messages (default: its file name).
    """
    spec = parse_weight_spec(weight_columns)
    name, header, reader = _rows(source, ["id", "lat", "lon", *spec], name)
    position = {column: header.index(column) for column in ["id", "lat", "lon", *spec]}
    ids: list[str] = []
    lat: list[float] = []
    lon: list[float] = []
    weights: list[float] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise SitingInputError(
                f"{name} line {line}: {len(row)} fields, the header has {len(header)}"
            )
        ident = row[position["id"]].strip()
        if not ident:
            raise SitingInputError(f"{name} line {line}: the id is empty")
        if ident in seen:
            raise SitingInputError(
                f"{name} line {line}: id {ident!r} is already used on line {seen[ident]}"
            )
        seen[ident] = line
        la = _number(name, line, "lat", row[position["lat"]].strip())
        lo = _number(name, line, "lon", row[position["lon"]].strip())
        if not -90 <= la <= 90:
            raise SitingInputError(f"{name} line {line}: lat {la} is outside -90..90")
        if not -180 <= lo <= 180:
            raise SitingInputError(f"{name} line {line}: lon {lo} is outside -180..180")
        total = 0.0
        for column, factor in spec.items():
            value = _number(name, line, column, row[position[column]].strip())
            if value < 0:
                raise SitingInputError(f"{name} line {line}: {column} {value:g} is negative")
            total += factor * value
        ids.append(ident)
        lat.append(la)
        lon.append(lo)
        weights.append(total)
    points = Points(ids, np.asarray(lat, dtype=float), np.asarray(lon, dtype=float), name=name)
    return points, (np.asarray(weights, dtype=float) if spec else None)


def read_distance_csv(source: Source, *, name: str | None = None) -> DistanceTable:
    """A long-form matrix: one line per reachable pair, `origin_id,destination_id,distance_km`."""
    name, header, reader = _rows(source, ["origin_id", "destination_id", "distance_km"], name)
    oi, di, ki = (
        header.index("origin_id"),
        header.index("destination_id"),
        header.index("distance_km"),
    )
    origins: list[str] = []
    destinations: list[str] = []
    km: list[float] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise SitingInputError(
                f"{name} line {line}: {len(row)} fields, the header has {len(header)}"
            )
        origin, destination = row[oi].strip(), row[di].strip()
        if not origin or not destination:
            raise SitingInputError(
                f"{name} line {line}: origin_id and destination_id must not be empty"
            )
        pair = (origin, destination)
        if pair in seen:
            raise SitingInputError(
                f"{name} line {line}: the pair {origin!r} to {destination!r} is already on line {seen[pair]}"
            )
        seen[pair] = line
        value = _number(name, line, "distance_km", row[ki].strip())
        if value < 0:
            raise SitingInputError(f"{name} line {line}: distance_km {value:g} is negative")
        origins.append(origin)
        destinations.append(destination)
        km.append(value)
    return DistanceTable(origins, destinations, np.asarray(km, dtype=float))
