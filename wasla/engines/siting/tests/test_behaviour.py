"""Reductions, determinism, the time limit, distance tables and evaluate()."""

import numpy as np
import pytest

from wasla.engines.siting import DistanceTable, Points, evaluate, solve

from . import brute
from .test_models import instance, reference


def with_duplicates(seed):
    """Demand where many points share coordinates, so the exact merges have work to do."""
    demand, cands, existing, w = instance(seed, n=30, m=8, e=1)
    rng = np.random.default_rng(seed + 100)
    copies = rng.integers(0, 30, 30)
    lat = np.concatenate([demand.lat, demand.lat[copies]])
    lon = np.concatenate([demand.lon, demand.lon[copies]])
    ids = demand.ids + [f"copy{i}" for i in range(30)]
    weights = np.concatenate([w, rng.integers(0, 20, 30).astype(float)])
    return Points(ids, lat, lon), cands, existing, weights


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("model", ["mclp", "pmedian", "pcenter"])
def test_reductions_do_not_change_the_optimum(seed, model):
    """Merged duplicates, dropped zero weights and coverage groups give the unreduced optimum."""
    demand, cands, existing, w = with_duplicates(seed)
    result = solve(
        model=model,
        demand=demand,
        weights=w,
        candidates=cands,
        existing=existing,
        p=2,
        radius_km=12,
    )
    assert result.optimal
    assert result.reductions["distinct_locations"] < len(demand)
    expected = reference(model, demand, cands, existing, w, p=2, radius=12)
    assert result.objective == pytest.approx(expected, rel=1e-9)
    assert len(result.assignments) == len(demand)


def test_mclp_large_path_matches_brute_force(monkeypatch):
    """Benders decomposition, used at scale, proves the optimum (forced on small cases)."""
    from wasla.engines.siting import covering

    monkeypatch.setattr(covering, "LAGRANGIAN_NNZ", 0)
    for seed in range(12):
        demand, cands, existing, w = instance(seed, n=60, m=10, e=1)
        result = solve(
            model="mclp",
            demand=demand,
            weights=w,
            candidates=cands,
            existing=existing,
            p=1 + seed % 4,
            radius_km=6 + seed % 3 * 4,
        )
        assert result.optimal
        assert result.objective == pytest.approx(
            reference("mclp", demand, cands, existing, w, p=1 + seed % 4, radius=6 + seed % 3 * 4)
        )
        assert result.bound == pytest.approx(result.objective)


@pytest.mark.parametrize("model", ["mclp", "pmedian", "pcenter", "lscp"])
def test_same_input_same_output(model):
    demand, cands, existing, w = instance(11, n=80, m=12, e=1)
    kwargs = {"p": None if model == "lscp" else 3, "radius_km": 70 if model == "lscp" else 12}
    first = solve(
        model=model, demand=demand, weights=w, candidates=cands, existing=existing, **kwargs
    )
    second = solve(
        model=model, demand=demand, weights=w, candidates=cands, existing=existing, **kwargs
    )
    assert first.selected == second.selected
    assert first.objective == second.objective
    assert first.assignments == second.assignments


def test_time_limit_returns_the_best_solution_with_its_gap(monkeypatch):
    """When time runs out the best solution found is returned, not proven, with a gap."""
    from wasla.engines.siting import pmedian

    monkeypatch.setattr(pmedian._Benders, "lp_phase", lambda self, rounding: 0.0)
    monkeypatch.setattr(
        pmedian._Benders, "mip_phase", lambda self, lower, best, cost, ev: (lower, best, cost)
    )
    demand, cands, _existing, w = instance(3, n=50, m=10, e=0)
    result = solve(model="pmedian", demand=demand, weights=w, candidates=cands, p=3, time_limit=0.5)
    assert not result.optimal
    assert result.gap == pytest.approx(1.0)
    assert len(result.selected) == 3
    assert result.to_dict()["bound"] == 0.0


def test_tiny_time_limit_still_answers():
    demand, cands, existing, w = instance(5, n=200, m=30, e=1)
    result = solve(
        model="pmedian",
        demand=demand,
        weights=w,
        candidates=cands,
        existing=existing,
        p=5,
        time_limit=0.01,
    )
    assert len(result.selected) == 5
    assert result.optimal or result.gap > 0


def test_distance_table_replaces_great_circle():
    """A supplied matrix is used as is; absent pairs are unreachable."""
    demand = Points(["a", "b", "c"], np.array([36.0, 36.1, 36.2]), np.array([10.0, 10.1, 10.2]))
    cands = Points(["x", "y"], np.array([36.0, 36.2]), np.array([10.0, 10.2]))
    table = DistanceTable(
        ["a", "b", "c", "a", "c", "zz"],
        ["x", "x", "x", "y", "y", "x"],
        np.array([1, 9, 20, 5, 2, 0.0]),
    )
    result = solve(
        model="pmedian", demand=demand, weights=[1, 1, 1], candidates=cands, p=1, distances=table
    )
    assert result.selected == ["x"]
    assert result.objective == 30
    covered = solve(
        model="mclp",
        demand=demand,
        weights=[1, 1, 4],
        candidates=cands,
        p=1,
        radius_km=3,
        distances=table,
    )
    assert covered.selected == ["y"] and covered.objective == 4
    partial = evaluate(
        demand=demand,
        weights=[1, 1, 1],
        sites=Points(["y"], [36.2], [10.2]),
        radius_km=3,
        distances=DistanceTable(["a", "c"], ["y", "y"], [5.0, 2.0]),
    )
    assert partial.assignments[1] == ("b", None, None)
    assert partial.unreachable_weight == 1
    assert partial.max_distance_km == 5


