"""Files from partners: a CSV of the people a partner organisation registered, checked row by
row, imported into the registry in one transaction and linked against it (docs/duplicates.md,
"Files from partners").

The upload (`partner_file_upload`, in the web request) only does the cheap checks (type, size,
encoding, header, number of rows) and queues the file; the task `import_partner_file` runs
`partner_file_execute`, which checks every row, imports and starts a linkage run: a file of
20,000 rows takes longer than a web request may.

The rows go through the registry's own checks (`clean_person_fields`: names in their script,
sex, a date or a year, phone and identity card formats) and are written as `person_register`
writes a person: the same name tokens, the registering office's link, an audit entry each. The
programme manager who uploads does not register people at a desk (`people.register` is a
front-line permission), so the import writes the rows itself, in bulk, under the manager's
`people.duplicates.review` permission and at an office of the manager's.
"""

import csv
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wasla.core.audit import audit_record, snapshot
from wasla.core.exceptions import ApplicationError
from wasla.core.models import AuditEntry
from wasla.engines.linkage import COLUMNS, standardise
from wasla.organisations.models import Office, Organisation
from wasla.organisations.scoping import require
from wasla.people.linkage_runs import linkage_run_start
from wasla.people.models import (
    Consent,
    PartnerFile,
    PartnerFileRow,
    Person,
    PersonNameToken,
    PersonOffice,
)
from wasla.people.validation import ARABIC_LETTER, LATIN_LETTER, NAME_FIELDS, clean_person_fields
from wasla.territories.models import Governorate

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
ERRORS_SHOWN = 50
# The check of the rows is most of the task's time; the import and the run's start the rest.
CHECK_SHARE = (1, 60)
PROGRESS_WRITE_SECONDS = 1.0
PROGRESS_EVERY_ROWS = 250
FILE_COLUMNS = (*COLUMNS, "population_group")
RECORD_ID_MAX = 100
SEX_WORDS = {
    "female": Person.Sex.FEMALE,
    "f": Person.Sex.FEMALE,
    "femme": Person.Sex.FEMALE,
    "أنثى": Person.Sex.FEMALE,
    "انثى": Person.Sex.FEMALE,
    "male": Person.Sex.MALE,
    "m": Person.Sex.MALE,
    "homme": Person.Sex.MALE,
    "h": Person.Sex.MALE,
    "ذكر": Person.Sex.MALE,
}
# Which column of the file a registry field came from, to name it in an error.
FIELD_COLUMNS = {
    "given_name_latin": "given_name",
    "family_name_latin": "family_name",
    "father_name_latin": "father_name",
    "father_name_ar": "father_name",
    "sex": "sex",
    "birth_date": "birth_date",
    "birth_year": "birth_year",
    "phone": "phone",
    "national_id": "national_id",
    "population_group": "population_group",
}


