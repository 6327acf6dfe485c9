"""`link()`: who is the same person among person records, with the reasons.

Standardise (`prepare`), then Splink: u estimated by random sampling, the prior by
deterministic rules, m by expectation maximisation over a few blocking rules, pairs scored
within the prediction blocks; clusters join the pairs at the threshold, best first, unless a
join would put two records that cannot be one person (another sex, another card number,
birth years three apart) in one cluster.
"""

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import model
from .prepare import prepare
from .records import LinkageInputError, records_frame

# Pairs below this probability are not kept for review: they would only be noise.
PAIR_FLOOR = 0.5
BACKENDS = ("duckdb", "spark")
PRIOR_CEILING = 0.1
NEUTRAL_WEIGHT = 0.25
# Random pairs sampled for u: enough for the rare levels, a fixed cost at any size.
U_MAX_PAIRS = 5e5
M_FLOOR = 0.001
# Below this many records the data cannot teach the model: the starting values of
# model.STARTING_M_U score the pairs, with a prior of one match per record.
MIN_RECORDS_TO_TRAIN = 500

Progress = Callable[[float, str], None]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoredPair:
    """Two records the model scored. `agreements` and `disagreements` name the field and the
    level ("name: same transliteration", "phone: different"): the levels that raised the match
    weight and those that lowered it. Fields missing on a side are in neither."""

    left_id: str
    right_id: str
    probability: float
    match_weight: float
    agreements: tuple[str, ...]
    disagreements: tuple[str, ...]


@dataclass
class LinkageResult:
    """`clusters` maps every input record id to its cluster id (the smallest record id of the
    cluster, by string order); `pairs` are the scored pairs with a probability of at least
    `PAIR_FLOOR` (or the threshold, if lower), best first; `parameters` the trained model:
    the prior and, per comparison, each level's m, u and match weight."""

    clusters: dict[str, str]
    pairs: list[ScoredPair]
    seconds: float
    parameters: dict[str, Any] = field(default_factory=dict)
    threshold: float = 0.9
    backend: str = "duckdb"


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    logger.info("linkage %3.0f%% %s", fraction * 100, message)
    if progress is not None:
        progress(fraction, message)


def _duckdb_api(n_records: int):
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    threads = max(1, os.cpu_count() or 1)
    connection.execute(f"SET threads = {threads}")
    # Order of intermediate rows does not matter to Splink and costs memory to keep.
    connection.execute("SET preserve_insertion_order = false")
    connection.execute(f"SET memory_limit = '{_memory_limit_gb()}GB'")
    connection.execute(f"SET temp_directory = '{tempfile.gettempdir()}/wasla-linkage-duckdb'")
    return DuckDBAPI(connection=connection), connection


def _memory_limit_gb() -> int:
    # Leave room for Python's own frames: at most 6 GB, at most 60% of the machine.
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        total = 8
    return max(1, min(6, int(total * 0.6)))


def _spark_api(spark):
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import SparkAPI, similarity_jar_location
    except ImportError as error:
        raise LinkageInputError(
            "the spark backend needs pyspark: pip install pyspark (see docs/record-linkage.md)"
        ) from error
    # Splink's Jaro-Winkler and Damerau-Levenshtein for Spark are Scala functions in its jar,
    # which must be on the session's class path when the session starts.
    session = (
        spark
        or SparkSession.builder.appName("wasla-linkage")
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    if session.sparkContext.getCheckpointDir() is None:
        # Splink checkpoints to cut long lineages; a cluster should set a shared directory.
        session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="wasla-linkage-spark-"))
    return SparkAPI(spark_session=session), None


def _for_backend(prepared: pd.DataFrame, backend: str):
    if backend == "duckdb":
        import pyarrow as pa

        # DuckDB reads Arrow lists directly; a pandas column of Python lists is slow to scan.
        return pa.Table.from_pandas(prepared, preserve_index=False)
    if backend == "spark":
        # Spark infers no type from an all-None column; nullable numbers as floats.
        frame = prepared.copy()
        for column in ("birth_year", "birth_month", "birth_day"):
            frame[column] = frame[column].astype("float64")
        return frame
    return prepared


def _level_reasons(linker) -> dict[str, dict[float, tuple[str, float]]]:
    """For each comparison's match-weight column (mw_<comparison>), the label and weight of
    each non-null level keyed by that weight rounded: Splink keeps the weight of the level a
    pair fell into, not the level itself, unless every compared column is kept too."""
    reasons: dict[str, dict[float, tuple[str, float]]] = {}
    for comparison in linker._settings_obj.comparisons:
        levels: dict[float, tuple[str, float]] = {}
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            weight = level._match_weight
            levels.setdefault(round(weight, 6), (level.label_for_charts, weight))
        reasons[comparison._mw_column_name] = levels
    return reasons


def _parameters(linker) -> dict[str, Any]:
    settings = linker._settings_obj
    comparisons = {}
    for comparison in settings.comparisons:
        comparisons[comparison.output_column_name] = [
            {
                "level": level.label_for_charts,
                "m": level.m_probability,
                "u": level.u_probability,
                "match_weight": None if level.is_null_level else level._match_weight,
            }
            for level in comparison.comparison_levels
            if not level.is_null_level
        ]
    return {
        "probability_two_random_records_match": settings._probability_two_random_records_match,
        "comparisons": comparisons,
    }


