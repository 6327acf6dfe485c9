"""Writes to the person registry: one transaction each, checked, audited."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.core.audit import (
    audit_create,
    audit_delete,
    audit_record,
    audit_redact,
    audit_update,
    snapshot,
)
from wasla.core.concurrency import save_versioned
from wasla.core.exceptions import ApplicationError
from wasla.core.models import AuditEntry
from wasla.core.validation import FieldErrors, check_document
from wasla.engines.linkage import standardise
from wasla.organisations.models import Office
from wasla.organisations.scoping import scope_for
from wasla.people.models import (
    Consent,
    MigrationEpisode,
    Person,
    PersonDocument,
    PersonNameToken,
    PersonOffice,
)
from wasla.people.validation import NAME_FIELDS, clean_person_fields, country_code

PERSON_FIELDS = (
    *NAME_FIELDS,
    "sex",
    "birth_date",
    "birth_year",
    "phone",
    "email",
    "national_id",
    "nationality",
    "population_group",
    "residence_locality",
    "origin_locality",
    "education_level",
    "occupations",
    "skills",
    "has_disability",
    "disability_notes",
    "household_size",
    "preferred_language",
    "contact_channel",
)


def _forbidden() -> ApplicationError:
    return ApplicationError(_("You may not change this person's record."), code="forbidden")


def _check_person_in_scope(
    actor, person: Person, permission: str, *, allow_merged: bool = False
) -> None:
    scope = scope_for(actor)
    if not scope.can(permission):
        raise _forbidden()
    if scope.is_platform_admin:
        if not allow_merged:
            _refuse_merged(person)
        return
    if not person.office_links.filter(office_id__in=scope.office_ids).exists():
        raise _forbidden()
    if not allow_merged:
        _refuse_merged(person)


def _refuse_merged(person: Person) -> None:
    """A merged record is kept as it was; work continues on the record it was merged into."""
    if person.merged_into_id:
        raise ApplicationError(
            _("This record was merged into %(reference)s; work on that record instead.")
            % {"reference": person.merged_into.reference},
            code="merged",
        )


def _reindex_names(person: Person) -> None:
    tokens = set()
    for name in NAME_FIELDS:
        tokens.update(token for token in standardise.name_tokens(getattr(person, name)) if token)
    PersonNameToken.objects.filter(person=person).exclude(token__in=tokens).delete()
    existing = set(PersonNameToken.objects.filter(person=person).values_list("token", flat=True))
    PersonNameToken.objects.bulk_create(
        PersonNameToken(person=person, token=token[:40]) for token in sorted(tokens - existing)
    )


def _duplicate_national_id(national_id: str | None, exclude_pk=None) -> None:
    if not national_id:
        return
    others = Person.objects.filter(national_id=national_id)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ApplicationError(
            _(
                "A person with this identity card number is already registered. Search for them instead."
            ),
            code="duplicate_national_id",
            extra={"national_id": [_("Already registered.")]},
        )


@transaction.atomic
def person_register(*, actor, office: Office, **fields) -> Person:
    """Register a person at an office the actor works at."""
    scope = scope_for(actor)
    if not scope.can("people.register") or not (
        scope.is_platform_admin or office.pk in scope.office_ids
    ):
        raise ApplicationError(_("You may not register people at this office."), code="forbidden")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    cleaned = clean_person_fields(fields)
    _duplicate_national_id(cleaned.get("national_id"))
    try:
        with transaction.atomic():
            person = Person.objects.create(registered_office=office, registered_by=actor, **cleaned)
    except IntegrityError:
        # Two desks registering the same identity card number at the same moment.
        _duplicate_national_id(cleaned.get("national_id"))
        raise
    _reindex_names(person)
    PersonOffice.objects.create(person=person, office=office, reason="registration")
    audit_create(actor=actor, instance=person)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int, **changes) -> Person:
    """Change a person's record; refused if someone saved it since `expected_version`."""
    _check_person_in_scope(actor, person, "people.edit")
    if person.anonymised_at:
        raise ApplicationError(
            _("This record has been anonymised and cannot be changed."), code="anonymised"
        )
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "national_id" in changes and not scope_for(actor).can("people.national_id.view"):
        raise ApplicationError(_("You may not change the identity card number."), code="forbidden")
    merged = {name: getattr(person, name) for name in PERSON_FIELDS}
    merged.update(changes)
    cleaned = clean_person_fields(merged)
    _duplicate_national_id(cleaned.get("national_id"), exclude_pk=person.pk)
    before = snapshot(person)
    for name, value in cleaned.items():
        setattr(person, name, value)
    save_versioned(person, expected_version=expected_version, fields=list(PERSON_FIELDS))
    _reindex_names(person)
    audit_update(actor=actor, instance=person, before=before)
    return person


