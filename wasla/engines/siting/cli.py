"""Command line: `python -m wasla.engines.siting solve ...` (docs/siting.md).

Bad input prints one line naming the file line or parameter on stderr and exits with code 2,
writing nothing: the result is written to a temporary file renamed into place on success.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .csvio import parse_weight_spec, read_distance_csv, read_points_csv
from .data import MODELS, SitingInputError
from .distance import DEFAULT_DETOUR
from .solve import solve

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits with 2 too; keep its message plain
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m wasla.engines.siting", description="Choose sites for new service points."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("solve", help="solve a siting model and write result.json")
    s.error = parser.error  # type: ignore[method-assign]
    s.add_argument("--demand", required=True, type=Path, help="CSV: id,lat,lon and weight columns")
    s.add_argument("--candidates", required=True, type=Path, help="CSV: id,lat,lon")
    s.add_argument("--existing", type=Path, help="CSV: id,lat,lon of sites already open")
    s.add_argument("--model", required=True, choices=MODELS)
    s.add_argument("--p", type=int, help="number of new sites (mclp, pmedian, pcenter)")
    s.add_argument(
        "--radius-km", type=float, help="covering radius (mclp, lscp; reported for others)"
    )
    s.add_argument(
        "--weight-column",
        action="append",
        metavar="NAME[:FACTOR]",
        help="demand weight column, repeatable; the weight is the sum of factor x column (default: population)",
    )
    s.add_argument(
        "--detour",
        type=float,
        default=DEFAULT_DETOUR,
        help="road km per great-circle km (default 1.3)",
    )
    s.add_argument(
        "--distance-matrix",
        type=Path,
        help="CSV: origin_id,destination_id,distance_km; replaces great-circle",
    )
    s.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    s.add_argument(
        "--mip-gap",
        type=float,
        default=0.0,
        help="accepted relative gap (default 0: prove optimality)",
    )
    s.add_argument("--out", required=True, type=Path, help="where to write result.json")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _progress_bar(enabled: bool):
    if not enabled:
        return None, None
    from tqdm import tqdm

    bar = tqdm(
        total=100, unit="%", file=sys.stderr, leave=False, bar_format="{l_bar}{bar}| {elapsed}"
    )

    def update(fraction: float, message: str) -> None:
        bar.set_description_str(message)
        bar.n = round(100 * fraction)
        bar.refresh()

    return bar, update


def _write_atomically(path: Path, data: dict) -> None:
    path = path.resolve()
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, allow_nan=False)
            handle.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_solve(args: argparse.Namespace) -> int:
    if not args.out.resolve().parent.is_dir():
        raise SitingInputError(f"--out: the folder {args.out.parent} does not exist")
    spec = parse_weight_spec(args.weight_column or ["population"])
    demand, weights = read_points_csv(args.demand, weight_columns=spec)
    candidates, _ = read_points_csv(args.candidates)
    existing = read_points_csv(args.existing)[0] if args.existing else None
    table = read_distance_csv(args.distance_matrix) if args.distance_matrix else None
    bar, update = _progress_bar(not args.no_progress and sys.stderr.isatty())
    try:
        result = solve(
            model=args.model,
            demand=demand,
            weights=weights,
            candidates=candidates,
            existing=existing,
            p=args.p,
            radius_km=args.radius_km,
            detour=args.detour,
            distances=table,
            time_limit=args.time_limit,
            mip_gap=args.mip_gap,
            progress=update,
        )
    finally:
        if bar is not None:
            bar.close()
    _write_atomically(args.out, result.to_dict())
    status = "optimal" if result.optimal else f"gap {result.gap:.4%}"
    print(
        f"{result.model}: {len(result.selected)} new sites, objective {result.objective:.6g} ({status}), "
        f"{result.seconds:.2f} s -> {args.out}",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run_solve(args)
    except SitingInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
