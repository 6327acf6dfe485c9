"""Turn a counsellor's follow-up answers into reintegration sustainability scores.

The indicators, answer scores, weights and bands are data, read from `index.json`; this
module only checks that data and applies it. docs/sustainability-index.md explains the
method and which numbers are published and which are stand-ins.
"""

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DIMENSIONS = ("economic", "social", "psychosocial")
LANGUAGES = ("en", "fr", "ar")
DEFAULT_PATH = Path(__file__).with_name("index.json")

# Weights are stored rounded (1/15 becomes 0.0666667), so sums are checked to this much.
WEIGHT_SUM_TOLERANCE = 1e-6
DECIMALS = 3


@dataclass(frozen=True)
class Option:
    id: str
    labels: Mapping[str, str]
    score: float


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    labels: Mapping[str, str]
    options: tuple[Option, ...]
    composite_weight: float
    dimension_weight: float
    question: Mapping[str, str]

    def option(self, option_id: str) -> Option:
        """The option with this id; ValueError naming the indicator if there is none."""
        for option in self.options:
            if option.id == option_id:
                return option
        known = ", ".join(option.id for option in self.options)
        raise ValueError(f"Unknown option {option_id!r} for indicator {self.id!r} (known: {known})")


@dataclass(frozen=True)
class Threshold:
    id: str
    minimum: float
    labels: Mapping[str, str]