def test_evaluate_before_and_after():
    demand, cands, existing, w = instance(2)
    before = evaluate(demand=demand, weights=w, sites=existing, radius_km=15)
    result = solve(
        model="mclp",
        demand=demand,
        weights=w,
        candidates=cands,
        existing=existing,
        p=2,
        radius_km=15,
    )
    after_sites = Points(
        existing.ids + result.selected,
        np.concatenate([existing.lat, [cands.lat[cands.ids.index(s)] for s in result.selected]]),
        np.concatenate([existing.lon, [cands.lon[cands.ids.index(s)] for s in result.selected]]),
    )
    after = evaluate(demand=demand, weights=w, sites=after_sites, radius_km=15)
    assert after.covered_weight == pytest.approx(result.covered_weight)
    assert after.covered_weight >= before.covered_weight
    assert after.mean_distance_km == pytest.approx(result.mean_distance_km)
    d = brute.matrix(demand, existing).min(axis=1)
    assert before.max_distance_km == pytest.approx(d.max(), rel=1e-9)
    assert before.covered_weight == pytest.approx(w[d <= 15].sum())


def test_detour_scales_distances():
    demand, cands, _existing, w = instance(4)
    one = evaluate(demand=demand, weights=w, sites=cands, radius_km=None, detour=1.0)
    two = evaluate(demand=demand, weights=w, sites=cands, radius_km=None, detour=2.0)
    assert two.mean_distance_km == pytest.approx(2 * one.mean_distance_km)
    assert one.max_distance_km == pytest.approx(
        brute.matrix(demand, cands, detour=1.0).min(axis=1).max(), rel=1e-9
    )


@pytest.mark.parametrize("seed", range(3))
def test_pmedian_widening_lists_the_same_pairs_as_a_full_listing(seed):
    """Widening the caps of some points lists, for them, exactly the pairs a full listing does."""
    import time

    from wasla.engines.siting import pmedian
    from wasla.engines.siting.distance import make_metric
    from wasla.engines.siting.problem import Problem

    demand, cands, existing, w = instance(seed, n=300, m=25, e=1)
    sites = Points(
        cands.ids + existing.ids,
        np.concatenate([cands.lat, existing.lat]),
        np.concatenate([cands.lon, existing.lon]),
    )
    metric = make_metric(demand, sites, 1.3, None)
    problem = Problem(
        metric=metric,
        weights=w,
        n_candidates=len(cands),
        n_existing=len(existing),
        p=3,
        radius_km=None,
        deadline=time.monotonic() + 30,
        mip_gap=0.0,
        progress=lambda fraction, message: None,
    )
    _, existing_km = metric.nearest(problem.existing_cols)
    best, _cost, served = pmedian._evaluate(problem, np.array([0, 1, 2]))
    benders = pmedian._Benders(problem, best, served, existing_km)
    listed = len(benders.pairs)
    farther = np.where(np.arange(300) % 3 == 0, existing_km, 0.0)
    benders.widen(farther)
    assert len(benders.pairs) > listed
    full = pmedian._by_distance(metric.within_caps(benders.caps.copy()))
    assert (benders.caps >= np.minimum(farther, existing_km)).all()
    assert np.array_equal(benders.pairs.rows, full.rows)
    assert np.array_equal(benders.pairs.cols, full.cols)
    assert np.array_equal(benders.pairs.km, full.km)
    assert np.array_equal(benders.pairs.indptr, full.indptr)


@pytest.mark.parametrize("budget", [80, 200, 400])
@pytest.mark.parametrize("seed", range(3))
def test_pmedian_pair_budget_keeps_the_bound_valid(monkeypatch, seed, budget):
    """With too few pairs allowed, each point keeps its nearest sites: the bound stays a valid
    lower bound and the answer a real solution, proven optimal only when it is."""
    from wasla.engines.siting import pmedian

    monkeypatch.setattr(pmedian, "PAIR_BUDGET", budget)
    demand, cands, existing, w = instance(seed, n=60, m=12, e=0)
    result = solve(model="pmedian", demand=demand, weights=w, candidates=cands, p=2)
    best = reference("pmedian", demand, cands, existing, w, p=2)
    assert result.reductions["sites_per_point_limit"] > 0
    assert result.bound <= best * (1 + 1e-9)
    assert result.objective >= best * (1 - 1e-9)
    if result.optimal:
        assert result.objective == pytest.approx(best)
    else:
        assert result.gap > 0
