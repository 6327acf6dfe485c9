"""The command line: result.json on success; exit code 2, a named error and no file on bad input."""

import json

import pytest

from wasla.engines.siting.cli import main

KEYS = {
    "model",
    "selected",
    "objective",
    "covered_weight",
    "total_weight",
    "mean_distance_km",
    "max_distance_km",
    "optimal",
    "gap",
    "seconds",
    "assignments",
    "existing",
    "p",
    "radius_km",
    "detour",
}


@pytest.fixture
def files(tmp_path):
    (tmp_path / "demand.csv").write_text(
        "id,lat,lon,population,women\na,36.80,10.18,100,52\nb,36.90,10.20,200,90\nc,35.80,10.60,300,140\n"
    )
    (tmp_path / "candidates.csv").write_text(
        "id,lat,lon\nx,36.85,10.19\ny,35.80,10.61\nz,33.0,9.0\n"
    )
    (tmp_path / "existing.csv").write_text("id,lat,lon\nold,35.81,10.60\n")
    return tmp_path


def run(files, *extra):
    return main(
        [
            "solve",
            "--demand",
            str(files / "demand.csv"),
            "--candidates",
            str(files / "candidates.csv"),
            "--out",
            str(files / "result.json"),
            *extra,
        ]
    )


def test_solve_writes_every_key(files):
    """MCLP with an existing office: the office covers c, the new site covers a and b."""
    code = run(
        files,
        "--model",
        "mclp",
        "--p",
        "1",
        "--radius-km",
        "15",
        "--existing",
        str(files / "existing.csv"),
    )
    assert code == 0
    result = json.loads((files / "result.json").read_text())
    assert set(result) >= KEYS
    assert result["selected"] == ["x"]
    assert result["existing"] == ["old"]
    assert result["covered_weight"] == result["total_weight"] == 600
    assert result["optimal"] is True and result["gap"] == 0
    assert [a["site_id"] for a in result["assignments"]] == ["x", "x", "old"]
    assert set(result["assignments"][0]) == {"demand_id", "site_id", "distance_km"}


def test_weight_mix_and_distance_matrix(files):
    """Weights mix columns with factors; a supplied matrix replaces great-circle distances."""
    (files / "matrix.csv").write_text(
        "origin_id,destination_id,distance_km\na,x,5\nb,x,5\nc,x,50\na,y,40\nb,y,40\nc,y,1\na,z,1\nb,z,1\nc,z,1\n"
    )
    code = run(
        files,
        "--model",
        "pmedian",
        "--p",
        "1",
        "--weight-column",
        "women:2",
        "--weight-column",
        "population",
        "--distance-matrix",
        str(files / "matrix.csv"),
    )
    assert code == 0
    result = json.loads((files / "result.json").read_text())
    assert result["selected"] == ["z"]
    assert result["total_weight"] == 600 + 2 * 282
    assert result["detour"] is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--model", "mclp", "--p", "4", "--radius-km", "15"],
            "p: 4 new sites asked for but there are only 3",
        ),
        (
            ["--model", "mclp", "--p", "1", "--radius-km", "-1"],
            "radius_km: -1.0 must be a positive number",
        ),
        (
            ["--model", "mclp", "--p", "1", "--radius-km", "15", "--weight-column", "men"],
            "missing column men",
        ),
        (["--model", "nearest"], "invalid choice: 'nearest'"),
        (
            ["--model", "pmedian", "--p", "1", "--existing", "missing.csv"],
            "missing.csv: cannot be read",
        ),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(files, capsys, extra, message):
    code = None
    try:
        code = run(files, *extra)
    except SystemExit as stop:  # argparse's own errors
        code = stop.code
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (files / "result.json").exists()
    assert sorted(p.name for p in files.iterdir()) == [
        "candidates.csv",
        "demand.csv",
        "existing.csv",
    ]


def test_bad_demand_row_is_named(files, capsys):
    (files / "demand.csv").write_text("id,lat,lon,population\na,36.8,10.1,5\nb,36.8,10.1,-3\n")
    assert run(files, "--model", "pmedian", "--p", "1") == 2
    assert "demand.csv line 3: population -3 is negative" in capsys.readouterr().err
    assert not (files / "result.json").exists()
