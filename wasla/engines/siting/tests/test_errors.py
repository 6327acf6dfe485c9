"""Bad input: a SitingInputError naming the row or parameter, and nothing computed."""

import io

import numpy as np
import pytest

from wasla.engines.siting import (
    DistanceTable,
    Points,
    SitingInputError,
    read_distance_csv,
    read_points_csv,
    solve,
)


def small():
    demand = Points(["a", "b", "c"], np.array([36.8, 36.9, 35.8]), np.array([10.18, 10.2, 10.6]))
    cands = Points(["x", "y"], np.array([36.85, 35.8]), np.array([10.19, 10.61]))
    return demand, cands, np.array([1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ([91.0, 0.0], [0.0, 0.0], r"point 1 \(id 'a'\): latitude 91"),
        ([0.0, float("nan")], [0.0, 0.0], r"point 2 \(id 'b'\): latitude nan"),
        ([0.0, 0.0], [0.0, -181.0], r"point 2 \(id 'b'\): longitude -181"),
    ],
)
def test_points_reject_bad_coordinates(lat, lon, expected):
    """Coordinates out of range or missing name the point."""
    with pytest.raises(SitingInputError, match=expected):
        Points(["a", "b"], np.array(lat), np.array(lon))


def test_points_reject_duplicate_ids():
    with pytest.raises(SitingInputError, match="point 2: id 'a' is already used by point 1"):
        Points(["a", "a"], np.zeros(2), np.zeros(2))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"model": "best"}, "model: 'best' is not one of"),
        ({"model": "mclp", "radius_km": 15}, "p: None must be a whole number"),
        ({"model": "mclp", "p": 0, "radius_km": 15}, "p: 0 must be at least 1"),
        (
            {"model": "mclp", "p": 3, "radius_km": 15},
            "p: 3 new sites asked for but there are only 2 candidates",
        ),
        ({"model": "mclp", "p": 1}, "radius_km: None must be a positive number"),
        ({"model": "mclp", "p": 1, "radius_km": 0}, "radius_km: 0 must be a positive number"),
        (
            {"model": "mclp", "p": 1, "radius_km": 0.01},
            "radius_km: no demand point is within 0.01 km",
        ),
        ({"model": "lscp", "radius_km": 0.01}, "radius_km: no demand point is within 0.01 km"),
        ({"model": "lscp", "radius_km": 20}, "demand points 'c' are farther than 20 km"),
        ({"model": "lscp", "radius_km": 20, "p": 2}, "p: lscp finds the number of sites itself"),
        (
            {"model": "pmedian", "p": 1, "detour": 0.5},
            "detour: 0.5 must be a number of at least 1.0",
        ),
        ({"model": "pmedian", "p": 1, "time_limit": 0}, "time_limit: 0 must be a positive number"),
    ],
)
def test_solve_names_the_bad_parameter(kwargs, expected):
    demand, cands, w = small()
    if kwargs.get("radius_km") == 20:
        cands = Points(["x"], np.array([36.85]), np.array([10.19]))
    with pytest.raises(SitingInputError, match=expected):
        solve(demand=demand, weights=w, candidates=cands, **kwargs)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ([1.0, -2.0, 3.0], r"demand point 2 \(id 'b'\): weight -2.0 is missing or negative"),
        ([1.0, 2.0, float("nan")], r"demand point 3 \(id 'c'\): weight nan"),
        ([1.0, 2.0], "weights: 2 weights for 3 demand points"),
        ([0.0, 0.0, 0.0], "every demand point has weight 0"),
    ],
)
def test_solve_rejects_bad_weights(weights, expected):
    demand, cands, _ = small()
    with pytest.raises(SitingInputError, match=expected):
        solve(model="pmedian", demand=demand, weights=np.array(weights), candidates=cands, p=1)


def test_existing_site_among_candidates_is_rejected():
    demand, cands, w = small()
    existing = Points(["x"], np.array([36.0]), np.array([10.0]))
    with pytest.raises(SitingInputError, match="candidates: id 'x' is also an existing site"):
        solve(model="pmedian", demand=demand, weights=w, candidates=cands, existing=existing, p=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,lat\na,1\n", "demand.csv: missing columns lon, population"),
        ("id,lat,lon,population\na,1,2,5\nb,1,x,5\n", "demand.csv line 3: lon 'x' is not a number"),
        (
            "id,lat,lon,population\na,1,2,5\nb,100,2,5\n",
            "demand.csv line 3: lat 100.0 is outside -90..90",
        ),
        ("id,lat,lon,population\na,1,2,-5\n", "demand.csv line 2: population -5 is negative"),
        (
            "id,lat,lon,population\na,1,2,nan\n",
            "demand.csv line 2: population 'nan' is not a finite number",
        ),
        (
            "id,lat,lon,population\na,1,2,5\na,1,2,5\n",
            "demand.csv line 3: id 'a' is already used on line 2",
        ),
        ("id,lat,lon,population\n,1,2,5\n", "demand.csv line 2: the id is empty"),
        ("id,lat,lon,population\na,1,2\n", "demand.csv line 2: 3 fields, the header has 4"),
        ("", "demand.csv: the file is empty"),
    ],
)
def test_points_csv_errors_name_the_line(text, expected):
    with pytest.raises(SitingInputError, match=expected):
        read_points_csv(io.StringIO(text), weight_columns=["population"], name="demand.csv")


def test_points_csv_combines_weight_columns():
    """The weight is the sum of factor x column; other columns are ignored."""
    text = (
        "\ufeffid,name,lat,lon,population,women\na,Tunis,36.8,10.1,100,40\nb,Sfax,34.7,10.7,50,30\n"
    )
    points, weights = read_points_csv(
        io.StringIO(text), weight_columns=["population:0.5", "women:2"]
    )
    assert points.ids == ["a", "b"]
    assert weights.tolist() == [130.0, 85.0]
    assert read_points_csv(io.StringIO(text))[1] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("origin_id,destination_id\n", "matrix.csv: missing column distance_km"),
        (
            "origin_id,destination_id,distance_km\na,x,-1\n",
            "matrix.csv line 2: distance_km -1 is negative",
        ),
        (
            "origin_id,destination_id,distance_km\na,x,1\na,x,2\n",
            "line 3: the pair 'a' to 'x' is already on line 2",
        ),
        (
            "origin_id,destination_id,distance_km\na,,1\n",
            "line 2: origin_id and destination_id must not be empty",
        ),
    ],
)
def test_distance_csv_errors_name_the_line(text, expected):
    with pytest.raises(SitingInputError, match=expected):
        read_distance_csv(io.StringIO(text), name="matrix.csv")


def test_distance_table_that_matches_nothing_is_rejected():
    demand, cands, w = small()
    table = DistanceTable(["q"], ["x"], np.array([1.0]))
    with pytest.raises(SitingInputError, match="no entry goes from a demand id to a candidate"):
        solve(model="pmedian", demand=demand, weights=w, candidates=cands, p=1, distances=table)


def test_pmedian_demand_that_reaches_no_site_is_named():
    demand, cands, w = small()
    table = DistanceTable(["a", "b"], ["x", "y"], np.array([1.0, 2.0]))
    with pytest.raises(SitingInputError, match="demand point 'c' cannot reach any candidate"):
        solve(model="pmedian", demand=demand, weights=w, candidates=cands, p=1, distances=table)
