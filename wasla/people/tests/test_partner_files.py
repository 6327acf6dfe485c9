"""Files from partners: a CSV of people, queued by the web request after its cheap checks,
then checked row by row, imported in one transaction with consents and office links and linked
against the registry by a background task; shown with its progress, its errors or its outcome,
and with where each record came from (docs/duplicates.md, "Files from partners")."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from wasla.core.models import AuditEntry
from wasla.organisations.models import Office, Organisation
from wasla.people import partner_files
from wasla.people.linkage_runs import STALE_RUN_SECONDS
from wasla.people.models import (
    CandidatePair,
    Consent,
    LinkageRun,
    PartnerFile,
    PartnerFileRow,
    Person,
    PersonNameToken,
    PersonOffice,
)
from wasla.people.partner_files import (
    PartnerFileInvalid,
    partner_file_execute,
    partner_file_upload,
)
from wasla.people.selectors_duplicates import pair_queue
from wasla.people.views_duplicates import PAIRS_PER_PAGE

HEADER = (
    "record_id,given_name,family_name,father_name,name_ar,sex,birth_date,birth_year,phone,"
    "national_id,governorate,population_group"
)
THREE_ROWS = [
    "U-1,Salma,Khelifi,,سلمى خليفي,female,1991-05-02,,22 555 111,07123456,TN-41,",
    "U-2,,,,نجاة الورغي,F,,1987,,,Kairouan,host_community",
    "U-3,Amira,Ben Amor,Mongi,,femme,2001-12-30,,+216 98 000 777,,,",
]


def csv_file(lines, name="unft-2026-11.csv", delimiter=",", bom=False) -> SimpleUploadedFile:
    text = "\n".join(line.replace(",", delimiter) for line in lines) + "\n"
    content = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def manager(user_for_role):
    return user_for_role("programme_manager")


@pytest.fixture
def office(demo):
    return Office.objects.get(slug="lda-kairouan-office")


@pytest.fixture
def unft(demo):
    return Organisation.objects.get(slug="unft-kairouan")


def _queue(manager, office, unft, capture, lines, *, attested=True, group="internal_migrant",
           organisation=None, **file_options):  # fmt: skip
    """What the web request does: the cheap checks, the file kept, the import task queued."""
    with capture(execute=False) as queued:
        partner_file = partner_file_upload(
            actor=manager,
            uploaded_file=csv_file(lines, **file_options),
            organisation=organisation or unft,
            office=office,
            default_population_group=group,
            consent_attested=attested,
        )
    return partner_file, queued


@pytest.fixture
def upload(manager, office, unft, django_capture_on_commit_callbacks):
    """Upload lines as the Kairouan programme manager, then let the queued task run (the
    immediate backend runs it in the test); the linkage task it starts is queued, not run."""

    def run(lines, **options):
        partner_file, queued = _queue(
            manager, office, unft, django_capture_on_commit_callbacks, lines, **options
        )
        assert partner_file.status == "queued" and len(queued) == 1
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            queued[0]()  # import_partner_file.enqueue(...), run at once by the test backend
        partner_file.refresh_from_db()
        assert partner_file.status != "failed", partner_file.failure
        return SimpleNamespace(
            partner_file=partner_file,
            run_started=partner_file.run_id is not None,
            callbacks=callbacks,
        )

    return run


def _state() -> tuple:
    """Everything an upload or an import may write."""
    return (PartnerFile.objects.count(), AuditEntry.objects.count(), *_registry_state())


def _registry_state() -> tuple:
    """Everything an import may write but the file's own row and its audit entry."""
    return (
        Person.objects.count(),
        PartnerFileRow.objects.count(),
        Consent.objects.count(),
        PersonOffice.objects.count(),
        PersonNameToken.objects.count(),
        AuditEntry.objects.exclude(target_type="people.partnerfile").count(),
        LinkageRun.objects.count(),
    )


