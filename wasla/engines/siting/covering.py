"""Covering models: MCLP (Church & ReVelle 1974) and LSCP (Toregas et al. 1971).

Both depend on a demand point only through the set of sites within the radius, so demand
points with the same set are merged (weights summed), points an existing office already
covers drop out, and points no candidate reaches drop out of MCLP. None of this changes which
sites are optimal or the covered weight.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from . import highs
from .data import SitingInputError
from .problem import Problem, Solution, group_identical_rows


def _coverage(problem: Problem, model: str):
    pairs = problem.metric.within(problem.radius_km)
    n = problem.metric.n_rows
    m = problem.n_candidates
    if len(pairs) == 0:
        raise SitingInputError(
            f"radius_km: no demand point is within {problem.radius_km:g} km of any {model} site; "
            "increase the radius"
        )
    by_existing = np.zeros(n, dtype=bool)
    by_existing[pairs.rows[pairs.cols >= m]] = True
    keep = pairs.cols < m
    keep &= ~by_existing[pairs.rows]
    # One integer key orders pairs by row, then column, much faster than a lexsort.
    key = np.sort(pairs.rows[keep] * np.int64(max(1, m)) + pairs.cols[keep])
    rows, cols = key // max(1, m), key % max(1, m)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return by_existing, indptr, cols


def _groups(problem: Problem, indptr: np.ndarray, cols: np.ndarray, active: np.ndarray):
    """Merge active rows with identical candidate sets: returns the group-by-candidate matrix."""
    rows = np.flatnonzero(active)
    lengths = np.diff(indptr)
    pair_rows = np.repeat(np.arange(lengths.size), lengths)
    sub_indptr = np.concatenate(([0], np.cumsum(lengths[rows])))
    sub_cols = cols[active[pair_rows]]
    labels, firsts = group_identical_rows(sub_indptr, sub_cols)
    group_weight = np.bincount(labels, weights=problem.weights[rows], minlength=firsts.size)
    first_rows = rows[firsts]
    is_first = np.zeros(lengths.size, dtype=bool)
    is_first[first_rows] = True
    first_pairs = is_first[pair_rows]
    group_of_row = np.full(lengths.size, -1, dtype=np.int64)
    group_of_row[first_rows] = np.arange(firsts.size)
    g_rows = group_of_row[pair_rows[first_pairs]]
    g_cols = cols[first_pairs]
    incidence = sparse.csr_matrix(
        (np.ones(g_rows.size), (g_rows, g_cols)), shape=(firsts.size, problem.n_candidates)
    )
    return incidence, group_weight, first_rows


LAGRANGIAN_NNZ = 400_000  # coverage pairs above which the MCLP is solved by Benders


def solve_mclp(problem: Problem) -> Solution:
    problem.progress(0.05, "Finding who each site can reach")
    by_existing, indptr, cols = _coverage(problem, "candidate or existing")
    w = problem.weights
    p = problem.p
    coverable = (indptr[1:] > indptr[:-1]) & ~by_existing
    base = float(w[by_existing].sum())
    incidence, gw, _ = _groups(problem, indptr, cols, coverable)
    reductions = {
        "demand_points": int(w.size),
        "covered_by_existing": int(by_existing.sum()),
        "uncoverable": int((~coverable & ~by_existing).sum()),
        "coverage_groups": int(gw.size),
    }
    problem.progress(0.2, "Greedy start")
    best = _greedy_cover(incidence, gw, p)
    if gw.size == 0:
        return Solution(best, base, base, True, reductions)
    if incidence.nnz > LAGRANGIAN_NNZ:
        # Large: the LP over all groups would take minutes; Benders decomposition keeps only
        # the site variables and a few aggregated cuts (Cordeau, Furini & Ljubic 2019).
        problem.progress(0.25, "Bounding by Benders decomposition")
        best, upper = _mclp_benders(problem, incidence, gw, p, best)
        objective = _covered(incidence, gw, best)
        bound = max(objective, upper)
        optimal = bound - objective <= 1e-9 * max(1.0, objective)
        return Solution(best, base + objective, base + bound, optimal, reductions)
    problem.progress(0.3, "Solving the LP relaxation")
    h = _mclp_model(problem, incidence, gw, p)
    h.setOptionValue("solve_relaxation", True)
    relaxed = highs.run(h, is_mip=False, deadline=problem.deadline)
    if relaxed.status != "optimal" or relaxed.values is None:
        return Solution(best, base + _covered(incidence, gw, best), float("inf"), False, reductions)
    m = problem.n_candidates
    y_lp = relaxed.values[:m]
    upper = relaxed.objective
    if np.all(np.abs(y_lp - np.round(y_lp)) <= 1e-9):
        selected = np.flatnonzero(y_lp > 0.5)
        return Solution(
            selected, base + _covered(incidence, gw, selected), base + upper, True, reductions
        )
    rounded = np.sort(np.lexsort((np.arange(m), -y_lp))[:p])
    rounded = _swap_cover(incidence, gw, rounded)
    if _covered(incidence, gw, rounded) > _covered(incidence, gw, best):
        best = rounded
    incumbent = _covered(incidence, gw, best)
    # Reduced-cost fixing: flipping y_j away from its LP bound costs at least |reduced cost|,
    # so where that drops the LP bound below the incumbent, no better solution flips it.
    reduced = np.abs(np.asarray(h.getSolution().col_dual)[:m])
    margin = 1e-7 * max(1.0, upper)
    at_zero, at_one = y_lp <= 1e-9, y_lp >= 1 - 1e-9
    decided = (at_zero | at_one) & (upper - reduced < incumbent - margin)
    ones = np.flatnonzero(decided & at_one)
    free = np.flatnonzero(~decided)
    reductions["candidates_fixed"] = int(decided.sum())
    problem.progress(0.5, "Solving the covering model")
    found, bound = _mclp_reduced(problem, incidence, gw, ones, free, p - ones.size, best)
    if found is not None and _covered(incidence, gw, found) > incumbent:
        best = found
    objective = _covered(incidence, gw, best)
    bound = max(objective, min(upper, bound))
    optimal = bound - objective <= 1e-9 * max(1.0, objective)
    return Solution(best, base + objective, base + bound, optimal, reductions)


def _mclp_benders(problem: Problem, incidence, gw, p, best):
    """The MCLP by Benders decomposition (Cordeau, Furini & Ljubic 2019), multi-cut.

    The master keeps y (one per candidate) and one variable theta_k per cluster of groups
    (clusters: the first incumbent site covering a group, the rest in one more cluster). For
    any y^, the covered weight of cluster k is at most
        sum of w_g over its groups covered by y^ (s_g >= 1)
        + sum_j y_j * (sum of w_g over its groups with s_g < 1 that j covers),
    since w_g min(1, s_g) <= w_g and <= w_g s_g: an optimality cut, valid for every y, tight
    at y^. Cuts are first added at LP points (in-out stabilised, Ben-Ameur & Neto 2007) to
    reach the LP bound, then the master is solved as a MIP with all cuts so far, adding the
    cuts of its answer until its bound meets the best covered weight found (the master is a
    relaxation, so its bound is always valid). Returns (best selection, upper bound)."""
    _g, m = incidence.shape
    at = incidence.T.tocsr()
    csc = incidence.tocsc()
    incumbent = _covered(incidence, gw, best)
    labels = np.full(gw.size, best.size, dtype=np.int64)
    for r in range(best.size - 1, -1, -1):
        j = best[r]
        labels[csc.indices[csc.indptr[j] : csc.indptr[j + 1]]] = r
    k_count = best.size + 1
    cluster = sparse.csr_matrix(
        (np.ones(gw.size), (np.arange(gw.size), labels)), shape=(gw.size, k_count)
    )
    cap = np.bincount(labels, weights=gw, minlength=k_count)
    h = highs.new_highs(problem.remaining(), problem.mip_gap)
    h.addVars(m + k_count, np.zeros(m + k_count), np.concatenate([np.ones(m), cap]))
    h.changeColsCost(
        m + k_count,
        np.arange(m + k_count, dtype=np.int32),
        np.concatenate([np.zeros(m), np.ones(k_count)]),
    )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.addRow(p, p, m, np.arange(m, dtype=np.int32), np.ones(m))

    def cuts(y):
        s = incidence @ y
        values = np.bincount(labels, weights=gw * np.minimum(1.0, s), minlength=k_count)
        open_ = s < 1.0 - 1e-9
        coefficients = (at @ sparse.diags(gw * open_) @ cluster).tocsc()  # m x clusters
        constants = np.bincount(labels, weights=gw * ~open_, minlength=k_count)
        return values, coefficients, constants

    def add(coefficients, constants, which):
        for k in which:
            lo, hi = coefficients.indptr[k], coefficients.indptr[k + 1]
            index = np.concatenate([coefficients.indices[lo:hi], [m + k]]).astype(np.int32)
            value = np.concatenate([-coefficients.data[lo:hi], [1.0]])
            h.addRow(-highs.INF, float(constants[k]), index.size, index, value)

    def start_at(selection):
        y = np.zeros(m)
        y[selection] = 1.0
        return y

    _v, a, c = cuts(start_at(best))
    add(a, c, range(k_count))
    scale = max(1.0, float(gw.sum()))
    core, lam = np.full(m, p / m), 0.3
    upper = float(cap.sum())
    for _ in range(2000):  # the LP cut loop
        outcome = highs.run(h, is_mip=False, deadline=problem.deadline)
        if outcome.status != "optimal" or outcome.values is None:
            return best, upper
        y, theta = outcome.values[:m], outcome.values[m:]
        upper = min(upper, float(theta.sum()))
        values, a, c = cuts(y)
        if values.sum() > incumbent and np.all(np.abs(y - np.round(y)) <= 1e-9):
            best, incumbent = np.flatnonzero(y > 0.5), float(values.sum())
        if theta.sum() - values.sum() <= 1e-9 * scale:
            if lam < 1.0:
                lam = 1.0  # stabilisation off to finish at the LP point itself
                continue
            break
        if upper - incumbent <= 1e-9 * max(1.0, incumbent):
            return best, upper
        separation = lam * y + (1.0 - lam) * core
        _v, a2, c2 = cuts(separation)
        violated = np.flatnonzero(theta > c2 + a2.T @ y + 1e-9 * scale)
        if violated.size == 0:
            violated = np.flatnonzero(theta > values + 1e-9 * scale)
            if violated.size == 0:
                break
            a2, c2 = a, c
        add(a2, c2, violated)
        core = separation
    problem.progress(0.5, "Solving the covering model")
    h.changeColsIntegrality(
        m, np.arange(m, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * m)
    )
    while problem.remaining() > 0 and upper - incumbent > 1e-9 * max(1.0, incumbent):
        y0 = start_at(best)
        highs.set_start(h, np.concatenate([y0, cuts(y0)[0]]))
        outcome = highs.run(h, is_mip=True, deadline=problem.deadline)
        if np.isfinite(outcome.bound):
            upper = min(upper, outcome.bound)
        if outcome.values is None:
            break
        y = np.round(outcome.values[:m])
        values, a, c = cuts(y)
        if values.sum() > incumbent:
            best, incumbent = np.flatnonzero(y > 0.5), float(values.sum())
        if outcome.status != "optimal":
            break
        if upper - incumbent <= problem.mip_gap * max(1.0, incumbent):
            break
        violated = np.flatnonzero(outcome.values[m:] > values + 1e-9 * scale)
        if violated.size == 0:
            break
        add(a, c, violated)
    return np.sort(best), upper


def _covered(incidence: sparse.csr_matrix, gw: np.ndarray, selected: np.ndarray) -> float:
    y = np.zeros(incidence.shape[1])
    y[selected] = 1.0
    return float(gw @ np.minimum(1.0, incidence @ y))


def _mclp_model(problem: Problem, incidence: sparse.csr_matrix, gw: np.ndarray, p: int):
    """max sum w_g z_g; z_g <= sum of y over the group's sites; sum y = p (Church & ReVelle)."""
    g, m = incidence.shape
    # Columns: y (m, binary) then z (g, continuous: integral once y is, as the model maximises).
    a_zy = sparse.hstack([-incidence, sparse.identity(g)])
    a_card = sparse.csr_matrix(np.concatenate([np.ones(m), np.zeros(g)])[None, :])
    h = highs.new_highs(problem.remaining(), problem.mip_gap)
    highs.pass_model(
        h,
        cost=np.concatenate([np.zeros(m), gw]),
        col_lower=np.zeros(m + g),
        col_upper=np.ones(m + g),
        matrix=sparse.vstack([a_zy, a_card]),
        row_lower=np.concatenate([np.full(g, -highs.INF), [p]]),
        row_upper=np.concatenate([np.zeros(g), [p]]),
        integer=np.concatenate([np.ones(m, dtype=bool), np.zeros(g, dtype=bool)]),
        maximize=True,
    )
    return h