@dataclass(frozen=True)
class SustainabilityIndex:
    indicators: tuple[Indicator, ...]
    thresholds: tuple[Threshold, ...]  # ordered by minimum, the first at 0
    source: Mapping[str, Any]
    dimension_labels: Mapping[str, Mapping[str, str]]
    version: int  # bump on any change of score, weight or band; store it beside each score

    @classmethod
    def load(cls, path: Path | str | None = None) -> "SustainabilityIndex":
        """Read and check an index file (the bundled `index.json` by default).

        Raises ValueError naming the first problem: a missing label language, an answer
        score outside 0..1, a weight that is not positive, weights that do not add up to 1
        within a dimension or for the composite, or bands that do not start at 0.
        """
        with Path(path or DEFAULT_PATH).open(encoding="utf-8") as handle:
            raw = json.load(handle)
        return cls.from_data(raw)

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> "SustainabilityIndex":
        """Build and check an index from the already-parsed content of an index file."""
        dimension_labels = {
            dimension: _labels(raw["dimensions"][dimension], f"dimension {dimension!r}")
            for dimension in DIMENSIONS
        }
        indicators = tuple(_indicator(item) for item in raw["indicators"])
        thresholds = tuple(
            sorted((_threshold(item) for item in raw["thresholds"]), key=lambda t: t.minimum)
        )
        index = cls(
            indicators=indicators,
            thresholds=thresholds,
            source=raw["source"],
            dimension_labels=dimension_labels,
            version=int(raw["version"]),
        )
        index._check()
        return index

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; ValueError naming the id if there is none."""
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise ValueError(f"Unknown indicator {indicator_id!r}")

    def in_dimension(self, dimension: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.dimension == dimension)

    def band_for(self, score: float) -> Threshold:
        """The highest band whose minimum the score reaches."""
        if not 0 <= score <= 1:
            raise ValueError(f"Score {score} is outside 0..1")
        return [t for t in self.thresholds if score >= t.minimum][-1]

    def _check(self) -> None:
        ids = [indicator.id for indicator in self.indicators]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"Indicator ids appear twice: {', '.join(duplicates)}")
        total = math.fsum(indicator.composite_weight for indicator in self.indicators)
        if not math.isclose(total, 1.0, abs_tol=WEIGHT_SUM_TOLERANCE):
            raise ValueError(f"Composite weights add up to {total}, not 1")
        for dimension in DIMENSIONS:
            members = self.in_dimension(dimension)
            if not members:
                raise ValueError(f"The {dimension} dimension has no indicator")
            total = math.fsum(indicator.dimension_weight for indicator in members)
            if not math.isclose(total, 1.0, abs_tol=WEIGHT_SUM_TOLERANCE):
                raise ValueError(f"Weights of the {dimension} dimension add up to {total}, not 1")
        if not self.thresholds or self.thresholds[0].minimum != 0:
            raise ValueError("The lowest band must start at 0")
        band_ids = [threshold.id for threshold in self.thresholds]
        if len(set(band_ids)) != len(band_ids):
            raise ValueError("Band ids appear twice")


@dataclass(frozen=True)
class SustainabilityScore:
    economic: float
    social: float
    psychosocial: float
    composite: float
    band: str
    answered: int
    missing: tuple[str, ...]


def score_answers(index: SustainabilityIndex, answers: Mapping[str, str]) -> SustainabilityScore:
    """Score one follow-up: `answers` maps indicator id to the chosen option id.

    A dimension score is the weighted mean of its answered indicators, with the dimension
    weights of the unanswered ones left out and the rest scaled back up to 1. The composite
    keeps each dimension's share of the composite weights whatever is missing, and spreads
    that share over the dimension's answered indicators in proportion to their composite
    weights; with every indicator answered it is the plain weighted sum.

    Raises ValueError naming the id for an unknown indicator or option, and naming the
    dimension when none of its indicators is answered. Scores are in 0..1, rounded to 3
    decimals; the band is that of the rounded composite.
    """
    for indicator_id in answers:
        index.indicator(indicator_id)
    chosen = {
        indicator.id: indicator.option(answers[indicator.id]).score
        for indicator in index.indicators
        if indicator.id in answers
    }

    empty = [d for d in DIMENSIONS if not any(i.id in chosen for i in index.in_dimension(d))]
    if empty:
        names = ", ".join(empty)
        raise ValueError(f"No answer in dimension {names}: answer at least one indicator of each")

    dimension_scores: dict[str, float] = {}
    composite_parts = []
    composite_shares = []
    for dimension in DIMENSIONS:
        members = index.in_dimension(dimension)
        answered = [i for i in members if i.id in chosen]
        dimension_scores[dimension] = _weighted_mean(
            [(i.dimension_weight, chosen[i.id]) for i in answered]
        )
        share = math.fsum(i.composite_weight for i in members)
        composite_parts.append(
            share * _weighted_mean([(i.composite_weight, chosen[i.id]) for i in answered])
        )
        composite_shares.append(share)
    composite = _unit(math.fsum(composite_parts) / math.fsum(composite_shares))

    return SustainabilityScore(
        economic=_unit(dimension_scores["economic"]),
        social=_unit(dimension_scores["social"]),
        psychosocial=_unit(dimension_scores["psychosocial"]),
        composite=composite,
        band=index.band_for(composite).id,
        answered=len(chosen),
        missing=tuple(i.id for i in index.indicators if i.id not in chosen),
    )


def _weighted_mean(pairs: list[tuple[float, float]]) -> float:
    return math.fsum(weight * score for weight, score in pairs) / math.fsum(w for w, _ in pairs)


def _unit(value: float) -> float:
    """Clamp float noise back into 0..1 and round for storage and display."""
    return round(min(1.0, max(0.0, value)), DECIMALS)


def _labels(raw: Mapping[str, str], where: str) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not str(raw.get(lang) or "").strip()]
    if missing:
        raise ValueError(f"{where} has no label in {', '.join(missing)}")
    return {lang: raw[lang] for lang in LANGUAGES}


def _indicator(raw: Mapping[str, Any]) -> Indicator:
    indicator_id = raw["id"]
    where = f"indicator {indicator_id!r}"
    if raw["dimension"] not in DIMENSIONS:
        raise ValueError(f"{where} has unknown dimension {raw['dimension']!r}")
    options = tuple(_option(item, where) for item in raw["options"])
    option_ids = [option.id for option in options]
    if len(set(option_ids)) != len(option_ids):
        raise ValueError(f"{where} has an option id twice")
    if len(options) < 2:
        raise ValueError(f"{where} needs at least two options")
    weights = {field: float(raw[field]) for field in ("composite_weight", "dimension_weight")}
    for field, weight in weights.items():
        if not weight > 0:
            raise ValueError(f"{where} has {field} {weight}; weights must be positive")
    return Indicator(
        id=indicator_id,
        dimension=raw["dimension"],
        labels=_labels(raw["labels"], where),
        options=options,
        composite_weight=weights["composite_weight"],
        dimension_weight=weights["dimension_weight"],
        question=_labels(raw["question"], f"question of {where}"),
    )


def _option(raw: Mapping[str, Any], where: str) -> Option:
    score = float(raw["score"])
    if not 0 <= score <= 1:
        raise ValueError(f"option {raw['id']!r} of {where} has score {score}, outside 0..1")
    return Option(
        id=raw["id"], labels=_labels(raw["labels"], f"option {raw['id']!r} of {where}"), score=score
    )


def _threshold(raw: Mapping[str, Any]) -> Threshold:
    minimum = float(raw["minimum"])
    if not 0 <= minimum <= 1:
        raise ValueError(f"band {raw['id']!r} has minimum {minimum}, outside 0..1")
    return Threshold(
        id=raw["id"], minimum=minimum, labels=_labels(raw["labels"], f"band {raw['id']!r}")
    )