def _pairs_frame(connection, predictions, weight_columns: list[str]) -> pd.DataFrame:
    columns = ["unique_id_l", "unique_id_r", "match_probability", "match_weight", *weight_columns]
    if connection is not None:
        return connection.execute(
            # Names made by Splink and this module, never by the input.
            f"SELECT {', '.join(columns)} FROM {predictions.physical_name}"  # noqa: S608
        ).df()
    return predictions.as_spark_dataframe().select(*columns).toPandas()


def _cards_conflict(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    # Two card numbers one digit apart may be one card mistyped; further apart, two cards.
    return any(
        sum(a != b for a, b in zip(one, other, strict=True)) > 1
        for one in first
        for other in second
    )


def _clusters(
    ids: list[str], pairs: pd.DataFrame, threshold: float, fields: pd.DataFrame
) -> dict[str, str]:
    """Record id → cluster id (the smallest record id of the cluster).

    The pairs at or above `threshold` join their records, most probable first (ties in id
    order, so the result does not depend on the order of the input). Connected components
    alone would let a chain of likely pairs join records that cannot be one person: another
    sex, two card numbers more than a digit apart, birth years three or more apart (a brother,
    through his sister's shared phone and a record missing the fields that tell them apart).
    Here the pair that would close such a cluster is left out: the evidence against is
    stronger than any one pair's. Both records keep their pairs for review.

    `fields`: unique_id, sex, national_id and birth_year of every record."""
    joining = pairs[pairs["match_probability"] >= threshold].sort_values(
        ["match_probability", "unique_id_l", "unique_id_r"], ascending=[False, True, True]
    )
    # Records as numbers in id order: the smallest number of a cluster is its smallest id.
    names = pd.Index(sorted(ids))
    lefts = names.get_indexer(joining["unique_id_l"]).tolist()
    rights = names.get_indexer(joining["unique_id_r"]).tolist()
    known = fields.set_index("unique_id").reindex(names)
    # Per cluster root, what its records say: one sex, the lowest and highest birth year,
    # the card numbers.
    sex = [None if pd.isna(value) else value for value in known["sex"].tolist()]
    years = [None if pd.isna(value) else int(value) for value in known["birth_year"].tolist()]
    low, high = years, list(years)
    cards = [None if pd.isna(value) else (value,) for value in known["national_id"].tolist()]
    parent = list(range(len(names)))

    def find(record: int) -> int:
        root = record
        while parent[root] != root:
            root = parent[root]
        while parent[record] != root:
            parent[record], record = root, parent[record]
        return root

    for left, right in zip(lefts, rights, strict=True):
        a, b = find(left), find(right)
        if a == b:
            continue
        if a > b:
            a, b = b, a
        if sex[a] and sex[b] and sex[a] != sex[b]:
            continue
        years_known = low[a] is not None and low[b] is not None
        if years_known and max(high[a], high[b]) - min(low[a], low[b]) > 2:
            continue
        if cards[a] and cards[b] and _cards_conflict(cards[a], cards[b]):
            continue
        parent[b] = a
        sex[a] = sex[a] or sex[b]
        if low[a] is None:
            low[a], high[a] = low[b], high[b]
        elif low[b] is not None:
            low[a], high[a] = min(low[a], low[b]), max(high[a], high[b])
        cards[a] = (cards[a] or ()) + (cards[b] or ()) or None
    roots = names.to_numpy()[[find(record) for record in range(len(names))]]
    return dict(zip(names.tolist(), roots.tolist(), strict=True))


def _scored_pairs(frame: pd.DataFrame, reasons) -> list[ScoredPair]:
    weight_columns = list(reasons)
    # Explain each distinct comparison vector once: there are few of them.
    explained: dict[tuple, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    pairs = []
    frame = frame.sort_values(
        ["match_probability", "unique_id_l", "unique_id_r"], ascending=[False, True, True]
    )
    vectors = frame[weight_columns].round(6).itertuples(index=False, name=None)
    rows = zip(
        frame["unique_id_l"].tolist(),
        frame["unique_id_r"].tolist(),
        frame["match_probability"].tolist(),
        frame["match_weight"].tolist(),
        vectors,
        strict=True,
    )
    for left, right, probability, weight, vector in rows:
        if vector not in explained:
            agree, disagree = [], []
            for column, value in zip(weight_columns, vector, strict=True):
                level = reasons[column].get(value)
                if level is None:
                    continue
                label, level_weight = level
                # A level that barely moves the weight (a sex shared by half of all pairs)
                # is no reason either way.
                if abs(level_weight) >= NEUTRAL_WEIGHT:
                    (agree if level_weight > 0 else disagree).append(label)
            explained[vector] = (tuple(agree), tuple(disagree))
        agreements, disagreements = explained[vector]
        if left > right:
            left, right = right, left
        pairs.append(
            ScoredPair(
                left_id=left,
                right_id=right,
                probability=float(probability),
                match_weight=float(weight),
                agreements=agreements,
                disagreements=disagreements,
            )
        )
    return pairs


def _check_arguments(threshold: float, backend: str) -> None:
    if not isinstance(threshold, int | float) or not 0 < threshold < 1:
        raise LinkageInputError(f"threshold must be between 0 and 1 (exclusive), not {threshold}")
    if backend not in BACKENDS:
        raise LinkageInputError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")


def _train(linker, n_records: int, seed: int, progress: Progress | None) -> None:
    from splink.internals.exceptions import SplinkException

    settings = linker._settings_obj
    if n_records < MIN_RECORDS_TO_TRAIN:
        settings._probability_two_random_records_match = min(1 / n_records, PRIOR_CEILING)
        return
    _report(progress, 0.15, "estimating the prior from deterministic rules")
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(model.DETERMINISTIC_RULES), recall=model.DETERMINISTIC_RECALL
        )
    except (SplinkException, ValueError, ZeroDivisionError) as error:
        logger.info("prior left at its default: %s", error)
    # On a handful of records the deterministic rules may join nearly every pair: a prior of
    # 1 would make every pair certain. Keep it a probability that still needs evidence.
    prior = settings._probability_two_random_records_match
    settings._probability_two_random_records_match = min(max(prior, 1e-9), PRIOR_CEILING)

    _report(progress, 0.2, "estimating u by random sampling")
    all_pairs = n_records * (n_records - 1) / 2
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(U_MAX_PAIRS, max(all_pairs, 1)), seed=seed
    )
    for index, rule in enumerate(model.TRAINING_BLOCKING_RULES):
        _report(
            progress,
            0.3 + 0.3 * index / len(model.TRAINING_BLOCKING_RULES),
            "estimating m by expectation maximisation",
        )
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=model.EM_MAX_PAIRS
            )
        except (SplinkException, ValueError, ZeroDivisionError) as error:
            # Too few pairs in this block to learn from (small inputs): the others train.
            logger.info("EM session skipped: %s", error)
    _floor_probabilities(linker)