def _mclp_reduced(problem: Problem, incidence, gw, ones, free, p_left, start=None):
    """The MCLP over the free candidates once some are fixed: (best selection or None, bound)
    on the covered weight; the bound only speaks for selections beating the incumbent."""
    fixed = np.zeros(incidence.shape[1])
    fixed[ones] = 1.0
    done = (incidence @ fixed) > 0
    const = float(gw[done].sum())
    sub = incidence[~done][:, free].tocsr()
    sub_w = gw[~done]
    keep = np.diff(sub.indptr) > 0
    sub, sub_w = sub[keep], sub_w[keep]
    if p_left <= 0 or free.size == 0 or sub_w.size == 0:
        return np.sort(np.concatenate([ones, free[: max(0, p_left)]])), const + float(sub_w.sum())
    if free.size <= p_left:
        return np.sort(np.concatenate([ones, free])), const + float(sub_w.sum())
    h = _mclp_model(problem, sub, sub_w, p_left)
    if start is not None and np.isin(start, free).sum() == p_left and np.isin(ones, start).all():
        # The incumbent as a start lets HiGHS prune with its value from the first node.
        y0 = np.isin(free, start).astype(np.float64)
        highs.set_start(h, np.concatenate([y0, np.minimum(1.0, sub @ y0)]))
    outcome = highs.run(h, is_mip=True, deadline=problem.deadline)
    bound = const + (outcome.bound if np.isfinite(outcome.bound) else float(sub_w.sum()))
    if outcome.status == "infeasible":
        return None, const
    if not outcome.has_solution:
        return None, bound
    chosen = free[np.flatnonzero(outcome.values[: free.size] > 0.5)]
    return np.sort(np.concatenate([ones, chosen])), bound


