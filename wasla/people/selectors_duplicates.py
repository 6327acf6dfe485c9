"""Reads for counting each person once: the review queue, merges, linkage runs, and the count
of distinct people that indicators use (docs/duplicates.md)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wasla.organisations.scoping import DataScope, require
from wasla.people.models import (
    CandidatePair,
    LinkageRun,
    PartnerFile,
    PartnerFileRow,
    Person,
    PersonMerge,
    PersonOffice,
)

# What the engine compares, in the words of the review page. The engine writes a reason as
# "field: level" ("birth_date: day and month swapped").
FIELD_LABELS = {
    "name": _("name"),
    "father_name": _("father's name"),
    "sex": _("sex"),
    "birth_date": _("date of birth"),
    "phone": _("phone"),
    "national_id": _("identity card number"),
    "governorate": _("governorate"),
}
LEVEL_LABELS = {
    # The levels of wasla.engines.linkage.model, as its labels write them ("field: level").
    "same transliteration": _("same once transliterated"),
    "same names in other fields, order or script": _(
        "same names, in other fields, order or script"
    ),
    "same names but for the article": _("same names but for the article (El, Ben…)"),
    "one letter apart": _("one letter apart"),
    "same consonants, other vowels": _("same consonants, other vowels"),
    "one name the same, the other close": _("one name the same, the other close"),
    "similar spelling": _("similar spelling"),
    "similar whole name": _("similar whole name"),
    "short given names one letter apart": _("short given names one letter apart"),
    "two letters apart": _("two letters apart"),
    "same family name, other given name": _("same family name, another given name"),
    "same given name, other family name": _("same given name, another family name"),
    "same transliteration, same given name": _("same once transliterated, same given name"),
    "two names in common": _("two names in common"),
    "one name in common": _("one name in common"),
    "different": _("different"),
    "same date": _("same date"),
    "day and month swapped": _("day and month swapped"),
    "same day and month, a year apart": _("same day and month, a year apart"),
    "same month, days close": _("same month, days close"),
    "one digit apart": _("one digit apart"),
    "same year, only the year known": _("same year (only the year known)"),
    "same year, other date": _("same year, another date"),
    "a year apart": _("a year apart"),
    "same number": _("same number"),
    "same": _("same"),
}


@dataclass(frozen=True)
class Reason:
    code: str
    field: str
    level: str


def reason_label(code: str) -> Reason:
    """Split an engine reason ("birth_date: day and month swapped") into translated field and
    level; an unknown field or level is shown as written rather than hidden."""
    field, _separator, level = (part.strip() for part in code.partition(":"))
    return Reason(
        code=code,
        field=str(FIELD_LABELS.get(field, field.replace("_", " "))),
        level=str(LEVEL_LABELS.get(level, level)) if level else "",
    )


def _served_by(scope: DataScope, person_field: str) -> Q:
    if scope.is_platform_admin:
        return Q()
    links = PersonOffice.objects.filter(
        person=OuterRef(person_field), office_id__in=scope.office_ids
    )
    return Q(Exists(links))


def _pairs_in_scope(scope: DataScope) -> QuerySet:
    """Pairs whose two records are both served by an office of the reader's."""
    return CandidatePair.objects.filter(
        _served_by(scope, "person_a"),
        _served_by(scope, "person_b"),
        person_a__merged_into__isnull=True,
        person_b__merged_into__isnull=True,
    )


def pair_queue(*, user) -> QuerySet:
    """Pairs waiting for a decision, the likeliest first."""
    scope = require(user, "people.duplicates.review")
    return (
        _pairs_in_scope(scope)
        .filter(status=CandidatePair.Status.PENDING)
        .select_related(
            "person_a__registered_office",
            "person_b__registered_office",
            "person_a__residence_locality__governorate",
            "person_b__residence_locality__governorate",
        )
        .order_by("-probability", "pk")
    )


def pair_get(*, user, pk: int) -> CandidatePair:
    """A pair the reader may decide on (any status); CandidatePair.DoesNotExist otherwise."""
    scope = require(user, "people.duplicates.review")
    return (
        CandidatePair.objects.filter(_served_by(scope, "person_a"), _served_by(scope, "person_b"))
        .select_related("person_a", "person_b", "reviewed_by")
        .get(pk=pk)
    )


def mask_phone(phone: str) -> str:
    """Enough to recognise a number read out by the person, not enough to call it."""
    if not phone:
        return ""
    return phone[:4] + "•" * max(0, len(phone) - 7) + phone[-3:]


def mask_national_id(national_id: str | None) -> str:
    return "•••••" + national_id[-3:] if national_id else ""