@transaction.atomic
def person_link_office(*, actor, person: Person, office: Office, reason: str) -> PersonOffice:
    """Let the staff of another office serve the person (a case opened there, a request...)."""
    link, created = PersonOffice.objects.get_or_create(
        person=person, office=office, defaults={"reason": reason}
    )
    if created:
        audit_create(actor=actor, instance=link)
    return link


@transaction.atomic
def migration_episode_add(*, actor, person: Person, **fields) -> MigrationEpisode:
    _check_person_in_scope(actor, person, "people.edit")
    errors = FieldErrors()
    for name in ("departure_country", "destination_country"):
        code = country_code(fields.get(name, "TN"))
        if code is None:
            errors.add(name, _("Unknown country."))
        fields[name] = code or fields.get(name)
    if fields.get("kind") not in MigrationEpisode.Kind.values:
        errors.add("kind", _("Choose one of the options."))
    started, ended = fields.get("started_on"), fields.get("ended_on")
    if started and ended and ended < started:
        errors.add("ended_on", _("The arrival cannot come before the departure."))
    today = timezone.localdate()
    for name in ("started_on", "ended_on"):
        if fields.get(name) and fields[name] > today:
            errors.add(name, _("This date is in the future."))
    year = fields.get("year") or (started.year if started else ended.year if ended else None)
    if year is None or not 1900 <= int(year) <= today.year:
        errors.add("year", _("Give the year of the move."))
    fields["year"] = year
    if fields.get("kind") == MigrationEpisode.Kind.RETURN:
        if fields.get("return_type") not in MigrationEpisode.ReturnType.values:
            errors.add("return_type", _("Say whether the return was voluntary."))
        if fields.get("destination_country") != "TN":
            errors.add("destination_country", _("A return to Tunisia ends in Tunisia."))
    else:
        fields["return_type"] = ""
    errors.raise_if_any()
    episode = MigrationEpisode.objects.create(person=person, **fields)
    audit_create(actor=actor, instance=episode)
    return episode


@transaction.atomic
def migration_episode_remove(*, actor, episode: MigrationEpisode) -> None:
    _check_person_in_scope(actor, episode.person, "people.edit")
    before = snapshot(episode)
    audit_delete(actor=actor, instance=episode, before=before)
    episode.delete()


@transaction.atomic
def consent_give(
    *, actor, person: Person, purpose: str, given_on: datetime.date, method: str, notes: str = ""
) -> Consent:
    _check_person_in_scope(actor, person, "people.consent.manage")
    errors = FieldErrors()
    if purpose not in Consent.Purpose.values:
        errors.add("purpose", _("Choose one of the options."))
    if method not in Consent.Method.values:
        errors.add("method", _("Choose one of the options."))
    if given_on > timezone.localdate():
        errors.add("given_on", _("This date is in the future."))
    errors.raise_if_any()
    active = Consent.objects.select_for_update().filter(
        person=person, purpose=purpose, withdrawn_on__isnull=True
    )
    if active.exists():
        raise ApplicationError(
            _("This consent is already recorded and has not been withdrawn."), code="already_given"
        )
    consent = Consent.objects.create(
        person=person,
        purpose=purpose,
        given_on=given_on,
        method=method,
        notes=notes,
        recorded_by=actor,
    )
    audit_create(actor=actor, instance=consent)
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor, consent: Consent, withdrawn_on: datetime.date | None = None
) -> Consent:
    _check_person_in_scope(actor, consent.person, "people.consent.manage")
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on:
        raise ApplicationError(_("This consent was already withdrawn."), code="already_withdrawn")
    withdrawn_on = withdrawn_on or timezone.localdate()
    if withdrawn_on < consent.given_on:
        raise ApplicationError(
            _("A consent cannot be withdrawn before it was given."), code="invalid_date"
        )
    before = snapshot(consent)
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "updated_at"])
    audit_update(actor=actor, instance=consent, before=before)
    return consent


