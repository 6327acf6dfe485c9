"""Counting each person once: review decisions, merge and undo (writes). Linkage runs are in
`linkage_runs.py`.

The merge moves every row that points at the merged record to the survivor. It finds those rows
through `Person._meta` rather than naming the models, so that the registry does not import the
apps built on top of it (cases, Citizen Spaces, jobs) and a new app's rows move without a change
here. docs/duplicates.md explains the rules for programme managers and developers.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.core.audit import audit_create, audit_record
from wasla.core.exceptions import ApplicationError
from wasla.core.models import AuditEntry
from wasla.organisations.scoping import require
from wasla.people.models import (
    CandidatePair,
    Person,
    PersonMerge,
    PersonOffice,
)
from wasla.people.services import _reindex_names

# Rows that are derived from the person (rebuilt after a merge) or that describe the linkage
# itself: never moved.
NOT_MOVED = {
    "people.personnametoken",
    "people.candidatepair",
    "people.personmerge",
    "people.person",
    # Office links decide who may see a record: the merged record keeps its own (so its page
    # still opens for the offices that knew it) and the survivor gets a copy of each.
    "people.personoffice",
}
# When the survivor already holds an equivalent row (an active consent for the same purpose),
# the merged record keeps its own: it is redundant, and it stays visible on the merged
# record's page. Any other clash refuses the merge.
KEPT_WHEN_EQUIVALENT = {"people.consent"}

# The survivor's empty fields that the merge fills from the merged record.
FILLABLE_FIELDS = (
    "given_name_ar",
    "father_name_ar",
    "family_name_ar",
    "given_name_latin",
    "father_name_latin",
    "family_name_latin",
    "birth_date",
    "phone",
    "email",
    "national_id",
    "residence_locality_id",
    "origin_locality_id",
    "education_level",
    "skills",
    "disability_notes",
    "household_size",
)
# A value only one record may hold (a unique constraint): taken from the merged record.
TAKEN_FIELDS = ("national_id",)


@dataclass(frozen=True)
class PersonReference:
    """A foreign key somewhere in Wasla that points at a person."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def person_references() -> list[PersonReference]:
    """Every foreign key (and one-to-one, and many-to-many through row) that points at Person,
    in every installed app, except the derived and linkage rows."""
    references = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        # Reverse many-to-many is covered by the foreign key of its through model.
        if not (relation.one_to_many or relation.one_to_one):
            continue
        model = relation.related_model
        if model._meta.label_lower in NOT_MOVED:
            continue
        references.append(PersonReference(model=model, field=relation.field))
    return sorted(references, key=lambda reference: (reference.label, reference.field.name))


def _unique_sets(reference: PersonReference) -> Iterator[tuple[tuple[str, ...], Q | None]]:
    """The field sets (with their condition) that must stay unique and include the person."""
    meta, name = reference.model._meta, reference.field.name
    if reference.field.unique:
        yield (name,), None
    for together in meta.unique_together:
        if name in together:
            yield tuple(together), None
    for constraint in meta.constraints:
        fields = getattr(constraint, "fields", ())
        if isinstance(constraint, models.UniqueConstraint) and name in fields:
            yield tuple(fields), constraint.condition


def _clashes(reference: PersonReference, rows: list[models.Model], target: Person):
    """The rows that cannot point at `target` because it already holds an equivalent one."""
    clashing = []
    manager = reference.model._base_manager
    for fields, condition in _unique_sets(reference):
        others = [field for field in fields if field != reference.field.name]
        concerned = rows
        if condition is not None:
            concerned_pks = set(
                manager.filter(condition, pk__in=[row.pk for row in rows]).values_list(
                    "pk", flat=True
                )
            )
            concerned = [row for row in rows if row.pk in concerned_pks]
        for row in concerned:
            lookup = {reference.field.name: target}
            for field in others:
                attname = reference.model._meta.get_field(field).attname
                lookup[attname] = getattr(row, attname)
            holding = manager.filter(**lookup)
            if condition is not None:
                holding = holding.filter(condition)
            existing = holding.first()
            if existing is not None:
                clashing.append((row, existing))
    return clashing


