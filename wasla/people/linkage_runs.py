"""Counting each person once: linkage runs over the registry (writes). The task in `tasks.py`
calls `linkage_run_execute`; docs/duplicates.md describes what a run keeps."""

import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.core.audit import audit_create
from wasla.core.exceptions import ApplicationError
from wasla.organisations.scoping import require
from wasla.people.models import CandidatePair, LinkageRun, PartnerFileRow, Person
from wasla.people.selectors_duplicates import clusters_from_pairs

# Pairs below this probability are not worth a reviewer's time (docs/duplicates.md).
REVIEW_FLOOR = 0.5
DEFAULT_THRESHOLD = 0.9
# A run still "running" after this long has died with its worker; another may start.
STALE_RUN_SECONDS = 3 * 3600
PROGRESS_WRITE_SECONDS = 1.0


@transaction.atomic
def linkage_run_start(*, actor, threshold: float = DEFAULT_THRESHOLD) -> LinkageRun:
    """Queue a linkage run over the registry; one at a time."""
    require(actor, "people.duplicates.review")
    if not 0.5 <= threshold < 1:
        raise ApplicationError(
            _("The threshold is a probability between 0.5 and 0.99."), code="invalid"
        )
    since = timezone.now() - timezone.timedelta(seconds=STALE_RUN_SECONDS)
    active = LinkageRun.objects.select_for_update().filter(
        status__in=[LinkageRun.Status.QUEUED, LinkageRun.Status.RUNNING], created_at__gte=since
    )
    if active.exists():
        raise ApplicationError(
            _("A linkage run is already under way. Wait for it to finish."), code="busy"
        )
    run = LinkageRun.objects.create(
        started_by=actor, threshold=threshold, review_floor=min(REVIEW_FLOOR, threshold)
    )
    audit_create(actor=actor, instance=run)
    from wasla.people.tasks import link_registry

    transaction.on_commit(lambda: link_registry.enqueue(run_id=run.pk))
    return run


def registry_records() -> Iterator[dict]:
    """The engine's records (wasla.engines.linkage.COLUMNS) for every live record."""
    # A person a partner's file brought in may have no locality yet, only the file's governorate.
    file_governorate = (
        PartnerFileRow.objects.filter(person=OuterRef("pk"))
        .exclude(governorate="")
        .order_by("pk")
        .values("governorate")[:1]
    )
    people = (
        Person.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)
        .annotate(file_governorate=Subquery(file_governorate))
        .order_by("pk")
        .values_list(
            "pk",
            "given_name_latin",
            "family_name_latin",
            "father_name_latin",
            "given_name_ar",
            "father_name_ar",
            "family_name_ar",
            "sex",
            "birth_date",
            "birth_year",
            "phone",
            "national_id",
            "residence_locality__governorate__code",
            "file_governorate",
        )
    )
    for row in people.iterator(chunk_size=5000):
        (pk, given, family, father, given_ar, father_ar, family_ar, sex, born, year, phone,
         national_id, governorate, file_governorate) = row  # fmt: skip
        yield {
            "record_id": str(pk),
            "given_name": given,
            "family_name": family,
            # The engine compares fathers' names by transliteration key, whatever the script.
            "father_name": father or father_ar,
            # The father's name is compared on its own, not as part of the person's name.
            "name_ar": " ".join(part for part in (given_ar, family_ar) if part),
            "sex": sex,
            "birth_date": born.isoformat() if born else "",
            "birth_year": str(year or ""),
            "phone": phone,
            "national_id": national_id or "",
            "governorate": governorate or file_governorate or "",
        }


class _ProgressWriter:
    """The engine calls back often; the database hears of it about once a second."""

    def __init__(self, run_id: int, share: tuple[int, int] = (5, 90)):
        self.run_id, self.low, self.high = run_id, *share
        self.last_write = 0.0
        self.last_percent = -1

    def __call__(self, fraction: float, stage: str) -> None:
        percent = self.low + int(max(0.0, min(1.0, fraction)) * (self.high - self.low))
        now = time.monotonic()
        if percent == self.last_percent or now - self.last_write < PROGRESS_WRITE_SECONDS:
            return
        self.last_write, self.last_percent = now, percent
        LinkageRun.objects.filter(pk=self.run_id).update(progress=percent, stage=stage[:200])


