"""The tables of a result: what changes for everyone and for women, and scenarios side by side."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Row:
    label: str
    before: float | None
    after: float | None
    # "people" rows count up (more is better), "km" rows count down (less is better).
    unit: str

    @property
    def change(self) -> float | None:
        if self.after is None or self.before is None:
            return None
        return self.after - self.before

    @property
    def improves(self) -> bool:
        change = self.change
        if change is None:
            return self.before is None and self.after is not None
        return change > 0 if self.unit == "people" else change < 0


@dataclass(frozen=True)
class Group:
    label: str
    rows: list[Row]


def _share(figures: dict) -> float | None:
    return 100 * figures["covered"] / figures["total"] if figures["total"] else None


def summary_rows(result: dict) -> list[Group]:
    radius = f"{result['radius_km']:g}"
    groups = []
    for key, label in (("everyone", _("Everyone")), ("women", _("Women"))):
        before, after = result[key]["before"], result[key]["after"]
        groups.append(
            Group(
                label=label,
                rows=[
                    Row(
                        _("People within %(radius)s km") % {"radius": radius},
                        before["covered"],
                        after["covered"],
                        "people",
                    ),
                    Row(
                        _("Share within %(radius)s km (%%)") % {"radius": radius},
                        _share(before),
                        _share(after),
                        "people",
                    ),
                    Row(_("Average trip (km)"), before["mean_km"], after["mean_km"], "km"),
                    Row(_("Longest trip (km)"), before["max_km"], after["max_km"], "km"),
                ],
            )
        )
    return groups


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    kind: str  # "count", "km", "yesno" or "text"
    values: list


def comparison_rows(scenarios) -> list[ComparisonRow]:
    """One row per measure, one value per scenario (None where a scenario has no answer)."""

    def value(scenario, getter):
        if scenario.status != scenario.Status.DONE or not scenario.result:
            return None
        return getter(scenario.result)

    measures = [
        (_("New sites"), "count", lambda r: len(r["selected"])),
        (_("Existing offices"), "count", lambda r: len(r["existing"])),
        (_("Travel distance (km)"), "km", lambda r: r["radius_km"]),
        (_("People within reach, before"), "count", lambda r: r["everyone"]["before"]["covered"]),
        (_("People within reach, after"), "count", lambda r: r["everyone"]["after"]["covered"]),
        (_("Women within reach, before"), "count", lambda r: r["women"]["before"]["covered"]),
        (_("Women within reach, after"), "count", lambda r: r["women"]["after"]["covered"]),
        (_("Average trip after (km)"), "km", lambda r: r["everyone"]["after"]["mean_km"]),
        (_("Longest trip after (km)"), "km", lambda r: r["everyone"]["after"]["max_km"]),
        (_("Proven best answer"), "yesno", lambda r: r["engine"].get("optimal")),
        (
            _("Chosen sites"),
            "text",
            lambda r: ", ".join(site["name"] for site in r["selected"]) or "—",
        ),
    ]
    return [
        ComparisonRow(label, kind, [value(scenario, getter) for scenario in scenarios])
        for label, kind, getter in measures
    ]