def _clash_error(reference: PersonReference, row, existing, target: Person) -> ApplicationError:
    return ApplicationError(
        _(
            "These records cannot be merged yet: %(person)s already has %(existing)s, and "
            "%(row)s from the other record would make two %(kind)s where only one is allowed. "
            "Resolve it first (for example close one of the two), then merge again."
        )
        % {
            "person": target.reference,
            "existing": existing,
            "row": row,
            "kind": reference.model._meta.verbose_name_plural,
        },
        code="merge_conflict",
        extra={"model": reference.label, "row": row.pk, "existing": existing.pk},
    )


def _plan_moves(source: Person, target: Person) -> tuple[list[dict], list[dict]]:
    """Which rows of `source` move to `target`, and which stay because `target` already holds
    their equivalent; ApplicationError (nothing changed) when a move would break a rule."""
    moved, kept = [], []
    for reference in person_references():
        rows = list(reference.model._base_manager.filter(**{reference.field.name: source}))
        if not rows:
            continue
        staying = set()
        for row, existing in _clashes(reference, rows, target):
            if reference.label not in KEPT_WHEN_EQUIVALENT:
                raise _clash_error(reference, row, existing, target)
            staying.add(row.pk)
        for row in rows:
            entry = {"model": reference.label, "pk": row.pk, "field": reference.field.name}
            (kept if row.pk in staying else moved).append(entry)
    return moved, kept


def _link_offices(source: Person, target: Person) -> list[int]:
    """Let every office that served `source` serve `target` too; the new links' ids."""
    known = set(PersonOffice.objects.filter(person=target).values_list("office_id", flat=True))
    created = []
    for link in PersonOffice.objects.filter(person=source).exclude(office_id__in=known):
        created.append(
            PersonOffice.objects.create(person=target, office_id=link.office_id, reason="merge").pk
        )
    return created


def _has_rows_at_office(person: Person, office_id: int) -> bool:
    """Whether any row of any app ties `person` to the office (a case, a request...)."""
    for reference in person_references():
        try:
            field = reference.model._meta.get_field("office")
        except FieldDoesNotExist:
            continue
        if (
            field.is_relation
            and reference.model._base_manager.filter(
                **{reference.field.name: person, field.attname: office_id}
            ).exists()
        ):
            return True
    return False


def _move(rows: list[dict], target: Person) -> None:
    by_reference: dict[tuple[str, str], list] = {}
    for row in rows:
        by_reference.setdefault((row["model"], row["field"]), []).append(row["pk"])
    for (label, field), pks in by_reference.items():
        model = apps.get_model(label)
        model._base_manager.filter(pk__in=pks).update(
            **{model._meta.get_field(field).attname: target.pk}
        )


def _check_reviewer(actor, permission: str, *people: Person):
    """The actor holds `permission` and works for an office that serves every one of `people`."""
    scope = require(actor, permission)
    if scope.is_platform_admin:
        return scope
    for person in people:
        if not PersonOffice.objects.filter(person=person, office_id__in=scope.office_ids).exists():
            raise ApplicationError(
                _("You may only decide on records of the offices you work for."), code="forbidden"
            )
    return scope


def _field_name(attname: str) -> str:
    return next(f.name for f in Person._meta.concrete_fields if f.attname == attname)


def _is_empty(value) -> bool:
    return value in (None, "", [])


def _fill(survivor: Person, merged: Person) -> tuple[dict, list[str]]:
    filled, taken = {}, []
    for attname in FILLABLE_FIELDS:
        theirs = getattr(merged, attname)
        if _is_empty(theirs) or not _is_empty(getattr(survivor, attname)):
            continue
        # A birth date from another year would contradict the survivor's year of birth.
        if attname == "birth_date" and theirs.year != survivor.birth_year:
            continue
        setattr(survivor, attname, theirs)
        filled[attname] = theirs.isoformat() if attname == "birth_date" else theirs
        if attname in TAKEN_FIELDS:
            taken.append(attname)
    return filled, taken


def _lock(*people: Person) -> list[Person]:
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update().filter(pk__in=[p.pk for p in people])
    }
    return [locked[person.pk] for person in people]


def _bump(person: Person, fields: list[str]) -> None:
    person.version += 1
    person.save(update_fields=[*fields, "version", "updated_at"])