def test_a_file_becomes_people_with_consents_office_links_and_a_queued_run(
    upload, manager, office, unft
):
    outcome = upload([HEADER, *THREE_ROWS])
    imported = outcome.partner_file
    assert (imported.row_count, imported.imported_count, imported.status) == (3, 3, "imported")
    assert imported.organisation == unft and imported.office == office
    assert imported.uploaded_by == manager and imported.file_name == "unft-2026-11.csv"

    rows = {row.record_id: row for row in imported.rows.select_related("person")}
    assert set(rows) == {"U-1", "U-2", "U-3"}
    salma, najet, amira = rows["U-1"].person, rows["U-2"].person, rows["U-3"].person
    # Names in the field of their script; the Arabic full name split into given and family.
    assert (salma.given_name_latin, salma.given_name_ar, salma.family_name_ar) == (
        "Salma",
        "سلمى",
        "خليفي",
    )
    assert (najet.given_name_ar, najet.family_name_ar, najet.given_name_latin) == (
        "نجاة",
        "الورغي",
        "",
    )
    assert amira.father_name_latin == "Mongi"
    # The registry's own normalisation: phone in E.164, card number, birth year from the date.
    assert salma.phone == "+21622555111" and salma.national_id == "07123456"
    assert salma.birth_year == 1991 and najet.birth_year == 1987 and najet.birth_date is None
    assert amira.phone == "+21698000777"
    assert (salma.sex, najet.sex, amira.sex) == ("female", "female", "female")
    # The population group of the row, else the one chosen for the file.
    assert najet.population_group == "host_community"
    assert salma.population_group == amira.population_group == "internal_migrant"
    assert rows["U-1"].governorate == "TN-41" and rows["U-2"].governorate == "TN-41"
    for person in (salma, najet, amira):
        assert person.registered_office == office and person.registered_by == manager
        assert list(person.office_links.values_list("office_id", "reason")) == [
            (office.pk, "registration")
        ]
        # Found by name search like any registered person.
        assert person.name_tokens.exists()
        consent = person.consents.get()
        assert consent.purpose == "service_delivery" and consent.is_active
        assert consent.method == "partner" and consent.recorded_by == manager
        assert consent.get_method_display() == "Attested by a partner"
        assert unft.name in consent.notes and "unft-2026-11.csv" in consent.notes
        assert AuditEntry.objects.filter(
            target_type="people.person", target_id=str(person.pk), action="create"
        ).exists()
    assert "U-2" in najet.consents.get().notes
    # The linkage run is queued for after the commit; the file's text is gone.
    assert imported.run is not None and imported.run.status == "queued"
    assert len(outcome.callbacks) == 1 and outcome.run_started
    assert (imported.progress, imported.stage, imported.content) == (100, "", "")
    assert imported.imported_at is not None and imported.seconds > 0


def test_semicolons_a_byte_order_mark_and_missing_optional_columns_are_accepted(upload):
    lines = ["record_id;given_name;sex;birth_year", "A7;Hela;female;1979"]
    outcome = upload(lines, delimiter=";", bom=True)
    assert outcome.partner_file.imported_count == 1
    assert Person.objects.filter(partner_rows__record_id="A7", given_name_latin="Hela").exists()


BAD_ROWS = [
    # (row, column named in the error, words of the message)
    (",Salma,Khelifi,,,female,1991-05-02,,,,,", "record_id", "partner's own id"),
    ("U-9,,Khelifi,,,female,1991-05-02,,,,,", "given_name", "given name"),
    ("U-9,Salma,,,,unknown,1991-05-02,,,,,", "sex", "Choose one"),
    ("U-9,Salma,,,,female,,,,,,", "birth_year", "at least the year"),
    ("U-9,Salma,,,,female,02/05/1991,,,,,", "birth_date", "year-month-day"),
    ("U-9,Salma,,,,female,,1850,,,,", "birth_year", "must lie between"),
    ("U-9,Salma,,,,female,1991-05-02,,12,,,", "phone", "not a valid phone"),
    ("U-9,Salma,,,,female,1991-05-02,,,1234,,", "national_id", "8 digits"),
    ("U-9,Salma,,,Salma خليفي,female,1991-05-02,,,,,", "name_ar", "Arabic letters"),
    ("U-9,Salma,خليفي Ben,,,female,1991-05-02,,,,,", "family_name", "Latin letters"),
    ("U-9,Salma,,,,female,1991-05-02,,,,Atlantis,", "governorate", "Unknown governorate"),
    ("U-9,ريم,,,سلمى الهمامي,female,1991-05-02,,,,,", "name_ar", "does not begin with"),
    ("U-9,Salma,,,,female,1991-05-02,,,,,nomad", "population_group", "Choose one"),
    ("U-1,Salma,,,,female,1991-05-02,,,,,", "record_id", "already on line 2"),
    ("U-9,Rim,,,,female,1991-05-02,,,07 123 456,,", "national_id", "already on line 2"),
]


@pytest.mark.parametrize(("row", "column", "words"), BAD_ROWS, ids=[b[1] for b in BAD_ROWS])
def test_a_row_at_fault_refuses_the_file_and_is_named_by_line_and_column(
    upload, row, column, words
):
    before = _registry_state()
    refused = upload([HEADER, THREE_ROWS[0], row]).partner_file
    assert _registry_state() == before
    assert (refused.status, refused.error_count, refused.imported_count) == ("refused", 1, 0)
    (error,) = refused.errors
    assert words in error and "Line 3" in error and f"column {column}" in error
    # The file's text is not kept; the errors are.
    assert refused.content == "" and refused.imported_at is None and refused.run is None


