"""What every model receives (after validation and exact reductions) and returns."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .distance import Metric

OPTIMAL_TOLERANCE = 1e-7  # relative gap treated as proven optimal (floating-point noise)


@dataclass
class Problem:
    metric: Metric  # rows: demand points with positive weight; columns: candidates, then existing
    weights: np.ndarray
    n_candidates: int
    n_existing: int
    p: int | None
    radius_km: float | None
    deadline: float
    mip_gap: float
    progress: Callable[[float, str], None]

    @property
    def existing_cols(self) -> np.ndarray:
        return np.arange(self.n_candidates, self.n_candidates + self.n_existing, dtype=np.int64)

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


@dataclass
class Solution:
    selected: np.ndarray  # candidate columns, sorted
    objective: float
    bound: float
    optimal: bool
    reductions: dict[str, int] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        if self.optimal:
            return 0.0
        if not np.isfinite(self.bound):
            return float("inf")
        scale = max(abs(self.objective), 1e-12)
        return max(0.0, abs(self.objective - self.bound) / scale)


def relative_gap(upper: float, lower: float) -> float:
    if upper <= 0:
        return 0.0 if lower >= upper - 1e-12 else float("inf")
    return max(0.0, (upper - lower) / upper)


PADDED_CELLS = 50_000_000  # above this, rows are compared one by one instead


def _group_by_hash(indptr, cols, rows, lengths):
    """Group rows (columns ascending) by two 64-bit hashes, then check every row against its
    group's first row element by element; None on any collision (then the caller compares
    the lists themselves)."""
    n = lengths.size
    keys = np.zeros((n, 3), dtype=np.uint64)
    keys[:, 0] = lengths.astype(np.uint64)
    with np.errstate(over="ignore"):
        c = cols.astype(np.uint64) + np.uint64(1)
        for k, (a, b) in enumerate(
            ((0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9), (0x94D049BB133111EB, 0xD6E8FEB86659FD93))
        ):
            mixed = (c * np.uint64(a)) ^ ((c * np.uint64(b)) >> np.uint64(29))
            filled = lengths > 0
            if mixed.size:
                keys[filled, k + 1] = np.add.reduceat(mixed, indptr[:-1][filled])
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    labels = rank[inverse]
    firsts = first[order]
    representative = firsts[labels]
    # Same length is part of the key; now every column must match the representative's.
    position = np.arange(cols.size) - indptr[rows]
    if not np.array_equal(cols, cols[indptr[representative[rows]] + position]):
        return None
    return labels, firsts


def group_identical_rows(indptr: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label rows by their exact set of columns: rows with the same set share a label.

    Returns (label per row, first row of each label), labels numbered in order of first row.
    Exact: the sorted column lists themselves are compared, never a hash that could collide.
    """
    n = indptr.size - 1
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lengths = np.diff(indptr)
    rows = np.repeat(np.arange(n), lengths)
    ascending = cols.size < 2 or bool(np.all((np.diff(cols) > 0) | (np.diff(rows) > 0)))
    if ascending:
        found = _group_by_hash(indptr, cols, rows, lengths)
        if found is not None:
            return found
    width = int(lengths.max()) + 1  # +1: the length itself leads the key
    if n * width <= PADDED_CELLS:
        rows = np.repeat(np.arange(n), lengths)
        sorted_cols = cols[np.lexsort((cols, rows))] if cols.size else cols
        keys = np.full((n, width), -1, dtype=np.int64)
        keys[:, 0] = lengths
        keys[rows, 1 + np.arange(cols.size) - indptr[rows]] = sorted_cols
        _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(first, kind="stable")  # number groups by their first row
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        return rank[inverse], first[order]
    labels = np.empty(n, dtype=np.int64)
    seen: dict[bytes, int] = {}
    firsts: list[int] = []
    for row in range(n):
        key = np.sort(cols[indptr[row] : indptr[row + 1]]).tobytes()
        label = seen.get(key)
        if label is None:
            label = seen[key] = len(firsts)
            firsts.append(row)
        labels[row] = label
    return labels, np.asarray(firsts, dtype=np.int64)
