"""A counsellor's caseload at programme scale, against the same queries written by hand in SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wasla_bench \
        .venv/bin/python benchmarks/caseload.py --cases 300000

Needs the people of benchmarks/person_search.py (run it first). Adds synthetic cases (COPY)
spread over the offices, a few thousand of them on the demo counsellor, with follow-ups and
referrals; then times the caseload selector, the caseload page and the hand-written SQL.
Writes benchmarks/results/caseload.json.
"""

import argparse
import datetime
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wasla.settings")
# DEBUG off, as in production (DEBUG keeps every SQL query in memory); the test-mode
# settings keep plain static files and plain HTTP so that no collectstatic or TLS is needed.
os.environ.setdefault("WASLA_DEBUG", "0")
os.environ.setdefault("WASLA_TESTING", "1")

from benchmarks.person_search import summary  # noqa: E402

STAGES = ["reception", "assessment", "plan_agreed", "support", "follow_up", "closed"]


def fill(count: int, seed: int = 5) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from tqdm import tqdm

    from wasla.cases.models import Case, Programme
    from wasla.organisations.models import Office

    rng = random.Random(seed)
    counsellor = get_user_model().objects.get(username="counsellor")
    colleague = get_user_model().objects.get(username="employment")
    own_office = Office.objects.get(slug="ote-antenna-medenine").pk
    other_offices = list(Office.objects.exclude(pk=own_office).values_list("pk", flat=True))
    programmes = list(Programme.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        # People who already have a case (the demo's) are left out: one open case per
        # person and programme.
        cursor.execute(
            "SELECT id FROM people_person WHERE id NOT IN (SELECT person_id FROM cases_case) ORDER BY id"
        )
        people = [row[0] for row in cursor.fetchall()]
    rng.shuffle(people)
    start = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    today = datetime.date(2026, 11, 1)
    case_columns = (
        "id, reference, person_id, programme_id, office_id, counsellor_id, stage, opened_on, plan_agreed_on, "
        "closed_on, closure_reason, version, created_at, updated_at"
    )
    batch = 50_000
    with connection.cursor() as cursor, tqdm(total=count, desc="cases", unit="case") as bar:
        raw = cursor.cursor
        for offset in range(0, count, batch):
            cases, follow_ups, links = io.StringIO(), io.StringIO(), io.StringIO()
            for index in range(offset, min(offset + batch, count)):
                pk = start + index
                person = people[index % len(people)]
                mine = rng.random() < 0.01  # about 3,000 cases for the demo counsellor
                office = own_office if mine else rng.choice(other_offices)
                stage = rng.choice(STAGES)
                opened = today - datetime.timedelta(days=rng.randint(0, 700))
                plan = opened + datetime.timedelta(days=30) if stage in STAGES[2:] else None
                closed = opened + datetime.timedelta(days=300) if stage == "closed" else None
                cases.write(
                    "\t".join(
                        [
                            str(pk),
                            f"D-{pk:07d}",
                            str(person),
                            str(rng.choice(programmes)),
                            str(office),
                            str(counsellor.pk if mine else colleague.pk),
                            stage,
                            opened.isoformat(),
                            plan.isoformat() if plan else "\\N",
                            closed.isoformat() if closed else "\\N",
                            "lost_contact" if closed else "",
                            "1",
                            "2026-01-01 10:00:00+00",
                            "2026-01-01 10:00:00+00",
                        ]
                    )
                    + "\n"
                )
                if plan:
                    for months in (3, 6, 12):
                        due = plan + datetime.timedelta(days=30 * months)
                        done = due.isoformat() if due < today and rng.random() < 0.7 else "\\N"
                        follow_ups.write(
                            f"{pk}\t{months}\t{due.isoformat()}\t{done}\t\t{{}}\t\t2026-01-01 10:00:00+00\t2026-01-01 10:00:00+00\n"
                        )
                links.write(
                    f"{person}\t{office}\tcase\t2026-01-01 10:00:00+00\t2026-01-01 10:00:00+00\n"
                )
            for buffer in (cases, follow_ups, links):
                buffer.seek(0)
            with raw.copy(f"COPY cases_case ({case_columns}) FROM STDIN") as copy:
                copy.write(cases.read())
            with raw.copy(
                "COPY cases_followup (case_id, months_after_plan, due_on, done_on, notes, answers, score_band, "
                "created_at, updated_at) FROM STDIN"
            ) as copy:
                copy.write(follow_ups.read())
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS bench_links (person_id bigint, office_id bigint, reason text, "
                "created_at timestamptz, updated_at timestamptz)"
            )
            cursor.execute("TRUNCATE bench_links")
            with raw.copy("COPY bench_links FROM STDIN") as copy:
                copy.write(links.read())
            cursor.execute(
                "INSERT INTO people_personoffice (person_id, office_id, reason, created_at, updated_at) "
                "SELECT DISTINCT ON (person_id, office_id) * FROM bench_links ON CONFLICT DO NOTHING"
            )
            bar.update(min(batch, count - offset))
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT MAX(id) FROM cases_case))"
        )
        cursor.execute("ANALYZE cases_case; ANALYZE cases_followup; ANALYZE people_personoffice;")


