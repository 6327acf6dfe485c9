"""`link()` on small hand-made sets: variants join, namesakes stay apart, reasons, errors,
determinism. (The F1 floor on generated records is in test_quality.py.)"""

import pandas as pd
import pytest

from wasla.engines.linkage import (
    COLUMNS,
    LinkageInputError,
    LinkageResult,
    ScoredPair,
    link,
    read_records_csv,
)

# The same woman registered three times, her namesake born the same year, and others.
RECORDS = [
    {
        "record_id": "a1",
        "given_name": "Mariem",
        "family_name": "Ben Salah",
        "birth_date": "1990-03-04",
        "phone": "98 123 456",
        "sex": "F",
    },
    {
        "record_id": "a2",
        "given_name": "MERIEM",
        "family_name": "BENSALAH",
        "birth_date": "1990-04-03",
        "phone": "+216 98 123 456",
        "sex": "F",
    },
    {
        "record_id": "a3",
        "name_ar": "مريم بن صالح",
        "birth_date": "1990-03-04",
        "phone": "0021698123456",
        "sex": "أنثى",
    },
    {
        "record_id": "b1",
        "given_name": "Mariem",
        "family_name": "Ben Salah",
        "birth_date": "1990-11-23",
        "phone": "22 555 777",
        "father_name": "Ali",
        "sex": "F",
    },
    {
        "record_id": "c1",
        "given_name": "Youssef",
        "family_name": "Trabelsi",
        "birth_date": "1985-06-01",
        "national_id": "01234567",
        "sex": "M",
    },
    {
        "record_id": "c2",
        "given_name": "Youcef",
        "family_name": "Trabelsi",
        "birth_year": "1985",
        "national_id": "1234567",
        "sex": "M",
    },
    {"record_id": "d1", "given_name": "Ahmed", "family_name": "Gharbi", "sex": "M"},
]


@pytest.fixture(scope="module")
def result() -> LinkageResult:
    return link(RECORDS, threshold=0.9)


def test_every_record_has_a_cluster_named_by_its_smallest_id(result):
    assert set(result.clusters) == {record["record_id"] for record in RECORDS}
    for record_id, cluster_id in result.clusters.items():
        members = [rid for rid, cid in result.clusters.items() if cid == cluster_id]
        assert cluster_id == min(members)
        assert record_id in members


def test_spelling_script_phone_and_date_variants_are_one_person(result):
    assert result.clusters["a1"] == result.clusters["a2"] == result.clusters["a3"] == "a1"
    assert result.clusters["c1"] == result.clusters["c2"] == "c1"


def test_namesake_born_the_same_year_stays_apart(result):
    assert result.clusters["b1"] == "b1"
    assert result.clusters["d1"] == "d1"


def test_pairs_carry_probability_weight_and_reasons(result):
    pairs = {(pair.left_id, pair.right_id): pair for pair in result.pairs}
    swapped = pairs[("a1", "a2")]
    assert isinstance(swapped, ScoredPair)
    assert swapped.probability >= 0.9
    assert "name: same transliteration" in swapped.agreements
    assert "birth_date: day and month swapped" in swapped.agreements
    assert "phone: same number" in swapped.agreements
    arabic = pairs[("a1", "a3")]  # an Arabic-only record: given and family read from name_ar
    assert "name: same transliteration" in arabic.agreements
    ids = pairs[("c1", "c2")]
    assert "national_id: same number" in ids.agreements
    assert "birth_date: same year, only the year known" in ids.agreements
    assert all(pair.left_id < pair.right_id for pair in result.pairs)
    probabilities = [pair.probability for pair in result.pairs]
    assert probabilities == sorted(probabilities, reverse=True)


def test_namesake_pair_is_not_a_match(result):
    """Same name and birth year, another date, phone and father: below the review floor."""
    assert not [pair for pair in result.pairs if {pair.left_id, pair.right_id} == {"a1", "b1"}]


def test_swapped_fields_are_named_in_the_reasons():
    records = [
        RECORDS[0],
        {
            "record_id": "s1",
            "given_name": "Ben Salah",
            "family_name": "Mariem",
            "birth_date": "1990-03-04",
            "phone": "98123456",
        },
    ]
    (pair,) = link(records).pairs
    assert "name: same names in other fields, order or script" in pair.agreements
    assert "phone: same number" in pair.agreements


def test_parameters_describe_every_comparison(result):
    comparisons = result.parameters["comparisons"]
    assert set(comparisons) == {
        "name",
        "birth_date",
        "phone",
        "national_id",
        "father_name",
        "sex",
        "governorate",
    }
    assert 0 < result.parameters["probability_two_random_records_match"] <= 0.1
    assert comparisons["phone"][0]["level"] == "phone: same number"
    assert comparisons["phone"][0]["match_weight"] > 0


