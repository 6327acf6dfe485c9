"""What a run stores: the engine's answer, every demand point with its site before and after,
and the comparison "before" (existing offices only) and "after" (existing + chosen sites) for
everyone and for women. Pages and exports read only this stored result."""

import numpy as np

from wasla.engines import siting
from wasla.planning.inputs import PreparedScenario, Site, as_points

# Stored coordinates: 5 decimals is about a metre, more than GeoNames' own precision.
COORDINATE_DIGITS = 5


def _coverage(prepared: PreparedScenario, weights: np.ndarray, sites: list[Site], scenario):
    if not sites:
        return None
    return siting.evaluate(
        demand=prepared.demand_points(),
        weights=weights,
        sites=as_points(sites, name="sites"),
        radius_km=scenario.radius_km,
        detour=scenario.detour,
        distances=prepared.distances,
    )


def _figures(coverage, total: float) -> dict:
    """Covered people and distances; with no office at all nobody is within reach."""
    if coverage is None:
        return {"covered": 0.0, "total": round(total, 1), "mean_km": None, "max_km": None}
    return {
        "covered": round(float(coverage.covered_weight), 1),
        "total": round(float(coverage.total_weight), 1),
        "mean_km": _km(coverage.mean_distance_km),
        "max_km": _km(coverage.max_distance_km),
    }


def _km(value) -> float | None:
    # None when some place cannot reach any site (a supplied distance table without the pair).
    return None if value is None else round(float(value), 2)


def _site_of(coverage) -> dict[str, tuple[str, float]]:
    if coverage is None:
        return {}
    return {demand_id: (site_id, km) for demand_id, site_id, km in coverage.assignments}


def build_result(*, scenario, prepared: PreparedScenario, answer) -> dict:
    """The JSON stored on the scenario after a successful run."""
    chosen_ids = list(answer.selected)
    by_id = {site.id: site for site in prepared.candidates}
    chosen = [by_id[site_id] for site_id in chosen_ids]
    after_sites = [*prepared.existing, *chosen]
    population, women = prepared.population, prepared.women
    before_all = _coverage(prepared, population, prepared.existing, scenario)
    after_all = _coverage(prepared, population, after_sites, scenario)
    before_women = _coverage(prepared, women, prepared.existing, scenario)
    after_women = _coverage(prepared, women, after_sites, scenario)
    before_site, after_site = _site_of(before_all), _site_of(after_all)
    radius = scenario.radius_km

    demand_rows = []
    newly = {site.id: {"people": 0.0, "women": 0.0, "assigned": 0.0} for site in chosen}
    for point in prepared.demand:
        site_id, km = after_site.get(point.id, (None, None))
        old_site, old_km = before_site.get(point.id, (None, None))
        covered_before = old_km is not None and old_km <= radius
        covered_after = km is not None and km <= radius
        if site_id in newly:
            newly[site_id]["assigned"] += point.population
            if covered_after and not covered_before:
                newly[site_id]["people"] += point.population
                newly[site_id]["women"] += point.women
        demand_rows.append(
            {
                "id": point.id,
                "name": point.name,
                "lat": round(point.latitude, COORDINATE_DIGITS),
                "lon": round(point.longitude, COORDINATE_DIGITS),
                "population": round(point.population, 1),
                "women": round(point.women, 1),
                "weight": round(point.weight, 3),
                "site": site_id,
                "km": None if km is None else round(float(km), 2),
                "site_before": old_site,
                "km_before": None if old_km is None else round(float(old_km), 2),
                "covered_before": covered_before,
                "covered": covered_after,
            }
        )

    def site_row(site: Site, **extra) -> dict:
        return {
            "id": site.id,
            "name": site.name,
            "lat": round(site.latitude, COORDINATE_DIGITS),
            "lon": round(site.longitude, COORDINATE_DIGITS),
            **extra,
        }

    engine = answer.to_dict()
    engine.pop("assignments", None)
    gap = engine.get("gap")
    return {
        "engine": engine,
        # The engine's gap is a fraction; planners read percentages.
        "gap_percent": None if gap is None else round(100 * gap, 4),
        "radius_km": radius,
        "detour": scenario.detour,
        "distance_basis": "matrix" if prepared.distances is not None else "great_circle",
        "candidate_count": len(prepared.candidates),
        "existing": [site_row(site) for site in prepared.existing],
        "selected": [
            site_row(
                site,
                new_people=round(newly[site.id]["people"]),
                new_women=round(newly[site.id]["women"]),
                assigned_people=round(newly[site.id]["assigned"]),
            )
            for site in chosen
        ],
        "demand": demand_rows,
        "everyone": {
            "before": _figures(before_all, float(population.sum())),
            "after": _figures(after_all, float(population.sum())),
        },
        "women": {
            "before": _figures(before_women, float(women.sum())),
            "after": _figures(after_women, float(women.sum())),
        },
    }
