"""How well a clustering of records finds the people behind them, against known truth.

Pairwise scores count record pairs: a pair is "true" when both records belong to the same person
and "predicted" when both are in the same cluster. They are computed from the contingency of
truth groups × clusters (a pair is correct when it lies in one cell), never by listing pairs, so
a million records take a second. `error_pairs` lists the wrong pairs themselves, for the error
analysis of a benchmark; it stays small because true groups and sensible clusters are small.
"""

from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd


def _pairs_in(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _codes(truth: Mapping[str, str], clusters: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    unknown = clusters.keys() - truth.keys()
    if unknown:
        example = sorted(unknown)[0]
        raise ValueError(
            f"{len(unknown)} clustered record(s) are not in the truth, for example {example!r}"
        )
    record_ids = list(truth)
    truth_codes, _ = pd.factorize(pd.Series([truth[record_id] for record_id in record_ids]))
    cluster_labels = pd.Series([clusters.get(record_id) for record_id in record_ids], dtype=object)
    cluster_codes, _ = pd.factorize(cluster_labels)  # a missing record gets -1
    missing = cluster_codes < 0
    # A record that the clustering left out is alone in its own cluster.
    cluster_codes[missing] = cluster_codes.max(initial=-1) + 1 + np.arange(int(missing.sum()))
    return truth_codes.astype(np.int64), cluster_codes.astype(np.int64)


def pairwise_scores(truth: Mapping[str, str], clusters: Mapping[str, str]) -> dict:
    """Precision, recall and F1 over record pairs in the same cluster.

    `truth` maps every record id to its person id; `clusters` maps record ids to cluster ids
    (a record absent from `clusters` counts as a cluster of its own; a record absent from
    `truth` is an error). With no predicted pair precision is 1.0, with no true pair recall is
    1.0: nothing claimed is nothing wrong, nothing to find is nothing missed."""
    truth_codes, cluster_codes = _codes(truth, clusters)
    true_pairs = _pairs_in(np.bincount(truth_codes)) if len(truth_codes) else 0
    predicted_pairs = _pairs_in(np.bincount(cluster_codes)) if len(cluster_codes) else 0
    cells = truth_codes * (int(cluster_codes.max(initial=0)) + 1) + cluster_codes
    correct_pairs = _pairs_in(np.unique(cells, return_counts=True)[1]) if len(cells) else 0
    precision = correct_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = correct_pairs / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
        "correct_pairs": correct_pairs,
    }


def _pairs_of(groups: pd.Series, max_group: int, rng: np.random.Generator) -> Iterator[tuple]:
    # groups: record ids indexed by a group label, sorted by label.
    for members in groups.groupby(level=0).agg(list):
        if len(members) < 2:
            continue
        if len(members) > max_group:
            # An over-merged cluster has too many pairs to list: a sample of its members shows
            # what went wrong as well.
            members = list(rng.choice(members, size=max_group, replace=False))
        members.sort()
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                yield first, second


def error_pairs(
    truth: Mapping[str, str],
    clusters: Mapping[str, str],
    *,
    max_cluster: int = 200,
    seed: int = 1,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The wrong pairs: (false positives, false negatives), each a list of (record id, record id).

    False positives are pairs in one cluster that belong to different people; false negatives
    pairs of one person that the clustering split. A cluster larger than `max_cluster` is
    represented by a random sample of that many of its records."""
    truth_codes, cluster_codes = _codes(truth, clusters)
    record_ids = np.array(list(truth), dtype=object)
    rng = np.random.default_rng(seed)
    by_cluster = pd.Series(record_ids, index=cluster_codes).sort_index()
    by_person = pd.Series(record_ids, index=truth_codes).sort_index()
    person_of = dict(zip(record_ids, truth_codes, strict=True))
    cluster_of = dict(zip(record_ids, cluster_codes, strict=True))
    false_positives = [
        pair
        for pair in _pairs_of(by_cluster, max_cluster, rng)
        if person_of[pair[0]] != person_of[pair[1]]
    ]
    false_negatives = [
        pair
        for pair in _pairs_of(by_person, max_cluster, rng)
        if cluster_of[pair[0]] != cluster_of[pair[1]]
    ]
    return false_positives, false_negatives