def linkage_run_execute(
    *, run_id: int, linker: Callable | None = None, backend: str | None = None
) -> LinkageRun:
    """The task's body: link the registry, keep the pairs worth reviewing. Safe to retry: pairs
    are upserted and decisions are never overwritten."""
    # Spark for registers that outgrow one machine (docs/record-linkage.md).
    backend = backend or getattr(settings, "WASLA_LINKAGE_BACKEND", "duckdb")
    run = LinkageRun.objects.get(pk=run_id)
    if run.status == LinkageRun.Status.DONE:
        return run
    started = time.monotonic()
    LinkageRun.objects.filter(pk=run.pk).update(
        status=LinkageRun.Status.RUNNING, progress=1, stage=_("Reading the registry"), error=""
    )
    try:
        if linker is None:
            from wasla.engines.linkage import link as linker
        records = list(registry_records())
        if len(records) < 2:
            result_pairs = []
        else:
            result = linker(
                records, threshold=run.threshold, backend=backend, progress=_ProgressWriter(run.pk)
            )
            result_pairs = result.pairs
        LinkageRun.objects.filter(pk=run.pk).update(progress=92, stage=_("Saving the pairs"))
        counts = _store_pairs(run, result_pairs, [int(record["record_id"]) for record in records])
    except Exception as error:  # The run must say why it failed, whatever it was.
        LinkageRun.objects.filter(pk=run.pk).update(
            status=LinkageRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            seconds=time.monotonic() - started,
            finished_at=timezone.now(),
        )
        raise
    LinkageRun.objects.filter(pk=run.pk).update(
        status=LinkageRun.Status.DONE,
        progress=100,
        stage="",
        record_count=len(records),
        seconds=time.monotonic() - started,
        finished_at=timezone.now(),
        **counts,
    )
    run.refresh_from_db()
    return run


@transaction.atomic
def _store_pairs(run: LinkageRun, scored_pairs, record_ids: list[int]) -> dict:
    kept = {}
    for scored in scored_pairs:
        if scored.probability < run.review_floor:
            continue
        low, high = sorted((int(scored.left_id), int(scored.right_id)))
        if low == high:
            continue
        kept[(low, high)] = scored
    existing = {
        (pair.person_a_id, pair.person_b_id): pair
        for pair in CandidatePair.objects.filter(status=CandidatePair.Status.PENDING)
    }
    decided = set(
        CandidatePair.objects.exclude(status=CandidatePair.Status.PENDING).values_list(
            "person_a_id", "person_b_id"
        )
    )
    to_create, to_update = [], []
    for key, scored in kept.items():
        if key in decided:
            continue
        values = {
            "probability": float(scored.probability),
            "match_weight": float(scored.match_weight),
            "agreements": list(scored.agreements),
            "disagreements": list(scored.disagreements),
            "run": run,
        }
        pair = existing.get(key)
        if pair is None:
            to_create.append(CandidatePair(person_a_id=key[0], person_b_id=key[1], **values))
        else:
            for name, value in values.items():
                setattr(pair, name, value)
            to_update.append(pair)
    CandidatePair.objects.bulk_create(to_create, batch_size=2000)
    CandidatePair.objects.bulk_update(
        to_update, ["probability", "match_weight", "agreements", "disagreements", "run"], 2000
    )
    # Pending pairs this run no longer finds are derived data, not decisions: they go.
    gone = [pair.pk for key, pair in existing.items() if key not in kept]
    for start in range(0, len(gone), 2000):
        CandidatePair.objects.filter(pk__in=gone[start : start + 2000]).delete()
    edges = [key for key, scored in kept.items() if scored.probability >= run.threshold]
    rejected = decided & set(
        CandidatePair.objects.filter(status=CandidatePair.Status.REJECTED).values_list(
            "person_a_id", "person_b_id"
        )
    )
    clusters = clusters_from_pairs(record_ids, [edge for edge in edges if edge not in rejected])
    return {
        "pair_count": len(to_create) + len(to_update),
        "new_pair_count": len(to_create),
        "cluster_count": len(set(clusters.values())),
    }