def _greedy_cover(incidence: sparse.csr_matrix, gw: np.ndarray, p: int) -> np.ndarray:
    """p candidates, each adding the most uncovered weight (ties: lowest candidate index)."""
    m = incidence.shape[1]
    uncovered = gw.copy()
    csc = incidence.tocsc()
    chosen: list[int] = []
    available = np.ones(m, dtype=bool)
    for _ in range(p):
        gains = incidence.T @ uncovered
        gains[~available] = -1.0
        j = int(np.argmax(gains))
        chosen.append(j)
        available[j] = False
        uncovered[csc.indices[csc.indptr[j] : csc.indptr[j + 1]]] = 0.0
    return _swap_cover(incidence, gw, np.sort(np.asarray(chosen, dtype=np.int64)))


def _swap_cover(incidence: sparse.csr_matrix, gw: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Best-improvement swaps (one site out, one in) until none adds covered weight."""
    m = incidence.shape[1]
    at = incidence.T.tocsr()
    selected = np.zeros(m, dtype=bool)
    selected[chosen] = True
    for _ in range(10 * m):
        count = incidence @ selected.astype(np.float64)
        gain = at @ (gw * (count == 0))  # weight a candidate would newly cover
        sole = gw * (count == 1)
        members = np.flatnonzero(selected)
        # Weight each selected site alone covers (lost when it leaves), per site, and the part
        # of it a newcomer would cover anyway.
        only = incidence[:, members].multiply(sole[:, None]).tocsc()
        loss = np.asarray(only.sum(axis=0)).ravel()
        kept = (at @ only).toarray()
        delta = gain[:, None] - loss[None, :] + kept
        delta[selected, :] = -np.inf
        j, r = np.unravel_index(int(np.argmax(delta)), delta.shape)
        if delta[j, r] <= 1e-9 * max(1.0, float(gw.sum())):
            break
        selected[members[r]] = False
        selected[j] = True
    return np.flatnonzero(selected)


def solve_lscp(problem: Problem, demand_ids: list[str]) -> Solution:
    problem.progress(0.05, "Finding who each site can reach")
    by_existing, indptr, cols = _coverage(problem, "candidate or existing")
    reach = indptr[1:] > indptr[:-1]
    stranded = np.flatnonzero(~reach & ~by_existing)
    if stranded.size:
        names = ", ".join(repr(demand_ids[i]) for i in stranded[:5])
        more = f" and {stranded.size - 5} more" if stranded.size > 5 else ""
        raise SitingInputError(
            f"radius_km: demand points {names}{more} are farther than {problem.radius_km:g} km from "
            "every candidate and existing site, so no set of sites covers everyone; add candidates, "
            "increase the radius or give these points weight 0"
        )
    must = reach & ~by_existing
    incidence, gw, _ = _groups(problem, indptr, cols, must)
    m, g = problem.n_candidates, gw.size
    reductions = {
        "demand_points": int(reach.size),
        "covered_by_existing": int(by_existing.sum()),
        "coverage_groups": int(g),
    }
    if g == 0:
        return Solution(np.zeros(0, dtype=np.int64), 0.0, 0.0, True, reductions)
    start = _greedy_set_cover(incidence)
    h = highs.new_highs(problem.remaining(), problem.mip_gap)
    highs.pass_model(
        h,
        cost=np.ones(m),
        col_lower=np.zeros(m),
        col_upper=np.ones(m),
        matrix=incidence,
        row_lower=np.ones(g),
        row_upper=np.full(g, highs.INF),
        integer=np.ones(m, dtype=bool),
    )
    y0 = np.zeros(m)
    y0[start] = 1
    problem.progress(0.3, "Solving the set covering model")
    outcome = highs.run_lp_first(h, integer=np.arange(m), start=y0, deadline=problem.deadline)
    if not outcome.has_solution:
        return Solution(start, float(start.size), float("-inf"), False, reductions)
    selected = np.flatnonzero(outcome.values > 0.5)
    objective = float(selected.size)
    bound = float(np.ceil(outcome.bound - 1e-6))
    return Solution(selected, objective, min(bound, objective), bound >= objective, reductions)


def _greedy_set_cover(incidence: sparse.csr_matrix) -> np.ndarray:
    """Chvátal's greedy: the candidate covering most uncovered groups, until all are covered."""
    uncovered = np.ones(incidence.shape[0])
    csc = incidence.tocsc()
    chosen: list[int] = []
    while uncovered.any():
        gains = incidence.T @ uncovered
        j = int(np.argmax(gains))
        chosen.append(j)
        uncovered[csc.indices[csc.indptr[j] : csc.indptr[j + 1]]] = 0.0
    return np.sort(np.asarray(chosen, dtype=np.int64))
