"""Files from partners: a CSV of the people a partner organisation registered, checked row by
row, imported into the registry in one transaction and linked against it (docs/duplicates.md,
"Files from partners").

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
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.core.audit import audit_create, snapshot
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


def partner_file_check(uploaded_file, *, default_population_group: str) -> list[_Row]:
    """The rows of the file, cleaned as the registry keeps them; PartnerFileInvalid listing
    every fault (file order) otherwise. Reads nothing but the file and the governorates."""
    text = _read_text(uploaded_file)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _file_error(_("The file is empty."))
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    header = [" ".join(name.strip().casefold().split()) for name in next(reader)]
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
    governorates = _governorate_codes()
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen_ids: dict[str, int] = {}
    seen_cards: dict[str, int] = {}
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                raise _file_error(
                    _("The file has more than %(count)s rows. Split it and upload the parts.")
                    % {"count": f"{MAX_ROWS:,}".replace(",", "\u202f")}
                )
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


@dataclass(frozen=True)
class ImportOutcome:
    partner_file: PartnerFile
    run_started: bool


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
def partner_file_import(
    *,
    actor,
    uploaded_file,
    organisation: Organisation,
    office: Office,
    default_population_group: str,
    consent_attested: bool,
) -> ImportOutcome:
    """Check the whole file, then register one person per new row, each with a consent for
    service delivery attested by the partner, all in one transaction; then start a linkage
    run. Rows whose partner id was imported before, or whose identity card number the registry
    holds, are counted and left out. Any fault: PartnerFileInvalid, and nothing changes."""
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
    rows = partner_file_check(uploaded_file, default_population_group=default_population_group)

    known_ids = set(
        PartnerFileRow.objects.filter(
            organisation=organisation, record_id__in=[row.record_id for row in rows]
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
    file_name = re.sub(r"[\x00-\x1f]", "", uploaded_file.name.rsplit("/", 1)[-1])[:255]
    partner_file = PartnerFile.objects.create(
        file_name=file_name,
        organisation=organisation,
        office=office,
        uploaded_by=actor,
        default_population_group=default_population_group,
        row_count=len(rows),
        imported_count=len(new_rows),
        already_imported_count=sum(1 for row in rows if row.record_id in known_ids),
        known_card_count=sum(
            1
            for row in rows
            if row.record_id not in known_ids and row.fields.get("national_id") in known_cards
        ),
        status=PartnerFile.Status.IMPORTED if new_rows else PartnerFile.Status.NOTHING_NEW,
    )
    audit_create(actor=actor, instance=partner_file)
    if new_rows:
        try:
            with transaction.atomic():
                _register_rows(actor, partner_file, new_rows)
        except IntegrityError:
            # Another upload of the same partner ids or card numbers committed meanwhile.
            raise ApplicationError(
                _("Another upload imported some of these rows meanwhile. Upload the file again."),
                code="conflict",
            ) from None
        try:
            with transaction.atomic():
                partner_file.run = linkage_run_start(actor=actor)
        except ApplicationError as busy:
            if busy.code != "busy":
                raise
        else:
            partner_file.save(update_fields=["run", "updated_at"])
    return ImportOutcome(partner_file=partner_file, run_started=partner_file.run_id is not None)


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
                # The model has no "through a partner" method: the partner's attestation
                # stands for the form it holds, and the note says so.
                method=Consent.Method.WRITTEN,
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
