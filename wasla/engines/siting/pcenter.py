"""p-center: open p new sites so that the farthest demand point is as near as possible.

Exact by bisection over the distinct distances (the optimum is one of them): a radius is
feasible when at most p new sites, with the existing ones, put every demand point within it,
which is a set covering question (greedy first, a HiGHS MIP when greedy needs more than p).
Weights only decide who counts (weight > 0); the worst trip is the same for one person or many.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from . import highs
from .covering import _greedy_set_cover
from .data import SitingInputError
from .problem import Problem, Solution, group_identical_rows


def _farthest_first(
    problem: Problem, start_km: np.ndarray, chosen: list[int]
) -> tuple[list[int], np.ndarray]:
    """Add sites one by one, each the candidate nearest to the currently worst-served point."""
    metric, m, p = problem.metric, problem.n_candidates, problem.p
    chosen = [int(j) for j in chosen]
    current = start_km.copy()
    if chosen:
        np.minimum(current, metric.nearest(np.asarray(chosen, dtype=np.int64))[1], out=current)
    available = np.ones(m, dtype=bool)
    available[chosen] = False
    while len(chosen) < p:
        worst = int(np.argmax(current))
        row = metric.block(np.array([worst]), np.arange(m))[0]
        row[~available] = np.inf
        j = int(np.argmin(row))
        if not np.isfinite(row[j]):
            j = int(np.flatnonzero(available)[0])
        chosen.append(j)
        available[j] = False
        np.minimum(current, metric.block(slice(None), np.array([j]))[:, 0], out=current)
    return chosen, current


def solve_pcenter(problem: Problem, demand_ids: list[str]) -> Solution:
    metric = problem.metric
    n = metric.n_rows
    problem.progress(0.05, "Finding the nearest sites")
    _, nearest_any = metric.nearest(np.arange(metric.n_cols))
    stranded = np.flatnonzero(~np.isfinite(nearest_any))
    if stranded.size:
        raise SitingInputError(
            f"distance matrix: demand point {demand_ids[stranded[0]]!r} cannot reach any candidate "
            "or existing site"
        )
    lower = float(nearest_any.max()) if n else 0.0
    _, existing_km = metric.nearest(problem.existing_cols)
    chosen, served = _farthest_first(problem, existing_km, [])
    upper = float(served.max()) if n else 0.0
    best = chosen
    reductions = {"demand_points": int(n)}
    if upper <= lower:
        return Solution(np.sort(np.asarray(best, dtype=np.int64)), upper, upper, True, reductions)
    pairs = metric.within(upper)
    values = np.unique(pairs.km[pairs.km >= lower])
    lo = int(np.searchsorted(values, lower)) - 1  # everything at or below values[lo] is infeasible
    hi = int(np.searchsorted(values, upper))
    reductions["distinct_distances"] = int(values.size)
    proven = True
    steps = max(1, int(np.ceil(np.log2(max(2, hi - lo)))))
    step = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        step += 1
        problem.progress(0.1 + 0.85 * min(1.0, step / steps), "Testing a worst-trip distance")
        verdict, sites = _feasible(problem, pairs, existing_km, values[mid])
        if verdict is None:
            proven = False
            break
        if verdict:
            hi, best = mid, sites
        else:
            lo = mid
    chosen, served = _farthest_first(problem, existing_km, list(best))
    objective = float(served.max())
    bound = float(values[lo + 1]) if lo + 1 < values.size else objective
    if proven:
        bound = objective
    return Solution(
        np.sort(np.asarray(chosen, dtype=np.int64)), objective, bound, proven, reductions
    )


def _feasible(problem: Problem, pairs, existing_km: np.ndarray, radius: float):
    """True (with sites) if p new sites can serve every point within radius, False if not,
    None if the time limit stopped the proof."""
    m, p = problem.n_candidates, problem.p
    need = existing_km > radius
    keep = (pairs.km <= radius) & (pairs.cols < m) & need[pairs.rows]
    rows, cols = pairs.rows[keep], pairs.cols[keep]
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    n = problem.metric.n_rows
    counts = np.bincount(rows, minlength=n)
    if np.any(need & (counts == 0)):
        return False, []
    needed = np.flatnonzero(need)
    if needed.size == 0:
        return True, []
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    sub_indptr = np.concatenate(([0], np.cumsum(counts[needed])))
    _, firsts = group_identical_rows(sub_indptr, cols)
    first_rows = needed[firsts]
    g_counts = counts[first_rows]
    g_rows = np.repeat(np.arange(firsts.size), g_counts)
    g_cols = np.concatenate([cols[indptr[r] : indptr[r + 1]] for r in first_rows])
    incidence = sparse.csr_matrix((np.ones(g_rows.size), (g_rows, g_cols)), shape=(firsts.size, m))
    greedy = _greedy_set_cover(incidence)
    if greedy.size <= p:
        return True, list(greedy)
    g = firsts.size
    card = sparse.csr_matrix(np.ones((1, m)))
    h = highs.new_highs(problem.remaining())
    highs.pass_model(
        h,
        cost=np.ones(m),
        col_lower=np.zeros(m),
        col_upper=np.ones(m),
        matrix=sparse.vstack([incidence, card]),
        row_lower=np.concatenate([np.ones(g), [0]]),
        row_upper=np.concatenate([np.full(g, highs.INF), [p]]),
        integer=np.ones(m, dtype=bool),
    )
    outcome = highs.run_lp_first(h, integer=np.arange(m), start=None, deadline=problem.deadline)
    if outcome.status == "infeasible":
        return False, []
    if outcome.has_solution:
        return True, list(np.flatnonzero(outcome.values > 0.5))
    return None, []
