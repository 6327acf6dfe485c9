import ast
import copy
import json
import math
import re
from pathlib import Path

import pytest

from wasla.engines.sustainability import (
    DIMENSIONS,
    LANGUAGES,
    SustainabilityIndex,
    score_answers,
)
from wasla.engines.sustainability.scoring import DEFAULT_PATH

ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Replaces the root conftest's fixture of that name, which needs Django settings: the
    engine is pure Python and these tests run with `-p no:django`."""
    yield


@pytest.fixture(scope="module")
def raw():
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index():
    return SustainabilityIndex.load()


def _labels(text):
    return {"en": text, "fr": f"{text} (fr)", "ar": f"{text} بالعربية"}


def _small_index_data():
    """Five indicators whose composite weights are not proportional to their dimension
    weights, so the two kinds of weight are both exercised."""
    options = [
        {"id": "best", "labels": _labels("best"), "score": 1.0},
        {"id": "mid", "labels": _labels("mid"), "score": 0.5},
        {"id": "low", "labels": _labels("low"), "score": 0.25},
        {"id": "worst", "labels": _labels("worst"), "score": 0.0},
    ]
    rows = [
        ("e1", "economic", 0.3, 0.6),
        ("e2", "economic", 0.1, 0.4),
        ("s1", "social", 0.2, 0.5),
        ("s2", "social", 0.2, 0.5),
        ("p1", "psychosocial", 0.2, 1.0),
    ]
    return {
        "version": 1,
        "source": {"title": "test"},
        "dimensions": {d: _labels(d) for d in DIMENSIONS},
        "thresholds": [
            {"id": "low", "minimum": 0.0, "labels": _labels("low")},
            {"id": "medium", "minimum": 0.33, "labels": _labels("medium")},
            {"id": "high", "minimum": 0.66, "labels": _labels("high")},
        ],
        "indicators": [
            {
                "id": indicator_id,
                "dimension": dimension,
                "labels": _labels(indicator_id),
                "question": _labels(f"{indicator_id}?"),
                "options": options,
                "composite_weight": composite_weight,
                "dimension_weight": dimension_weight,
            }
            for indicator_id, dimension, composite_weight, dimension_weight in rows
        ],
    }


@pytest.fixture
def small():
    return SustainabilityIndex.from_data(_small_index_data())


def _extreme_answers(index, pick):
    return {i.id: pick(i.options, key=lambda option: option.score).id for i in index.indicators}


# The bundled data


def test_the_bundled_index_has_15_indicators_over_the_three_dimensions(index):
    """The structure of IOM's survey: 15 indicators, each in one of three dimensions."""
    assert len(index.indicators) == 15
    assert {i.dimension for i in index.indicators} == set(DIMENSIONS)


def test_weights_add_up_to_1_per_dimension_and_for_the_composite(raw):
    """Read from the file itself, so a hand edit that breaks a sum fails here."""
    indicators = raw["indicators"]
    composite = math.fsum(item["composite_weight"] for item in indicators)
    assert math.isclose(composite, 1.0, abs_tol=1e-6)
    for dimension in DIMENSIONS:
        total = math.fsum(
            item["dimension_weight"] for item in indicators if item["dimension"] == dimension
        )
        assert math.isclose(total, 1.0, abs_tol=1e-6), dimension


def test_every_label_exists_in_english_french_and_arabic(raw):
    """Indicators, questions, answers, bands and dimensions all read in the three languages,
    and the Arabic ones are written in Arabic script."""
    label_sets = [(f"dimension {d}", labels) for d, labels in raw["dimensions"].items()]
    label_sets += [(f"band {t['id']}", t["labels"]) for t in raw["thresholds"]]
    for item in raw["indicators"]:
        label_sets.append((item["id"], item["labels"]))
        label_sets.append((f"{item['id']} question", item["question"]))
        label_sets += [(f"{item['id']}.{o['id']}", o["labels"]) for o in item["options"]]
    for where, labels in label_sets:
        for language in LANGUAGES:
            assert str(labels.get(language) or "").strip(), f"{where} has no {language} label"
        assert ARABIC.search(labels["ar"]), f"{where} has no Arabic in its ar label"


def test_every_indicator_has_a_best_answer_at_1_and_a_worst_at_0(index):
    """Otherwise all-best could not reach 1 nor all-worst 0."""
    for indicator in index.indicators:
        scores = [option.score for option in indicator.options]
        assert max(scores) == 1.0, indicator.id
        assert min(scores) == 0.0, indicator.id
        assert all(0 <= score <= 1 for score in scores), indicator.id


def test_bands_start_at_0_and_rise(index):
    minimums = [threshold.minimum for threshold in index.thresholds]
    assert minimums[0] == 0
    assert minimums == sorted(minimums)
    assert len(set(minimums)) == len(minimums)


def test_the_source_says_what_is_published_and_what_is_a_stand_in(raw):
    source = raw["source"]
    for key in ("title", "authors", "year", "url", "published", "stand_in", "note"):
        assert source.get(key), key


def test_all_best_answers_score_1_in_the_top_band(index):
    score = score_answers(index, _extreme_answers(index, max))
    assert (score.economic, score.social, score.psychosocial, score.composite) == (1, 1, 1, 1)
    assert score.band == index.thresholds[-1].id
    assert score.answered == 15
    assert score.missing == ()


def test_all_worst_answers_score_0_in_the_bottom_band(index):
    score = score_answers(index, _extreme_answers(index, min))
    assert (score.economic, score.social, score.psychosocial, score.composite) == (0, 0, 0, 0)
    assert score.band == index.thresholds[0].id