@pytest.mark.parametrize(("row", "column", "words"), BAD_ROWS[:3], ids=[b[1] for b in BAD_ROWS[:3]])
def test_the_check_names_the_line_and_column_of_a_fault(row, column, words, demo):
    text = "\n".join([HEADER, THREE_ROWS[0], row]) + "\n"
    with pytest.raises(PartnerFileInvalid) as refused:
        partner_files.partner_file_check(text, default_population_group="internal_migrant")
    (error,) = refused.value.errors
    assert (error.line, error.column) == (3, column) and words in error.message


FILE_FAULTS = [
    ("no_header", ["U-1,Salma,female,1991"], "must name the columns"),
    (
        "unknown_column",
        ["record_id,given_name,sex,birth_year,email", "U-1,S,female,1990,a@b"],
        "Unknown columns: email",
    ),
    ("doubled_column", ["record_id,sex,sex", "U-1,female,female"], "appear twice"),
    ("empty", [""], "empty"),
    ("only_header", [HEADER], "no rows"),
]


@pytest.mark.parametrize(
    ("lines", "words"), [f[1:] for f in FILE_FAULTS], ids=[f[0] for f in FILE_FAULTS]
)
def test_a_malformed_file_is_refused_by_the_request_and_nothing_is_kept(
    manager, office, unft, django_capture_on_commit_callbacks, lines, words
):
    before = _state()
    with pytest.raises(PartnerFileInvalid) as refused:
        _queue(manager, office, unft, django_capture_on_commit_callbacks, lines)
    assert _state() == before
    assert any(words in str(error) for error in refused.value.errors), refused.value.errors


def test_a_line_with_extra_cells_refuses_the_file(upload):
    lines = ["record_id,given_name,sex,birth_year", "U-1,S,female,1990,extra"]
    refused = upload(lines).partner_file
    assert refused.status == "refused" and "cells" in refused.errors[0]


def test_every_fault_is_counted_and_the_first_50_are_kept(upload):
    before = _registry_state()
    rows = [f"U-{n},Salma,,,,nobody,1991-05-02,,,,," for n in range(60)]
    refused = upload([HEADER, *rows]).partner_file
    assert _registry_state() == before
    assert refused.error_count == 60
    assert len(refused.errors) == partner_files.ERRORS_SHOWN
    assert refused.errors[0].startswith("Line 2 (record U-0), column sex")


def test_type_size_encoding_and_row_limits_are_checked_by_the_request(manager, office, unft):
    def attempt(uploaded):
        before = _state()
        with pytest.raises(PartnerFileInvalid) as refused:
            partner_file_upload(
                actor=manager,
                uploaded_file=uploaded,
                organisation=unft,
                office=office,
                default_population_group="internal_migrant",
                consent_attested=True,
            )
        assert _state() == before
        return str(refused.value.errors[0])

    good = (HEADER + "\n" + THREE_ROWS[0] + "\n").encode()
    assert "Only .csv" in attempt(SimpleUploadedFile("people.xlsx", good))
    assert "Only .csv" in attempt(SimpleUploadedFile("people.csv.exe", good))
    padding = b"\n" * (partner_files.MAX_BYTES + 1 - len(good))
    assert "larger than 5 MB" in attempt(SimpleUploadedFile("big.csv", good + padding))
    latin1 = (HEADER + "\nU-1,Hélène,,,,female,1991-05-02,,,,,\n").encode("latin-1")
    assert "UTF-8" in attempt(SimpleUploadedFile("latin1.csv", latin1))
    assert "not a CSV" in attempt(SimpleUploadedFile("binary.csv", b"PK\x03\x04\x00\x00"))
    many = "record_id,given_name,sex,birth_year\n" + "".join(
        f"R{n},Ali,male,1990\n" for n in range(partner_files.MAX_ROWS + 1)
    )
    assert "more than" in attempt(SimpleUploadedFile("many.csv", many.encode()))


def test_without_the_partners_attestation_of_consent_nothing_is_imported(upload):
    before = _state()
    with pytest.raises(PartnerFileInvalid) as refused:
        upload([HEADER, *THREE_ROWS], attested=False)
    assert _state() == before
    assert "consented" in str(refused.value.errors[0])


