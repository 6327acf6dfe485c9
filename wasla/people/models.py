"""The person registry: who a person is, where they live and come from, their migration
history and what they consented to. Names are stored as written, in Arabic and/or Latin script."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wasla.core.models import TimeStampedModel, VersionedModel
from wasla.core.storage import private_storage
from wasla.organisations.models import Office
from wasla.territories.models import Locality

# No 0/O, 1/I/L: a reference read aloud over the phone must not be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_person_reference() -> str:
    return "P-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


class Person(VersionedModel):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    class PopulationGroup(models.TextChoices):
        INTERNAL_MIGRANT = "internal_migrant", _("Internal migrant")
        RETURNING_MIGRANT = "returning_migrant", _("Returning migrant")
        FORCIBLY_DISPLACED = "forcibly_displaced", _("Forcibly displaced person")
        HOST_COMMUNITY = "host_community", _("Host community")

    class EducationLevel(models.TextChoices):
        NONE = "none", _("No schooling")
        PRIMARY = "primary", _("Primary")
        LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
        UPPER_SECONDARY = "upper_secondary", _("Secondary (baccalaureate)")
        VOCATIONAL = "vocational", _("Vocational training")
        HIGHER = "higher", _("Higher education")

    class ContactChannel(models.TextChoices):
        SMS = "sms", _("SMS")
        PHONE_CALL = "phone_call", _("Phone call")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In person")

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_person_reference
    )
    given_name_ar = models.CharField(_("given name (Arabic script)"), max_length=100, blank=True)
    father_name_ar = models.CharField(
        _("father's name (Arabic script)"), max_length=100, blank=True
    )
    family_name_ar = models.CharField(_("family name (Arabic script)"), max_length=100, blank=True)
    given_name_latin = models.CharField(_("given name (Latin script)"), max_length=100, blank=True)
    father_name_latin = models.CharField(
        _("father's name (Latin script)"), max_length=100, blank=True
    )
    family_name_latin = models.CharField(
        _("family name (Latin script)"), max_length=100, blank=True
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Always set: from the date when known, alone when only the year is known.
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    national_id = models.CharField(  # noqa: DJ001
        _("national identity card number"), max_length=8, null=True, blank=True
    )
    nationality = models.CharField(_("nationality"), max_length=2, default="TN")
    population_group = models.CharField(
        _("population group"), max_length=30, choices=PopulationGroup.choices
    )
    residence_locality = models.ForeignKey(
        Locality,
        verbose_name=_("lives in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin_locality = models.ForeignKey(
        Locality,
        verbose_name=_("comes from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    education_level = models.CharField(
        _("education"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    occupations = models.JSONField(_("occupations (ISCO-08 codes)"), default=list, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    has_disability = models.BooleanField(_("has a disability"), default=False)
    disability_notes = models.CharField(_("disability: what helps"), max_length=255, blank=True)
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ar"
    )
    contact_channel = models.CharField(
        _("preferred contact channel"),
        max_length=20,
        choices=ContactChannel.choices,
        default=ContactChannel.SMS,
    )
    registered_office = models.ForeignKey(
        Office,
        verbose_name=_("registered at"),
        on_delete=models.PROTECT,
        related_name="registered_people",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("anonymised on"), null=True, blank=True)
    # Set when a programme manager merged this record into another (docs/duplicates.md): the
    # record is kept, never deleted, and left out of lists, search and counts.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(national_id__isnull=False),
                name="one_person_per_national_id",
            ),
            models.CheckConstraint(
                condition=~Q(given_name_ar="", given_name_latin="")
                | Q(anonymised_at__isnull=False),
                name="person_has_a_given_name",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.reference})"

    @property
    def full_name_ar(self) -> str:
        return " ".join(
            part for part in (self.given_name_ar, self.father_name_ar, self.family_name_ar) if part
        )

    @property
    def full_name_latin(self) -> str:
        return " ".join(
            part
            for part in (self.given_name_latin, self.father_name_latin, self.family_name_latin)
            if part
        )

    @property
    def full_name(self) -> str:
        return self.full_name_latin or self.full_name_ar


class PersonNameToken(models.Model):
    """One transliteration key of one of a person's names: the index behind name search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["token", "person"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="one_token_per_person")
        ]

    def __str__(self):
        return self.token


