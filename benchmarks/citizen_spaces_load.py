"""Citizen Spaces under load: 1,000,000 past requests in PostgreSQL, gunicorn with 2 workers,
50 concurrent Locust users on loopback mixing tracking lookups, desk submissions and the
agents' work queue; a bare endpoint (/ping, a constant, no database) in the same run gives
the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wasla_bench \\
        .venv/bin/python benchmarks/citizen_spaces_load.py --requests 1000000

Needs `pip install -e ".[bench]"` (Locust). Migrates the database, loads territories and the
demo (catalogue included), fills the requests (benchmarks/citizen_spaces_fill.py) unless they
are there, then runs the load and writes benchmarks/results/citizen_spaces_load.json.
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wasla.settings")
# DEBUG off as in production; the test-mode settings keep plain HTTP (no TLS on loopback).
os.environ.setdefault("WASLA_DEBUG", "0")
os.environ.setdefault("WASLA_TESTING", "1")

OFFICE = "citizen-space-ksar-el-ababsa"
SERVICE = "birth-extract"
PASSWORD = "Wasla-demo-2026"
BIN = Path(sys.executable).parent


def prepare(count: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks.citizen_spaces_fill import fill
    from wasla.citizen_spaces.models import ServiceRequest
    from wasla.demo.services import demo_load
    from wasla.territories.models import Governorate

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Governorate.objects.exists():
        call_command("load_territories", verbosity=0)
    demo_load()
    existing = ServiceRequest.objects.count()
    if existing < count:
        began = time.perf_counter()
        fill(count - existing)
        print(f"filled {count - existing} requests in {time.perf_counter() - began:.0f} s")
    # As autovacuum would after a bulk load: statistics and the visibility map (for
    # index-only counts of a Citizen Space's open requests).
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("servicerequest", "requestevent", "rating"):
            cursor.execute(f"VACUUM ANALYZE citizen_spaces_{table}")
    return ServiceRequest.objects.count()


def tracking_pairs(path: Path, how_many: int = 5000) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reference, phone FROM citizen_spaces_servicerequest "
            "TABLESAMPLE SYSTEM (2) LIMIT %s",
            [how_many],
        )
        path.write_text(json.dumps(cursor.fetchall()), encoding="utf-8")


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def read_stats(prefix: str) -> dict:
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "mean_ms": round(float(row["Average Response Time"]), 1),
                "per_second": round(float(row["Requests/s"]), 1),
            }
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. wasla_bench).")
    total = prepare(args.requests)
    work = Path(tempfile.mkdtemp(prefix="wasla-load-"))
    pairs = work / "pairs.json"
    tracking_pairs(pairs)

    server_env = {
        **os.environ,
        # Production's task backend: messages are queued in the database, not sent inline.
        "WASLA_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "WASLA_CACHE_BACKEND": "django.core.cache.backends.db.DatabaseCache",
        # The fifty simulated citizens share one address; the limiter still runs.
        "WASLA_RATE_LIMIT_SCALE": "1000",
        "WASLA_DB_CONN_MAX_AGE": "60",
        "WASLA_LOG_LEVEL": "WARNING",
    }
    address = f"127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "wasla.wsgi", "--workers", "2", "--threads", "4",
         "--bind", address, "--log-level", "warning"],
        cwd=ROOT,
        env=server_env,
    )  # fmt: skip
    try:
        wait_for(f"http://{address}/ping")
        prefix = str(work / "locust")
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile_citizen_spaces.py"),
             "--headless", "--users", str(args.users), "--spawn-rate", "10",
             "--run-time", f"{args.seconds}s", "--host", f"http://{address}",
             "--csv", prefix, "--only-summary", "--loglevel", "WARNING"],
            env={**os.environ, "LOAD_PAIRS_FILE": str(pairs), "LOAD_OFFICE": OFFICE,
                 "LOAD_SERVICE": SERVICE, "LOAD_PASSWORD": PASSWORD},
            check=False,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    stats = read_stats(prefix)
    aggregated = stats.pop("Aggregated")
    floor = stats.get("floor: /ping", {})
    wasla = {name: row for name, row in stats.items() if not name.startswith("floor")}
    # Signing in happens once per agent, at the start (Argon2 is slow on purpose).
    measured = [name for name in wasla if not name.startswith("agent: sign")]
    worst = max(measured, key=lambda name: wasla[name]["p95_ms"])
    worst_p95 = wasla[worst]["p95_ms"]
    results = {
        "service_requests": total,
        "database": "PostgreSQL",
        "server": "gunicorn, 2 workers of 4 threads (gthread)",
        "users": args.users,
        "seconds": args.seconds,
        "endpoints": stats,
        "all_requests": aggregated,
        "errors": aggregated["failures"],
        "think_time_seconds": "1 to 3 between actions, per user",
        "worst_endpoint": worst,
        "worst_endpoint_p95_ms": worst_p95,
        "floor_p95_ms": floor.get("p95_ms"),
        "worst_p95_over_floor_p95": round(worst_p95 / floor["p95_ms"], 1)
        if floor.get("p95_ms")
        else None,
        "target": "95th percentile under 250 ms, no errors",
    }
    out = ROOT / "benchmarks" / "results" / "citizen_spaces_load.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