def test_a_full_answer_set_scores_the_weighted_sums_of_the_file(raw, index):
    """Cross-check against the raw file: with every indicator answered, each score is the
    plain weighted sum of the chosen answers' scores."""
    answers, expected = {}, dict.fromkeys((*DIMENSIONS, "composite"), 0.0)
    for position, item in enumerate(raw["indicators"]):
        option = item["options"][position % len(item["options"])]
        answers[item["id"]] = option["id"]
        expected[item["dimension"]] += item["dimension_weight"] * option["score"]
        expected["composite"] += item["composite_weight"] * option["score"]
    score = score_answers(index, answers)
    for name, value in expected.items():
        assert getattr(score, name) == pytest.approx(value, abs=0.0006), name


# The arithmetic, on a small index with hand-computed results


def test_a_mixed_case_matches_the_hand_computation(small):
    """economic 0.6×0.5 + 0.4×1 = 0.7; social 0.5×0 + 0.5×0.25 = 0.125; psychosocial 1;
    composite 0.3×0.5 + 0.1×1 + 0.2×0 + 0.2×0.25 + 0.2×1 = 0.5, in the medium band."""
    score = score_answers(
        small, {"e1": "mid", "e2": "best", "s1": "worst", "s2": "low", "p1": "best"}
    )
    assert score.economic == 0.7
    assert score.social == 0.125
    assert score.psychosocial == 1.0
    assert score.composite == 0.5
    assert score.band == "medium"
    assert score.answered == 5
    assert score.missing == ()


def test_a_missing_answer_renormalises_the_weights_of_its_dimension(small):
    """Without e2, economic is e1 alone (0.5). The economic share of the composite stays
    0.4 and falls on e1: 0.4×0.5 + 0.4×0.125 + 0.2×1 = 0.45."""
    score = score_answers(small, {"e1": "mid", "s1": "worst", "s2": "low", "p1": "best"})
    assert score.economic == 0.5
    assert score.social == 0.125
    assert score.psychosocial == 1.0
    assert score.composite == 0.45
    assert score.answered == 4
    assert score.missing == ("e2",)


def test_a_missing_answer_does_not_move_weight_to_other_dimensions(small):
    """Without s1, social is s2 alone (0.25) and keeps its 0.4 share of the composite:
    0.3×0.5 + 0.1×1 + 0.4×0.25 + 0.2×1 = 0.55."""
    score = score_answers(small, {"e1": "mid", "e2": "best", "s2": "low", "p1": "best"})
    assert score.social == 0.25
    assert score.composite == 0.55
    assert score.missing == ("s1",)


def test_scores_are_rounded_to_3_decimals():
    data = _small_index_data()
    data["indicators"][0]["options"][1]["score"] = 1 / 3
    score = score_answers(
        SustainabilityIndex.from_data(data),
        {"e1": "mid", "e2": "worst", "s1": "best", "p1": "best"},
    )
    assert score.economic == 0.2  # 0.6 × 1/3
    assert score.composite == round(0.3 / 3 + 0.4 + 0.2, 3)


def test_the_band_follows_the_thresholds_at_their_edges(small):
    assert small.band_for(0.0).id == "low"
    assert small.band_for(0.329).id == "low"
    assert small.band_for(0.33).id == "medium"
    assert small.band_for(0.659).id == "medium"
    assert small.band_for(0.66).id == "high"
    assert small.band_for(1.0).id == "high"


# Refusals


def test_an_unknown_indicator_raises_naming_it(small):
    answers = {"e1": "mid", "s1": "mid", "p1": "mid", "wellbeing": "mid"}
    with pytest.raises(ValueError, match="'wellbeing'"):
        score_answers(small, answers)


def test_an_unknown_option_raises_naming_the_option_and_the_indicator(small):
    with pytest.raises(ValueError, match="'perhaps' for indicator 's1'"):
        score_answers(small, {"e1": "mid", "s1": "perhaps", "p1": "mid"})


def test_a_dimension_without_any_answer_raises_naming_it(small):
    with pytest.raises(ValueError, match="psychosocial"):
        score_answers(small, {"e1": "mid", "s1": "mid"})


def test_no_answer_at_all_raises(small):
    with pytest.raises(ValueError, match="economic, social, psychosocial"):
        score_answers(small, {})


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: d["indicators"][0].update(composite_weight=0.4), "Composite weights"),
        (lambda d: d["indicators"][1].update(dimension_weight=0.5), "economic dimension"),
        (lambda d: d["indicators"][2]["labels"].pop("ar"), "no label in ar"),
        (lambda d: d["indicators"][3]["options"][0].update(score=1.5), "outside 0..1"),
        (lambda d: d["indicators"][4].update(dimension="cultural"), "unknown dimension"),
        (lambda d: d["thresholds"].pop(0), "start at 0"),
    ],
)
def test_loading_refuses_broken_data(breakage, message):
    """The file is the one place to change numbers, so a bad edit fails at load time."""
    data = copy.deepcopy(_small_index_data())
    breakage(data)
    with pytest.raises(ValueError, match=message):
        SustainabilityIndex.from_data(data)


def test_load_reads_a_file_given_by_path(tmp_path):
    path = tmp_path / "index.json"
    path.write_text(json.dumps(_small_index_data(), ensure_ascii=False), encoding="utf-8")
    assert [i.id for i in SustainabilityIndex.load(path).indicators] == [
        "e1",
        "e2",
        "s1",
        "s2",
        "p1",
    ]


def test_the_engine_imports_neither_django_nor_wasla_apps():
    package = Path(__file__).resolve().parents[1]
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(("django", "rest_framework", "wasla")), (
                    f"{module.name} imports {name}"
                )