def _floor_probabilities(linker) -> None:
    """EM drives the m of a level it never saw among matches to 0, a weight of -60: one
    mistyped field would then forbid a match whatever else agrees. Keep it above M_FLOOR."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            if level.m_probability is not None and level.m_probability < M_FLOOR:
                level.m_probability = M_FLOOR


def link(
    records: "pd.DataFrame | Iterable[Mapping[str, object]]",
    *,
    threshold: float = 0.9,
    backend: str = "duckdb",
    spark=None,
    progress: Progress | None = None,
    seed: int = 42,
) -> LinkageResult:
    """Find which records are the same person.

    `records`: a DataFrame or dicts with the columns of `COLUMNS` (only `record_id` required,
    unique). Records are standardised, then a Splink model (DuckDB by default; `backend="spark"`
    with an optional `spark` session) is trained on the data itself and scores candidate pairs;
    records joined by pairs of probability at least `threshold` form a cluster. `progress` is
    called with a fraction done and a message. Same input and `seed`, same result.

    Raises `LinkageInputError` for bad records or arguments."""
    started = time.perf_counter()
    _check_arguments(threshold, backend)
    frame = records_frame(records)
    _report(progress, 0.0, "standardising records")
    ids = frame["record_id"].tolist()
    if len(frame) < 2:
        return LinkageResult(
            clusters={record_id: record_id for record_id in ids},
            pairs=[],
            seconds=time.perf_counter() - started,
            threshold=threshold,
            backend=backend,
        )
    prepared = prepare(frame)
    # What no chain of pairs may put together (see _clusters): kept apart from the frame,
    # which Splink takes over.
    fields = prepared[["unique_id", "sex", "national_id", "birth_year"]].copy()
    prepared = _for_backend(prepared, backend)

    from splink import Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    if backend == "spark":
        db_api, connection = _spark_api(spark)
    else:
        db_api, connection = _duckdb_api(len(prepared))
    try:
        _report(progress, 0.1, "loading records")
        table = db_api.register(prepared)
        del prepared
        linker = Linker(table, model.settings(), log_level=None)
        _train(linker, len(frame), seed, progress)

        _report(progress, 0.6, "scoring candidate pairs")
        floor = min(PAIR_FLOOR, threshold)
        predictions = linker.inference.predict(
            threshold_match_probability=floor, warning_mode="never"
        )
        reasons = _level_reasons(linker)
        pairs_frame = _pairs_frame(connection, predictions, list(reasons))
        parameters = _parameters(linker)
    finally:
        if connection is not None:
            connection.close()

    _report(progress, 0.8, "clustering")
    clusters = _clusters(ids, pairs_frame, threshold, fields)
    _report(progress, 0.9, "explaining pairs")
    pairs = _scored_pairs(pairs_frame, reasons)
    _report(progress, 1.0, "done")
    return LinkageResult(
        clusters=clusters,
        pairs=pairs,
        seconds=time.perf_counter() - started,
        parameters=parameters,
        threshold=threshold,
        backend=backend,
    )
