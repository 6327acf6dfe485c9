"""A million past service requests in PostgreSQL, for benchmarks/citizen_spaces_load.py.

Spread over the demo's Citizen Spaces and services over the last three years: most are
delivered (with a rating one time in four), a few rejected, the last weeks' still open.
Written with COPY, about a minute for a million.
"""

import datetime
import io
import random

from tqdm import tqdm

from wasla.citizen_spaces.models import REFERENCE_ALPHABET, REFERENCE_LENGTH

REQUEST_COLUMNS = (
    "id, created_at, updated_at, version, reference, service_id, office_id, channel, stage, "
    "requester_name, phone, email, language, contact_channel, residence_locality_id, details, "
    "address, submitted_at, due_on, stage_changed_at, delivered_at, rejection_reason, "
    "missing_documents, agent_notes"
)
# Tunisian mobile numbers: 2x, 5x, 9x and 40–46 (49… is not allocated).
MOBILE_PREFIXES = [f"{first}{second}" for first in "259" for second in "0123456789"] + [
    f"4{second}" for second in "0123456"
]
GIVEN = ["Mariem", "Amira", "Salma", "Fatma", "Karim", "Youssef", "Mohamed", "Nour", "Sami", "Ines"]
FAMILY = ["Ben Salah", "Trabelsi", "Jlassi", "Gharbi", "Hammami", "Mansouri", "Ayari", "Bouazizi"]


def reference(rng: random.Random) -> str:
    symbols = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"CS-{symbols[:5]}-{symbols[5:]}"


def stamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


def fill(count: int, *, seed: int = 11) -> None:
    from django.db import connection

    from wasla.citizen_spaces.models import ServiceType
    from wasla.organisations.models import Office

    rng = random.Random(seed)
    offers = [
        (service.pk, service.target_working_days, office.pk, office.locality_id)
        for service in ServiceType.objects.prefetch_related("offices")
        for office in service.offices.all()
        if office.kind == Office.Kind.CITIZEN_SPACE
    ]
    if not offers:
        raise SystemExit("No service is offered at any Citizen Space: load the demo catalogue.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM citizen_spaces_servicerequest")
        start = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM citizen_spaces_requestevent")
        event_id = cursor.fetchone()[0] + 1
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    seen: set[str] = set()
    batch = 50_000
    with connection.cursor() as cursor, tqdm(total=count, desc="requests", unit="req") as bar:
        raw = cursor.cursor
        for offset in range(0, count, batch):
            requests, events, ratings = io.StringIO(), io.StringIO(), io.StringIO()
            for index in range(offset, min(offset + batch, count)):
                pk = start + index
                service, days, office, locality = rng.choice(offers)
                age = rng.random() ** 2 * 3 * 365  # more recent requests than old ones
                submitted = now - datetime.timedelta(days=age, minutes=rng.randint(0, 600))
                due = (submitted + datetime.timedelta(days=days * 7 / 5 + 1)).date()
                recent = age < 21
                if recent and rng.random() < 0.6:
                    stage = rng.choice(["received", "in_process", "waiting_citizen", "ready"])
                    changed, delivered = submitted, None
                elif rng.random() < 0.05:
                    stage, changed, delivered = (
                        "rejected",
                        submitted + datetime.timedelta(days=2),
                        None,
                    )
                else:
                    stage = "delivered"
                    delivered = submitted + datetime.timedelta(days=rng.expovariate(1 / (days + 1)))
                    changed = delivered
                code = reference(rng)
                while code in seen:
                    code = reference(rng)
                seen.add(code)
                requests.write(
                    "\t".join(
                        [
                            str(pk),
                            stamp(submitted),
                            stamp(changed),
                            "1",
                            code,
                            str(service),
                            str(office),
                            rng.choice(["desk", "desk", "desk", "online"]),
                            stage,
                            f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                            f"+216{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 999_999):06d}",
                            "",
                            rng.choice(["ar", "ar", "ar", "fr"]),
                            "sms",
                            str(locality),
                            "",
                            "",
                            stamp(submitted),
                            due.isoformat(),
                            stamp(changed),
                            stamp(delivered) if delivered else "\\N",
                            "Dossier incomplet" if stage == "rejected" else "",
                            "Copie de la CIN" if stage == "waiting_citizen" else "",
                            "",
                        ]
                    )
                    + "\n"
                )
                events.write(f"{event_id}\t{pk}\t{stamp(submitted)}\t\\N\t\treceived\t\n")
                event_id += 1
                if stage != "received":
                    events.write(f"{event_id}\t{pk}\t{stamp(changed)}\t\\N\treceived\t{stage}\t\n")
                    event_id += 1
                if stage == "delivered" and rng.random() < 0.25:
                    score = rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 2, 4, 5])[0]
                    ratings.write(f"{pk}\t{score}\t\t{stamp(changed)}\n")
            for buffer in (requests, events, ratings):
                buffer.seek(0)
            with raw.copy(
                f"COPY citizen_spaces_servicerequest ({REQUEST_COLUMNS}) FROM STDIN"
            ) as copy:
                copy.write(requests.read())
            with raw.copy(
                "COPY citizen_spaces_requestevent (id, request_id, at, actor_id, from_stage, "
                "to_stage, note) FROM STDIN"
            ) as copy:
                copy.write(events.read())
            with raw.copy(
                "COPY citizen_spaces_rating (request_id, score, comment, created_at) FROM STDIN"
            ) as copy:
                copy.write(ratings.read())
            bar.update(min(batch, count - offset))
        for table in ("servicerequest", "requestevent", "rating"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('citizen_spaces_{table}', 'id'), "
                f"(SELECT MAX(id) FROM citizen_spaces_{table}))"
            )
            cursor.execute(f"ANALYZE citizen_spaces_{table}")
