"""Person search at registry scale, against the same query written by hand in SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wasla_bench \
        .venv/bin/python benchmarks/person_search.py --people 1000000

Writes benchmarks/results/person_search.json and prints a summary.
"""

import argparse
import io
import json
import os
import random
import statistics
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

# (Latin spellings, Arabic) — the first spelling is the usual one; others are variants clerks type.
FEMALE = [
    (["Mariem", "Meriem", "Maryam"], "مريم"),
    (["Amira"], "أميرة"),
    (["Salma", "Selma"], "سلمى"),
    (["Aicha", "Aïcha", "Aisha"], "عائشة"),
    (["Fatma", "Fatima"], "فاطمة"),
    (["Khadija", "Khedija"], "خديجة"),
    (["Nour", "Nur"], "نور"),
    (["Ines", "Inès"], "إيناس"),
    (["Sana", "Sanaa"], "سناء"),
    (["Rim", "Rym"], "ريم"),
    (["Hajer", "Hager"], "هاجر"),
    (["Olfa", "Oulfa"], "ألفة"),
    (["Imen", "Imane"], "إيمان"),
    (["Leila", "Leïla", "Layla"], "ليلى"),
    (["Sonia"], "سنية"),
    (["Wafa", "Wafaa"], "وفاء"),
    (["Houda", "Huda"], "هدى"),
    (["Asma", "Asmaa"], "أسماء"),
]
MALE = [
    (["Mohamed", "Mohammed", "Mhamed", "Med"], "محمد"),
    (["Ahmed", "Ahmad"], "أحمد"),
    (["Youssef", "Youcef", "Yusuf"], "يوسف"),
    (["Ali"], "علي"),
    (["Karim", "Kareem"], "كريم"),
    (["Seifeddine", "Seif Eddine", "Saif"], "سيف الدين"),
    (["Hamza"], "حمزة"),
    (["Bilel", "Bilal"], "بلال"),
    (["Omar", "Amor"], "عمر"),
    (["Sami", "Samy"], "سامي"),
    (["Walid", "Oualid"], "وليد"),
    (["Khaled", "Khalid"], "خالد"),
    (["Mehdi", "Mahdi"], "مهدي"),
    (["Nabil"], "نبيل"),
    (["Hichem", "Hisham"], "هشام"),
    (["Anis", "Aniss"], "أنيس"),
    (["Slim", "Selim"], "سليم"),
    (["Tarek", "Tarak"], "طارق"),
]
FAMILY = [
    (["Ben Salah", "Bensalah", "Ben-Salah"], "بن صالح"),
    (["Ben Ali", "Benali"], "بن علي"),
    (["Trabelsi"], "الطرابلسي"),
    (["Jlassi"], "الجلاصي"),
    (["Gharbi"], "الغربي"),
    (["Hammami", "Hamami"], "الحمامي"),
    (["Mansouri"], "المنصوري"),
    (["Ayari"], "العياري"),
    (["Bouazizi"], "البوعزيزي"),
    (["Dridi"], "الدريدي"),
    (["Zouari"], "الزواري"),
    (["Chaabane", "Chaabani"], "شعبان"),
    (["Ben Amor", "Benamor"], "بن عمر"),
    (["Khelifi", "Khlifi"], "الخليفي"),
    (["Mejri"], "الماجري"),
    (["Sassi"], "الساسي"),
    (["Riahi"], "الرياحي"),
    (["Hamdi"], "حمدي"),
    (["Ferchichi"], "الفرشيشي"),
    (["Ouertani", "Wertani"], "الورتاني"),
    (["Haddad"], "الحداد"),
    (["Baccouche"], "بكوش"),
    (["Nasri"], "النصري"),
    (["Mathlouthi"], "المثلوثي"),
    (["Tlili"], "التليلي"),
    (["Jaziri"], "الجزيري"),
    (["Selmi"], "السالمي"),
    (["Arfaoui"], "العرفاوي"),
    (["Mabrouk"], "مبروك"),
    (["Saidi", "Saïdi"], "السعيدي"),
]


