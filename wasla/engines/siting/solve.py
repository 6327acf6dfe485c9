"""The engine's entry points: `solve` chooses sites, `evaluate` measures a set of open sites."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from .covering import solve_lscp, solve_mclp
from .data import (
    MODELS,
    Assignment,
    Coverage,
    DistanceTable,
    Points,
    SitingInputError,
    SitingResult,
)
from .distance import DEFAULT_DETOUR, Metric, make_metric, unit_vectors
from .pcenter import solve_pcenter
from .pmedian import solve_pmedian
from .problem import OPTIMAL_TOLERANCE, Problem

NEEDS_P = {"mclp", "pmedian", "pcenter"}
NEEDS_RADIUS = {"mclp", "lscp"}


SEARCH_RESERVE = 3.0  # seconds of the time limit kept for building the result


def _check_weights(demand: Points, weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float).reshape(-1)
    if w.size != len(demand):
        raise SitingInputError(f"weights: {w.size} weights for {len(demand)} demand points")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        i = int(bad[0])
        raise SitingInputError(
            f"demand point {i + 1} (id {demand.ids[i]!r}): weight {w[i]} is missing or negative"
        )
    return w


def _sites(candidates: Points, existing: Points | None) -> Points:
    if existing is None or len(existing) == 0:
        return candidates
    both = set(candidates.ids) & set(existing.ids)
    if both:
        raise SitingInputError(
            f"candidates: id {sorted(both)[0]!r} is also an existing site; an existing site is "
            "already open, so remove it from the candidates"
        )
    return Points(
        candidates.ids + existing.ids,
        np.concatenate([candidates.lat, existing.lat]),
        np.concatenate([candidates.lon, existing.lon]),
        name="sites",
    )


def _check_detour(detour: float) -> float:
    if not (isinstance(detour, int | float) and math.isfinite(detour) and detour >= 1.0):
        raise SitingInputError(f"detour: {detour!r} must be a number of at least 1.0")
    return float(detour)


def _check_radius(radius_km) -> float:
    if (
        isinstance(radius_km, bool)
        or not isinstance(radius_km, int | float)
        or not math.isfinite(radius_km)
        or radius_km <= 0
    ):
        raise SitingInputError(f"radius_km: {radius_km!r} must be a positive number of kilometres")
    return float(radius_km)


def _check_p(p, n_candidates: int) -> int:
    if isinstance(p, bool) or not isinstance(p, int | np.integer):
        raise SitingInputError(f"p: {p!r} must be a whole number of new sites")
    if p < 1:
        raise SitingInputError(f"p: {p} must be at least 1")
    if p > n_candidates:
        raise SitingInputError(
            f"p: {p} new sites asked for but there are only {n_candidates} candidates"
        )
    return int(p)


def _reduce_demand(demand: Points, w: np.ndarray, table: DistanceTable | None):
    """Demand that can matter to a model: positive weight, and (great-circle distances only)
    one point per distinct location, weights summed; points at one location are
    interchangeable in every model."""
    rows = np.flatnonzero(w > 0)
    if table is not None or rows.size == 0:
        return rows, w[rows]
    xyz = unit_vectors(demand)[rows]
    _, first, inverse = np.unique(xyz, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # keep the demand's own order
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    merged_w = np.bincount(rank[inverse.reshape(-1)], weights=w[rows], minlength=order.size)
    return rows[first[order]], merged_w


def solve(
    *,
    model: str,
    demand: Points,
    weights,
    candidates: Points,
    existing: Points | None = None,
    p: int | None = None,
    radius_km: float | None = None,
    detour: float = DEFAULT_DETOUR,
    distances: DistanceTable | None = None,
    time_limit: float = 60.0,
    mip_gap: float = 0.0,
    progress: Callable[[float, str], None] | None = None,
) -> SitingResult:
    """Choose new sites for `model` ("mclp", "pmedian", "pcenter" or "lscp").

    `existing` sites are fixed open in every model; `p` counts new sites only. Distances are
    great-circle km times `detour`, or the supplied `distances` table (used as is). Returns the
    best solution found within `time_limit` seconds, with the proven gap. Raises
    SitingInputError, naming the row or parameter, for input the models cannot use.
    """
    started = time.monotonic()
    if model not in MODELS:
        raise SitingInputError(f"model: {model!r} is not one of {', '.join(MODELS)}")
    if not isinstance(demand, Points) or not isinstance(candidates, Points):
        raise SitingInputError("demand and candidates must be Points")
    if len(candidates) == 0:
        raise SitingInputError("candidates: there are no candidate sites")
    if not isinstance(time_limit, int | float) or not time_limit > 0:
        raise SitingInputError(f"time_limit: {time_limit!r} must be a positive number of seconds")
    if not isinstance(mip_gap, int | float) or not 0 <= mip_gap < 1:
        raise SitingInputError(f"mip_gap: {mip_gap!r} must be at least 0 and below 1")
    w = _check_weights(demand, weights)
    if not (w > 0).any():
        raise SitingInputError(
            "weights: every demand point has weight 0, so there is nobody to serve"
        )
    detour = _check_detour(detour)
    if model in NEEDS_P:
        p = _check_p(p, len(candidates))
    elif p is not None:
        raise SitingInputError("p: lscp finds the number of sites itself; leave p out")
    if model in NEEDS_RADIUS:
        radius_km = _check_radius(radius_km)
    elif radius_km is not None:
        radius_km = _check_radius(radius_km)  # only reported: people within it, before and after
    sites = _sites(candidates, existing)
    n_existing = len(sites) - len(candidates)
    report = progress or (lambda fraction, message: None)
    report(0.0, "Checking the input")
    full_metric = make_metric(demand, sites, detour, distances)
    rows, model_w = _reduce_demand(demand, w, distances)
    metric = full_metric.subset_rows(rows)
    problem = Problem(
        metric=metric,
        weights=model_w,
        n_candidates=len(candidates),
        n_existing=n_existing,
        p=p,
        radius_km=radius_km,
        # The search stops a little early so that the answer (assignments, result) is ready
        # within the limit.
        deadline=started + float(time_limit) - min(0.05 * float(time_limit), SEARCH_RESERVE),
        mip_gap=float(mip_gap),
        progress=lambda fraction, message: report(0.02 + 0.9 * fraction, message),
    )
    ids = [demand.ids[r] for r in rows]
    if model == "mclp":
        solution = solve_mclp(problem)
    elif model == "lscp":
        solution = solve_lscp(problem, ids)
    elif model == "pcenter":
        solution = solve_pcenter(problem, ids)
    else:
        solution = solve_pmedian(problem, ids)
    report(0.95, "Measuring the result")
    selected = np.sort(np.asarray(solution.selected, dtype=np.int64))
    open_cols = np.concatenate([np.arange(len(candidates), len(sites)), selected])
    coverage = _coverage(full_metric, sites, demand, w, open_cols, radius_km)
    reductions = dict(solution.reductions)
    reductions["distinct_locations"] = int(rows.size)
    gap = 0.0 if solution.optimal else solution.gap
    result = SitingResult(
        model=model,
        selected=[candidates.ids[j] for j in selected],
        existing=list(existing.ids) if existing is not None else [],
        objective=float(solution.objective),
        bound=float(solution.bound),
        covered_weight=coverage.covered_weight,
        total_weight=coverage.total_weight,
        mean_distance_km=coverage.mean_distance_km,
        max_distance_km=coverage.max_distance_km,
        unreachable_weight=coverage.unreachable_weight,
        optimal=bool(solution.optimal or gap <= OPTIMAL_TOLERANCE),
        gap=float(gap),
        seconds=round(time.monotonic() - started, 3),
        p=p,
        radius_km=radius_km,
        detour=None if distances is not None else detour,
        assignments=coverage.assignments,
        reductions=reductions,
    )
    report(1.0, "Done")
    return result


def _coverage(
    metric: Metric, sites: Points, demand: Points, w: np.ndarray, open_cols, radius_km
) -> Coverage:
    site_col, km = metric.nearest(np.asarray(open_cols, dtype=np.int64))
    reachable = site_col >= 0
    counted = reachable & (w > 0)
    total = float(w.sum())
    served_w = float(w[counted].sum())
    mean = float(w[counted] @ km[counted] / served_w) if served_w > 0 else None
    worst = float(km[counted].max()) if counted.any() else None
    covered = float(w[reachable & (km <= radius_km)].sum()) if radius_km is not None else served_w
    assignments = [
        Assignment(d, sites.ids[c] if c >= 0 else None, float(k) if c >= 0 else None)
        for d, c, k in zip(demand.ids, site_col.tolist(), km.tolist(), strict=True)
    ]
    return Coverage(
        covered_weight=covered,
        total_weight=total,
        mean_distance_km=mean,
        max_distance_km=worst,
        unreachable_weight=float(w[~reachable].sum()),
        radius_km=radius_km,
        assignments=assignments,
    )


def evaluate(
    *,
    demand: Points,
    weights,
    sites: Points,
    radius_km: float | None,
    detour: float = DEFAULT_DETOUR,
    distances: DistanceTable | None = None,
) -> Coverage:
    """How `sites` (all open) serve the demand: weight within `radius_km`, weighted mean and
    worst distance to the nearest site, and each point's nearest site (for before/after)."""
    w = _check_weights(demand, weights)
    detour = _check_detour(detour)
    if radius_km is not None:
        radius_km = _check_radius(radius_km)
    metric = make_metric(demand, sites, detour, distances)
    return _coverage(metric, sites, demand, w, np.arange(len(sites)), radius_km)


__all__ = ["evaluate", "solve"]