@dataclass(frozen=True)
class RecordSummary:
    """What a reviewer needs to decide, and no more (docs/duplicates.md, data minimisation)."""

    pk: int
    reference: str
    name_ar: str
    name_latin: str
    sex: str
    birth: str
    phone: str
    national_id: str
    governorate: str
    registered_office: str
    registered_on: object
    held: tuple[tuple[str, int], ...]
    # Where the record came from when a partner's file brought it: (partner, file, row id).
    partner_rows: tuple[tuple[str, str, str], ...] = ()


def _held_by(people: list[Person]) -> dict[int, list[tuple[str, int]]]:
    """How many rows of each kind (cases, requests, consents...) each person holds."""
    from wasla.people.duplicates import person_references

    held: dict[int, list[tuple[str, int]]] = defaultdict(list)
    ids = [person.pk for person in people]
    for reference in person_references():
        # Documents are not shown; partner file rows are shown as the record's provenance.
        if reference.label in {
            "people.personoffice",
            "people.persondocument",
            "people.partnerfilerow",
        }:
            continue
        rows = (
            reference.model._base_manager.filter(**{f"{reference.field.name}__in": ids})
            .values(reference.field.attname)
            .annotate(count=Count("pk"))
        )
        for row in rows:
            held[row[reference.field.attname]].append(
                (str(reference.model._meta.verbose_name_plural), row["count"])
            )
    return held


def partner_rows_of(people: list[Person]) -> dict[int, list[tuple[str, str, str]]]:
    """For each person a partner file brought: (partner, file name, partner's row id)."""
    found: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    rows = PartnerFileRow.objects.filter(person__in=[person.pk for person in people])
    for row in rows.select_related("partner_file__organisation").order_by("pk"):
        found[row.person_id].append(
            (row.partner_file.organisation.name, row.partner_file.file_name, row.record_id)
        )
    return found


def record_summaries(people: list[Person]) -> dict[int, RecordSummary]:
    held = _held_by(people)
    sources = partner_rows_of(people)
    summaries = {}
    for person in people:
        locality = person.residence_locality
        summaries[person.pk] = RecordSummary(
            pk=person.pk,
            reference=person.reference,
            name_ar=person.full_name_ar,
            name_latin=person.full_name_latin,
            sex=person.get_sex_display(),
            birth=person.birth_date.isoformat() if person.birth_date else str(person.birth_year),
            phone=mask_phone(person.phone),
            national_id=mask_national_id(person.national_id),
            governorate=locality.governorate.name if locality else "",
            registered_office=person.registered_office.name,
            registered_on=person.created_at,
            held=tuple(sorted(held.get(person.pk, []))),
            partner_rows=tuple(sources.get(person.pk, [])),
        )
    return summaries


@dataclass(frozen=True)
class PairView:
    pair: CandidatePair
    left: RecordSummary
    right: RecordSummary
    agreements: tuple[Reason, ...]
    disagreements: tuple[Reason, ...]
    # The record kept by default: the older one, which other institutions already know.
    default_survivor: int


def pair_views(pairs) -> list[PairView]:
    pairs = list(pairs)
    people = [person for pair in pairs for person in (pair.person_a, pair.person_b)]
    summaries = record_summaries(people)
    views = []
    for pair in pairs:
        older = min(
            (pair.person_a, pair.person_b), key=lambda person: (person.created_at, person.pk)
        )
        views.append(
            PairView(
                pair=pair,
                left=summaries[pair.person_a_id],
                right=summaries[pair.person_b_id],
                agreements=tuple(reason_label(code) for code in pair.agreements),
                disagreements=tuple(reason_label(code) for code in pair.disagreements),
                default_survivor=older.pk,
            )
        )
    return views


def _merges_in_scope(scope: DataScope) -> QuerySet:
    return PersonMerge.objects.filter(
        _served_by(scope, "survivor"), _served_by(scope, "merged")
    ).select_related("survivor", "merged", "actor", "undone_by")


def merge_list(*, user) -> QuerySet:
    scope = require(user, "people.duplicates.review")
    return _merges_in_scope(scope)


def merge_get(*, user, pk: int) -> PersonMerge:
    scope = require(user, "people.duplicates.review")
    return _merges_in_scope(scope).get(pk=pk)


def merge_of(*, person: Person) -> PersonMerge | None:
    """The live merge that folded `person` into another record."""
    return PersonMerge.objects.filter(merged=person, undone_at__isnull=True).first()


def run_list(*, user) -> QuerySet:
    require(user, "people.duplicates.review")
    return LinkageRun.objects.select_related("started_by")


def run_get(*, user, pk: int) -> LinkageRun:
    return run_list(user=user).get(pk=pk)


def latest_finished_run() -> LinkageRun | None:
    return LinkageRun.objects.filter(status=LinkageRun.Status.DONE).order_by("-pk").first()


