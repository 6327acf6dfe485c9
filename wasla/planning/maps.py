"""The result map, drawn by Wasla: demand points, the lines to their site, existing and chosen
sites. Shapes and colours both tell the kinds apart (Okabe–Ito palette, colour-blind safe):
covered demand is a blue circle, uncovered an orange-red square, an existing office a black
diamond, a chosen site a green triangle. The projection is the territories map's."""

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from wasla.territories.maps import project

COVERED_COLOUR = "#0072B2"
UNCOVERED_COLOUR = "#D55E00"
EXISTING_COLOUR = "#000000"
CHOSEN_COLOUR = "#009E73"
# Beyond this many demand points the map draws the heaviest ones (the exports hold all).
MAX_DRAWN_DEMAND = 1000


@dataclass(frozen=True)
class DemandMark:
    x: float
    y: float
    size: float
    covered: bool
    line_to: tuple[float, float] | None

    # Squares are drawn by their corner, slightly smaller than the circle of the same size
    # so that both read as the same weight.
    @property
    def side(self) -> float:
        return round(self.size * 1.8, 1)

    @property
    def left(self) -> float:
        return round(self.x - self.side / 2, 1)

    @property
    def top(self) -> float:
        return round(self.y - self.side / 2, 1)


@dataclass(frozen=True)
class SiteMark:
    x: float
    y: float
    label: str
    number: int
    # Half the marker's side: markers are placed by their corner.
    half: float = 8.0

    @property
    def left(self) -> float:
        return round(self.x - self.half, 1)

    @property
    def top(self) -> float:
        return round(self.y - self.half, 1)

    @property
    def side(self) -> float:
        return self.half * 2


@dataclass(frozen=True)
class ResultMap:
    width: float
    height: float
    demand: list[DemandMark]
    existing: list[SiteMark]
    chosen: list[SiteMark]
    legend: list[tuple[str, str, str]]  # (shape, colour, text)
    drawn: int
    total: int
    summary: str

    def body(self) -> SafeString:
        """The map's marks as SVG, built here rather than in template loops: a thousand
        places render in milliseconds. Only numbers and escaped names go in."""
        parts = ['<g class="trips">']
        parts += [
            f'<line x1="{d.x}" y1="{d.y}" x2="{d.line_to[0]}" y2="{d.line_to[1]}"/>'
            for d in self.demand
            if d.line_to
        ]
        parts.append('</g><g class="existing">')
        parts += [
            f'<use href="#mk-dia" x="{s.left}" y="{s.top}" width="{s.side}" height="{s.side}">'
            f"<title>{escape(s.label)}</title></use>"
            for s in self.existing
        ]
        parts.append('</g><g class="chosen">')
        parts += [
            f'<use href="#mk-tri" x="{s.left}" y="{s.top}" width="{s.side}" height="{s.side}">'
            f"<title>{s.number}. {escape(s.label)}</title></use>"
            for s in self.chosen
        ]
        parts.append('</g><g class="covered">')
        parts += [f'<circle cx="{d.x}" cy="{d.y}" r="{d.size}"/>' for d in self.demand if d.covered]
        parts.append('</g><g class="uncovered">')
        parts += [
            f'<rect x="{d.left}" y="{d.top}" width="{d.side}" height="{d.side}"/>'
            for d in self.demand
            if not d.covered
        ]
        parts.append('</g><g class="site-labels" aria-hidden="true">')
        parts += [
            f'<text x="{s.x}" y="{s.y}" dy="-14" text-anchor="middle">{s.number}</text>'
            for s in self.chosen
        ]
        parts.append("</g>")
        # Safe: numbers and escaped names only.
        return mark_safe("".join(parts))


def result_map(result: dict, *, width: float = 640.0) -> ResultMap | None:
    """The map of a stored result, or None when there is no result."""
    if not result:
        return None
    demand = result.get("demand", [])
    existing = result.get("existing", [])
    chosen = result.get("selected", [])
    to_xy, height = project(
        [(row["lat"], row["lon"]) for row in [*demand, *existing, *chosen]], width=width
    )
    sites = {row["id"]: to_xy(row["lat"], row["lon"]) for row in [*existing, *chosen]}
    drawn = sorted(demand, key=lambda row: -row["population"])[:MAX_DRAWN_DEMAND]
    heaviest = max((row["population"] for row in drawn), default=1) or 1
    marks = []
    for row in drawn:
        x, y = to_xy(row["lat"], row["lon"])
        target = sites.get(row["site"])
        marks.append(
            DemandMark(
                x=x,
                y=y,
                # Area follows population, between 3 and 6 px of radius: smaller than the
                # site markers under them, whose tips stay visible.
                size=round(3 + 3 * math.sqrt(row["population"] / heaviest), 1),
                covered=row["covered"],
                line_to=target if target and target != (x, y) else None,
            )
        )
    covered = sum(1 for row in demand if row["covered"])
    summary = _(
        "%(chosen)s chosen sites and %(existing)s existing offices; %(covered)s of "
        "%(total)s places within %(radius)s km. The tables below give the same figures."
    ) % {
        "chosen": len(chosen),
        "existing": len(existing),
        "covered": covered,
        "total": len(demand),
        "radius": f"{result.get('radius_km', 0):g}",
    }
    legend = [
        ("triangle", CHOSEN_COLOUR, _("Chosen new site")),
        ("diamond", EXISTING_COLOUR, _("Existing office")),
        ("circle", COVERED_COLOUR, _("Place within reach")),
        ("square", UNCOVERED_COLOUR, _("Place out of reach")),
        ("line", "#6b7280", _("Trip to the nearest site")),
    ]
    return ResultMap(
        width=width,
        height=height,
        demand=marks,
        existing=[
            SiteMark(*sites[row["id"]], label=row["name"], number=index, half=11.0)
            for index, row in enumerate(existing, start=1)
        ],
        chosen=[
            SiteMark(*sites[row["id"]], label=row["name"], number=index, half=13.0)
            for index, row in enumerate(chosen, start=1)
        ],
        legend=legend,
        drawn=len(drawn),
        total=len(demand),
        summary=summary,
    )
