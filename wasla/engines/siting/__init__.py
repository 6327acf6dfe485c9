"""Siting: where new service points serve the most people (MCLP, p-median, p-center, LSCP).

Pure Python (numpy, scipy, HiGHS through highspy); no Django. docs/siting.md explains the
models, formulations, reductions, distances and the command line.
"""

from .csvio import read_distance_csv, read_points_csv
from .data import Assignment, Coverage, DistanceTable, Points, SitingInputError, SitingResult
from .distance import DEFAULT_DETOUR, EARTH_RADIUS_KM
from .solve import evaluate, solve

__all__ = [
    "DEFAULT_DETOUR",
    "EARTH_RADIUS_KM",
    "Assignment",
    "Coverage",
    "DistanceTable",
    "Points",
    "SitingInputError",
    "SitingResult",
    "evaluate",
    "read_distance_csv",
    "read_points_csv",
    "solve",
]