@dataclass(frozen=True)
class RowError:
    line: int  # the line of the file (the header is line 1); 0 for the file as a whole
    record_id: str
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        if self.record_id:
            return _("Line %(line)s (record %(record_id)s), column %(column)s: %(message)s") % {
                "line": self.line,
                "record_id": self.record_id,
                "column": self.column,
                "message": self.message,
            }
        return _("Line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class PartnerFileInvalid(ApplicationError):
    """The file was refused; nothing changed. `errors` lists every fault, in file order."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(
            _("The file was not imported: nothing has changed. Correct it and upload it again."),
            code="invalid_file",
            extra={"errors": [str(error) for error in errors[:ERRORS_SHOWN]]},
        )


@dataclass
class _Row:
    line: int
    record_id: str
    fields: dict
    columns: dict = field(default_factory=dict)  # registry field -> file column
    governorate: str = ""


def _file_error(message: str) -> PartnerFileInvalid:
    return PartnerFileInvalid([RowError(0, "", "", message)])


def _read_text(uploaded_file) -> str:
    name = getattr(uploaded_file, "name", "") or ""
    if not name.lower().endswith(".csv"):
        raise _file_error(_("Only .csv files are accepted."))
    if uploaded_file.size > MAX_BYTES:
        raise _file_error(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    uploaded_file.seek(0)
    raw = uploaded_file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise _file_error(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    if b"\x00" in raw:
        raise _file_error(_("This is not a CSV text file."))
    try:
        # utf-8-sig: spreadsheets often write a byte-order mark first.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(
            _("The file is not in UTF-8. Save it as “CSV UTF-8” and upload it again.")
        ) from None


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _governorate_codes() -> dict[str, str]:
    """Each way a file may name a governorate (code, or name in any language) -> its code."""
    names = {}
    for code, *labels in Governorate.objects.values_list("code", "name_ar", "name_fr", "name_en"):
        for label in (code, *labels):
            if label:
                names[" ".join(label.casefold().split())] = code
    return names


def _split_script(value: str, latin_field: str, arabic_field: str) -> dict:
    """A name in the field of its script; a name mixing scripts goes to the Latin field, where
    the registry's check will name it."""
    value = " ".join((value or "").split())
    if not value:
        return {}
    if ARABIC_LETTER.search(value) and not LATIN_LETTER.search(value):
        return {arabic_field: value}
    return {latin_field: value}


def _row_fields(
    line: int, values: dict, default_group: str, governorates: dict
) -> tuple[_Row, list[RowError]]:
    record_id = (values.get("record_id") or "").strip()
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, record_id, column, message))

    row = _Row(line=line, record_id=record_id, fields={})
    fields, columns = row.fields, row.columns
    for column, latin, arabic in (
        ("given_name", "given_name_latin", "given_name_ar"),
        ("family_name", "family_name_latin", "family_name_ar"),
        ("father_name", "father_name_latin", "father_name_ar"),
    ):
        for name, value in _split_script(values.get(column, ""), latin, arabic).items():
            fields[name] = value
            columns[name] = column
    name_ar = " ".join((values.get("name_ar") or "").split())
    if name_ar:
        if LATIN_LETTER.search(name_ar) or not ARABIC_LETTER.search(name_ar):
            error("name_ar", _("Write this name in Arabic letters."))
        else:
            # "مريم بن صالح": the first word is the given name, the rest the family name.
            given, _space, family = name_ar.partition(" ")
            if "given_name_ar" not in fields:
                fields["given_name_ar"], columns["given_name_ar"] = given, "name_ar"
            if fields["given_name_ar"] != given:
                # Two given names for one person: which one is right is the partner's to say.
                error(
                    "name_ar",
                    _("This name does not begin with the given name written in Arabic letters."),
                )
            elif family and "family_name_ar" not in fields:
                fields["family_name_ar"], columns["family_name_ar"] = family, "name_ar"
    if not record_id:
        error("record_id", _("Every row needs the partner's own id."))
    elif len(record_id) > RECORD_ID_MAX:
        error(
            "record_id",
            _("An id has at most %(count)s characters.") % {"count": RECORD_ID_MAX},
        )
    if not (fields.get("given_name_latin") or fields.get("given_name_ar")):
        error("given_name", _("Give the person's given name, in Arabic or Latin letters."))
    sex = (values.get("sex") or "").strip().casefold()
    fields["sex"] = SEX_WORDS.get(sex, sex)
    fields["birth_date"] = (values.get("birth_date") or "").strip()
    fields["birth_year"] = (values.get("birth_year") or "").strip() or None
    fields["phone"] = values.get("phone") or ""
    fields["national_id"] = values.get("national_id") or ""
    fields["population_group"] = (values.get("population_group") or "").strip() or default_group
    fields["nationality"] = "TN"
    fields["contact_channel"] = Person.ContactChannel.SMS
    governorate = " ".join((values.get("governorate") or "").casefold().split())
    if governorate:
        row.governorate = governorates.get(governorate, "")
        if not row.governorate:
            error("governorate", _("Unknown governorate. Give its code, e.g. TN-41, or its name."))
    return row, errors