def consent_require(*, person: Person, purpose: str) -> Consent:
    """The person's active consent for `purpose`, or ApplicationError: sharing without it is refused."""
    consent = person.consents.filter(purpose=purpose, withdrawn_on__isnull=True).first()
    if consent is None:
        raise ApplicationError(
            _("%(name)s has not consented to: %(purpose)s.")
            % {"name": person.full_name, "purpose": Consent.Purpose(purpose).label},
            code="no_consent",
        )
    return consent


ANONYMISED_BLANK = {
    "given_name_ar": "",
    "father_name_ar": "",
    "family_name_ar": "",
    "given_name_latin": "",
    "father_name_latin": "",
    "family_name_latin": "",
    "birth_date": None,
    "phone": "",
    "email": "",
    "national_id": None,
    "skills": "",
    "disability_notes": "",
}


@transaction.atomic
def person_anonymise(*, actor, person: Person) -> Person:
    """Erase what identifies the person; keep what counts (sex, birth year, group, places,
    migration years) so that programme totals stay true. Irreversible; see docs/people.md."""
    # Erasure reaches merged records too: they still hold what identified the person.
    _check_person_in_scope(actor, person, "people.anonymise", allow_merged=True)
    if person.anonymised_at:
        raise ApplicationError(_("This record is already anonymised."), code="anonymised")
    person = Person.objects.select_for_update().get(pk=person.pk)
    for name, value in ANONYMISED_BLANK.items():
        setattr(person, name, value)
    person.anonymised_at = timezone.now()
    person.version += 1
    person.save()
    PersonNameToken.objects.filter(person=person).delete()
    for document in person.documents.all():
        stored, storage = document.file.name, document.file.storage
        transaction.on_commit(lambda stored=stored, storage=storage: storage.delete(stored))
    person.documents.all().delete()
    person.migration_episodes.update(notes="")
    person.consents.update(notes="")
    # The trail must not keep what was erased.
    audit_redact(
        target_type="people.person",
        target_ids=[str(person.pk)],
        fields=[*ANONYMISED_BLANK, "national_id"],
    )
    for model, related in (
        ("people.migrationepisode", person.migration_episodes),
        ("people.consent", person.consents),
    ):
        audit_redact(
            target_type=model,
            target_ids=[str(pk) for pk in related.values_list("pk", flat=True)],
            fields=["notes"],
        )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        instance=person,
        before={"anonymised_at": None},
        after={"anonymised_at": person.anonymised_at.isoformat()},
    )
    return person


@transaction.atomic
def document_upload(
    *, actor, person: Person, kind: str, title: str, uploaded_file, case_reference: str = ""
) -> PersonDocument:
    """Keep a scanned document (PDF, JPEG or PNG, at most DOCUMENT_MAX_BYTES) with the person."""
    _check_person_in_scope(actor, person, "people.edit")
    if person.anonymised_at:
        raise ApplicationError(
            _("This record has been anonymised and cannot be changed."), code="anonymised"
        )
    errors = FieldErrors()
    if kind not in PersonDocument.Kind.values:
        errors.add("kind", _("Choose one of the options."))
    if not (title or "").strip():
        errors.add("title", _("Give the document a title."))
    content_type = check_document(uploaded_file, errors)
    errors.raise_if_any()
    document = PersonDocument(
        person=person,
        kind=kind,
        title=title.strip(),
        content_type=content_type,
        size=uploaded_file.size,
        case_reference=case_reference,
        uploaded_by=actor,
    )
    document.file.save("upload", uploaded_file, save=False)
    try:
        document.save()
    except Exception:
        # Nothing half-saved: no row, so no file either.
        document.file.delete(save=False)
        raise
    audit_create(actor=actor, instance=document)
    return document


@transaction.atomic
def document_remove(*, actor, document: PersonDocument) -> None:
    _check_person_in_scope(actor, document.person, "people.edit")
    before = snapshot(document)
    stored = document.file.name
    storage = document.file.storage
    audit_delete(actor=actor, instance=document, before=before)
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))
