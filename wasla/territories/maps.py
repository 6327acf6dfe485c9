"""Maps drawn by Wasla itself: points projected onto an SVG, no tiles from anywhere."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext

# Colour-blind-safe palette (Okabe–Ito), cycled over governorates.
OFFICE_COLOUR = "#a3261d"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    radius: float
    label: str
    title: str
    colour: str
    href: str
    show_label: bool
    kind: str = "locality"


@dataclass(frozen=True)
class SvgMap:
    width: float
    height: float
    points: list[MapPoint]
    legend: list[tuple[str, str]]


def project(points, *, width: float = 640.0, padding: float = 24.0):
    """Equirectangular projection scaled by the cosine of the mean latitude, which keeps
    shapes true enough at Tunisia's size. Returns a function (lat, lon) -> (x, y) and the height."""
    lats = [lat for lat, _lon in points] or [33.9]
    lons = [lon for _lat, lon in points] or [9.5]
    min_lat, max_lat = min(lats), max(lats)
    min_lon, max_lon = min(lons), max(lons)
    # Never zoom closer than about 20 km, so a single place still has surroundings.
    span_lat = max(max_lat - min_lat, 0.2)
    span_lon = max(max_lon - min_lon, 0.2)
    mid_lat, mid_lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
    x_factor = math.cos(math.radians(mid_lat))
    scale = (width - 2 * padding) / (span_lon * x_factor)
    height = span_lat * scale + 2 * padding

    def to_xy(lat: float, lon: float) -> tuple[float, float]:
        x = padding + ((lon - (mid_lon - span_lon / 2)) * x_factor) * scale
        y = padding + ((mid_lat + span_lat / 2) - lat) * scale
        return round(x, 1), round(y, 1)

    return to_xy, round(height, 1)


@dataclass(frozen=True)
class Marker:
    """A place to mark on top of the localities (an office, say)."""

    latitude: float
    longitude: float
    label: str
    href: str


def locality_map(
    localities, *, markers: list[Marker] = (), label_population: int = 40_000, width: float = 640.0
) -> SvgMap:
    """Localities as circles whose area follows population, coloured by governorate."""
    localities = list(localities)
    markers = list(markers)
    to_xy, height = project(
        [(loc.latitude, loc.longitude) for loc in localities]
        + [(m.latitude, m.longitude) for m in markers],
        width=width,
    )
    colours: dict[str, str] = {}
    legend: list[tuple[str, str]] = []
    points = []
    for locality in sorted(localities, key=lambda loc: -loc.population):
        governorate = locality.governorate
        if governorate.code not in colours:
            colours[governorate.code] = PALETTE[len(colours) % len(PALETTE)]
            legend.append((governorate.name, colours[governorate.code]))
        x, y = to_xy(locality.latitude, locality.longitude)
        points.append(
            MapPoint(
                x=x,
                y=y,
                radius=round(max(3.0, min(16.0, math.sqrt(locality.population) / 28)), 1),
                label=locality.display_name,
                title=f"{locality.display_name} — {governorate.name}",
                colour=colours[governorate.code],
                href=f"?governorate={governorate.code}",
                show_label=locality.population >= label_population,
            )
        )
    if markers:
        legend.append((gettext("Office"), OFFICE_COLOUR))
    for marker in markers:
        x, y = to_xy(marker.latitude, marker.longitude)
        points.append(
            MapPoint(
                x=x,
                y=y,
                radius=5.0,
                label=marker.label,
                title=marker.label,
                colour="",
                href=marker.href,
                show_label=False,
                kind="office",
            )
        )
    return SvgMap(width=width, height=height, points=points, legend=legend)