def test_a_partner_id_is_imported_once_and_a_known_card_is_not_registered_twice(
    upload, unft, register
):
    first = upload([HEADER, *THREE_ROWS]).partner_file
    again = upload([HEADER, *THREE_ROWS], name="unft-again.csv")
    assert (again.partner_file.imported_count, again.partner_file.already_imported_count) == (0, 3)
    assert again.partner_file.status == "nothing_new" and again.partner_file.run is None
    assert not again.callbacks
    assert PartnerFileRow.objects.filter(organisation=unft).count() == 3

    # One new row with one old; and one whose card the registry already holds.
    register(given_name_latin="Rim", national_id="09876543", phone="")
    mixed = upload(
        [
            HEADER,
            THREE_ROWS[1],
            "U-4,Ines,Jaziri,,,female,1999-01-01,,,,,",
            "U-5,Rim,,,,female,1994-03-07,,,09 876 543,,",
        ],
        name="unft-december.csv",
    ).partner_file
    assert (mixed.imported_count, mixed.already_imported_count, mixed.known_card_count) == (1, 1, 1)
    assert list(mixed.rows.values_list("record_id", flat=True)) == ["U-4"]
    assert first.rows.count() == 3
    assert Person.objects.filter(national_id="09876543").count() == 1


def test_the_same_partner_id_from_another_partner_is_another_person(manager, office, upload, demo):
    upload([HEADER, THREE_ROWS[2]])
    other = Organisation.objects.exclude(slug="unft-kairouan").order_by("pk").first()
    outcome = upload([HEADER, THREE_ROWS[2]], organisation=other)
    assert outcome.partner_file.imported_count == 1


def test_only_a_programme_manager_imports_and_only_at_an_office_of_theirs(
    user_for_role, manager, office, unft
):
    arguments = {
        "organisation": unft,
        "default_population_group": "internal_migrant",
        "consent_attested": True,
    }
    from django.core.exceptions import PermissionDenied

    from wasla.core.exceptions import ApplicationError

    before = _state()
    for role in ("counsellor", "administrator", "auditor", "partner_caseworker"):
        with pytest.raises(PermissionDenied):
            partner_file_upload(
                actor=user_for_role(role),
                uploaded_file=csv_file([HEADER, *THREE_ROWS]),
                office=office,
                **arguments,
            )
    elsewhere = Office.objects.get(slug="unft-kairouan-bureau")
    with pytest.raises(ApplicationError) as refused:
        partner_file_upload(
            actor=manager,
            uploaded_file=csv_file([HEADER, *THREE_ROWS]),
            office=elsewhere,
            **arguments,
        )
    assert refused.value.code == "forbidden"
    assert _state() == before


# Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def client_for(client_for, settings):
    def in_english(role):
        client = client_for(role)
        client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
        return client

    return in_english


def _post(client, office, unft, lines, **extra):
    data = {
        "file": csv_file(lines),
        "organisation": unft.pk,
        "office": office.pk,
        "population_group": "internal_migrant",
        "consent_attested": "on",
        **extra,
    }
    return client.post(reverse("people:partner_files"), data)


