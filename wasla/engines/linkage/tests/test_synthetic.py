"""Synthetic records and the pairwise scores of a clustering: pure Python, run with
`-p no:django`."""

import itertools

import numpy as np
import pandas as pd
import pytest

from wasla.engines.linkage import synthetic
from wasla.engines.linkage.evaluation import error_pairs, pairwise_scores
from wasla.engines.linkage.synthetic import COLUMNS, generate, generate_labelled


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Replaces the root conftest's fixture of that name, which needs Django settings: the
    engine is pure Python and these tests run with `-p no:django`."""
    yield


@pytest.fixture(scope="module")
def sample():
    return generate_labelled(20_000, seed=7)


def test_same_seed_same_records_other_seed_other_records():
    """A seed fixes every record and the truth; another seed gives other records."""
    first, first_truth = generate(800, seed=3)
    second, second_truth = generate(800, seed=3)
    other, _ = generate(800, seed=4)
    pd.testing.assert_frame_equal(first, second)
    assert first_truth == second_truth
    assert not first.equals(other)


def test_columns_are_the_linkage_input_all_strings(sample):
    """The records have exactly the linkage input columns, all text, with unique ids."""
    records = sample.records
    assert tuple(records.columns) == COLUMNS
    assert len(records) == 20_000
    assert records["record_id"].is_unique
    for column in COLUMNS:
        assert records[column].map(type).eq(str).all(), column
    assert (records["record_id"] != "").all()


def test_truth_covers_every_record_and_groups_them_into_people(sample):
    """Every record has a person; people have one to four records, most of them one."""
    assert set(sample.truth) == set(sample.records["record_id"])
    per_person = pd.Series(sample.truth).value_counts()
    assert per_person.max() <= 4
    shares = per_person.value_counts(normalize=True)
    for count, share in synthetic.RECORDS_PER_PERSON.items():
        assert shares[count] == pytest.approx(share, abs=0.03), count


def test_exact_size_for_any_count():
    """The generator returns exactly the number of records asked for."""
    for n in (1, 2, 17, 1001):
        records, truth = generate(n, seed=n)
        assert len(records) == n == len(truth)
    with pytest.raises(ValueError):
        generate(0)


def _share(mask) -> float:
    return float(pd.Series(mask).mean())


def test_scripts_and_name_noise_near_their_rates(sample):
    """Arabic-only, both-script and Latin-only records, swapped and merged name fields and typos
    come at their documented rates, and the fields say so."""
    records, labels = sample.records, sample.labels
    for kind, share in synthetic.SCRIPT.items():
        assert _share(labels["script"] == kind) == pytest.approx(share, abs=0.015), kind
    arabic_only = labels["script"] == "arabic"
    assert (records.loc[arabic_only, ["given_name", "family_name"]] == "").all().all()
    assert (records.loc[arabic_only, "name_ar"] != "").all()
    assert (records.loc[labels["script"] == "latin", "name_ar"] == "").all()
    latin = labels["script"] != "arabic"
    assert _share(labels.loc[latin, "swapped"]) == pytest.approx(synthetic.SWAPPED_NAMES, abs=0.01)
    swapped = labels["swapped"] & (labels["typo"] == 0)
    assert (
        records.loc[swapped, "given_name"].str.lower().str[:2]
        != labels.loc[swapped, "true_given"].str.lower().str[:2]
    ).mean() > 0.8
    merged = labels["full_name_in_given"]
    assert (records.loc[merged, "family_name"] == "").all()
    assert records.loc[merged, "given_name"].str.contains(" ").all()
    assert _share(labels["typo"] > 0) == pytest.approx(0.10, abs=0.01)
    upper = latin & (labels["case"] == "upper")
    assert (
        records.loc[upper, "family_name"] == records.loc[upper, "family_name"].str.upper()
    ).all()


def test_latin_spellings_vary_and_common_names_collide(sample):
    """The same name is spelt several ways, and common names are shared by many people."""
    labels, records = sample.labels, sample.records
    mohamed = (labels["true_given"] == "Mohamed") & (labels["script"] != "arabic")
    mohamed &= ~labels["swapped"] & ~labels["full_name_in_given"] & (labels["typo"] == 0)
    spellings = set(records.loc[mohamed, "given_name"].str.title())
    assert {"Mohamed", "Mohammed", "Mhamed"} <= spellings
    people_per_name = labels.groupby(["true_given", "true_family"])["person_id"].nunique()
    assert people_per_name.max() >= 20


def test_namesakes_and_households(sample):
    """Different people share name and birth year; siblings share family name, father's name,
    governorate and, on some records, one phone."""
    labels = sample.labels
    people = labels.drop_duplicates("person_id")
    namesakes = people.groupby(["true_given", "true_family", "true_birth_year"]).size()
    assert (namesakes > 1).sum() >= 200
    households = people.groupby("household_id").agg(
        size=("person_id", "size"),
        families=("true_family", "nunique"),
    )
    big = households[households["size"] > 1]
    assert len(big) > 1000
    assert (big["families"] == 1).mean() > 0.9  # the rest hold a deliberate namesake
    shared = sample.records.loc[labels["phone"] == "household", "phone"]
    digits = shared.str.replace(r"\D", "", regex=True).str[-8:]
    persons = labels.loc[labels["phone"] == "household", "person_id"]
    people_per_phone = persons.groupby(digits.to_numpy()).nunique()
    assert (people_per_phone > 1).sum() >= 100


def test_dates_phones_identity_cards_and_governorates_near_their_rates(sample):
    """Each kind of date, phone, card and place noise appears at its rate, and the fields agree
    with the labels."""
    records, labels = sample.records, sample.labels
    year_only = labels["date"] == "year_only"
    assert (records.loc[year_only, "birth_date"] == "").all()
    assert (records.loc[year_only, "birth_year"] != "").all()
    # Rates in effect, after the anchor that keeps one identifier on all of a person's records
    # (module docstring): the drawn rates are higher so that these stay as before the anchor.
    assert _share(year_only) == pytest.approx(0.12, abs=0.015)
    assert _share(labels["date"] == "missing") == pytest.approx(0.067, abs=0.015)
    assert _share(labels["date"] == "swapped") == pytest.approx(0.036, abs=0.01)
    swapped = labels["date"] == "swapped"
    day = records.loc[swapped, "birth_date"].str[8:].astype(int)
    assert (day <= 12).all()
    full = records["birth_date"] != ""
    pd.to_datetime(records.loc[full, "birth_date"], format="%Y-%m-%d")  # all valid ISO dates
    assert _share(labels["date"] == "exact") == pytest.approx(0.73, abs=0.015)
    assert _share(records["phone"] == "") == pytest.approx(0.18, abs=0.015)
    assert _share(labels["phone"] == "changed") == pytest.approx(0.12, abs=0.015)
    assert _share(labels["phone"] == "household") == pytest.approx(0.21, abs=0.02)
    written = records.loc[records["phone"] != "", "phone"]
    assert written.str.startswith("+216").mean() == pytest.approx(0.22, abs=0.02)
    assert written.str.startswith("00216").mean() == pytest.approx(0.10, abs=0.02)
    assert written.str.fullmatch(r"\d{8}").mean() == pytest.approx(0.35, abs=0.02)
    assert _share(records["national_id"] != "") == pytest.approx(0.45, abs=0.02)
    assert records.loc[records["national_id"] != "", "national_id"].str.fullmatch(r"\d{8}").all()
    assert _share(labels["national_id"] == "typo") == pytest.approx(0.45 * 0.04, abs=0.005)
    assert _share(records["governorate"] == "") == pytest.approx(0.07, abs=0.01)
    assert _share(labels["governorate"] == "moved") == pytest.approx(0.08, abs=0.01)
    assert _share(records["sex"] == "") == pytest.approx(0.10, abs=0.01)


def _strong_in_common(records, labels) -> pd.Series:
    """For each pair of records of one person: whether they share a full birth date (exact or
    with day and month swapped), a phone (its last 8 digits) or a card number."""
    phone = records["phone"].str.replace(r"\D", "", regex=True).str[-8:]
    full_date = labels["date"].isin(["exact", "swapped"])
    card = records["national_id"] != ""
    shared = {}
    for person, positions in labels.groupby("person_id").indices.items():
        for first, second in itertools.combinations(positions, 2):
            shared[(person, first, second)] = bool(
                (full_date.iat[first] and full_date.iat[second])
                or (phone.iat[first] != "" and phone.iat[first] == phone.iat[second])
                or (card.iat[first] and card.iat[second])
            )
    return pd.Series(shared, dtype=bool)


def test_every_duplicate_of_an_anchored_person_shares_its_anchor(sample):
    """A person's anchor (full birth date, phone or card number) is on every one of their
    records, the same up to format: a careful clerk can confirm any two of them."""
    records, labels = sample.records, sample.labels
    people = labels.drop_duplicates("person_id")["anchor"]
    for kind, share in synthetic.ANCHOR.items():
        # People without a card who draw "card" keep their birth date instead.
        expected = {"date": share + 0.1 * synthetic.ANCHOR["card"], "card": 0.9 * share}
        assert _share(people == kind) == pytest.approx(expected.get(kind, share), abs=0.015)
    for kind, column in (("date", "birth_date"), ("phone", "phone"), ("card", "national_id")):
        mine = labels["anchor"] == kind
        assert (records.loc[mine, column] != "").all(), kind
    date_anchor = labels["anchor"] == "date"
    assert labels.loc[date_anchor, "date"].isin(["exact", "swapped"]).all()
    card_anchor = labels["anchor"] == "card"
    assert (labels.loc[card_anchor, "national_id"] == "present").all()
    assert (
        (records.loc[card_anchor].groupby(labels.loc[card_anchor, "person_id"])["national_id"])
        .nunique()
        .eq(1)
        .all()
    )
    phone_anchor = labels["anchor"] == "phone"
    digits = records.loc[phone_anchor, "phone"].str.replace(r"\D", "", regex=True).str[-8:]
    assert digits.groupby(labels.loc[phone_anchor, "person_id"]).nunique().eq(1).all()
    shared = _strong_in_common(records, labels)
    anchor_of = labels.groupby("person_id")["anchor"].first()
    anchored = anchor_of.loc[shared.index.get_level_values(0)].to_numpy() != "none"
    assert shared[anchored].all()


def test_anchorless_people_share_nothing_strong_and_are_few(sample):
    """About 4 % of people have no anchor: records taken years apart, without papers. Their
    records never share a full date, a phone or a card number; they are about 4 % of the true
    pairs, so the rest of the duplicates stay recognisable."""
    records, labels = sample.records, sample.labels
    people = labels.drop_duplicates("person_id")
    assert _share(people["anchor"] == "none") == pytest.approx(synthetic.ANCHOR["none"], abs=0.01)
    assert (records.loc[labels["anchor"] == "none", "national_id"] == "").all()
    shared = _strong_in_common(records, labels)
    anchor_of = labels.groupby("person_id")["anchor"].first()
    anchorless = anchor_of.loc[shared.index.get_level_values(0)].to_numpy() == "none"
    assert not shared[anchorless].any()
    assert anchorless.mean() == pytest.approx(0.04, abs=0.015)
    assert 1 - shared.mean() == pytest.approx(anchorless.mean())


def _brute_force(truth, clusters):
    true_pairs = predicted_pairs = correct_pairs = 0
    for first, second in itertools.combinations(sorted(truth), 2):
        same_person = truth[first] == truth[second]
        same_cluster = clusters.get(first, ("alone", first)) == clusters.get(
            second, ("alone", second)
        )
        true_pairs += same_person
        predicted_pairs += same_cluster
        correct_pairs += same_person and same_cluster
    return true_pairs, predicted_pairs, correct_pairs


def test_pairwise_scores_match_a_pair_by_pair_count():
    """The contingency count gives the same pairs as listing every pair, on random clusterings
    (including records left out of the clustering)."""
    rng = np.random.default_rng(11)
    for _ in range(200):
        n = int(rng.integers(1, 41))
        people, groups = int(rng.integers(1, n + 1)), int(rng.integers(1, n + 1))
        truth = {f"r{i}": f"p{rng.integers(people)}" for i in range(n)}
        clusters = {
            record_id: f"c{rng.integers(groups)}" for record_id in truth if rng.random() < 0.9
        }
        scores = pairwise_scores(truth, clusters)
        true_pairs, predicted_pairs, correct_pairs = _brute_force(truth, clusters)
        assert (scores["true_pairs"], scores["predicted_pairs"], scores["correct_pairs"]) == (
            true_pairs,
            predicted_pairs,
            correct_pairs,
        )
        precision = correct_pairs / predicted_pairs if predicted_pairs else 1.0
        recall = correct_pairs / true_pairs if true_pairs else 1.0
        assert scores["precision"] == pytest.approx(precision)
        assert scores["recall"] == pytest.approx(recall)
        if precision + recall:
            assert scores["f1"] == pytest.approx(2 * precision * recall / (precision + recall))


def test_pairwise_scores_known_values():
    """A perfect clustering scores 1; merging two people costs precision; splitting one person
    costs recall."""
    truth = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}
    assert pairwise_scores(truth, dict(truth))["f1"] == 1.0
    merged = pairwise_scores(truth, {"a": "x", "b": "x", "c": "x", "d": "y", "e": "z"})
    assert merged["predicted_pairs"] == 3 and merged["correct_pairs"] == 1
    assert merged["precision"] == pytest.approx(1 / 3) and merged["recall"] == 0.5
    split = pairwise_scores(truth, {"a": "x", "b": "y", "c": "z", "d": "z", "e": "w"})
    assert split["precision"] == 1.0 and split["recall"] == 0.5


def test_pairwise_scores_refuse_records_outside_the_truth():
    """A clustered record that the truth does not know is an error, not a silent zero."""
    with pytest.raises(ValueError, match="not in the truth"):
        pairwise_scores({"a": "1"}, {"a": "x", "zz": "x"})


def test_error_pairs_are_the_wrong_pairs():
    """False positives are pairs in one cluster of different people; false negatives pairs of
    one person in different clusters; the counts agree with the scores."""
    rng = np.random.default_rng(5)
    for _ in range(50):
        n = int(rng.integers(2, 31))
        truth = {f"r{i}": f"p{rng.integers(n // 2 + 1)}" for i in range(n)}
        clusters = {record_id: f"c{rng.integers(n // 2 + 1)}" for record_id in truth}
        false_positives, false_negatives = error_pairs(truth, clusters)
        expected_positives = {
            (a, b)
            for a, b in itertools.combinations(sorted(truth), 2)
            if clusters[a] == clusters[b] and truth[a] != truth[b]
        }
        expected_negatives = {
            (a, b)
            for a, b in itertools.combinations(sorted(truth), 2)
            if clusters[a] != clusters[b] and truth[a] == truth[b]
        }
        assert set(false_positives) == expected_positives
        assert set(false_negatives) == expected_negatives
        scores = pairwise_scores(truth, clusters)
        assert len(false_positives) == scores["predicted_pairs"] - scores["correct_pairs"]
        assert len(false_negatives) == scores["true_pairs"] - scores["correct_pairs"]
