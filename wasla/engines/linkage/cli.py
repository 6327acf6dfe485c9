"""Command line of the linkage engine.

    python -m wasla.engines.linkage dedupe records.csv --out clusters.csv \\
        [--threshold 0.9] [--pairs pairs.csv] [--backend duckdb|spark] [--seed 42] [--quiet]

Writes `record_id,cluster_id` for every input record, and with `--pairs` the scored pairs with
their reasons. Progress goes to stderr. Bad input (no record_id column, duplicate or empty ids,
an unreadable file, a threshold outside (0, 1)) prints one clear message and exits with code 2
without writing anything: outputs are written to temporary files and renamed at the end.
"""

import argparse
import csv
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .engine import BACKENDS, LinkageResult, link
from .records import LinkageInputError, read_records_csv

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m wasla.engines.linkage",
        description="Find the records that are the same person (record linkage with Splink).",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    dedupe = commands.add_parser(
        "dedupe",
        help="cluster the records of one CSV file",
        description=(
            "Read person records (columns record_id, given_name, family_name, father_name, "
            "name_ar, sex, birth_date, birth_year, phone, national_id, governorate; all but "
            "record_id optional) and write record_id,cluster_id for every record."
        ),
    )
    dedupe.add_argument("records", type=Path, help="CSV file of records, UTF-8")
    dedupe.add_argument("--out", type=Path, required=True, help="clusters CSV to write")
    dedupe.add_argument(
        "--threshold",
        type=float,
        default=0.9,
        help="match probability from which two records are one person (default 0.9)",
    )
    dedupe.add_argument("--pairs", type=Path, help="also write the scored pairs with reasons")
    dedupe.add_argument("--backend", choices=BACKENDS, default="duckdb")
    dedupe.add_argument("--seed", type=int, default=42, help="seed of the random sampling")
    dedupe.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _temporary_beside(path: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    return Path(name)


def _write_clusters(result: LinkageResult, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["record_id", "cluster_id"])
        writer.writerows(result.clusters.items())


def _write_pairs(result: LinkageResult, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            ["left_id", "right_id", "probability", "match_weight", "agreements", "disagreements"]
        )
        for pair in result.pairs:
            writer.writerow(
                [
                    pair.left_id,
                    pair.right_id,
                    f"{pair.probability:.6f}",
                    f"{pair.match_weight:.3f}",
                    "; ".join(pair.agreements),
                    "; ".join(pair.disagreements),
                ]
            )


def _check_output(path: Path) -> None:
    if not path.parent.is_dir():
        raise LinkageInputError(f"{path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise LinkageInputError(f"{path}: is a directory")


def dedupe(arguments: argparse.Namespace) -> int:
    if not 0 < arguments.threshold < 1:
        raise LinkageInputError(
            f"--threshold must be between 0 and 1 (exclusive), not {arguments.threshold}"
        )
    outputs = [arguments.out] + ([arguments.pairs] if arguments.pairs else [])
    for output in outputs:
        _check_output(output)
    if arguments.pairs and arguments.pairs.resolve() == arguments.out.resolve():
        raise LinkageInputError("--pairs and --out must be different files")
    records = read_records_csv(arguments.records)
    result = link(
        records,
        threshold=arguments.threshold,
        backend=arguments.backend,
        seed=arguments.seed,
        progress=None if arguments.quiet else _progress,
    )
    written: list[tuple[Path, Path]] = []
    try:
        clusters_tmp = _temporary_beside(arguments.out)
        written.append((clusters_tmp, arguments.out))
        _write_clusters(result, clusters_tmp)
        if arguments.pairs:
            pairs_tmp = _temporary_beside(arguments.pairs)
            written.append((pairs_tmp, arguments.pairs))
            _write_pairs(result, pairs_tmp)
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, final in written:
        temporary.replace(final)
    if not arguments.quiet:
        clusters = len(set(result.clusters.values()))
        print(
            f"{len(result.clusters)} records, {clusters} people, {len(result.pairs)} scored "
            f"pairs, {result.seconds:.1f} s",
            file=sys.stderr,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        return dedupe(arguments)
    except LinkageInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