def _pair_between(first: Person, second: Person) -> CandidatePair | None:
    low, high = sorted((first.pk, second.pk))
    return CandidatePair.objects.filter(person_a_id=low, person_b_id=high).first()


def _decide(pair: CandidatePair, *, actor, expected_version: int, status: str) -> None:
    """Record a decision on a pending pair unless someone decided it first."""
    updated = CandidatePair.objects.filter(
        pk=pair.pk, version=expected_version, status=CandidatePair.Status.PENDING
    ).update(
        status=status,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        version=models.F("version") + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:
        current = CandidatePair.objects.select_related("reviewed_by").get(pk=pair.pk)
        if current.status == CandidatePair.Status.PENDING:
            message = _("This pair changed while you were looking at it. Look at it again.")
        else:
            message = _("%(who)s already decided on this pair: %(decision)s.") % {
                "who": current.reviewed_by.get_username() if current.reviewed_by else _("someone"),
                "decision": current.get_status_display(),
            }
        raise ApplicationError(message, code="conflict")


@transaction.atomic
def person_merge(
    *,
    actor,
    survivor: Person,
    merged: Person,
    pair: CandidatePair | None = None,
    expected_version: int | None = None,
) -> PersonMerge:
    """Merge `merged` into `survivor` in one transaction: every row that points at `merged`
    moves to `survivor`, `survivor`'s empty fields are filled, and `merged` is kept with
    `merged_into` set. Refused, changing nothing, when a move would break a rule."""
    if survivor.pk == merged.pk:
        raise ApplicationError(_("A record cannot be merged into itself."), code="invalid")
    _check_reviewer(actor, "people.duplicates.merge", survivor, merged)
    survivor, merged = _lock(survivor, merged)
    for person in (survivor, merged):
        if person.merged_into_id:
            raise ApplicationError(
                _("%(reference)s has already been merged into %(into)s.")
                % {"reference": person.reference, "into": person.merged_into.reference},
                code="already_merged",
            )
        if person.anonymised_at:
            raise ApplicationError(
                _("%(reference)s has been anonymised and cannot be merged.")
                % {"reference": person.reference},
                code="anonymised",
            )
    pair = pair or _pair_between(survivor, merged)
    if pair is not None:
        if {pair.person_a_id, pair.person_b_id} != {survivor.pk, merged.pk}:
            raise ApplicationError(_("This pair is about other records."), code="invalid")
        _decide(
            pair,
            actor=actor,
            expected_version=pair.version if expected_version is None else expected_version,
            status=CandidatePair.Status.CONFIRMED,
        )

    moved, kept = _plan_moves(merged, survivor)
    _move(moved, survivor)
    linked = _link_offices(merged, survivor)

    before = {attname: getattr(survivor, attname) for attname in FILLABLE_FIELDS}
    filled, taken = _fill(survivor, merged)
    if taken:
        # The unique value leaves the merged record before the survivor takes it.
        for attname in taken:
            setattr(merged, attname, None)
    merged.merged_into = survivor
    _bump(merged, ["merged_into", *taken])
    if filled:
        _bump(survivor, [_field_name(name) for name in filled])
    _reindex_names(survivor)

    merge = PersonMerge.objects.create(
        survivor=survivor,
        merged=merged,
        pair=pair,
        actor=actor,
        moved_rows=moved,
        kept_rows=kept,
        linked_offices=linked,
        filled_fields=filled,
        taken_fields=taken,
    )
    audit_create(actor=actor, instance=merge)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=merged,
        before={"merged_into": None, **{name: filled[name] for name in taken}},
        after={"merged_into": survivor.pk, "moved_rows": len(moved), "merge": merge.pk},
    )
    if filled:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=survivor,
            before={name: _plainly(before[name]) for name in filled},
            after={**filled, "merge": merge.pk},
        )
    return merge


