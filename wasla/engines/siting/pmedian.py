"""p-median (Hakimi 1964): open p new sites to minimise the weighted total (so the mean) trip.

The dense assignment formulation (a variable per demand-site pair) does not scale, so the
engine solves the radius formulation of García, Labbé & Marín (2011) by Benders
decomposition, as Duran-Mateluna, Ales & Elloumi (2023) do: a master problem over the site
variables y and one cost variable per group of demand points, and cuts computed in numpy.

For one demand point i with travel distances d_ij and any distance D,
    cost_i(y) >= D - sum_j max(0, D - d_ij) y_j
holds for every (even fractional) opening y, with equality when D is the distance at which
the sites ordered by distance first sum to one. So only the pairs with d_ij below D are ever
needed: the engine keeps, per point, the sites up to the second-nearest open site of the best
known solution (and never beyond the nearest existing office, which is always open), and
widens that list when a solution sends a point farther. Cuts of points in one group are
summed. First the LP relaxation is closed by cutting planes (its value is a proven lower
bound), then the master becomes a MIP until its bound meets the best solution.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import sparse

from . import highs
from .data import SitingInputError
from .distance import PairSet
from .problem import OPTIMAL_TOLERANCE, Problem, Solution, relative_gap

LP_ROUNDS = 3  # LP phases, the pairs widened for the best solution between them
SAMPLE_ROWS = 3000  # demand points the start heuristic works on
SINGLE_CUT_ROWS = 3000
# Pairs kept for cuts, bounding memory and time; beyond it each point keeps only its nearest
# sites, which keeps every cut valid but may leave a gap the engine then reports.
PAIR_BUDGET = 20_000_000  # about 2 GB at peak
STABILISATION = 0.5  # in-out separation: weight of the LP point against the best solution
# Cut coefficients are summed into a dense (group x site) array while it stays this small; a
# sparse sort of every pair is the slower fallback.
DENSE_CUT_CELLS = 8_000_000


def solve_pmedian(problem: Problem, demand_ids: list[str]) -> Solution:
    metric = problem.metric
    n = metric.n_rows
    cols_all = np.arange(metric.n_cols)
    _, nearest_any = metric.nearest(cols_all)
    stranded = np.flatnonzero(~np.isfinite(nearest_any))
    if stranded.size:
        raise SitingInputError(
            f"distance matrix: demand point {demand_ids[stranded[0]]!r} cannot reach any candidate "
            "or existing site"
        )
    _, existing_km = metric.nearest(problem.existing_cols)
    problem.progress(0.05, "Finding a good first solution")
    start = _start_heuristic(problem)
    best, best_cost, served = _evaluate(problem, start)
    benders = _Benders(problem, best, served, existing_km)
    lower = 0.0
    tried: set[tuple[int, ...]] = set()
    for _ in range(LP_ROUNDS):
        lower = max(lower, benders.lp_phase(lambda y: _round(problem, y)))
        for candidate in benders.incumbents:
            key = tuple(int(j) for j in candidate)
            if key in tried or problem.remaining() <= 0:
                continue
            tried.add(key)
            sel, cost, srv = _evaluate(problem, candidate)
            if cost < best_cost - 1e-9 * max(1.0, best_cost):
                best, best_cost, served = sel, cost, srv
        if relative_gap(best_cost, lower) <= OPTIMAL_TOLERANCE or problem.remaining() <= 0:
            break
        # A better solution than the one the pairs were listed for may send points beyond
        # their listed sites, where its cuts are loose: list more and close the LP again.
        if not np.any(served > benders.caps):
            break
        benders.widen(served)
        benders.add_cuts(benders.full_y(best), np.zeros(benders.n_groups))
    lower, best, best_cost = benders.mip_phase(
        lower, best, best_cost, lambda sel: _evaluate(problem, sel)
    )
    gap = relative_gap(best_cost, lower)
    optimal = gap <= OPTIMAL_TOLERANCE
    reductions = dict(benders.reductions)
    reductions["demand_points"] = int(n)
    return Solution(np.sort(best), best_cost, min(lower, best_cost), optimal, reductions)


def _evaluate(problem: Problem, selected: np.ndarray):
    """Weighted total distance when the selected candidates and the existing sites are open."""
    selected = np.sort(np.asarray(selected, dtype=np.int64))
    open_cols = np.concatenate([problem.existing_cols, selected])
    _, km = problem.metric.nearest(open_cols)
    return selected, float(problem.weights @ km), km


def _round(problem: Problem, y: np.ndarray) -> np.ndarray:
    """The p candidates with the largest LP value (ties: candidate order)."""
    order = np.lexsort((np.arange(problem.n_candidates), -y[: problem.n_candidates]))
    return np.sort(order[: problem.p])


def _start_heuristic(problem: Problem) -> np.ndarray:
    """Greedy then vertex substitution (Teitz & Bart 1968) on a seeded sample of the demand."""
    metric, m, p = problem.metric, problem.n_candidates, problem.p
    n = metric.n_rows
    if n > SAMPLE_ROWS:
        rows = np.sort(np.random.default_rng(0).choice(n, SAMPLE_ROWS, replace=False))
    else:
        rows = np.arange(n)
    w = problem.weights[rows]
    dist = metric.block(rows)
    cand = dist[:, :m]
    big = (
        np.nanmax(np.where(np.isfinite(dist), dist, np.nan)) * 10 + 1.0
        if np.isfinite(dist).any()
        else 1.0
    )
    cand = np.where(np.isfinite(cand), cand, big)
    fixed = dist[:, m:]
    base = (
        np.where(np.isfinite(fixed), fixed, big).min(axis=1)
        if fixed.shape[1]
        else np.full(rows.size, big * 10)
    )
    chosen: list[int] = []
    current = base.copy()
    for _ in range(p):
        gains = w @ np.maximum(0.0, current[:, None] - cand)
        gains[chosen] = -1.0
        j = int(np.argmax(gains))
        chosen.append(j)
        np.minimum(current, cand[:, j], out=current)

    def cost_of(sites: list[int]) -> float:
        return float(w @ np.minimum(base, cand[:, sites].min(axis=1)))

    best_cost = cost_of(chosen)
    improved = True
    while improved and problem.remaining() > 0:
        improved = False
        for position in range(p):
            others = chosen[:position] + chosen[position + 1 :]
            rest = np.minimum(base, cand[:, others].min(axis=1)) if others else base
            costs = w @ np.minimum(rest[:, None], cand)
            costs[others] = np.inf
            j = int(np.argmin(costs))
            if costs[j] < best_cost - 1e-9 * max(1.0, best_cost):
                chosen[position] = j
                best_cost = float(costs[j])
                improved = True
    return np.sort(np.asarray(chosen, dtype=np.int64))


def _by_distance(pairs: PairSet) -> PairSet:
    """The same pairs, each point's in order of distance (ties: site order).

    Pairs are grouped by point already, so a block of points at a time is sorted on one key,
    the point's place in the block times a span above every distance plus the distance."""
    if len(pairs) == 0:
        return pairs
    span = float(pairs.km.max()) * 2.0 + 1.0
    order = np.empty(len(pairs), dtype=np.int64)
    bounds = pairs.indptr[:: max(1, pairs.n_rows * 200_000 // len(pairs))]
    bounds = np.unique(np.append(bounds, len(pairs)))
    for start, stop in itertools.pairwise(bounds.tolist()):
        rows = pairs.rows[start:stop]
        key = (rows - rows[0]).astype(np.float64) * span + pairs.km[start:stop]
        order[start:stop] = start + np.argsort(key, kind="stable")
    pairs.rows, pairs.cols, pairs.km = pairs.rows[order], pairs.cols[order], pairs.km[order]
    return pairs


class _Benders:
    def __init__(
        self, problem: Problem, best: np.ndarray, served: np.ndarray, existing_km: np.ndarray
    ):
        self.problem = problem
        self.metric = problem.metric
        self.m = problem.n_candidates
        self.n_cols = self.metric.n_cols
        self.w = problem.weights
        self.existing_km = existing_km
        self.incumbents: list[np.ndarray] = []
        self.reductions: dict[str, int] = {}
        self.floor = np.minimum(served, existing_km)
        self.caps = self._caps_for(best, served)
        problem.progress(0.15, "Listing the sites near each demand point")
        self._list_pairs()
        n = self.metric.n_rows
        if n <= SINGLE_CUT_ROWS:
            self.group = np.arange(n)
        else:
            # Points whose nearest listed site is the same share a cost variable.
            pr = self.pairs
            nearest_km = np.minimum.reduceat(pr.km, pr.indptr[:-1])
            at_min = np.flatnonzero(pr.km == nearest_km[pr.rows])
            _, first = np.unique(pr.rows[at_min], return_index=True)
            _, self.group = np.unique(pr.cols[at_min[first]], return_inverse=True)
        self.n_groups = int(self.group.max()) + 1 if n else 0
        self.reductions.update(site_pairs=len(self.pairs), cost_groups=self.n_groups)
        self._index_pairs()
        self._build_master(best)

    def _caps_for(self, best: np.ndarray, served: np.ndarray) -> np.ndarray:
        open_cols = np.concatenate([self.problem.existing_cols, best])
        # Up to the second-nearest open site: cuts stay tight near the best solution.
        if open_cols.size >= 2:
            second = np.full(self.metric.n_rows, np.inf)
            for start, stop in self.metric.row_chunks():
                block = self.metric.block(slice(start, stop), open_cols)
                second[start:stop] = np.partition(block, 1, axis=1)[:, 1]
            served = np.maximum(served, second)
        return np.minimum(served, self.existing_km)

    def _list_pairs(self) -> None:
        """The sites within each point's cap, limited to its nearest when the pairs would exceed
        PAIR_BUDGET (a crowded point's cap drops to its farthest listed site, so nearer ones are
        all listed). The limit never cuts a point's list below the sites up to its own distance
        in the best known solution (its floor), so the cuts stay exact there; only if those
        alone exceed the budget does the limit apply to them too."""
        counts = self.metric.count_within_caps(self.caps)
        self.limits = None
        limit = 0
        if counts.sum() > PAIR_BUDGET:
            floor_counts = self.metric.count_within_caps(np.minimum(self.floor, self.caps))
            options = np.arange(1, int(counts.max()) + 1)
            options = options[:: max(1, options.size // 256)]
            totals = np.array(
                [
                    np.where(floor_counts > k, floor_counts, np.minimum(counts, k)).sum()
                    for k in options
                ]
            )
            fitting = options[totals <= PAIR_BUDGET]
            if fitting.size:
                limit = int(fitting[-1])
                at_floor = floor_counts > limit
                self.caps[at_floor] = np.minimum(self.floor, self.caps)[at_floor]
                self.limits = np.where(at_floor, self.n_cols, limit)
            else:
                totals = np.array([np.minimum(counts, k).sum() for k in options])
                fitting = options[totals <= PAIR_BUDGET]
                limit = int(fitting[-1]) if fitting.size else 1
                self.limits = np.full(counts.size, limit)
        self.reductions["sites_per_point_limit"] = limit
        self.pairs = _by_distance(self.metric.within_caps(self.caps, self.limits))

    def _index_pairs(self) -> None:
        """Each pair's cell in the (group x site) coefficient array, when that array is small."""
        if self.n_groups * self.n_cols <= DENSE_CUT_CELLS:
            self.cell = self.group[self.pairs.rows] * self.n_cols + self.pairs.cols
            self.pair_w = self.w[self.pairs.rows]
        else:
            self.cell = self.pair_w = None

    def _build_master(self, best: np.ndarray) -> None:
        m, c, g = self.m, self.n_cols, self.n_groups
        h = highs.new_highs(self.problem.remaining())
        lower = np.zeros(c + g)
        lower[m:c] = 1.0  # existing sites are open
        upper = np.concatenate([np.ones(c), np.full(g, highs.INF)])
        card = sparse.csr_matrix(np.concatenate([np.ones(m), np.zeros(c - m + g)])[None, :])
        highs.pass_model(
            h,
            cost=np.concatenate([np.zeros(c), np.ones(g)]),
            col_lower=lower,
            col_upper=upper,
            matrix=card,
            row_lower=np.array([float(self.problem.p)]),
            row_upper=np.array([float(self.problem.p)]),
            integer=np.zeros(c + g, dtype=bool),
        )
        self.h = h
        self.add_cuts(self.full_y(best), None)

    def full_y(self, selected: np.ndarray) -> np.ndarray:
        y = np.zeros(self.n_cols)
        y[self.m :] = 1.0
        y[selected] = 1.0
        return y

    def _cut_levels(self, y: np.ndarray):
        """Per point, the distance D where the open fraction of sites, nearest first, reaches
        one (or the point's cap if it does not). Only sites with y > 0 move the sum; the pairs
        are kept in order of distance within each point, so no sorting is needed here."""
        pr = self.pairs
        positive = np.flatnonzero(y[pr.cols] > 1e-12)
        rows, km = pr.rows[positive], pr.km[positive]
        cum = np.cumsum(y[pr.cols[positive]])
        starts = np.searchsorted(rows, rows, side="left")
        before = np.concatenate(([0.0], cum))[starts]
        reached = np.flatnonzero(cum - before >= 1.0 - 1e-9)
        level = self.caps.copy()
        if reached.size:
            hit = rows[reached]
            first = np.flatnonzero(np.concatenate(([True], hit[1:] != hit[:-1])))
            rows_hit = hit[first]
            level[rows_hit] = np.minimum(level[rows_hit], km[reached[first]])
        return level

    def cut_matrix(self, y: np.ndarray):
        """Group cuts at y: theta_g + sum_j a_gj y_j >= b_g, and their value at y."""
        pr = self.pairs
        level = self._cut_levels(y)
        slack = level[pr.rows]
        slack -= pr.km
        if self.cell is not None:
            # Pairs beyond the level add zero: cheaper than selecting the others.
            np.maximum(slack, 0.0, out=slack)
            slack *= self.pair_w
            dense = np.bincount(
                self.cell, weights=slack, minlength=self.n_groups * self.n_cols
            ).reshape(self.n_groups, self.n_cols)
            a = sparse.csr_matrix(dense)
        else:
            keep = slack > 0
            coef = self.w[pr.rows[keep]] * slack[keep]
            a = sparse.csr_matrix(
                (coef, (self.group[pr.rows[keep]], pr.cols[keep])),
                shape=(self.n_groups, self.n_cols),
            )
            a.sum_duplicates()
        b = np.bincount(self.group, weights=self.w * level, minlength=self.n_groups)
        return a, b

    def add_cuts(
        self, y: np.ndarray, theta: np.ndarray | None, check_y: np.ndarray | None = None
    ) -> int:
        a, b = self.cut_matrix(y)
        probe = y if check_y is None else check_y
        value = b - a @ probe
        if theta is None:
            violated = np.arange(self.n_groups)
        else:
            violated = np.flatnonzero(value > theta + 1e-7 * np.maximum(1.0, np.abs(value)))
        if violated.size == 0:
            return 0
        a = a[violated]
        rows = sparse.hstack(
            [
                a,
                sparse.csr_matrix(
                    (np.ones(violated.size), (np.arange(violated.size), violated)),
                    shape=(violated.size, self.n_groups),
                ),
            ]
        ).tocsr()
        rows.sort_indices()
        self.h.addRows(
            int(violated.size),
            b[violated].astype(np.float64),
            np.full(violated.size, highs.INF),
            int(rows.nnz),
            rows.indptr[:-1].astype(np.int32),
            rows.indices.astype(np.int32),
            rows.data.astype(np.float64),
        )
        return int(violated.size)

    def _solve(self, is_mip: bool):
        outcome = highs.run(self.h, is_mip=is_mip, deadline=self.problem.deadline)
        return outcome

    def lp_phase(self, rounding) -> float:
        problem = self.problem
        lower = 0.0
        core = None
        stalls = 0
        for iteration in range(1000):
            if problem.remaining() <= 0:
                break
            outcome = self._solve(False)
            if not outcome.has_solution or problem.remaining() <= 0:
                if outcome.status == "optimal":
                    lower = max(lower, outcome.objective)
                break
            y, theta = outcome.values[: self.n_cols], outcome.values[self.n_cols :]
            if outcome.status == "optimal":
                if outcome.objective <= lower * (1 + 1e-7):
                    stalls += 1
                else:
                    stalls = 0
                lower = max(lower, outcome.objective)
            candidate = rounding(y)
            self.incumbents.append(candidate)
            core = self.full_y(candidate) if core is None else core
            separation = STABILISATION * y + (1 - STABILISATION) * core
            added = self.add_cuts(separation, theta, check_y=y)
            if added == 0:
                added = self.add_cuts(y, theta)
            problem.progress(0.2 + 0.4 * min(1.0, iteration / 50), "Tightening the lower bound")
            if added == 0 or stalls >= 5:
                break
        return lower

    def mip_phase(self, lower: float, best: np.ndarray, best_cost: float, evaluate):
        problem = self.problem
        self.h.changeColsIntegrality(
            self.m,
            np.arange(self.m, dtype=np.int32),
            np.array([highs.highspy.HighsVarType.kInteger] * self.m),
        )
        self.add_cuts(self.full_y(best), np.zeros(self.n_groups))
        target = max(problem.mip_gap, OPTIMAL_TOLERANCE)
        while relative_gap(best_cost, lower) > target and problem.remaining() > 0:
            self.h.setOptionValue("mip_rel_gap", target * 0.5)
            start = np.concatenate([self.full_y(best), np.zeros(self.n_groups)])
            a, b = self.cut_matrix(start[: self.n_cols])
            start[self.n_cols :] = np.maximum(0.0, b - a @ start[: self.n_cols])
            highs.set_start(self.h, start)
            outcome = self._solve(True)
            if np.isfinite(outcome.bound):
                lower = max(lower, outcome.bound)
            if not outcome.has_solution:
                break
            y = outcome.values[: self.n_cols]
            selected = np.flatnonzero(y[: self.m] > 0.5)
            selected, cost, served = evaluate(selected)
            if cost < best_cost - 1e-9 * max(1.0, best_cost):
                best, best_cost = selected, cost
            problem.progress(
                0.6 + 0.4 * (1 - min(1.0, relative_gap(best_cost, lower) * 100)), "Closing the gap"
            )
            if outcome.status != "optimal" or problem.remaining() <= 0:
                break
            if np.any(served > self.caps):
                self.widen(served)
            added = self.add_cuts(self.full_y(selected), outcome.values[self.n_cols :])
            if added == 0:
                break
        return lower, best, best_cost

    def widen(self, served: np.ndarray) -> None:
        """Some points travel beyond their listed sites: list more for those points only, so
        cuts stay tight (all pairs are listed again only if the budget would be exceeded)."""
        caps = np.maximum(self.caps, np.minimum(served, self.existing_km))
        changed = np.flatnonzero(caps > self.caps)
        if changed.size == 0:
            return
        limits = None if self.limits is None else self.limits[changed]
        part_caps = caps[changed].copy()
        part = _by_distance(self.metric.subset_rows(changed).within_caps(part_caps, limits))
        pr = self.pairs
        moved = np.zeros(pr.n_rows, dtype=bool)
        moved[changed] = True
        stay = ~moved[pr.rows]
        if int(stay.sum()) + len(part) > PAIR_BUDGET:
            self.caps = caps
            self._list_pairs()
        else:
            caps[changed] = part_caps  # a crowded point's cap drops to its farthest listed site
            self.caps = caps
            rows, cols, km = pr.rows[stay], pr.cols[stay], pr.km[stay]
            new_rows = changed[part.rows]
            at = np.searchsorted(rows, new_rows)  # the changed rows' pairs go where theirs were
            self.pairs = PairSet(
                pr.n_rows,
                pr.n_cols,
                np.insert(rows, at, new_rows),
                np.insert(cols, at, part.cols),
                np.insert(km, at, part.km),
            )
        self._index_pairs()
        self.reductions["site_pairs"] = len(self.pairs)