def _check_with_registry_rules(row: _Row) -> list[RowError]:
    try:
        row.fields = clean_person_fields(row.fields)
    except ApplicationError as invalid:
        found = []
        extra = invalid.extra or {}
        for name, messages in extra.items():
            if name == "given_name_latin" and not row.fields.get("given_name_latin"):
                continue  # the missing given name is already reported on the row
            if name == "birth_year" and "birth_date" in extra and not row.fields["birth_year"]:
                continue  # an unreadable date and no year: the date's error says it
            column = row.columns.get(name) or FIELD_COLUMNS.get(name, name)
            found.extend(RowError(row.line, row.record_id, column, str(m)) for m in messages)
        return found
    return []


def _header(text: str) -> tuple[list[str], str]:
    """The file's column names and its delimiter; PartnerFileInvalid for an unusable header."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _file_error(_("The file is empty."))
    delimiter = _delimiter(lines[0])
    header_cells = next(csv.reader(io.StringIO(lines[0]), delimiter=delimiter), [])
    header = [" ".join(name.strip().casefold().split()) for name in header_cells]
    unknown = [name for name in header if name and name not in FILE_COLUMNS]
    if "record_id" not in header or unknown:
        message = _("The first line must name the columns: %(columns)s.") % {
            "columns": ", ".join(FILE_COLUMNS)
        }
        if unknown:
            message += " " + _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}
        raise _file_error(message)
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        raise _file_error(
            _("These columns appear twice: %(columns)s.") % {"columns": ", ".join(doubled)}
        )
    return header, delimiter


def _too_many_rows() -> PartnerFileInvalid:
    return _file_error(
        _("The file has more than %(count)s rows. Split it and upload the parts.")
        % {"count": f"{MAX_ROWS:,}".replace(",", "\u202f")}
    )


def _data_rows(text: str, delimiter: str) -> csv.reader:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)  # the header
    return reader


def _count_rows(text: str, delimiter: str) -> int:
    """The rows under the header (blank lines skipped), read as CSV without checking a cell:
    cheap enough for the web request. A line that is not CSV stops the count; the task's check
    names it."""
    count = 0
    try:
        for cells in _data_rows(text, delimiter):
            if any(cell.strip() for cell in cells):
                count += 1
                if count > MAX_ROWS:
                    raise _too_many_rows()
    except csv.Error:
        pass
    return count


def partner_file_check(
    text: str,
    *,
    default_population_group: str,
    progress: Callable[[int], None] | None = None,
) -> list[_Row]:
    """The rows of the file's text, cleaned as the registry keeps them; PartnerFileInvalid
    listing every fault (file order) otherwise. Reads nothing but the text and the
    governorates; `progress` hears the number of rows checked every few hundred rows."""
    header, delimiter = _header(text)
    governorates = _governorate_codes()
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen_ids: dict[str, int] = {}
    seen_cards: dict[str, int] = {}
    reader = _data_rows(text, delimiter)
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows()
            if progress is not None and len(rows) % PROGRESS_EVERY_ROWS == 0:
                progress(len(rows))
            if len(cells) > len(header):
                errors.append(
                    RowError(
                        line,
                        "",
                        "—",
                        _("This line has %(found)s cells; the header names %(expected)s.")
                        % {"found": len(cells), "expected": len(header)},
                    )
                )
                continue
            values = dict(zip(header, cells, strict=False))
            row, row_errors = _row_fields(line, values, default_population_group, governorates)
            row_errors += _check_with_registry_rules(row)
            if row.record_id in seen_ids:
                row_errors.append(
                    RowError(
                        line,
                        row.record_id,
                        "record_id",
                        _("This id is already on line %(line)s.")
                        % {"line": seen_ids[row.record_id]},
                    )
                )
            elif row.record_id:
                seen_ids[row.record_id] = line
            card = row.fields.get("national_id")
            if card and not row_errors:
                if card in seen_cards:
                    row_errors.append(
                        RowError(
                            line,
                            row.record_id,
                            "national_id",
                            _("This identity card number is already on line %(line)s.")
                            % {"line": seen_cards[card]},
                        )
                    )
                else:
                    seen_cards[card] = line
            errors.extend(row_errors)
            rows.append(row)
    except csv.Error as broken:
        errors.append(
            RowError(
                reader.line_num,
                "",
                "—",
                _("The line cannot be read as CSV (%(reason)s).") % {"reason": broken},
            )
        )
    if errors:
        raise PartnerFileInvalid(errors)
    if not rows:
        raise _file_error(_("The file has no rows under its header."))
    return rows


def _check_actor(actor, organisation: Organisation, office: Office) -> None:
    scope = require(actor, "people.duplicates.review")
    # People are registered at an office of the manager's: the office's staff serve them, and
    # the manager sees their pairs. An office elsewhere would hide them from the manager.
    if not (scope.is_platform_admin or office.pk in scope.office_ids):
        raise ApplicationError(
            _("You may only register people at an office of your organisation."),
            code="forbidden",
        )
    if not office.is_active:
        raise ApplicationError(_("This office is closed."), code="invalid")


def _audit_entries(actor, instances, *, label: str | None = None) -> list[AuditEntry]:
    """What `audit_create` writes for each instance, for a bulk insert; `label` when every
    instance reads the same (the consents of one file)."""
    return [
        AuditEntry(
            actor=actor,
            actor_label=actor.get_username(),
            action=AuditEntry.Action.CREATE,
            target_type=instance._meta.label_lower,
            target_id=str(instance.pk),
            target_label=(label or str(instance))[:255],
            after=snapshot(instance),
        )
        for instance in instances
    ]


@transaction.atomic
def partner_file_upload(
    *,
    actor,
    uploaded_file,
    organisation: Organisation,
    office: Office,
    default_population_group: str,
    consent_attested: bool,
) -> PartnerFile:
    """The web request's part: the checks that take no time (who, where, the attestation, the
    file's type, size, encoding, header and number of rows), then the file is kept, "queued",
    and `import_partner_file` is enqueued once the transaction commits. PartnerFileInvalid for
    a fault, and nothing is kept."""
    _check_actor(actor, organisation, office)
    problems = []
    if not consent_attested:
        problems.append(
            RowError(0, "", "", _("Confirm that the people consented to share their data."))
        )
    if default_population_group not in Person.PopulationGroup.values:
        problems.append(
            RowError(0, "", "", _("Choose the population group to record when the file has none."))
        )
    if problems:
        raise PartnerFileInvalid(problems)
    text = _read_text(uploaded_file)
    _header_cells, delimiter = _header(text)
    row_count = _count_rows(text, delimiter)
    if not row_count:
        raise _file_error(_("The file has no rows under its header."))
    file_name = re.sub(r"[\x00-\x1f]", "", uploaded_file.name.rsplit("/", 1)[-1])[:255]
    partner_file = PartnerFile.objects.create(
        file_name=file_name,
        organisation=organisation,
        office=office,
        uploaded_by=actor,
        default_population_group=default_population_group,
        row_count=row_count,
        content=text,
        language=translation.get_language() or "",
    )
    # The audit entry says what was uploaded, not the people in it.
    after = {name: value for name, value in snapshot(partner_file).items() if name != "content"}
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=partner_file, after=after)
    from wasla.people.tasks import import_partner_file

    transaction.on_commit(lambda: import_partner_file.enqueue(partner_file_id=partner_file.pk))
    return partner_file


@dataclass(frozen=True)
class ImportOutcome:
    partner_file: PartnerFile
    run_started: bool


def partner_file_import(
    *,
    actor,
    uploaded_file,
    organisation: Organisation,
    office: Office,
    default_population_group: str,
    consent_attested: bool,
) -> ImportOutcome:
    """Upload and import at once, in this process: for the shell and scripts, where no worker
    may be running (the web uses `partner_file_upload`). The task queued by the upload finds the
    file finished and does nothing. A fault of the upload raises PartnerFileInvalid; a file
    with row errors comes back "refused", with its errors."""
    partner_file = partner_file_upload(
        actor=actor,
        uploaded_file=uploaded_file,
        organisation=organisation,
        office=office,
        default_population_group=default_population_group,
        consent_attested=consent_attested,
    )
    partner_file = partner_file_execute(partner_file_id=partner_file.pk)
    return ImportOutcome(partner_file=partner_file, run_started=partner_file.run_id is not None)


class _Progress:
    """The check calls back every few hundred rows; the database hears of it about once a
    second, as a percentage within `share`."""

    def __init__(self, partner_file_id: int, total: int, share: tuple[int, int] = CHECK_SHARE):
        self.partner_file_id, self.total, (self.low, self.high) = partner_file_id, total, share
        self.last_write = 0.0
        self.last_percent = -1

    def __call__(self, done: int) -> None:
        fraction = min(1.0, done / self.total) if self.total else 1.0
        percent = self.low + int(fraction * (self.high - self.low))
        now = time.monotonic()
        if percent == self.last_percent or now - self.last_write < PROGRESS_WRITE_SECONDS:
            return
        self.last_write, self.last_percent = now, percent
        PartnerFile.objects.filter(pk=self.partner_file_id).update(progress=percent)


FINISHED = (
    PartnerFile.Status.IMPORTED,
    PartnerFile.Status.NOTHING_NEW,
    PartnerFile.Status.REFUSED,
)


def partner_file_execute(*, partner_file_id: int) -> PartnerFile:
    """The task's body: check every row, import the new ones in one transaction, start a
    linkage run. Safe to retry: a finished file is left as it is, a file whose import
    committed only gets its linkage run, and the (partner, record id) constraint stops a row
    from being imported twice whatever happens."""
    partner_file = PartnerFile.objects.select_related(
        "organisation", "office", "uploaded_by", "run"
    ).get(pk=partner_file_id)
    if partner_file.status in FINISHED:
        return partner_file
    if partner_file.imported_at is None and not partner_file.content:
        return partner_file  # It failed and its text is gone: the page asks for the file again.
    with translation.override(partner_file.language or settings.LANGUAGE_CODE):
        started = time.monotonic()
        files = PartnerFile.objects.filter(pk=partner_file.pk)
        files.update(status=PartnerFile.Status.RUNNING, failure="")
        try:
            actor = partner_file.uploaded_by
            if actor is None:
                raise ApplicationError(
                    _("The account that uploaded the file no longer exists."), code="forbidden"
                )
            _check_actor(actor, partner_file.organisation, partner_file.office)
            if partner_file.imported_at is None:
                files.update(progress=CHECK_SHARE[0], stage=_("Checking the rows"))
                try:
                    rows = partner_file_check(
                        partner_file.content,
                        default_population_group=partner_file.default_population_group,
                        progress=_Progress(partner_file.pk, partner_file.row_count),
                    )
                except PartnerFileInvalid as invalid:
                    files.update(
                        status=PartnerFile.Status.REFUSED,
                        errors=[str(error) for error in invalid.errors[:ERRORS_SHOWN]],
                        error_count=len(invalid.errors),
                        content="",
                        progress=100,
                        stage="",
                        seconds=time.monotonic() - started,
                    )
                    partner_file.refresh_from_db()
                    return partner_file
                files.update(
                    progress=CHECK_SHARE[1],
                    stage=ngettext("Importing %(count)s row", "Importing %(count)s rows", len(rows))
                    % {"count": len(rows)},
                )
                _import(actor, partner_file.pk, rows)
                partner_file.refresh_from_db()
            if partner_file.imported_count and partner_file.run_id is None:
                try:
                    partner_file.run = linkage_run_start(actor=actor)
                except ApplicationError as busy:
                    if busy.code != "busy":
                        raise
            files.update(
                status=PartnerFile.Status.IMPORTED
                if partner_file.imported_count
                else PartnerFile.Status.NOTHING_NEW,
                run=partner_file.run,
                progress=100,
                stage="",
                seconds=time.monotonic() - started,
            )
        except Exception as error:  # The file's page must say why, whatever it was.
            # The page asks for the file again: its people are not kept here meanwhile.
            files.update(
                status=PartnerFile.Status.FAILED,
                failure=f"{type(error).__name__}: {error}"[:2000],
                content="",
                seconds=time.monotonic() - started,
            )
            raise
    partner_file.refresh_from_db()
    return partner_file


def _import(actor, partner_file_id: int, rows: list[_Row]) -> None:
    """Register the new rows in one transaction; the file's counts, `imported_at` and its
    emptied text commit with them. Rows another file of the partner brought in meanwhile are
    counted as already imported (one more attempt after a clash on the constraint)."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                _import_once(actor, partner_file_id, rows)
            return
        except IntegrityError:
            if attempt:
                raise


