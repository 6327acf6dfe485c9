"""Every model against brute force on small random instances, with and without existing sites."""

import numpy as np
import pytest

from wasla.engines.siting import Points, solve

from . import brute


def instance(seed, n=40, m=9, e=1, zero_weights=0):
    rng = np.random.default_rng(seed)
    demand = Points([f"d{i}" for i in range(n)], 36 + rng.random(n) * 0.6, 10 + rng.random(n) * 0.6)
    cands = Points([f"c{i}" for i in range(m)], 36 + rng.random(m) * 0.6, 10 + rng.random(m) * 0.6)
    existing = (
        Points([f"e{i}" for i in range(e)], 36 + rng.random(e) * 0.6, 10 + rng.random(e) * 0.6)
        if e
        else None
    )
    w = rng.integers(1, 50, n).astype(float)
    w[:zero_weights] = 0
    return demand, cands, existing, w


def reference(model, demand, cands, existing, w, p=None, radius=None):
    d_cand = brute.matrix(demand, cands)
    d_exist = brute.matrix(demand, existing) if existing is not None else np.zeros((len(demand), 0))
    return brute.best(model, d_cand, d_exist, w, p=p, radius=radius)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("e", [0, 2])
def test_mclp_matches_brute_force(seed, e):
    """The covered weight is the best any p candidates achieve; existing sites count as covering."""
    demand, cands, existing, w = instance(seed, e=e, zero_weights=3)
    result = solve(
        model="mclp",
        demand=demand,
        weights=w,
        candidates=cands,
        existing=existing,
        p=3,
        radius_km=15,
    )
    assert result.optimal and result.gap == 0.0
    assert result.objective == pytest.approx(
        reference("mclp", demand, cands, existing, w, p=3, radius=15)
    )
    assert result.covered_weight == pytest.approx(result.objective)
    assert len(result.selected) == 3


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("e", [0, 2])
def test_pmedian_matches_brute_force(seed, e):
    """The weighted total distance is the least any p candidates achieve."""
    demand, cands, existing, w = instance(seed, e=e)
    result = solve(
        model="pmedian", demand=demand, weights=w, candidates=cands, existing=existing, p=3
    )
    assert result.optimal
    expected = reference("pmedian", demand, cands, existing, w, p=3)
    assert result.objective == pytest.approx(expected, rel=1e-9)
    assert result.mean_distance_km == pytest.approx(expected / w.sum(), rel=1e-9)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("e", [0, 2])
def test_pcenter_matches_brute_force(seed, e):
    """The worst trip is the shortest any p candidates achieve; zero-weight points do not count."""
    demand, cands, existing, w = instance(seed, e=e, zero_weights=4)
    result = solve(
        model="pcenter", demand=demand, weights=w, candidates=cands, existing=existing, p=2
    )
    assert result.optimal
    expected = reference("pcenter", demand, cands, existing, w, p=2)
    assert result.objective == pytest.approx(expected, rel=1e-9)
    assert result.max_distance_km == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("e", [0, 2])
def test_lscp_matches_brute_force(seed, e):
    """The fewest new sites that put every weighted point within the radius."""
    demand, cands, existing, w = instance(seed, n=30, m=8, e=e)
    radius = (
        float(brute.matrix(demand, Points(cands.ids, cands.lat, cands.lon)).min(axis=1).max()) + 1.0
    )
    result = solve(
        model="lscp",
        demand=demand,
        weights=w,
        candidates=cands,
        existing=existing,
        radius_km=radius,
    )
    assert result.optimal
    expected = reference("lscp", demand, cands, existing, w, radius=radius)
    assert result.objective == expected == len(result.selected)
    assert result.covered_weight == pytest.approx(w.sum())


@pytest.mark.parametrize("model", ["mclp", "pmedian", "pcenter"])
def test_existing_sites_stay_open_and_are_never_selected(model):
    """Existing offices serve demand in the result but are not among the p new sites."""
    demand, cands, existing, w = instance(7, e=2)
    result = solve(
        model=model,
        demand=demand,
        weights=w,
        candidates=cands,
        existing=existing,
        p=2,
        radius_km=15,
    )
    assert result.existing == ["e0", "e1"]
    assert not set(result.selected) & {"e0", "e1"}
    assert len(result.selected) == 2
    assigned = {a.site_id for a in result.assignments}
    assert assigned <= set(result.selected) | {"e0", "e1"}
    assert assigned & {"e0", "e1"}


def test_existing_site_next_to_demand_is_counted():
    """A demand point sitting on an existing office is covered at distance zero."""
    demand = Points(["a", "b"], np.array([36.0, 37.0]), np.array([10.0, 10.0]))
    cands = Points(["c"], np.array([37.0]), np.array([10.0]))
    existing = Points(["e"], np.array([36.0]), np.array([10.0]))
    result = solve(
        model="mclp",
        demand=demand,
        weights=[5, 7],
        candidates=cands,
        existing=existing,
        p=1,
        radius_km=1,
    )
    assert result.objective == 12
    assert result.assignments[0] == ("a", "e", 0.0)
    assert result.max_distance_km == 0.0
