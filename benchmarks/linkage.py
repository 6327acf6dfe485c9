"""Record linkage: Wasla's `link()` against Splink configured generically, on synthetic
Tunisian records with known truth.

    .venv/bin/python benchmarks/linkage.py                        # 10k, 100k and 1M records
    .venv/bin/python benchmarks/linkage.py --sizes 10000,100000
    .venv/bin/python benchmarks/linkage.py --quick                # 10k only, a smoke run

For each size the records come from `wasla.engines.linkage.synthetic` (seeded; the noise model
is in that module's docstring and in benchmarks/README.md) and are written to a CSV file. Each
linkage run then happens in a fresh process (multiprocessing, spawn) that reads the CSV as the
command line would, links, and returns the clusters, so that the time and the peak resident
memory (ru_maxrss) are those of one run alone. Generating the records is not timed.

The peer is Splink with DuckDB set up as a newcomer would from its tutorial, without any
knowledge of Tunisian data: Jaro-Winkler on the raw given and family names, exact birth date,
phone, identity card number and sex, blocking on raw fields (family name and birth year, phone,
birth date, card number), u by random sampling, m by EM, clusters at the same threshold. Empty
fields become NULL (Splink needs that to tell "missing" from "equal"); nothing else is cleaned.

Scores are pairwise precision, recall and F1 over record pairs in the same cluster
(`wasla.engines.linkage.evaluation`). At 100,000 records Wasla's errors are broken down by the
noise the records carry (siblings, namesakes, Arabic-only records, swapped fields, changed
phones...), with the share of such pairs that went wrong.

Writes benchmarks/results/linkage.json and prints a summary and the checks:
F1 at least 0.97 at 100,000 records; Wasla above the peer at every size; the peer below 0.95
(the records are hard enough); 1,000,000 records in under 300 s and 8 GB; Wasla at most 1.5
times the peer's time at 1,000,000.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "linkage.json"
SIZES = (10_000, 100_000, 1_000_000)
BREAKDOWN_SIZE = 100_000
TARGET_F1 = 0.97
HARDNESS_CEILING = 0.95
MILLION_SECONDS = 300
MILLION_GB = 8
TIME_RATIO = 1.5
RUN_TIMEOUT = 3600


# --- The runs, each in its own process -------------------------------------------------------


def _read_records(path: str):
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def _generic_clusters(records, threshold: float, seed: int, stages: dict) -> dict[str, str]:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    frame = records.replace("", None)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("family_name", [0.92, 0.8]),
            cl.ExactMatch("birth_date"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("national_id"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("family_name", "substr(birth_date, 1, 4)"),
            block_on("family_name", "birth_year"),
            block_on("phone"),
            block_on("birth_date"),
            block_on("national_id"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=None)
    stages["prepare"] = time.perf_counter() - started
    linker.training.estimate_probability_two_random_records_match(
        [block_on("national_id"), block_on("given_name", "family_name", "birth_date")],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    stages["train"] = time.perf_counter() - started - stages["prepare"]
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    stages["predict"] = time.perf_counter() - started - stages["prepare"] - stages["train"]
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    ).as_pandas_dataframe()
    stages["cluster"] = time.perf_counter() - started - sum(stages.values())
    clusters = dict(
        zip(clustered["record_id"].tolist(), clustered["cluster_id"].tolist(), strict=True)
    )
    return {record_id: clusters.get(record_id, record_id) for record_id in records["record_id"]}


def _wasla_clusters(records, threshold: float, seed: int, stages: dict) -> tuple[dict, int]:
    from wasla.engines.linkage import link

    marks = []

    def progress(fraction: float, message: str) -> None:
        marks.append((time.perf_counter(), message))

    started = time.perf_counter()
    result = link(records, threshold=threshold, progress=progress, seed=seed)
    ended = time.perf_counter()
    # Stage times from the engine's progress messages: each lasts until the next message.
    times = [started] + [mark for mark, _ in marks] + [ended]
    for index, (_, message) in enumerate(marks):
        stages[message] = stages.get(message, 0.0) + times[index + 2] - times[index + 1]
    return result.clusters, len(result.pairs)


def _run(method: str, csv_path: str, threshold: float, seed: int, connection) -> None:
    try:
        started = time.perf_counter()
        records = _read_records(csv_path)
        read_seconds = time.perf_counter() - started
        stages: dict[str, float] = {}
        started = time.perf_counter()
        if method == "wasla":
            clusters, kept_pairs = _wasla_clusters(records, threshold, seed, stages)
        else:
            clusters, kept_pairs = _generic_clusters(records, threshold, seed, stages), None
        seconds = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        connection.send(
            {
                "ok": True,
                "clusters": clusters,
                "seconds": seconds,
                "read_seconds": read_seconds,
                "stages": {name: round(value, 2) for name, value in stages.items()},
                "peak_memory_gb": peak_kib / 1024**2,
                "kept_pairs": kept_pairs,
            }
        )
    except Exception as error:  # reported in the results, never hidden
        connection.send({"ok": False, "error": f"{type(error).__name__}: {error}"})
    finally:
        connection.close()


def _in_fresh_process(
    method: str, csv_path: str, threshold: float, seed: int, timeout: float
) -> dict:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(method, csv_path, threshold, seed, sender))
    process.start()
    sender.close()
    if not receiver.poll(timeout):
        process.kill()
        process.join()
        return {"ok": False, "error": f"stopped: no result after {timeout:.0f} s"}
    try:
        outcome = receiver.recv()
    except EOFError:
        outcome = {"ok": False, "error": "the run's process died (out of memory?)"}
    process.join()
    if process.exitcode not in (0, None) and outcome.get("ok"):
        outcome["exit_code"] = process.exitcode
    return outcome


# --- Error analysis ----------------------------------------------------------------------------


def _pair_frame(pairs, labels, records):
    import numpy as np
    import pandas as pd

    position = pd.Series(np.arange(len(labels)), index=labels["record_id"].to_numpy())
    left = position.loc[[first for first, _ in pairs]].to_numpy()
    right = position.loc[[second for _, second in pairs]].to_numpy()
    phone_digits = records["phone"].str.replace(r"\D", "", regex=True).str[-8:].to_numpy()

    def both(column):
        values = labels[column].to_numpy()
        return values[left], values[right]

    frame = pd.DataFrame(index=np.arange(len(pairs)))
    script_l, script_r = both("script")
    frame["an Arabic-only record"] = (script_l == "arabic") | (script_r == "arabic")
    frame["Arabic-only against Latin-only (no common script)"] = (
        (script_l == "arabic") & (script_r == "latin")
    ) | ((script_l == "latin") & (script_r == "arabic"))
    for column, name in (
        ("swapped", "given and family name swapped"),
        ("full_name_in_given", "whole name in the given-name field"),
    ):
        first, second = both(column)
        frame[name] = first | second
    first, second = both("typo")
    frame["a typo in a name"] = (first > 0) | (second > 0)
    first, second = both("date")
    for kind, name in (
        ("year_only", "only a birth year"),
        ("missing", "no birth date"),
        ("swapped", "day and month swapped"),
        ("day_typo", "a day typed wrong"),
        ("year_slip", "birth year off by one"),
    ):
        frame[name] = (first == kind) | (second == kind)
    first, second = both("phone")
    frame["a changed phone"] = (first == "changed") | (second == "changed")
    frame["a missing phone"] = (first == "missing") | (second == "missing")
    frame["same phone"] = (phone_digits[left] == phone_digits[right]) & (phone_digits[left] != "")
    first, second = both("national_id")
    frame["card number on both"] = (first != "none") & (second != "none")
    dates_l, dates_r = both("date")
    full_dates = np.isin(dates_l, ["exact", "swapped"]) & np.isin(dates_r, ["exact", "swapped"])
    # What a clerk would need to tell the person from a namesake: without any of these, a
    # common name and a birth year may not be enough for anyone.
    frame["no common full date, phone or card number"] = ~(
        full_dates | frame["same phone"].to_numpy() | frame["card number on both"].to_numpy()
    )
    first, second = both("anchor")
    frame["an anchorless person (records share nothing strong by design)"] = (first == "none") | (
        second == "none"
    )
    first, second = both("governorate")
    frame["moved"] = (first == "moved") | (second == "moved")
    first, second = both("household_id")
    frame["siblings (same household)"] = first == second
    given_l, given_r = both("true_given")
    family_l, family_r = both("true_family")
    year_l, year_r = both("true_birth_year")
    same_name = (given_l == given_r) & (family_l == family_r)
    frame["namesakes born the same year"] = same_name & (year_l == year_r)
    frame["namesakes born another year"] = same_name & (year_l != year_r)
    first, second = both("namesake")
    frame["a deliberate namesake"] = first | second
    return frame


def _breakdown(truth, clusters, synthetic) -> dict:
    import numpy as np

    from wasla.engines.linkage.evaluation import error_pairs

    labels, records = synthetic.labels, synthetic.records
    false_positives, false_negatives = error_pairs(truth, clusters)
    by_person = labels.groupby("person_id")["record_id"].agg(list)
    true_pairs = [
        (a, b)
        for members in by_person
        if len(members) > 1
        for i, a in enumerate(sorted(members))
        for b in sorted(members)[i + 1 :]
    ]
    missed = set(false_negatives)
    true_frame = _pair_frame(true_pairs, labels, records)
    is_missed = np.array([pair in missed for pair in true_pairs])
    negatives = {
        name: {
            "true_pairs": int(true_frame[name].sum()),
            "missed": int((true_frame[name] & is_missed).sum()),
            "missed_share": round(
                float((true_frame[name] & is_missed).sum() / max(true_frame[name].sum(), 1)), 4
            ),
        }
        for name in true_frame.columns
        if name
        not in {
            "siblings (same household)",
            "namesakes born the same year",
            "namesakes born another year",
            "a deliberate namesake",
        }
    }
    # Recall on the true pairs of people by the identifier that survives on all their records
    # (the generator's anchor), so that anchored and anchorless people are scored apart.
    anchor_of = labels.set_index("record_id")["anchor"]
    pair_anchor = anchor_of.loc[[first for first, _ in true_pairs]].to_numpy()
    by_anchor = {}
    for kind in ("date", "phone", "card", "none"):
        chosen = pair_anchor == kind
        count, missed_count = int(chosen.sum()), int((chosen & is_missed).sum())
        by_anchor[kind] = {
            "true_pairs": count,
            "missed": missed_count,
            "recall": round(1 - missed_count / max(count, 1), 4),
        }
    anchored = pair_anchor != "none"
    by_anchor["anchored (date, phone or card)"] = {
        "true_pairs": int(anchored.sum()),
        "missed": int((anchored & is_missed).sum()),
        "recall": round(1 - float((anchored & is_missed).sum()) / max(int(anchored.sum()), 1), 4),
    }
    positive_frame = _pair_frame(false_positives, labels, records)
    # Denominators for the traps: record pairs of different people who are siblings, or who
    # share name and birth year.
    records_per_person = labels.groupby("person_id").size()

    def pairs_of_different_people(keys: list[str]) -> int:
        groups = labels.groupby(keys).size()
        same_group = int((groups * (groups - 1) // 2).sum())
        within_person = labels.groupby([*keys, "person_id"]).size()
        return same_group - int((within_person * (within_person - 1) // 2).sum())

    denominators = {
        "siblings (same household)": pairs_of_different_people(["household_id"]),
        "namesakes born the same year": pairs_of_different_people(
            ["true_given", "true_family", "true_birth_year"]
        ),
    }
    positives = {}
    for name in positive_frame.columns:
        count = int(positive_frame[name].sum())
        entry = {"false_pairs": count}
        if name in denominators:
            entry["pairs_of_different_people"] = denominators[name]
            entry["wrongly_joined_share"] = round(count / max(denominators[name], 1), 5)
        positives[name] = entry
    return {
        "records": len(labels),
        "people": len(records_per_person),
        "records_per_person_max": int(records_per_person.max()),
        "false_positive_pairs": len(false_positives),
        "false_negative_pairs": len(false_negatives),
        "false_negatives_by_noise": negatives,
        "recall_by_anchor": by_anchor,
        "false_positives_by_kind": positives,
        "note": (
            "A pair counts under every noise it carries. For missed pairs, missed_share is the "
            "share of true pairs with that noise that the clustering split; for false pairs, "
            "wrongly_joined_share the share of such pairs of different people it joined."
        ),
    }


# --- The benchmark ---------------------------------------------------------------------------


def _load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _versions() -> dict:
    from importlib.metadata import version

    return {name: version(name) for name in ("splink", "duckdb", "pandas", "numpy", "pyarrow")} | {
        "python": platform.python_version()
    }


def _scores(truth, outcome) -> dict:
    from wasla.engines.linkage.evaluation import pairwise_scores

    scores = pairwise_scores(truth, outcome["clusters"])
    return {
        "precision": round(scores["precision"], 4),
        "recall": round(scores["recall"], 4),
        "f1": round(scores["f1"], 4),
        "true_pairs": scores["true_pairs"],
        "predicted_pairs": scores["predicted_pairs"],
        "correct_pairs": scores["correct_pairs"],
    }


def _checks(sizes_results: dict) -> list[dict]:
    checks = []

    def check(name: str, passed: bool | None, detail: str) -> None:
        checks.append({"check": name, "passed": passed, "detail": detail})

    def f1(size, method):
        run = sizes_results.get(size, {}).get(method, {})
        return run.get("f1")

    if BREAKDOWN_SIZE in sizes_results:
        value = f1(BREAKDOWN_SIZE, "wasla")
        check(
            "Wasla F1 >= 0.97 at 100,000 records",
            value is not None and value >= TARGET_F1,
            f"F1 {value}",
        )
    for size in sizes_results:
        ours, theirs = f1(size, "wasla"), f1(size, "generic")
        check(
            f"Wasla F1 above the generic configuration at {size:,} records",
            None if ours is None or theirs is None else ours > theirs,
            f"Wasla {ours}, generic {theirs}",
        )
        check(
            f"Generic F1 below 0.95 at {size:,} records (records hard enough)",
            None if theirs is None else theirs < HARDNESS_CEILING,
            f"generic {theirs}",
        )
    if 1_000_000 in sizes_results:
        ours = sizes_results[1_000_000].get("wasla", {})
        theirs = sizes_results[1_000_000].get("generic", {})
        seconds, memory = ours.get("seconds"), ours.get("peak_memory_gb")
        check(
            "Wasla links 1,000,000 records in under 300 s",
            None if seconds is None else seconds < MILLION_SECONDS,
            f"{seconds} s",
        )
        check(
            "Wasla links 1,000,000 records in under 8 GB",
            None if memory is None else memory < MILLION_GB,
            f"{memory} GB peak resident memory",
        )
        peer = theirs.get("seconds")
        check(
            "Wasla at most 1.5 x the generic configuration's time at 1,000,000",
            None if seconds is None or peer is None else seconds <= TIME_RATIO * peer,
            f"Wasla {seconds} s, generic {peer} s"
            + (f" (x{seconds / peer:.2f})" if seconds and peer else ""),
        )
    return checks


def _write(results: dict, path: Path) -> None:
    results["machine"]["load_average_end"] = _load()
    results["checks"] = _checks({int(size): entry for size, entry in results["sizes"].items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument("--quick", action="store_true", help="10,000 records only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--timeout", type=float, default=RUN_TIMEOUT, help="seconds before a run is stopped"
    )
    arguments = parser.parse_args()
    sizes = [10_000] if arguments.quick else [int(size) for size in arguments.sizes.split(",")]

    from tqdm import tqdm

    from wasla.engines.linkage.synthetic import generate_labelled

    results: dict = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpu_count": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
            "platform": platform.platform(),
            "load_average_start": _load(),
        },
        "versions": _versions(),
        "seed": arguments.seed,
        "threshold": arguments.threshold,
        "run_timeout_seconds": arguments.timeout,
        "generic_configuration": (
            "Splink + DuckDB: JaroWinklerAtThresholds(0.92, 0.8) on raw given_name and "
            "family_name; ExactMatch on raw birth_date, phone, national_id, sex; blocking on "
            "family_name + year of birth_date, family_name + birth_year, phone, birth_date, "
            "national_id; prior from national_id or name+date (recall 0.6); u by random "
            "sampling (5e6 pairs); EM blocked on phone, then on birth_date; empty fields NULL."
        ),
        "sizes": {},
    }
    progress = tqdm(total=len(sizes) * 2, desc="linkage runs", unit="run")
    with tempfile.TemporaryDirectory(prefix="wasla-linkage-") as directory:
        for size in sizes:
            progress.set_postfix_str(f"generating {size:,} records")
            started = time.perf_counter()
            synthetic = generate_labelled(size, seed=arguments.seed)
            generate_seconds = time.perf_counter() - started
            csv_path = str(Path(directory) / f"records-{size}.csv")
            synthetic.records.to_csv(csv_path, index=False)
            entry = {"records": size, "people": len(set(synthetic.truth.values()))}
            entry["generate_seconds"] = round(generate_seconds, 1)
            for method in ("wasla", "generic"):
                progress.set_postfix_str(f"{method} on {size:,} records")
                load_before = _load()
                outcome = _in_fresh_process(
                    method, csv_path, arguments.threshold, arguments.seed, arguments.timeout
                )
                run = {"load_average_before": load_before, "load_average_after": _load()}
                if outcome["ok"]:
                    run |= _scores(synthetic.truth, outcome)
                    run |= {
                        "seconds": round(outcome["seconds"], 1),
                        "read_csv_seconds": round(outcome["read_seconds"], 1),
                        "stages_seconds": outcome["stages"],
                        "peak_memory_gb": round(outcome["peak_memory_gb"], 2),
                        "clusters": len(set(outcome["clusters"].values())),
                    }
                    if outcome["kept_pairs"] is not None:
                        run["pairs_kept_for_review"] = outcome["kept_pairs"]
                    if method == "wasla" and size == BREAKDOWN_SIZE:
                        entry["wasla_errors"] = _breakdown(
                            synthetic.truth, outcome["clusters"], synthetic
                        )
                else:
                    run["error"] = outcome["error"]
                entry[method] = run
                progress.update(1)
                tqdm.write(
                    f"{size:>9,} {method:<8} "
                    + (
                        f"F1 {run['f1']:.4f} (P {run['precision']:.4f}, R {run['recall']:.4f}) "
                        f"{run['seconds']:>7.1f} s {run['peak_memory_gb']:>5.2f} GB"
                        if "f1" in run
                        else f"FAILED: {run['error']}"
                    )
                )
            results["sizes"][str(size)] = entry
            del synthetic
            # Written after each size, so that a long run that fails late keeps what it measured.
            _write(results, arguments.out)
    progress.close()
    _write(results, arguments.out)
    print()
    for check in results["checks"]:
        status = {True: "PASS", False: "FAIL", None: "n/a "}[check["passed"]]
        print(f"{status}  {check['check']}: {check['detail']}")
    print(f"\nwritten to {arguments.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