def _plainly(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def person_merge_undo(*, actor, merge: PersonMerge) -> PersonMerge:
    """Put back exactly what the merge moved and filled; refused, changing nothing, when later
    changes make that unsafe."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ApplicationError(_("This merge has already been undone."), code="already_undone")
    survivor, merged = _lock(merge.survivor, merge.merged)
    _check_reviewer(actor, "people.duplicates.merge", survivor, merged)
    if survivor.merged_into_id:
        raise ApplicationError(
            _("%(survivor)s has since been merged into %(into)s. Undo that merge first.")
            % {"survivor": survivor.reference, "into": survivor.merged_into.reference},
            code="unsafe",
        )
    if merged.merged_into_id != survivor.pk:
        raise ApplicationError(
            _("The merged record no longer points at the kept one; nothing was changed."),
            code="unsafe",
        )

    still_there = []
    for row in merge.moved_rows:
        model = apps.get_model(row["model"])
        current = model._base_manager.filter(pk=row["pk"]).values_list(
            model._meta.get_field(row["field"]).attname, flat=True
        )
        if not current:
            continue  # Removed since (a document deleted): nothing to move back.
        if current[0] != survivor.pk:
            raise ApplicationError(
                _(
                    "A %(kind)s moved by this merge has since been given to another record; "
                    "it cannot be undone automatically."
                )
                % {"kind": model._meta.verbose_name},
                code="unsafe",
            )
        still_there.append(row)
    for label in {row["model"] for row in still_there}:
        model = apps.get_model(label)
        rows_here = [row for row in still_there if row["model"] == label]
        for field in {row["field"] for row in rows_here}:
            reference = PersonReference(model=model, field=model._meta.get_field(field))
            objects = list(
                model._base_manager.filter(
                    pk__in=[r["pk"] for r in rows_here if r["field"] == field]
                )
            )
            clashes = _clashes(reference, objects, merged)
            if clashes:
                row, existing = clashes[0]
                raise _clash_error(reference, row, existing, merged)
    _move(still_there, merged)
    # The office links the merge gave the survivor go, unless the survivor now has work of
    # its own at that office (a case opened there since).
    for link in PersonOffice.objects.filter(pk__in=merge.linked_offices, person=survivor):
        if not _has_rows_at_office(survivor, link.office_id):
            link.delete()

    restored, left = {}, []
    for attname, value in merge.filled_fields.items():
        current = _plainly(getattr(survivor, attname))
        if current == value:
            field = Person._meta.get_field(_field_name(attname))
            setattr(survivor, attname, None if field.null else "")
            restored[attname] = value
        else:
            left.append(attname)
    if restored:
        _bump(survivor, [_field_name(name) for name in restored])
    for attname in merge.taken_fields:
        if attname in restored:
            setattr(merged, attname, merge.filled_fields[attname])
    merged.merged_into = None
    _bump(merged, ["merged_into", *[name for name in merge.taken_fields if name in restored]])
    _reindex_names(survivor)
    _reindex_names(merged)

    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
    if merge.pair_id:
        CandidatePair.objects.filter(pk=merge.pair_id).update(
            status=CandidatePair.Status.PENDING,
            reviewed_by=None,
            reviewed_at=None,
            version=models.F("version") + 1,
            updated_at=timezone.now(),
        )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=merge,
        before={"undone_at": None},
        after={
            "undone_at": merge.undone_at.isoformat(),
            "rows_moved_back": len(still_there),
            "fields_cleared": sorted(restored),
            "fields_changed_since": sorted(left),
        },
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=merged,
        before={"merged_into": survivor.pk},
        after={"merged_into": None, "merge_undone": merge.pk},
    )
    return merge


@transaction.atomic
def pair_reject(*, actor, pair: CandidatePair, expected_version: int) -> CandidatePair:
    """Two different people: the pair stays rejected across later runs."""
    _check_reviewer(actor, "people.duplicates.review", pair.person_a, pair.person_b)
    _decide(
        pair, actor=actor, expected_version=expected_version, status=CandidatePair.Status.REJECTED
    )
    pair.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=pair,
        before={"status": CandidatePair.Status.PENDING},
        after={"status": pair.status},
    )
    return pair


@transaction.atomic
def pair_confirm(
    *, actor, pair: CandidatePair, expected_version: int, survivor: Person
) -> PersonMerge:
    """The same person: merge the pair, keeping `survivor` (one of the two)."""
    if survivor.pk not in (pair.person_a_id, pair.person_b_id):
        raise ApplicationError(_("Choose one of the two records to keep."), code="invalid")
    merged = pair.person_b if survivor.pk == pair.person_a_id else pair.person_a
    return person_merge(
        actor=actor, survivor=survivor, merged=merged, pair=pair, expected_version=expected_version
    )
