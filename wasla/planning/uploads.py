"""The CSV files a planner uploads: a grid of demand points, candidate sites, a distance table.

Read in full and checked before anything is saved; every problem names the line (the header is
line 1) and the column, in the planner's language. Semicolon-separated files (what a French
spreadsheet writes) are read as well as comma-separated ones."""

import csv
import io
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wasla.core.validation import FieldErrors

DEMAND_MAX_ROWS = 20_000
DEMAND_MAX_BYTES = 4 * 1024 * 1024
CANDIDATES_MAX_ROWS = 2_000
CANDIDATES_MAX_BYTES = 1024 * 1024
DISTANCES_MAX_ROWS = 300_000
DISTANCES_MAX_BYTES = 10 * 1024 * 1024
# The weight columns a demand file may carry; `population` is required.
WEIGHT_COLUMNS = ("population", "women", "migrants", "poorest")
# Reported per file: after this many, the planner has enough to fix.
MAX_REPORTED_PROBLEMS = 10


@dataclass(frozen=True)
class UploadedPoint:
    id: str
    name: str
    latitude: float
    longitude: float
    values: dict[str, float] = field(default_factory=dict)


def read_text(uploaded_file, *, max_bytes: int, errors: FieldErrors, field_name: str) -> str | None:
    """The file's text, or None with an error for a file too large or not UTF-8 text."""
    if uploaded_file.size > max_bytes:
        errors.add(
            field_name,
            _("The file is larger than %(limit)s MB.") % {"limit": max_bytes // (1024 * 1024)},
        )
        return None
    raw = uploaded_file.read()
    if b"\x00" in raw:
        errors.add(field_name, _("This is not a CSV text file."))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.add(field_name, _("The file is not UTF-8 text; save it as “CSV UTF-8”."))
        return None


def _rows(text: str):
    """A csv reader over `text`, comma- or semicolon-separated, header names lower-cased."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return None, reader
    return [name.strip().lower() for name in header], reader


def _number(value: str) -> float | None:
    value = value.strip().replace(",", ".") if value else ""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class _Problems:
    """Collects a file's problems, keeping the first few."""

    def __init__(self, errors: FieldErrors, field_name: str):
        self.errors, self.field_name, self.count = errors, field_name, 0

    def add(self, message: str) -> None:
        self.count += 1
        if self.count <= MAX_REPORTED_PROBLEMS:
            self.errors.add(self.field_name, message)

    def close(self) -> None:
        if self.count > MAX_REPORTED_PROBLEMS:
            self.errors.add(
                self.field_name,
                _("…and %(count)s more problems in this file.")
                % {"count": self.count - MAX_REPORTED_PROBLEMS},
            )


def parse_points(
    text: str,
    *,
    max_rows: int,
    errors: FieldErrors,
    field_name: str,
    weight_columns: tuple[str, ...] = (),
    required_weights: tuple[str, ...] = (),
) -> list[UploadedPoint]:
    """Points of an `id,lat,lon[,name][,weights…]` file. Weight columns must be numbers ≥ 0."""
    header, reader = _rows(text)
    problems = _Problems(errors, field_name)
    missing = [
        name
        for name in ("id", "lat", "lon", *required_weights)
        if header is None or name not in header
    ]
    if missing:
        errors.add(
            field_name,
            _("Columns missing from the header line: %(columns)s.")
            % {"columns": ", ".join(missing)},
        )
        return []
    position = {name: index for index, name in enumerate(header)}
    present_weights = [name for name in weight_columns if name in position]
    points: list[UploadedPoint] = []
    seen: set[str] = set()
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(points) >= max_rows:
            problems.add(_("The file has more than %(limit)s rows.") % {"limit": max_rows})
            break
        if len(row) < len(header):
            problems.add(
                _("Line %(line)s: %(found)s values for %(expected)s columns.")
                % {"line": line_number, "found": len(row), "expected": len(header)}
            )
            continue
        point_id = row[position["id"]].strip()
        if not point_id:
            problems.add(_("Line %(line)s: the id is empty.") % {"line": line_number})
            continue
        if point_id in seen:
            problems.add(
                _("Line %(line)s: the id “%(id)s” appears twice.")
                % {"line": line_number, "id": point_id}
            )
            continue
        seen.add(point_id)
        lat, lon = _number(row[position["lat"]]), _number(row[position["lon"]])
        if lat is None or not -90 <= lat <= 90:
            problems.add(
                _("Line %(line)s: the latitude “%(value)s” is not a number between -90 and 90.")
                % {"line": line_number, "value": row[position["lat"]]}
            )
            continue
        if lon is None or not -180 <= lon <= 180:
            problems.add(
                _("Line %(line)s: the longitude “%(value)s” is not a number between -180 and 180.")
                % {"line": line_number, "value": row[position["lon"]]}
            )
            continue
        values: dict[str, float] = {}
        for column in present_weights:
            number = _number(row[position[column]])
            if number is None or number < 0:
                problems.add(
                    _("Line %(line)s: “%(column)s” must be a number of 0 or more, not “%(value)s”.")
                    % {"line": line_number, "column": column, "value": row[position[column]]}
                )
                break
            values[column] = number
        else:
            name = row[position["name"]].strip() if "name" in position else ""
            points.append(
                UploadedPoint(
                    id=point_id, name=name or point_id, latitude=lat, longitude=lon, values=values
                )
            )
    if not points and not problems.count:
        problems.add(_("The file has no rows under its header line."))
    problems.close()
    return points


def parse_distances(
    text: str, *, max_rows: int, errors: FieldErrors, field_name: str
) -> list[tuple[str, str, float]]:
    """Rows of an `origin_id,destination_id,km` file (a road-network table computed elsewhere)."""
    header, reader = _rows(text)
    problems = _Problems(errors, field_name)
    missing = [
        name
        for name in ("origin_id", "destination_id", "km")
        if header is None or name not in header
    ]
    if missing:
        errors.add(
            field_name,
            _("Columns missing from the header line: %(columns)s.")
            % {"columns": ", ".join(missing)},
        )
        return []
    origin, destination, km = (header.index(name) for name in ("origin_id", "destination_id", "km"))
    rows: list[tuple[str, str, float]] = []
    for line_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(rows) >= max_rows:
            problems.add(_("The file has more than %(limit)s rows.") % {"limit": max_rows})
            break
        if len(row) < len(header):
            problems.add(
                _("Line %(line)s: %(found)s values for %(expected)s columns.")
                % {"line": line_number, "found": len(row), "expected": len(header)}
            )
            continue
        distance = _number(row[km])
        if distance is None or distance < 0:
            problems.add(
                _("Line %(line)s: the distance “%(value)s” is not a number of 0 or more.")
                % {"line": line_number, "value": row[km]}
            )
            continue
        rows.append((row[origin].strip(), row[destination].strip(), distance))
    if not rows and not problems.count:
        problems.add(_("The file has no rows under its header line."))
    problems.close()
    return rows