def clusters_from_pairs(ids, edges) -> dict:
    """Connected components (union-find): each id to the smallest id of its component."""
    parent = {identifier: identifier for identifier in ids}

    def root(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in edges:
        if left in parent and right in parent:
            low, high = sorted((root(left), root(right)))
            parent[high] = low
    return {identifier: root(identifier) for identifier in ids}


@dataclass(frozen=True)
class PeopleCount:
    """`distinct` is what indicators report; `records` and `pending_pairs` say how sure it is."""

    distinct: int
    records: int
    pending_pairs: int
    threshold: float | None


def people_count(*, user, **filters) -> PeopleCount:
    """Distinct people in the reader's scope: live records (merged ones left out), with records
    that the latest linkage run put in one cluster counted once, unless a reviewer said they
    are different people. `filters` are Person lookups (sex="female", population_group=...)."""
    scope = require(user, "dashboard.view")
    people = Person.objects.filter(_served_by(scope, "pk"), merged_into__isnull=True, **filters)
    records = people.count()
    run = latest_finished_run()
    pending = CandidatePair.objects.filter(
        status=CandidatePair.Status.PENDING, person_a__in=people, person_b__in=people
    )
    pending_pairs = pending.count()
    if run is None:
        # No finished run: rows are all that is known (pairs may come from a run under way).
        return PeopleCount(
            distinct=records, records=records, pending_pairs=pending_pairs, threshold=None
        )
    edges = list(
        pending.filter(probability__gte=run.threshold).values_list("person_a_id", "person_b_id")
    )
    nodes = {node for edge in edges for node in edge}
    clusters = clusters_from_pairs(nodes, edges)
    # Each record of a cluster beyond the first is a duplicate row.
    duplicates = len(nodes) - len(set(clusters.values()))
    return PeopleCount(
        distinct=records - duplicates,
        records=records,
        pending_pairs=pending_pairs,
        threshold=run.threshold,
    )


def merge_rows_by_kind(rows: list[dict]) -> list[tuple[str, int]]:
    """How many rows of each kind a merge moved (or kept), in the reader's words."""
    from django.apps import apps

    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        try:
            model = apps.get_model(row["model"])
        except LookupError:
            label = row["model"]
        else:
            label = str(model._meta.verbose_name_plural)
        counts[label] += 1
    return sorted(counts.items())


def merge_filled_labels(merge: PersonMerge) -> list[str]:
    """Which of the survivor's fields the merge filled: their names, not their values."""
    labels = []
    for field in Person._meta.concrete_fields:
        if field.attname in merge.filled_fields:
            labels.append(str(field.verbose_name))
    return labels


def _files_in_scope(scope: DataScope) -> QuerySet:
    """Partner files imported at an office of the reader's."""
    return scope.filter_by_office(PartnerFile.objects.all(), "office").select_related(
        "organisation", "office", "uploaded_by", "run"
    )


def partner_file_list(*, user) -> QuerySet:
    scope = require(user, "people.duplicates.review")
    return _files_in_scope(scope)


def partner_file_get(*, user, pk: int) -> PartnerFile:
    """A file the reader may see; PartnerFile.DoesNotExist otherwise."""
    scope = require(user, "people.duplicates.review")
    return _files_in_scope(scope).get(pk=pk)


def _from_file(partner_file_id: int, person_field: str) -> Exists:
    return Exists(
        PartnerFileRow.objects.filter(
            partner_file_id=partner_file_id, person=OuterRef(person_field)
        )
    )


def partner_file_pairs(*, user, partner_file: PartnerFile, pending_only: bool = True) -> QuerySet:
    """The pairs in which a record of the file takes part (one `EXISTS` per side, on the
    rows' person index), the likeliest first."""
    scope = require(user, "people.duplicates.review")
    pairs = _pairs_in_scope(scope).filter(
        _from_file(partner_file.pk, "person_a") | _from_file(partner_file.pk, "person_b")
    )
    if pending_only:
        pairs = pairs.filter(status=CandidatePair.Status.PENDING)
    return pairs.select_related(
        "person_a__registered_office",
        "person_b__registered_office",
        "person_a__residence_locality__governorate",
        "person_b__residence_locality__governorate",
    ).order_by("-probability", "pk")


def partner_file_is_linked(partner_file: PartnerFile, latest: LinkageRun | None) -> bool:
    """Whether a finished run has compared the file's records with the registry: its own run,
    or (when another run was under way at the import) a run started after the import. The
    rows arrive when the background import commits, not at the upload."""
    if partner_file.run_id and partner_file.run.status == LinkageRun.Status.DONE:
        return True
    return (
        latest is not None
        and partner_file.imported_at is not None
        and latest.created_at >= partner_file.imported_at
    )


def partner_file_pair_counts(*, user, partner_files) -> dict[int, int]:
    """Pairs found (any decision) for each of `partner_files` that a finished run linked."""
    latest = latest_finished_run()
    return {
        partner_file.pk: partner_file_pairs(
            user=user, partner_file=partner_file, pending_only=False
        ).count()
        for partner_file in partner_files
        if partner_file_is_linked(partner_file, latest)
    }
