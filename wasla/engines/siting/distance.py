"""Travel distances between demand points and sites.

Two sources: great-circle distance times a detour factor, or a matrix the user supplies (a
road network's distances or times computed elsewhere). Both answer the same three questions
the models ask: dense blocks of rows, the pairs within a radius, and per-row pairs within a
per-row cap. Unreachable pairs are +inf in blocks and absent from pair lists.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from .data import DistanceTable, Points, SitingInputError

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
DEFAULT_DETOUR = 1.3
# Dense blocks are computed this many cells at a time, to bound memory.
BLOCK_CELLS = 4_000_000


def unit_vectors(points: Points) -> np.ndarray:
    lat = np.radians(points.lat)
    lon = np.radians(points.lon)
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def _chord_to_km(chord_sq: np.ndarray, detour: float) -> np.ndarray:
    # The chord between two unit vectors gives the central angle exactly: 2 asin(c / 2).
    chord = np.sqrt(chord_sq)
    np.minimum(chord, 2.0, out=chord)
    return (2.0 * EARTH_RADIUS_KM * detour) * np.arcsin(chord / 2.0)


class PairSet:
    """Sparse (demand row, site column, km) pairs, grouped by row (not sorted by distance)."""

    def __init__(
        self, n_rows: int, n_cols: int, rows: np.ndarray, cols: np.ndarray, km: np.ndarray
    ):
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size > 1 and np.any(np.diff(rows) < 0):
            # Pairs are unique, so one integer key (row, then column) orders them exactly.
            order = np.argsort(rows * np.int64(max(1, n_cols)) + np.asarray(cols, dtype=np.int64))
            rows, cols, km = rows[order], np.asarray(cols)[order], np.asarray(km)[order]
        self.n_rows = n_rows
        self.n_cols = n_cols
        self.rows = rows
        self.cols = np.asarray(cols, dtype=np.int64)
        self.km = np.asarray(km, dtype=np.float64)
        self.indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.rows, minlength=n_rows), out=self.indptr[1:])

    def __len__(self) -> int:
        return self.km.size

    def incidence(self) -> sparse.csr_matrix:
        """0/1 matrix of the pairs (rows x columns); explicit zero distances stay as ones."""
        ones = np.ones(self.km.size, dtype=np.float64)
        matrix = sparse.csr_matrix((ones, (self.rows, self.cols)), shape=(self.n_rows, self.n_cols))
        matrix.sort_indices()
        return matrix


class Metric:
    """Distances from every demand point (rows) to every site (columns)."""

    n_rows: int
    n_cols: int

    def block(self, rows: slice | np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """Dense km for the given rows (and columns, default all); inf where unreachable."""
        raise NotImplementedError

    def subset_rows(self, rows: np.ndarray) -> Metric:
        raise NotImplementedError

    def within(self, radius_km: float) -> PairSet:
        raise NotImplementedError

    def count_within_caps(self, caps: np.ndarray) -> np.ndarray:
        counts = np.zeros(self.n_rows, dtype=np.int64)
        for start, stop in self.row_chunks():
            counts[start:stop] = (self.block(slice(start, stop)) <= caps[start:stop, None]).sum(
                axis=1
            )
        return counts

    def within_caps(self, caps: np.ndarray, max_per_row: int | np.ndarray | None = None) -> PairSet:
        """Pairs whose distance is at most the row's own cap (inf: all reachable pairs).

        `max_per_row` is honoured by the great-circle metric only; a supplied table is small
        enough to list whole."""
        rows_out, cols_out, km_out = [], [], []
        for start, stop in self.row_chunks():
            block = self.block(slice(start, stop))
            mask = block <= caps[start:stop, None]
            r, c = np.nonzero(mask)
            rows_out.append(r + start)
            cols_out.append(c)
            km_out.append(block[r, c])
        return _concat_pairs(self.n_rows, self.n_cols, rows_out, cols_out, km_out)

    def row_chunks(self):
        step = max(1, BLOCK_CELLS // max(1, self.n_cols))
        for start in range(0, self.n_rows, step):
            yield start, min(self.n_rows, start + step)

    def nearest(self, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each row, the nearest of the given columns (ties: first in `columns`)."""
        columns = np.asarray(columns, dtype=np.int64)
        site = np.full(self.n_rows, -1, dtype=np.int64)
        km = np.full(self.n_rows, np.inf)
        if columns.size == 0:
            return site, km
        step = max(1, BLOCK_CELLS // max(1, columns.size))
        for start in range(0, self.n_rows, step):
            stop = min(self.n_rows, start + step)
            block = self.block(slice(start, stop), columns)
            best = np.argmin(block, axis=1)
            best_km = block[np.arange(stop - start), best]
            reachable = np.isfinite(best_km)
            site[start:stop] = np.where(reachable, columns[best], -1)
            km[start:stop] = best_km
        return site, km


def _concat_pairs(n_rows, n_cols, rows, cols, km) -> PairSet:
    if rows:
        return PairSet(
            n_rows, n_cols, np.concatenate(rows), np.concatenate(cols), np.concatenate(km)
        )
    empty = np.zeros(0, dtype=np.int64)
    return PairSet(n_rows, n_cols, empty, empty, np.zeros(0))


class GreatCircleMetric(Metric):
    """Great-circle distance times a detour factor (roads are longer than straight lines)."""

    def __init__(self, demand: Points, sites: Points, detour: float):
        self.detour = float(detour)
        self.rows_xyz = unit_vectors(demand)
        self.cols_xyz = unit_vectors(sites)
        self.n_rows = len(demand)
        self.n_cols = len(sites)

    def block(self, rows: slice | np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        a = self.rows_xyz[rows]
        b = self.cols_xyz if cols is None else self.cols_xyz[cols]
        chord_sq = np.zeros((a.shape[0], b.shape[0]))
        for axis in range(3):
            diff = a[:, axis, None] - b[None, :, axis]
            diff *= diff
            chord_sq += diff
        return _chord_to_km(chord_sq, self.detour)

    def subset_rows(self, rows: np.ndarray) -> GreatCircleMetric:
        other = object.__new__(GreatCircleMetric)
        other.detour = self.detour
        other.rows_xyz = self.rows_xyz[rows]
        other.cols_xyz = self.cols_xyz
        other.n_rows = int(other.rows_xyz.shape[0])
        other.n_cols = self.n_cols
        return other

    def nearest(self, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest of the given columns by a k-d tree; exact ties go to the first in `columns`."""
        columns = np.asarray(columns, dtype=np.int64)
        if columns.size == 0 or self.n_rows == 0:
            return np.full(self.n_rows, -1, dtype=np.int64), np.full(self.n_rows, np.inf)
        tree = cKDTree(self.cols_xyz[columns])
        k = min(2, columns.size)
        _, found = tree.query(self.rows_xyz, k=k)
        found = found.reshape(self.n_rows, k)
        rows = np.arange(self.n_rows)
        best = found[:, 0]
        km = self.pair_km(rows, columns[best])
        if k == 2:
            other = found[:, 1]
            other_km = self.pair_km(rows, columns[other])
            swap = (other_km < km) | ((other_km == km) & (other < best))
            best = np.where(swap, other, best)
            km = np.where(swap, other_km, km)
        return columns[best], km

    def within_caps(self, caps: np.ndarray, max_per_row: int | np.ndarray | None = None) -> PairSet:
        """Pairs up to each row's cap: a matrix product screens chords, exact km for the kept.

        With `max_per_row` (one number, or one per row), a row with more pairs keeps its
        nearest ones and its cap (changed in place) drops to the farthest kept distance, so
        every nearer site stays listed."""
        caps = np.asarray(caps, dtype=np.float64)
        angle = np.minimum(np.pi, caps / (EARTH_RADIUS_KM * self.detour))
        # Squared chord at the cap, widened a little; the exact test below decides.
        limit = (2.0 * np.sin(angle / 2.0)) ** 2 * (1 + 1e-9) + 1e-12
        per_row = None
        if max_per_row is not None:
            per_row = np.broadcast_to(np.asarray(max_per_row, dtype=np.int64), (self.n_rows,))
        rows_out, cols_out, km_out = [], [], []
        for start, stop in self.row_chunks():
            dots = self.rows_xyz[start:stop] @ self.cols_xyz.T
            chord_sq = 2.0 - 2.0 * dots
            inside = chord_sq <= limit[start:stop, None]
            if per_row is not None:
                allowed = per_row[start:stop]
                crowded_all = np.flatnonzero(inside.sum(axis=1) > allowed)
                for keep_count in np.unique(allowed[crowded_all]):
                    crowded = crowded_all[allowed[crowded_all] == keep_count]
                    part = np.where(inside[crowded], chord_sq[crowded], np.inf)
                    kth = np.argpartition(part, keep_count - 1, axis=1)[:, keep_count - 1]
                    kth_sq = part[np.arange(crowded.size), kth]
                    inside[crowded] &= chord_sq[crowded] < kth_sq[:, None]
                    caps[start + crowded] = self.pair_km(start + crowded, kth)
            r, c = np.nonzero(inside)
            r += start
            km = self.pair_km(r, c)
            keep = km <= caps[r]
            rows_out.append(r[keep])
            cols_out.append(c[keep])
            km_out.append(km[keep])
        return _concat_pairs(self.n_rows, self.n_cols, rows_out, cols_out, km_out)

    def count_within_caps(self, caps: np.ndarray) -> np.ndarray:
        angle = np.minimum(
            np.pi, np.asarray(caps, dtype=np.float64) / (EARTH_RADIUS_KM * self.detour)
        )
        limit = (2.0 * np.sin(angle / 2.0)) ** 2 * (1 + 1e-9) + 1e-12
        counts = np.zeros(self.n_rows, dtype=np.int64)
        for start, stop in self.row_chunks():
            chord_sq = 2.0 - 2.0 * (self.rows_xyz[start:stop] @ self.cols_xyz.T)
            counts[start:stop] = (chord_sq <= limit[start:stop, None]).sum(axis=1)
        return counts

    def pair_km(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        chord_sq = np.zeros(rows.size)
        for axis in range(3):
            diff = self.rows_xyz[rows, axis] - self.cols_xyz[cols, axis]
            diff *= diff
            chord_sq += diff
        return _chord_to_km(chord_sq, self.detour)

    def within(self, radius_km: float) -> PairSet:
        if self.n_rows == 0 or self.n_cols == 0:
            return _concat_pairs(self.n_rows, self.n_cols, [], [], [])
        angle = min(np.pi, radius_km / (EARTH_RADIUS_KM * self.detour))
        chord = 2.0 * np.sin(angle / 2.0) * (1 + 1e-9) + 1e-12
        tree_rows = cKDTree(self.rows_xyz)
        tree_cols = cKDTree(self.cols_xyz)
        found = tree_rows.sparse_distance_matrix(tree_cols, chord, output_type="ndarray")
        rows = found["i"].astype(np.int64)
        cols = found["j"].astype(np.int64)
        # Recompute with the same formula as the dense blocks, so that coverage and the
        # reported distances never disagree at the edge of the radius.
        km = self.pair_km(rows, cols)
        keep = km <= radius_km
        return PairSet(self.n_rows, self.n_cols, rows[keep], cols[keep], km[keep])


class TableMetric(Metric):
    """Distances from a supplied table; absent pairs are unreachable."""

    def __init__(self, demand: Points, sites: Points, table: DistanceTable):
        row_of = {value: index for index, value in enumerate(demand.ids)}
        col_of = {value: index for index, value in enumerate(sites.ids)}
        rows = np.fromiter(
            (row_of.get(v, -1) for v in table.origin_ids), dtype=np.int64, count=len(table)
        )
        cols = np.fromiter(
            (col_of.get(v, -1) for v in table.destination_ids), dtype=np.int64, count=len(table)
        )
        # A road matrix often covers more places than one scenario uses: other pairs are ignored.
        keep = (rows >= 0) & (cols >= 0)
        if len(table) and not keep.any():
            raise SitingInputError(
                "distance matrix: no entry goes from a demand id to a candidate or existing site id"
            )
        self.n_rows = len(demand)
        self.n_cols = len(sites)
        self.pairs = PairSet(self.n_rows, self.n_cols, rows[keep], cols[keep], table.km[keep])
        # The matrix stores 1 + the pair's position, so zero distances stay stored entries.
        position = np.arange(1, len(self.pairs) + 1, dtype=np.float64)
        self.matrix = sparse.csr_matrix(
            (position, (self.pairs.rows, self.pairs.cols)), shape=(self.n_rows, self.n_cols)
        )
        self._km_or_inf = np.append(self.pairs.km, np.inf)

    def block(self, rows: slice | np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        part = self.matrix[rows]
        if cols is not None:
            part = part[:, cols]
        position = part.toarray().astype(np.int64) - 1
        return self._km_or_inf[position]  # -1 picks the trailing inf

    def subset_rows(self, rows: np.ndarray) -> TableMetric:
        other = object.__new__(TableMetric)
        part = self.matrix[rows].tocoo()
        position = part.data.astype(np.int64) - 1
        other.n_rows = int(part.shape[0])
        other.n_cols = self.n_cols
        other.pairs = PairSet(
            other.n_rows, other.n_cols, part.row, part.col, self.pairs.km[position]
        )
        other.matrix = sparse.csr_matrix(
            (
                np.arange(1, len(other.pairs) + 1, dtype=np.float64),
                (other.pairs.rows, other.pairs.cols),
            ),
            shape=(other.n_rows, other.n_cols),
        )
        other._km_or_inf = np.append(other.pairs.km, np.inf)
        return other

    def within(self, radius_km: float) -> PairSet:
        keep = self.pairs.km <= radius_km
        p = self.pairs
        return PairSet(self.n_rows, self.n_cols, p.rows[keep], p.cols[keep], p.km[keep])

    def within_caps(self, caps: np.ndarray, max_per_row: int | np.ndarray | None = None) -> PairSet:
        p = self.pairs
        keep = p.km <= caps[p.rows]
        return PairSet(self.n_rows, self.n_cols, p.rows[keep], p.cols[keep], p.km[keep])


def make_metric(
    demand: Points, sites: Points, detour: float, table: DistanceTable | None
) -> Metric:
    if table is not None:
        return TableMetric(demand, sites, table)
    return GreatCircleMetric(demand, sites, detour)