def test_same_input_same_result():
    frame = pd.DataFrame(RECORDS)
    first, second = link(frame, seed=7), link(frame.sample(frac=1, random_state=3), seed=7)
    assert first.clusters == second.clusters
    assert [(p.left_id, p.right_id, round(p.probability, 9)) for p in first.pairs] == [
        (p.left_id, p.right_id, round(p.probability, 9)) for p in second.pairs
    ]


def test_progress_is_reported_to_the_end():
    seen = []
    link(RECORDS[:3], progress=lambda fraction, message: seen.append((fraction, message)))
    assert seen[0][0] == 0.0
    assert seen[-1] == (1.0, "done")
    assert [fraction for fraction, _ in seen] == sorted(fraction for fraction, _ in seen)


def test_one_record_and_no_record():
    assert link([{"record_id": "x"}]).clusters == {"x": "x"}
    assert link(pd.DataFrame({"record_id": []})).clusters == {}


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"given_name": "Ali"}], "no record_id column"),
        ([{"record_id": "1"}, {"record_id": "1"}], "duplicate record_id values: 1"),
        ([{"record_id": "1"}, {"record_id": " "}], "empty record_id in record(s) 2"),
    ],
)
def test_bad_records_are_refused(records, message):
    with pytest.raises(LinkageInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        link(records)


@pytest.mark.parametrize("threshold", [0, 1, -0.5, 1.2])
def test_threshold_outside_zero_one_is_refused(threshold):
    with pytest.raises(LinkageInputError, match="threshold"):
        link(RECORDS, threshold=threshold)


def test_unknown_backend_is_refused():
    with pytest.raises(LinkageInputError, match="backend"):
        link(RECORDS, backend="sqlite")


def test_read_records_csv_reads_text_and_fills_missing_columns(tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(
        "\ufeffrecord_id,given_name,phone,extra\n001,Mariem,98123456,x\n002,,,\n",
        encoding="utf-8",
    )
    frame = read_records_csv(path)
    assert list(frame.columns) == list(COLUMNS)
    assert frame["record_id"].tolist() == ["001", "002"]
    assert frame["phone"].tolist() == ["98123456", ""]
    assert frame["national_id"].tolist() == ["", ""]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"given_name\nAli\n", "no record_id column"),
        (b"record_id\n7\n7\n8\n8\n", "duplicate record_id values: 7, 8"),
        ("record_id,given_name\n1,Bénali\n".encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
    ],
)
def test_read_records_csv_refuses_bad_files(tmp_path, content, message):
    path = tmp_path / "records.csv"
    path.write_bytes(content)
    with pytest.raises(LinkageInputError, match=message):
        read_records_csv(path)


def test_read_records_csv_refuses_a_missing_file(tmp_path):
    with pytest.raises(LinkageInputError, match="no such file"):
        read_records_csv(tmp_path / "absent.csv")
    with pytest.raises(LinkageInputError, match="directory"):
        read_records_csv(tmp_path)


# --- Clusters: a chain of likely pairs never joins records that cannot be one person --------


def _fields(*rows):
    return pd.DataFrame(rows, columns=["unique_id", "sex", "national_id", "birth_year"])


def _pairs(*rows):
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


@pytest.mark.parametrize(
    ("conflicting", "joined"),
    [
        # a1 and a3 are a brother and his sister; a2 lacks what tells them apart.
        ({"sex": "F"}, False),
        ({"national_id": "98765432"}, False),
        ({"birth_year": 1994}, False),
        # A card one digit off is one card mistyped; a year slipped each way is two apart.
        ({"national_id": "01234568"}, True),
        ({"birth_year": 1992}, True),
        ({}, True),
    ],
)
def test_clusters_do_not_chain_records_that_cannot_be_one_person(conflicting, joined):
    from wasla.engines.linkage.engine import _clusters

    third = {"unique_id": "a3", "sex": "M", "national_id": "01234567", "birth_year": 1990}
    third |= conflicting
    fields = _fields(
        ("a1", "M", "01234567", 1990),
        ("a2", None, None, None),
        tuple(third.values()),
        ("z9", "F", None, 1970),
    )
    pairs = _pairs(("a1", "a2", 0.99), ("a2", "a3", 0.95), ("a1", "z9", 0.6))
    clusters = _clusters(["a1", "a2", "a3", "z9"], pairs, 0.9, fields)
    assert clusters["a1"] == clusters["a2"] == "a1"  # the more probable pair joins first
    assert (clusters["a3"] == "a1") is joined
    assert clusters["z9"] == "z9"  # below the threshold


def test_clusters_are_named_by_their_smallest_id_whatever_the_order_of_pairs():
    from wasla.engines.linkage.engine import _clusters

    fields = _fields(("b", "F", None, None), ("a", None, None, None), ("c", "F", None, None))
    pairs = _pairs(("b", "c", 0.97), ("a", "c", 0.97))
    assert _clusters(["c", "b", "a"], pairs, 0.9, fields) == {"a": "a", "b": "a", "c": "a"}