def _import_once(actor, partner_file_id: int, rows: list[_Row]) -> None:
    partner_file = (
        # Only the file's row is locked (PostgreSQL would lock the joined rows too).
        PartnerFile.objects.select_for_update(of=("self",))
        .select_related("organisation", "office")
        .get(pk=partner_file_id)
    )
    if partner_file.imported_at is not None:
        return  # Another execution of the task imported it meanwhile.
    known_ids = set()
    record_ids = [row.record_id for row in rows]
    for start in range(0, len(record_ids), 500):
        known_ids |= set(
            PartnerFileRow.objects.filter(
                organisation=partner_file.organisation,
                record_id__in=record_ids[start : start + 500],
            ).values_list("record_id", flat=True)
        )
    cards = [row.fields["national_id"] for row in rows if row.fields.get("national_id")]
    known_cards = set()
    for start in range(0, len(cards), 500):
        known_cards |= set(
            Person.objects.filter(national_id__in=cards[start : start + 500]).values_list(
                "national_id", flat=True
            )
        )
    new_rows = [
        row
        for row in rows
        if row.record_id not in known_ids and row.fields.get("national_id") not in known_cards
    ]
    if new_rows:
        _register_rows(actor, partner_file, new_rows)
    PartnerFile.objects.filter(pk=partner_file.pk).update(
        row_count=len(rows),
        imported_count=len(new_rows),
        already_imported_count=sum(1 for row in rows if row.record_id in known_ids),
        known_card_count=sum(
            1
            for row in rows
            if row.record_id not in known_ids and row.fields.get("national_id") in known_cards
        ),
        content="",
        imported_at=timezone.now(),
        progress=95,
        stage=_("Starting the linkage run") if new_rows else "",
    )


