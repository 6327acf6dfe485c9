"""Reintegration sustainability score: the follow-up questionnaire a counsellor fills in at
3, 6 and 12 months, scored on the structure of IOM's Reintegration Sustainability Survey.

Pure Python: the questions, answer scores, weights and bands live in `index.json`, and
docs/sustainability-index.md says which of them are published and which are stand-ins.
"""

from .scoring import (
    DIMENSIONS,
    LANGUAGES,
    Indicator,
    Option,
    SustainabilityIndex,
    SustainabilityScore,
    Threshold,
    score_answers,
)

__all__ = [
    "DIMENSIONS",
    "LANGUAGES",
    "Indicator",
    "Option",
    "SustainabilityIndex",
    "SustainabilityScore",
    "Threshold",
    "score_answers",
]
