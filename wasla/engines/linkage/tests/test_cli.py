"""`python -m wasla.engines.linkage dedupe`: outputs, progress, and exit code 2 with nothing
written on bad input."""

import contextlib
import csv
import subprocess
import sys

import pytest

from wasla.engines.linkage.cli import main

HEADER = "record_id,given_name,family_name,name_ar,birth_date,phone\n"
GOOD = (
    HEADER
    + "a1,Mariem,Ben Salah,,1990-03-04,98 123 456\n"
    + "a2,MERIEM,BENSALAH,,1990-04-03,+216 98 123 456\n"
    + "a3,,,مريم بن صالح,1990-03-04,0021698123456\n"
    + "b1,Ahmed,Trabelsi,,1980-01-01,\n"
)


def _rows(path):
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_dedupe_writes_clusters_and_pairs(tmp_path, capsys):
    records = tmp_path / "records.csv"
    records.write_text(GOOD, encoding="utf-8")
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    code = main(["dedupe", str(records), "--out", str(out), "--pairs", str(pairs)])
    assert code == 0
    clusters = {row["record_id"]: row["cluster_id"] for row in _rows(out)}
    assert clusters == {"a1": "a1", "a2": "a1", "a3": "a1", "b1": "b1"}
    scored = _rows(pairs)
    assert list(scored[0]) == [
        "left_id",
        "right_id",
        "probability",
        "match_weight",
        "agreements",
        "disagreements",
    ]
    swapped = next(row for row in scored if (row["left_id"], row["right_id"]) == ("a1", "a2"))
    assert "birth_date: day and month swapped" in swapped["agreements"].split("; ")
    assert float(swapped["probability"]) >= 0.9
    stderr = capsys.readouterr().err
    assert "[100%] done" in stderr
    assert "4 records, 2 people" in stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "clusters.csv",
        "pairs.csv",
        "records.csv",
    ]


def test_quiet_prints_nothing(tmp_path, capsys):
    records = tmp_path / "records.csv"
    records.write_text(GOOD, encoding="utf-8")
    assert main(["dedupe", str(records), "--out", str(tmp_path / "c.csv"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("given_name\nAli\n", [], "no record_id column"),
        (HEADER + "1,Ali,,,,\n1,Ali,,,,\n", [], "duplicate record_id values: 1"),
        (GOOD, ["--threshold", "1.5"], "--threshold must be between 0 and 1"),
        (GOOD, ["--threshold", "0"], "--threshold must be between 0 and 1"),
        (GOOD, ["--threshold", "high"], "invalid float value"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, content, extra, message):
    records = tmp_path / "records.csv"
    records.write_text(content, encoding="utf-8")
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    # argparse exits by itself on a value it cannot parse; the others return 2.
    with pytest.raises(SystemExit) if "invalid" in message else contextlib.nullcontext():
        code = main(["dedupe", str(records), "--out", str(out), "--pairs", str(pairs), *extra])
        assert code == 2
    assert message in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["records.csv"]


def test_unreadable_file_exits_2(tmp_path, capsys):
    records = tmp_path / "records.csv"
    records.write_bytes("record_id,given_name\n1,Bénali\n".encode("latin-1"))
    assert main(["dedupe", str(records), "--out", str(tmp_path / "c.csv")]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main(["dedupe", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "c.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["records.csv"]


def test_missing_output_folder_exits_2(tmp_path, capsys):
    records = tmp_path / "records.csv"
    records.write_text(GOOD, encoding="utf-8")
    assert main(["dedupe", str(records), "--out", str(tmp_path / "no" / "c.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_module_entry_point_exit_code(tmp_path):
    """The real command, as a user runs it: exit status 2 on duplicate ids."""
    records = tmp_path / "records.csv"
    records.write_text(HEADER + "1,Ali,,,,\n1,Ali,,,,\n", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "wasla.engines.linkage", "dedupe", str(records), "--out", "x.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode == 2
    assert "duplicate record_id values: 1" in completed.stderr
    assert not (tmp_path / "x.csv").exists()