def _register_rows(actor, partner_file: PartnerFile, rows: list[_Row]) -> None:
    office, organisation = partner_file.office, partner_file.organisation
    today = timezone.localdate()
    people = Person.objects.bulk_create(
        [Person(registered_office=office, registered_by=actor, **row.fields) for row in rows],
        batch_size=1000,
    )
    tokens = []
    # A file repeats its given and family names many times: each is standardised once.
    keys_of: dict[str, list[str]] = {}
    for person in people:
        keys = set()
        for name in NAME_FIELDS:
            value = getattr(person, name)
            if value not in keys_of:
                keys_of[value] = [key for key in standardise.name_tokens(value) if key]
            keys.update(keys_of[value])
        tokens.extend(PersonNameToken(person=person, token=key[:40]) for key in sorted(keys))
    PersonNameToken.objects.bulk_create(tokens, batch_size=2000, ignore_conflicts=True)
    PersonOffice.objects.bulk_create(
        [PersonOffice(person=person, office=office, reason="registration") for person in people],
        batch_size=2000,
    )
    consents = Consent.objects.bulk_create(
        [
            Consent(
                person=person,
                purpose=Consent.Purpose.SERVICE_DELIVERY,
                given_on=today,
                # The partner attested the consent; the note names the partner, file and row.
                method=Consent.Method.PARTNER,
                recorded_by=actor,
                notes=(
                    _("Attested by %(partner)s in its file %(file)s, row %(record_id)s.")
                    % {
                        "partner": organisation.name,
                        "file": partner_file.file_name,
                        "record_id": row.record_id,
                    }
                )[:255],
            )
            for person, row in zip(people, rows, strict=True)
        ],
        batch_size=2000,
    )
    PartnerFileRow.objects.bulk_create(
        [
            PartnerFileRow(
                partner_file=partner_file,
                organisation=organisation,
                record_id=row.record_id,
                governorate=row.governorate,
                person=person,
            )
            for person, row in zip(people, rows, strict=True)
        ],
        batch_size=2000,
    )
    entries = _audit_entries(actor, people)
    if consents:
        entries += _audit_entries(actor, consents, label=str(consents[0]))
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