class PersonOffice(TimeStampedModel):
    """An office that serves the person: its staff may see the person (see docs/people.md).

    The registry adds the registering office; cases, requests and enrolments add theirs."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="office_links")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="person_links")
    reason = models.CharField(max_length=30, default="registration")

    class Meta:
        verbose_name = _("office serving the person")
        verbose_name_plural = _("offices serving the person")
        # Scope filters read "the people of these offices": an index-only scan, no table visit.
        indexes = [models.Index(fields=["office", "person"], name="person_office_scope_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "office"], name="one_link_per_person_and_office"
            )
        ]


class MigrationEpisode(TimeStampedModel):
    class Kind(models.TextChoices):
        INTERNAL_MOVE = "internal_move", _("Move within Tunisia")
        EMIGRATION = "emigration", _("Departure abroad")
        RETURN = "return", _("Return to Tunisia")
        DISPLACEMENT = "displacement", _("Forced displacement")

    class ReturnType(models.TextChoices):
        VOLUNTARY = "voluntary", _("Voluntary")
        ASSISTED_VOLUNTARY = "assisted_voluntary", _("Assisted voluntary")
        FORCED = "forced", _("Forced (removal or deportation)")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="migration_episodes",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    departure_country = models.CharField(_("country of departure"), max_length=2, default="TN")
    departure_locality = models.ForeignKey(
        Locality,
        verbose_name=_("locality of departure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    destination_country = models.CharField(_("country of destination"), max_length=2, default="TN")
    destination_locality = models.ForeignKey(
        Locality,
        verbose_name=_("locality of destination"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = models.DateField(_("left on"), null=True, blank=True)
    ended_on = models.DateField(_("arrived on"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    return_type = models.CharField(
        _("kind of return"), max_length=20, choices=ReturnType.choices, blank=True
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        ordering = ["year", "started_on", "pk"]
        verbose_name = _("migration episode")
        verbose_name_plural = _("migration history")

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}: {self.departure_country} → {self.destination_country}"


class Consent(TimeStampedModel):
    class Purpose(models.TextChoices):
        SERVICE_DELIVERY = "service_delivery", _("Service delivery")
        PARTNER_SHARING = (
            "partner_sharing",
            _("Sharing with the partners the person is referred to"),
        )
        OTE_SHARING = "ote_sharing", _("Sharing with the Office for Tunisians Abroad")
        SMS_CONTACT = "sms_contact", _("Contact by SMS")

    class Method(models.TextChoices):
        WRITTEN = "written", _("Signed form")
        ORAL = "oral", _("Oral, before a witness")
        DIGITAL = "digital", _("Online or by SMS code")
        PARTNER = "partner", _("Attested by a partner")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how it was given"), max_length=20, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        ordering = ["purpose", "-given_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_on__isnull=True),
                name="one_active_consent_per_purpose",
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.given_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


def _document_path(document: "PersonDocument", filename: str) -> str:
    # Never the uploaded name: it may hold the person's name or odd characters.
    return f"people/{document.person_id}/{secrets.token_hex(16)}{document.extension}"


class PersonDocument(TimeStampedModel):
    """A scanned document of a person's (identity card, certificate, contract...), kept
    outside the web root and served only to staff who may see the person."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Identity document")
        CIVIL_STATUS = "civil_status", _("Civil-status certificate")
        DIPLOMA = "diploma", _("Diploma or certificate of training")
        MEDICAL = "medical", _("Medical document")
        CONTRACT = "contract", _("Contract or payslip")
        CONSENT_FORM = "consent_form", _("Signed consent form")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    file = models.FileField(_("file"), upload_to=_document_path, storage=private_storage)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # Which case the document was given for, if any (a case reference such as C-7K3M9QX).
    case_reference = models.CharField(_("case"), max_length=12, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"{self.person.reference}: {self.title}"

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
            self.content_type, ".bin"
        )


class LinkageRun(TimeStampedModel):
    """One pass of record linkage over the registry (docs/duplicates.md)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    threshold = models.FloatField(_("match threshold"))
    review_floor = models.FloatField(_("lowest probability kept for review"))
    record_count = models.PositiveIntegerField(_("records compared"), default=0)
    pair_count = models.PositiveIntegerField(_("pairs kept for review"), default=0)
    new_pair_count = models.PositiveIntegerField(_("new pairs"), default=0)
    cluster_count = models.PositiveIntegerField(_("distinct people"), default=0)
    seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class CandidatePair(VersionedModel):
    """Two records that linkage found likely to be the same person, waiting for a decision.

    `person_a` is always the record with the smaller id, so a pair exists once; a decision
    (confirmed or rejected) stays across later runs."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        CONFIRMED = "confirmed", _("Same person (merged)")
        REJECTED = "rejected", _("Different people")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    agreements = models.JSONField(_("what agreed"), default=list)
    disagreements = models.JSONField(_("what differed"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    run = models.ForeignKey(
        LinkageRun,
        verbose_name=_("found by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairs",
    )

    class Meta:
        ordering = ["-probability", "pk"]
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b"], name="one_pair_per_two_people"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="pair_is_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-probability"], name="pair_queue_idx"),
            models.Index(fields=["person_b"], name="pair_person_b_idx"),
        ]

    def __str__(self):
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.probability:.2f})"