def test_the_pages_upload_follow_the_progress_show_the_outcome_and_list_the_file(
    client_for, office, unft, django_capture_on_commit_callbacks
):
    client = client_for("programme_manager")
    page = client.get(reverse("people:partner_files"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-current="page"' in html and "Partner files" in html
    assert (
        'name="consent_attested"' in html
        and "<code>record_id</code>, <code>given_name</code>" in html
    )
    before = _registry_state()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _post(client, office, unft, [HEADER, *THREE_ROWS])
    # The request only keeps the file and queues its task.
    queued_file = PartnerFile.objects.get()
    assert response.status_code == 302 and len(queued) == 1
    assert queued_file.status == "queued" and queued_file.row_count == 3
    assert _registry_state() == before
    assert "\n".join([HEADER, *THREE_ROWS]) in queued_file.content
    # The upload is audited, the people of the file are not copied into the audit.
    entry = AuditEntry.objects.get(target_type="people.partnerfile")
    assert "content" not in entry.after and entry.after["status"] == "queued"
    assert response.url == reverse("people:partner_file", args=[queued_file.pk])
    detail = client.get(response.url).content.decode()
    assert 'id="file-status"' in detail and "hx-trigger" in detail
    assert 'role="status"' in detail and 'max="100"' in detail and "Waiting to start" in detail
    assert 'http-equiv="refresh"' in detail and 'data-count="imported"' not in detail
    # htmx gets the status block alone while the file waits or runs.
    PartnerFile.objects.filter(pk=queued_file.pk).update(
        status="running", progress=37, stage="Checking the rows"
    )
    polled = client.get(response.url, headers={"HX-Request": "true"})
    block = polled.content.decode()
    assert polled.status_code == 200 and "<html" not in block
    assert 'value="37"' in block and "Checking the rows" in block and "hx-get" in block
    listing = client.get(reverse("people:partner_files")).content.decode()
    assert reverse("people:partner_file", args=[queued_file.pk]) in listing
    assert 'data-status="running"' in listing and "(37%)" in listing

    with django_capture_on_commit_callbacks(execute=False):
        queued[0]()
    # Finished: htmx is told to reload the page, which shows the outcome.
    polled = client.get(response.url, headers={"HX-Request": "true"})
    assert polled.headers["HX-Refresh"] == "true"
    detail = client.get(response.url).content.decode()
    assert "unft-2026-11.csv" in detail and 'data-count="imported">3<' in detail
    assert 'id="file-status"' not in detail
    # The run's progress block, polled by htmx while the run works.
    assert 'id="run-status"' in detail and "hx-trigger" in detail
    listing = client.get(reverse("people:partner_files")).content.decode()
    assert "Linkage under way" in listing and 'data-status="imported"' in listing


def test_the_page_lists_the_errors_of_a_refused_file_and_keeps_nothing(
    client_for, office, unft, django_capture_on_commit_callbacks
):
    client = client_for("programme_manager")
    before = _registry_state()
    bad = [HEADER] + [f"U-{n},Salma,,,,nobody,1991-05-02,,,,," for n in range(60)]
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, office, unft, bad)
    assert response.status_code == 302 and _registry_state() == before
    refused = PartnerFile.objects.get()
    assert refused.status == "refused" and refused.content == ""
    html = client.get(response.url).content.decode()
    assert "nothing has changed" in html and 'role="alert"' in html
    assert "The first 50 of 60 problems" in html
    assert html.count("column sex") == 50
    assert 'data-count="imported"' not in html and "hx-trigger" not in html
    listing = client.get(reverse("people:partner_files")).content.decode()
    assert 'data-status="refused"' in listing


def test_the_request_refuses_a_bad_header_or_no_attestation_at_once(client_for, office, unft):
    client = client_for("programme_manager")
    before = _state()
    response = _post(client, office, unft, ["id,name", "U-1,Salma"])
    assert response.status_code == 400 and _state() == before
    html = response.content.decode()
    assert "nothing has changed" in html and "must name the columns" in html
    # The consent attestation is required on the server too.
    response = _post(client, office, unft, [HEADER, *THREE_ROWS], consent_attested="")
    assert response.status_code == 400 and _state() == before


@pytest.mark.parametrize(
    "role",
    ["administrator", "counsellor", "front_desk_agent", "partner_caseworker", "auditor"],
)
def test_other_roles_may_neither_open_nor_post(client_for, office, unft, role):
    client = client_for(role)
    before = _state()
    assert client.get(reverse("people:partner_files")).status_code == 403
    assert _post(client, office, unft, [HEADER, *THREE_ROWS]).status_code == 403
    assert _state() == before


def test_a_manager_of_another_organisation_does_not_see_the_file(
    upload, client_for, django_user_model, demo
):
    from wasla.organisations.models import StaffMembership

    imported = upload([HEADER, *THREE_ROWS]).partner_file
    outsider = django_user_model.objects.create_user("outsider", password="x" * 16)
    StaffMembership.objects.create(
        user=outsider,
        organisation=Organisation.objects.get(slug="unft-tataouine"),
        role="programme_manager",
    )
    client = client_for(None)
    client.force_login(outsider)
    assert client.get(reverse("people:partner_file", args=[imported.pk])).status_code == 404
    listing = client.get(reverse("people:partner_files")).content.decode()
    assert "unft-2026-11.csv" not in listing


def test_a_partner_record_of_a_registered_person_becomes_a_pending_pair_with_its_provenance(
    client_for, office, unft, manager, django_capture_on_commit_callbacks
):
    """The real engine, run synchronously: the demo registered Mariem Ben Salah three times at
    the Kairouan agency; the union's file has her once more, in capitals and day-first."""
    existing = Person.objects.filter(
        registered_office=office, given_name_latin="Mariem", family_name_latin="Ben Salah"
    ).get()
    lines = [
        HEADER,
        "UNFT-0042,MARIEM,BEN SALAH,,مريم بن صالح,female,1994-03-07,,0021622123456,,TN-41,",
        "UNFT-0043,Zeineb,Ferchichi,Habib,,female,1985-10-19,,25 404 404,,TN-41,",
    ]
    client = client_for("programme_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, office, unft, lines)
    assert response.status_code == 302
    imported = PartnerFile.objects.get()
    imported.run.refresh_from_db()
    assert imported.run.status == "done", imported.run.error
    mariem = imported.rows.get(record_id="UNFT-0042").person
    low, high = sorted((mariem.pk, existing.pk))
    pair = CandidatePair.objects.get(person_a_id=low, person_b_id=high)
    assert pair.status == "pending" and pair.probability >= 0.5

    provenance = "from National Union of Tunisian Women – Kairouan regional bureau’s file"
    detail = client.get(response.url).content.decode()
    assert f'id="pair-{pair.pk}"' in detail and provenance in detail
    assert "UNFT-0042" in detail
    # The pair page and the queue page that holds the pair say where the record came from.
    pair_page = client.get(reverse("people:pair_detail", args=[pair.pk])).content.decode()
    assert provenance in pair_page and "unft-2026-11.csv" in pair_page
    position = list(pair_queue(user=manager).values_list("pk", flat=True)).index(pair.pk)
    queue = client.get(
        reverse("people:duplicate_queue") + f"?page={position // PAIRS_PER_PAGE + 1}"
    ).content.decode()
    assert f'id="pair-{pair.pk}"' in queue and provenance in queue
    listing = client.get(reverse("people:partner_files")).content.decode()
    found = len(
        [
            p
            for p in CandidatePair.objects.all()
            if imported.rows.filter(person_id__in=[p.person_a_id, p.person_b_id]).exists()
        ]
    )
    assert found >= 1 and f"<td>{found}</td>" in listing


def test_a_merge_moves_the_partner_row_to_the_record_kept_and_undo_moves_it_back(
    upload, manager, register
):
    from wasla.people.duplicates import person_merge, person_merge_undo

    imported = upload([HEADER, THREE_ROWS[2]]).partner_file
    row = imported.rows.get()
    older = Person.objects.filter(registered_office=imported.office).order_by("pk").first()
    merge = person_merge(actor=manager, survivor=older, merged=row.person)
    row.refresh_from_db()
    assert row.person == older
    person_merge_undo(actor=manager, merge=merge)
    row.refresh_from_db()
    assert row.person == merge.merged


def test_the_page_refuses_a_body_far_over_the_limit(client_for, office, unft):
    client = client_for("programme_manager")
    before = _state()
    huge = [HEADER, *THREE_ROWS, "#" * (partner_files.MAX_BYTES + 100 * 1024)]
    response = _post(client, office, unft, huge)
    assert response.status_code == 413 and _state() == before
    assert "larger than 5 MB" in response.content.decode()


def test_while_another_run_works_the_file_waits_for_the_next_run(
    upload, manager, django_capture_on_commit_callbacks
):
    from wasla.people.linkage_runs import linkage_run_start
    from wasla.people.selectors_duplicates import partner_file_pair_counts

    with django_capture_on_commit_callbacks(execute=False):
        busy = linkage_run_start(actor=manager)
    outcome = upload([HEADER, *THREE_ROWS])
    imported = outcome.partner_file
    # The people are imported all the same; no second run is queued.
    assert imported.imported_count == 3 and imported.run is None and not outcome.run_started
    assert LinkageRun.objects.get() == busy
    assert partner_file_pair_counts(user=manager, partner_files=[imported]) == {}
    # A run finished after the import has linked the file's records.
    LinkageRun.objects.filter(pk=busy.pk).update(status="done")
    later = LinkageRun.objects.create(threshold=0.9, review_floor=0.5, status="done")
    assert later.created_at >= imported.created_at
    assert partner_file_pair_counts(user=manager, partner_files=[imported]) == {imported.pk: 0}


@pytest.mark.parametrize(
    ("language", "direction", "words"),
    [("ar", "rtl", None), ("fr", "ltr", None), ("en", "ltr", "Partner files")],
)
def test_the_pages_open_in_each_language(client_for, upload, settings, language, direction, words):
    """Arabic right to left, French, English; the new words read in Arabic and French once the
    .po files hold their translations."""
    imported = upload([HEADER, *THREE_ROWS]).partner_file
    client = client_for("programme_manager")
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: language})
    for url in (
        reverse("people:partner_files"),
        reverse("people:partner_file", args=[imported.pk]),
    ):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert f'lang="{language}"' in html and f'dir="{direction}"' in html
        assert 'name="viewport"' in html
        if words:
            assert words in html


