"""Uploaded CSV files: read whole, every problem named by line and column, nothing kept from
a bad file."""

from wasla.core.validation import FieldErrors
from wasla.planning import uploads
from wasla.planning.tests.factories import DEMAND_CSV, csv_file


def parse(text: str, **kwargs):
    errors = FieldErrors()
    points = uploads.parse_points(
        text,
        max_rows=kwargs.pop("max_rows", 100),
        errors=errors,
        field_name="demand_file",
        weight_columns=uploads.WEIGHT_COLUMNS,
        required_weights=kwargs.pop("required_weights", ("population",)),
    )
    return points, errors.errors.get("demand_file", [])


def test_good_file_reads_every_point_and_weight():
    points, problems = parse(DEMAND_CSV)
    assert problems == []
    assert [p.id for p in points] == ["a1", "a2", "a3", "b1", "b2"]
    assert points[3].values == {"population": 900, "women": 450, "migrants": 200, "poorest": 300}
    assert points[0].name == "a1"


def test_semicolons_and_decimal_commas_as_french_spreadsheets_write_them():
    points, problems = parse("ID;Lat;Lon;Population\nx;32,93;10,45;1200\n")
    assert problems == []
    assert (points[0].latitude, points[0].longitude, points[0].values["population"]) == (
        32.93,
        10.45,
        1200,
    )


def test_missing_columns_are_named():
    points, problems = parse("id,lat,population\nx,32.9,10\n")
    assert points == []
    assert problems == ["Columns missing from the header line: lon."]


def test_bad_rows_are_named_by_line():
    text = (
        "id,lat,lon,population\n"
        "ok,32.9,10.4,10\n"
        "badlat,95,10.4,10\n"
        "nan,nan,10.4,10\n"
        "neg,32.9,10.4,-3\n"
        "ok,32.9,10.4,10\n"
        ",32.9,10.4,10\n"
        "short,32.9\n"
        "badlon,32.9,200,1\n"
    )
    _points, problems = parse(text)
    assert problems == [
        "Line 3: the latitude “95” is not a number between -90 and 90.",
        "Line 4: the latitude “nan” is not a number between -90 and 90.",
        "Line 5: “population” must be a number of 0 or more, not “-3”.",
        "Line 6: the id “ok” appears twice.",
        "Line 7: the id is empty.",
        "Line 8: 2 values for 4 columns.",
        "Line 9: the longitude “200” is not a number between -180 and 180.",
    ]


def test_row_limit_and_problem_count_are_capped():
    rows = "".join(f"p{i},95,10,1\n" for i in range(15))
    _points, problems = parse("id,lat,lon,population\n" + rows)
    assert len(problems) == uploads.MAX_REPORTED_PROBLEMS + 1
    assert problems[-1] == "…and 5 more problems in this file."
    _points, problems = parse("id,lat,lon,population\n" + "q,30,10,1\n" * 1, max_rows=0)
    assert problems == ["The file has more than 0 rows."]


def test_empty_file_is_refused():
    _points, problems = parse("id,lat,lon,population\n")
    assert problems == ["The file has no rows under its header line."]
    _points, problems = parse("")
    assert problems[0].startswith("Columns missing")


def test_read_text_refuses_large_binary_and_non_utf8_files():
    errors = FieldErrors()
    big = csv_file("x" * 2048)
    assert uploads.read_text(big, max_bytes=1024, errors=errors, field_name="f") is None
    assert (
        uploads.read_text(csv_file("a\x00b"), max_bytes=1024, errors=errors, field_name="f") is None
    )
    latin = csv_file("")
    latin.file.write("é".encode("latin-1"))
    latin.file.seek(0)
    latin.size = 1
    assert uploads.read_text(latin, max_bytes=1024, errors=errors, field_name="f") is None
    assert errors.errors["f"] == [
        "The file is larger than 0 MB.",
        "This is not a CSV text file.",
        "The file is not UTF-8 text; save it as “CSV UTF-8”.",
    ]
    bom = csv_file("\ufeffid,lat\n")
    assert uploads.read_text(bom, max_bytes=1024, errors=FieldErrors(), field_name="f") == (
        "id,lat\n"
    )


def test_distance_table():
    errors = FieldErrors()
    rows = uploads.parse_distances(
        "origin_id,destination_id,km\na,s1,3.5\na,s2,-1\nb,s1,x\n",
        max_rows=10,
        errors=errors,
        field_name="distances_file",
    )
    assert rows == [("a", "s1", 3.5)]
    assert errors.errors["distances_file"] == [
        "Line 3: the distance “-1” is not a number of 0 or more.",
        "Line 4: the distance “x” is not a number of 0 or more.",
    ]
    errors = FieldErrors()
    uploads.parse_distances("from,to,km\n", max_rows=10, errors=errors, field_name="d")
    assert errors.errors["d"] == [
        "Columns missing from the header line: origin_id, destination_id."
    ]