def setup_django():
    import django

    django.setup()
    from wasla.core.startup import warm_up

    warm_up()  # as wasla/wsgi.py does in each web worker


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = url.replace(f"/{name}", "/postgres", 1)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def token_cache():
    from wasla.engines.linkage import standardise

    cache: dict[str, list[str]] = {}

    def tokens(text: str) -> list[str]:
        if text not in cache:
            cache[text] = standardise.name_tokens(text)
        return cache[text]

    return tokens


def fill(count: int, seed: int = 7) -> None:
    """COPY `count` synthetic people, their name tokens and their office links."""
    from django.db import connection
    from tqdm import tqdm

    from wasla.organisations.models import Office
    from wasla.people.models import Person
    from wasla.territories.models import Locality

    rng = random.Random(seed)
    offices = list(
        Office.objects.filter(
            kind__in=["reintegration_antenna", "citizen_space", "employment_office"]
        ).values_list("pk", flat=True)
    )
    localities = list(Locality.objects.values_list("pk", flat=True))
    tokens = token_cache()
    start_id = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    groups = ["internal_migrant", "returning_migrant", "forcibly_displaced", "host_community"]
    person_columns = (
        "id, reference, given_name_ar, father_name_ar, family_name_ar, given_name_latin, father_name_latin, "
        "family_name_latin, sex, birth_date, birth_year, phone, email, national_id, nationality, population_group, "
        "residence_locality_id, origin_locality_id, education_level, occupations, skills, has_disability, "
        "disability_notes, household_size, preferred_language, contact_channel, registered_office_id, "
        "registered_by_id, anonymised_at, version, created_at, updated_at"
    )
    batch = 50_000
    with connection.cursor() as cursor, tqdm(total=count, desc="people", unit="person") as bar:
        raw = cursor.cursor
        for offset in range(0, count, batch):
            people, name_tokens, links = io.StringIO(), io.StringIO(), io.StringIO()
            for index in range(offset, min(offset + batch, count)):
                pk = start_id + index
                female = rng.random() < 0.5
                given = rng.choice(FEMALE if female else MALE)
                father = rng.choice(MALE)
                family = rng.choice(FAMILY)
                year = rng.randint(1950, 2006)
                office = rng.choice(offices)
                phone = f"+216{rng.choice('2459')}{rng.randint(0, 9_999_999):07d}"
                national_id = f"{pk:08d}" if rng.random() < 0.6 else "\\N"
                stamp = f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d} 10:00:00+00"
                row = [
                    str(pk),
                    f"B-{pk:07d}",
                    given[1],
                    father[1],
                    family[1],
                    given[0][0],
                    father[0][0],
                    family[0][0],
                    "female" if female else "male",
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    str(year),
                    phone,
                    "",
                    national_id,
                    "TN",
                    rng.choice(groups),
                    str(rng.choice(localities)),
                    str(rng.choice(localities)),
                    "",
                    "[]",
                    "",
                    "f",
                    "",
                    "\\N",
                    "ar",
                    "sms",
                    str(office),
                    "\\N",
                    "\\N",
                    "1",
                    stamp,
                    stamp,
                ]
                people.write("\t".join(row) + "\n")
                keys = set()
                for part in (
                    given[1],
                    father[1],
                    family[1],
                    given[0][0],
                    father[0][0],
                    family[0][0],
                ):
                    keys.update(tokens(part))
                for key in sorted(k for k in keys if k):
                    name_tokens.write(f"{pk}\t{key[:40]}\n")
                links.write(f"{pk}\t{office}\tregistration\t{stamp}\t{stamp}\n")
            people.seek(0)
            name_tokens.seek(0)
            links.seek(0)
            with raw.copy(f"COPY people_person ({person_columns}) FROM STDIN") as copy:
                copy.write(people.read())
            with raw.copy("COPY people_personnametoken (person_id, token) FROM STDIN") as copy:
                copy.write(name_tokens.read())
            with raw.copy(
                "COPY people_personoffice (person_id, office_id, reason, created_at, updated_at) FROM STDIN"
            ) as copy:
                copy.write(links.read())
            bar.update(min(batch, count - offset))
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('people_person', 'id'), (SELECT MAX(id) FROM people_person))"
        )
        # As autovacuum would after a bulk load: statistics and the visibility map, without
        # which the name-token index cannot answer by an index-only scan.
        for table in ("people_person", "people_personnametoken", "people_personoffice"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def hand_written_sql(tokens: list[str]) -> tuple[str, list]:
    """The search as one would write it in SQL: the office scope, one EXISTS per name token,
    the last token as a prefix (a range on the index)."""
    conditions = [
        "EXISTS (SELECT 1 FROM people_personoffice o WHERE o.person_id = p.id AND o.office_id = ANY(%s))"
    ]
    params: list = []
    for position, token in enumerate(tokens):
        if position == len(tokens) - 1 and len(token) >= 2:
            conditions.append(
                "EXISTS (SELECT 1 FROM people_personnametoken t WHERE t.person_id = p.id AND t.token >= %s AND t.token < %s)"
            )
            params += [token, token + "\uffff"]
        else:
            conditions.append(
                "EXISTS (SELECT 1 FROM people_personnametoken t WHERE t.person_id = p.id AND t.token = %s)"
            )
            params.append(token)
    sql = (
        "SELECT p.id, p.reference, p.given_name_latin, p.family_name_latin, p.given_name_ar, p.family_name_ar, "
        "p.birth_year FROM people_person p WHERE "
        + " AND ".join(conditions)
        + " ORDER BY p.updated_at DESC LIMIT 50"
    )
    return sql, params


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(times: list[float]) -> dict:
    return {
        "runs": len(times),
        "p50_ms": round(percentile(times, 0.5) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "mean_ms": round(statistics.fmean(times) * 1000, 1),
    }


def measure(queries: list[str]) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from wasla.engines.linkage import standardise
    from wasla.organisations.scoping import scope_for
    from wasla.people.selectors import person_search

    counsellor = get_user_model().objects.get(username="counsellor")
    offices = sorted(scope_for(counsellor).office_ids)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(counsellor)

    selector_times, page_times, sql_times, found = [], [], [], []
    for query in queries:
        counsellor = get_user_model().objects.get(pk=counsellor.pk)
        began = time.perf_counter()
        results = list(person_search(user=counsellor, query=query))
        selector_times.append(time.perf_counter() - began)
        found.append(len(results))

        began = time.perf_counter()
        response = client.get("/people/", {"q": query})
        page_times.append(time.perf_counter() - began)
        assert response.status_code == 200

        tokens = [token for token in standardise.name_tokens(query) if token]
        if tokens:
            sql, params = hand_written_sql(tokens)
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, [offices, *params])
                cursor.fetchall()
            sql_times.append(time.perf_counter() - began)
    return {
        "selector": summary(selector_times),
        "page": summary(page_times),
        "hand_written_sql": summary(sql_times),
        "results_per_query_median": statistics.median(found),
        "page_over_sql_p95": round(percentile(page_times, 0.95) / percentile(sql_times, 0.95), 2),
    }


def sample_queries(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        given = rng.choice(FEMALE + MALE)
        family = rng.choice(FAMILY)
        style = rng.random()
        if style < 0.4:
            queries.append(f"{rng.choice(given[0])} {rng.choice(family[0])}")
        elif style < 0.7:
            queries.append(f"{given[1]} {family[1]}")
        elif style < 0.85:
            queries.append(f"{rng.choice(family[0]).upper()} {rng.choice(given[0])[:4]}")
        else:
            queries.append(f"{rng.choice(given[0])} {rng.choice(family[0])[:3]}")
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/wasla_bench"
        )
    ensure_database(url)
    setup_django()
    from django.core.management import call_command

    from wasla.demo.services import demo_load
    from wasla.people.models import Person

    call_command("migrate", verbosity=0)
    call_command("load_territories", verbosity=0)
    demo_load()
    existing = Person.objects.count()
    if existing < args.people:
        began = time.perf_counter()
        fill(args.people - existing)
        print(f"filled {args.people - existing} people in {time.perf_counter() - began:.0f} s")
    queries = sample_queries(args.queries)
    measure(queries[:20])  # warm the caches
    results = {
        "people": Person.objects.count(),
        "queries": len(queries),
        "database": "PostgreSQL",
        **measure(queries),
        "target": "name search p95 under 200 ms; page at most twice the hand-written SQL",
    }
    out = ROOT / "benchmarks" / "results" / "person_search.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