def test_names_in_arabic_letters_go_to_the_arabic_fields_whatever_the_column(upload):
    imported = upload(
        [
            HEADER,
            "A-1,نجاة,,,نجاة الورغي,female,,1987,,,,",
            "A-2,Rim,,الهادي,ريم الهمامي,female,,1990,,,,",
        ]
    ).partner_file
    people = {row.record_id: row.person for row in imported.rows.select_related("person")}
    assert (people["A-1"].given_name_ar, people["A-1"].family_name_ar) == ("نجاة", "الورغي")
    assert people["A-1"].given_name_latin == ""
    assert (people["A-2"].given_name_latin, people["A-2"].given_name_ar) == ("Rim", "ريم")
    assert (people["A-2"].family_name_ar, people["A-2"].father_name_ar) == ("الهمامي", "الهادي")


# The task ------------------------------------------------------------------------------------


def test_the_request_only_queues_the_import_task(
    client_for, office, unft, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends

    client = client_for("programme_manager")
    before = _registry_state()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, office, unft, [HEADER, *THREE_ROWS])
    assert response.status_code == 302
    queued = PartnerFile.objects.get()
    (result,) = task_backends["default"].results
    assert result.task.name == "import_partner_file"
    assert result.kwargs == {"partner_file_id": queued.pk}
    assert (queued.status, queued.progress, queued.imported_at) == ("queued", 0, None)
    assert _registry_state() == before