class PersonMerge(TimeStampedModel):
    """A confirmed duplicate: the merged record's rows moved to the survivor, exactly as listed
    here so that the merge can be undone."""

    survivor = models.ForeignKey(
        Person, verbose_name=_("kept record"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        Person, verbose_name=_("merged record"), on_delete=models.PROTECT, related_name="+"
    )
    pair = models.ForeignKey(
        CandidatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # [{"model": "cases.case", "pk": 12, "field": "person"}, ...]
    moved_rows = models.JSONField(default=list)
    # Rows left with the merged record because the survivor already holds their equivalent.
    kept_rows = models.JSONField(default=list)
    # Office links created for the survivor (the offices that served the merged record).
    linked_offices = models.JSONField(default=list)
    # {attname: value} of the survivor's empty fields filled from the merged record.
    filled_fields = models.JSONField(default=dict)
    # Fields that may be held by one record only (identity card number): taken from the merged.
    taken_fields = models.JSONField(default=list)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(undone_at__isnull=True),
                name="one_live_merge_per_merged_person",
            )
        ]

    def __str__(self):
        return f"{self.merged_id} → {self.survivor_id}"


class PartnerFile(TimeStampedModel):
    """A CSV of people that a partner organisation registered, imported into the registry and
    linked against it (docs/duplicates.md, "Files from partners")."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being checked and imported")
        REFUSED = "refused", _("Refused: nothing was imported")
        FAILED = "failed", _("Failed")
        IMPORTED = "imported", _("Imported")
        NOTHING_NEW = "nothing_new", _("Nothing new: every row was already imported")

    file_name = models.CharField(_("file name"), max_length=255)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="partner_files",
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("registered at"),
        on_delete=models.PROTECT,
        related_name="partner_files",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_population_group = models.CharField(
        _("population group when the file has none"),
        max_length=30,
        choices=Person.PopulationGroup.choices,
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    imported_count = models.PositiveIntegerField(_("people imported"), default=0)
    already_imported_count = models.PositiveIntegerField(_("rows already imported"), default=0)
    # Rows whose identity card number the registry already holds: that person is registered.
    known_card_count = models.PositiveIntegerField(
        _("rows whose identity card is already registered"), default=0
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    # The file's text from the upload until the task has finished with it, then emptied: the
    # people it held are in the registry, or the file was refused (docs/duplicates.md).
    content = models.TextField(_("content of the file"), blank=True)
    # The uploader's language: the task writes the row errors and the consents' notes in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    # The first errors of a refused file (as the page shows them), and how many there were.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    # Why the task failed (not a fault of the file).
    failure = models.TextField(_("failure"), blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    # The linkage run started for the file; none when another run was already under way.
    run = models.ForeignKey(
        LinkageRun,
        verbose_name=_("linkage run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_files",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partner file")
        verbose_name_plural = _("partner files")

    def __str__(self):
        return self.file_name

    @property
    def is_stale(self) -> bool:
        """Queued or running for hours: its worker died; the file is shown as failed."""
        from wasla.people.linkage_runs import STALE_RUN_SECONDS

        if self.status not in (self.Status.QUEUED, self.Status.RUNNING):
            return False
        return (timezone.now() - self.created_at).total_seconds() > STALE_RUN_SECONDS

    @property
    def is_active(self) -> bool:
        """Waiting for its task or in it: the page follows its progress."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.is_stale

    @property
    def shown_status(self) -> str:
        return self.Status.FAILED if self.is_stale else self.status

    def get_shown_status_display(self) -> str:
        return self.Status(self.shown_status).label


class PartnerFileRow(models.Model):
    """One person a partner file brought into the registry: which file, under which of the
    partner's own ids. A partner's id is imported once, whatever file it comes in."""

    partner_file = models.ForeignKey(
        PartnerFile, verbose_name=_("partner file"), on_delete=models.PROTECT, related_name="rows"
    )
    # Denormalised from the file so that "one person per partner id" is a database constraint.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    record_id = models.CharField(_("partner's record id"), max_length=100)
    # The governorate the file gave (ISO 3166-2 code): the registry knows residence by locality.
    governorate = models.CharField(_("governorate"), max_length=6, blank=True)
    # A merge moves this row to the record kept, like every row that points at a person.
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="partner_rows"
    )

    class Meta:
        ordering = ["partner_file", "pk"]
        verbose_name = _("partner file row")
        verbose_name_plural = _("partner file rows")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_id"], name="one_person_per_partner_record"
            )
        ]

    def __str__(self):
        return f"{self.partner_file_id}:{self.record_id}"