# The same data the caseload page shows, fetched by hand: counts by stage, the first 50 rows
# of each list (20, as the page) with its count, and the first page of all the offices' cases with its count.
MINE = "c.office_id = ANY(%(offices)s) AND c.counsellor_id = %(user)s"
PENDING = f"FROM cases_followup f JOIN cases_case c ON c.id = f.case_id WHERE {MINE} AND c.stage <> 'closed' AND f.done_on IS NULL"
HAND_SQL = [
    f"SELECT stage, COUNT(*) FROM cases_case c WHERE {MINE} GROUP BY stage",
    "SELECT c.id, c.reference, c.stage, c.opened_on, p.reference, p.given_name_latin, p.family_name_latin "
    f"FROM cases_case c JOIN people_person p ON p.id = c.person_id WHERE {MINE} AND c.stage <> 'closed' "
    "ORDER BY c.stage, c.opened_on DESC LIMIT 20",
    f"SELECT f.id, f.due_on, c.reference, p.given_name_latin {PENDING.replace('WHERE', 'JOIN people_person p ON p.id = c.person_id WHERE')} "
    "AND f.due_on < %(today)s ORDER BY f.due_on LIMIT 20",
    f"SELECT f.id, f.due_on, c.reference, p.given_name_latin {PENDING.replace('WHERE', 'JOIN people_person p ON p.id = c.person_id WHERE')} "
    "AND f.due_on >= %(today)s AND f.due_on <= %(soon)s ORDER BY f.due_on LIMIT 20",
    f"SELECT COUNT(*) FILTER (WHERE f.due_on < %(today)s), "
    f"COUNT(*) FILTER (WHERE f.due_on >= %(today)s AND f.due_on <= %(soon)s) {PENDING}",
    "SELECT r.id, r.sent_on, c.reference FROM cases_referral r JOIN cases_case c ON c.id = r.case_id "
    f"WHERE {MINE} AND r.status = 'sent' ORDER BY r.sent_on LIMIT 20",
    f"SELECT COUNT(*) FROM cases_referral r JOIN cases_case c ON c.id = r.case_id WHERE {MINE} AND r.status = 'sent'",
    "SELECT COUNT(*) FROM cases_case c WHERE c.office_id = ANY(%(offices)s)",
    "SELECT c.id, c.reference, c.stage, c.opened_on, p.reference, p.given_name_latin FROM cases_case c "
    "JOIN people_person p ON p.id = c.person_id WHERE c.office_id = ANY(%(offices)s) "
    "ORDER BY c.opened_on DESC, c.id DESC LIMIT 25",
]


def measure(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from wasla.cases.selectors import caseload
    from wasla.organisations.scoping import scope_for

    user = get_user_model().objects.get(username="counsellor")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("cases:caseload")
    today = datetime.date.today()
    params = {
        "offices": sorted(scope_for(user).office_ids),
        "user": user.pk,
        "today": today,
        "soon": today + datetime.timedelta(days=30),
    }
    selector, page, sql = [], [], []
    for _ in range(runs):
        user = get_user_model().objects.get(pk=user.pk)
        began = time.perf_counter()
        load = caseload(user=user)
        list(load.by_stage), list(load.open_cases), list(load.overdue_follow_ups)
        list(load.due_soon_follow_ups), list(load.referrals_waiting)
        selector.append(time.perf_counter() - began)
        began = time.perf_counter()
        response = client.get(url)
        page.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in HAND_SQL:
                cursor.execute(statement, params)
                cursor.fetchall()
        sql.append(time.perf_counter() - began)
    return {"selector": summary(selector), "page": summary(page), "hand_written_sql": summary(sql)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database of benchmarks/person_search.py")
    import django

    django.setup()
    from wasla.core.startup import warm_up

    warm_up()  # as wasla/wsgi.py does in each web worker
    from django.core.management import call_command

    from wasla.cases.models import Case
    from wasla.demo.services import demo_load

    call_command("migrate", verbosity=0)
    demo_load()
    existing = Case.objects.count()
    if existing < args.cases:
        began = time.perf_counter()
        fill(args.cases - existing)
        print(f"filled {args.cases - existing} cases in {time.perf_counter() - began:.0f} s")
    measure(10)  # warm up
    from django.contrib.auth import get_user_model

    counsellor = get_user_model().objects.get(username="counsellor")
    results = {
        "cases": Case.objects.count(),
        "counsellor_cases": Case.objects.filter(
            counsellor=counsellor, office__slug="ote-antenna-medenine"
        ).count(),
        "database": "PostgreSQL",
        **measure(args.runs),
        "target": "caseload page p95 under 300 ms; at most twice the hand-written SQL",
    }
    results["page_over_sql_p95"] = round(
        results["page"]["p95_ms"] / results["hand_written_sql"]["p95_ms"], 2
    )
    out = ROOT / "benchmarks" / "results" / "caseload.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