def test_the_task_writes_its_progress_while_it_checks_and_imports(
    manager, office, unft, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(partner_files, "PROGRESS_WRITE_SECONDS", 0.0)
    monkeypatch.setattr(partner_files, "PROGRESS_EVERY_ROWS", 1)
    rows = [f"P-{n},Salma,,,,female,,{1950 + n},,,," for n in range(40)]
    queued, _callbacks = _queue(
        manager, office, unft, django_capture_on_commit_callbacks, [HEADER, *rows]
    )
    seen = []

    def watch(function):
        def watched(*args, **kwargs):
            seen.append(
                PartnerFile.objects.values_list("status", "progress", "stage").get(pk=queued.pk)
            )
            return function(*args, **kwargs)

        return watched

    monkeypatch.setattr(partner_files, "_row_fields", watch(partner_files._row_fields))
    monkeypatch.setattr(partner_files, "_register_rows", watch(partner_files._register_rows))
    with django_capture_on_commit_callbacks(execute=False):
        done = partner_file_execute(partner_file_id=queued.pk)
    checking, importing = seen[:-1], seen[-1]
    assert len(checking) == 40
    assert {status for status, _progress, _stage in checking} == {"running"}
    assert {stage for _status, _progress, stage in checking} == {"Checking the rows"}
    percents = [progress for _status, progress, _stage in checking]
    assert percents == sorted(percents) and percents[0] == 1 and 55 <= percents[-1] <= 60
    assert len(set(percents)) > 30
    assert importing == ("running", 60, "Importing 40 rows")
    assert (done.status, done.progress, done.stage, done.imported_count) == (
        "imported",
        100,
        "",
        40,
    )


def test_a_retried_task_imports_nothing_twice_and_only_starts_the_missing_run(
    upload, manager, django_capture_on_commit_callbacks
):
    imported = upload([HEADER, *THREE_ROWS]).partner_file
    before = _state()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = partner_file_execute(partner_file_id=imported.pk)
    assert _state() == before and not callbacks
    assert (again.status, again.imported_count, again.run_id) == ("imported", 3, imported.run_id)
    # The worker died after the import committed, before the run started: the retry only
    # starts the run.
    LinkageRun.objects.filter(pk=imported.run_id).update(status="done")
    PartnerFile.objects.filter(pk=imported.pk).update(status="running", run=None, progress=95)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resumed = partner_file_execute(partner_file_id=imported.pk)
    assert (resumed.status, resumed.imported_count, resumed.progress) == ("imported", 3, 100)
    assert resumed.run_id not in (None, imported.run_id) and len(callbacks) == 1
    assert Person.objects.count() == before[2] and PartnerFileRow.objects.count() == before[3]
    # One transaction imports the rows once, whoever else tries: the second import is a no-op.
    rows = partner_files.partner_file_check(
        "\n".join([HEADER, *THREE_ROWS]), default_population_group="internal_migrant"
    )
    partner_files._import(manager, imported.pk, rows)
    assert Person.objects.count() == before[2]


def test_rows_another_file_imports_while_this_one_is_checked_are_not_imported_twice(
    manager, office, unft, monkeypatch, django_capture_on_commit_callbacks
):
    first, _q1 = _queue(
        manager, office, unft, django_capture_on_commit_callbacks, [HEADER, *THREE_ROWS]
    )
    second, _q2 = _queue(
        manager,
        office,
        unft,
        django_capture_on_commit_callbacks,
        [HEADER, *THREE_ROWS],
        name="b.csv",
    )
    check = partner_files.partner_file_check

    def check_while_the_other_imports(*args, **kwargs):
        rows = check(*args, **kwargs)
        monkeypatch.setattr(partner_files, "partner_file_check", check)
        partner_file_execute(partner_file_id=second.pk)  # another worker, meanwhile
        return rows

    monkeypatch.setattr(partner_files, "partner_file_check", check_while_the_other_imports)
    with django_capture_on_commit_callbacks(execute=False):
        first = partner_file_execute(partner_file_id=first.pk)
    second.refresh_from_db()
    assert (second.status, second.imported_count) == ("imported", 3)
    assert (first.status, first.imported_count, first.already_imported_count) == (
        "nothing_new",
        0,
        3,
    )
    assert PartnerFileRow.objects.count() == 3


def test_a_file_stuck_for_hours_is_shown_as_failed(
    client_for, manager, office, unft, django_capture_on_commit_callbacks
):
    stuck, _callbacks = _queue(
        manager, office, unft, django_capture_on_commit_callbacks, [HEADER, *THREE_ROWS]
    )
    PartnerFile.objects.filter(pk=stuck.pk).update(
        status="running",
        progress=30,
        created_at=timezone.now() - datetime.timedelta(seconds=STALE_RUN_SECONDS + 60),
    )
    stuck.refresh_from_db()
    assert stuck.is_stale and not stuck.is_active and stuck.shown_status == "failed"
    client = client_for("programme_manager")
    page = client.get(reverse("people:partner_file", args=[stuck.pk])).content.decode()
    assert "stopped without finishing" in page and 'data-status="failed"' in page
    assert "hx-trigger" not in page and 'http-equiv="refresh"' not in page
    listing = client.get(reverse("people:partner_files")).content.decode()
    assert 'data-status="failed"' in listing and "(30%)" not in listing
    # A recent running file is not stale.
    PartnerFile.objects.filter(pk=stuck.pk).update(created_at=timezone.now())
    stuck.refresh_from_db()
    assert stuck.is_active and stuck.shown_status == "running"


def test_a_task_whose_uploader_lost_the_permission_fails_and_imports_nothing(
    manager, office, unft, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied

    from wasla.organisations.models import StaffMembership

    queued, _callbacks = _queue(
        manager, office, unft, django_capture_on_commit_callbacks, [HEADER, *THREE_ROWS]
    )
    StaffMembership.objects.filter(user=manager).update(role="counsellor")
    before = _registry_state()
    with pytest.raises(PermissionDenied):
        partner_file_execute(partner_file_id=queued.pk)
    queued.refresh_from_db()
    assert _registry_state() == before
    assert queued.status == "failed" and "PermissionDenied" in queued.failure
    # The page asks for the file again: its text is not kept, and a retry leaves it failed.
    assert queued.content == "" and queued.imported_at is None
    StaffMembership.objects.filter(user=manager).update(role="programme_manager")
    assert partner_file_execute(partner_file_id=queued.pk).status == "failed"
    assert _registry_state() == before


def test_the_task_writes_the_errors_in_the_uploaders_language(
    manager, office, unft, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with translation.override("fr"):
        queued, _callbacks = _queue(
            manager,
            office,
            unft,
            django_capture_on_commit_callbacks,
            [HEADER, "U-9,Salma,,,,unknown,1991-05-02,,,,,"],
        )
    assert queued.language == "fr"
    with translation.override("en"):
        refused = partner_file_execute(partner_file_id=queued.pk)
    assert refused.status == "refused"
    assert "Choisissez l'une des options." in refused.errors[0]


def test_the_shell_imports_at_once_and_the_queued_task_then_does_nothing(
    manager, office, unft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = partner_files.partner_file_import(
            actor=manager,
            uploaded_file=csv_file([HEADER, *THREE_ROWS]),
            organisation=unft,
            office=office,
            default_population_group="internal_migrant",
            consent_attested=True,
        )
    imported = outcome.partner_file
    assert (imported.status, imported.imported_count) == ("imported", 3) and outcome.run_started
    # The import task and the linkage task; the import task, run now, changes nothing.
    assert len(callbacks) == 2
    before = _state()
    with django_capture_on_commit_callbacks(execute=False) as more:
        callbacks[0]()
    assert _state() == before and not more


def test_linkage_compares_the_governorate_a_file_gave_when_the_person_has_no_locality(upload):
    from wasla.people.linkage_runs import registry_records

    rows = upload([HEADER, *THREE_ROWS]).partner_file.rows.select_related("person")
    records = {record["record_id"]: record for record in registry_records()}
    for row in rows:
        expected = (
            row.person.residence_locality.governorate.code
            if row.person.residence_locality_id
            else row.governorate
        )
        assert records[str(row.person_id)]["governorate"] == expected
    assert any(not row.person.residence_locality_id and row.governorate for row in rows)
