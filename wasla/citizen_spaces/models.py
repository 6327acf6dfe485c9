"""Citizen Spaces: the catalogue of municipal services, the requests people make for them,
the waiting-room queue, appointments and the satisfaction of those served.

Catalogue content is kept in Arabic, French and English; requests keep the requester's
language so that every message reaches them in it."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wasla.core.models import TimeStampedModel, TrilingualNameModel, VersionedModel
from wasla.core.storage import private_storage
from wasla.organisations.models import Office
from wasla.people.models import Person
from wasla.territories.models import Locality

LANGUAGES = [("ar", "العربية"), ("fr", "Français"), ("en", "English")]

# No 0/O, 1/I/L: a reference read aloud over the phone must not be misheard. Ten symbols of
# 31 give 8e14 possibilities: guessing one that exists, among a million, takes ~8e8 tries.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 10


def new_request_reference() -> str:
    """`CS-XXXXX-XXXXX`: read over the phone in two groups of five."""
    symbols = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"CS-{symbols[:5]}-{symbols[5:]}"


def normalise_reference(text: str) -> str:
    """What a person types or says back: any case, spaces or dashes, with or without `CS`."""
    symbols = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if symbols.startswith("CS") and len(symbols) == REFERENCE_LENGTH + 2:
        symbols = symbols[2:]
    if len(symbols) != REFERENCE_LENGTH:
        return ""
    return f"CS-{symbols[:5]}-{symbols[5:]}"


class TrilingualTextMixin:
    """`localised("description")` answers with description_ar / _fr / _en in the active language."""

    def localised(self, field: str) -> str:
        language = (get_language() or "ar")[:2]
        values = {code: getattr(self, f"{field}_{code}") for code in ("ar", "fr", "en")}
        return values.get(language) or values["fr"] or values["en"] or values["ar"]


class Department(TrilingualNameModel, TimeStampedModel):
    """A municipal department that answers for services (civil status, urban planning…)."""

    slug = models.SlugField(_("identifier"), max_length=60, unique=True)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("municipal department")
        verbose_name_plural = _("municipal departments")


class ServiceCategory(TrilingualNameModel, TimeStampedModel):
    """A family of services, and the queue its tickets wait in (A001, B001…)."""

    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    ticket_prefix = models.CharField(_("ticket letter"), max_length=1, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name_fr"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")


class ServiceType(TrilingualTextMixin, TrilingualNameModel, VersionedModel):
    """One service of the catalogue. `code` is its Open311 service_code."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    description_ar = models.TextField(_("description in Arabic"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    # One document per line.
    requirements_ar = models.TextField(_("documents to bring, in Arabic"), blank=True)
    requirements_fr = models.TextField(_("documents to bring, in French"), blank=True)
    requirements_en = models.TextField(_("documents to bring, in English"), blank=True)
    fee_tnd = models.DecimalField(
        _("fee (TND)"),
        max_digits=9,
        decimal_places=3,
        default=0,
        validators=[MinValueValidator(0)],
    )
    target_working_days = models.PositiveSmallIntegerField(
        _("target processing time (working days)"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
    )
    offices = models.ManyToManyField(
        Office,
        verbose_name=_("offices that provide it"),
        related_name="services",
        blank=True,
        limit_choices_to={"kind": Office.Kind.CITIZEN_SPACE},
    )
    online = models.BooleanField(_("can be requested online"), default=False)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["category__position", "name_fr"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    @property
    def description(self) -> str:
        return self.localised("description")

    @property
    def requirement_list(self) -> list[str]:
        return [
            line.strip() for line in self.localised("requirements").splitlines() if line.strip()
        ]


class Holiday(TrilingualNameModel):
    """A public holiday on which no office works. Religious holidays move with the lunar
    calendar, so each year's dates are data, loaded from data/tunisia_calendar.json."""

    date = models.DateField(_("date"), unique=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROCESS = "in_process", _("In process")
    WAITING_CITIZEN = "waiting_citizen", _("Waiting for you (missing document)")
    READY = "ready", _("Ready for pick-up")
    DELIVERED = "delivered", _("Delivered")
    REJECTED = "rejected", _("Rejected")


OPEN_STAGES = (Stage.RECEIVED, Stage.IN_PROCESS, Stage.WAITING_CITIZEN, Stage.READY)

# Where a request may go from each stage.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.RECEIVED: (Stage.IN_PROCESS, Stage.WAITING_CITIZEN, Stage.REJECTED),
    Stage.IN_PROCESS: (Stage.READY, Stage.WAITING_CITIZEN, Stage.REJECTED),
    Stage.WAITING_CITIZEN: (Stage.IN_PROCESS, Stage.REJECTED),
    Stage.READY: (Stage.DELIVERED,),
    Stage.DELIVERED: (),
    Stage.REJECTED: (),
}


class ContactChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    BOTH = "both", _("SMS and email")


class ServiceRequest(VersionedModel):
    class Channel(models.TextChoices):
        DESK = "desk", _("At the desk")
        ONLINE = "online", _("Online")
        OPEN311 = "open311", _("Another municipal tool (Open311)")

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_request_reference, editable=False
    )
    service = models.ForeignKey(
        ServiceType, verbose_name=_("service"), on_delete=models.PROTECT, related_name="requests"
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("Citizen Space"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.RECEIVED
    )
    requester_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="ar")
    contact_channel = models.CharField(
        _("notify me by"), max_length=10, choices=ContactChannel.choices, default=ContactChannel.SMS
    )
    # Where the requester lives: demand for the planner of the next Citizen Space.
    residence_locality = models.ForeignKey(
        Locality,
        verbose_name=_("place of residence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person in the registry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    details = models.TextField(_("details"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    due_on = models.DateField(_("due on"))
    stage_changed_at = models.DateTimeField(_("stage changed at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    missing_documents = models.TextField(_("missing documents"), blank=True)
    agent_notes = models.TextField(_("notes for the agents"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A retried or double-clicked submission carries the same key and finds this request.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            # The agents' queue: open requests of a Citizen Space by due date.
            models.Index(
                fields=["office", "due_on"],
                name="cs_request_open_by_due",
                condition=Q(stage__in=["received", "in_process", "waiting_citizen", "ready"]),
            ),
            models.Index(fields=["office", "stage", "due_on"], name="cs_request_office_stage"),
            models.Index(fields=["service", "submitted_at"], name="cs_request_service_time"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def allowed_stages(self) -> tuple[str, ...]:
        return TRANSITIONS[self.stage]


class RequestEvent(models.Model):
    """One step in a request's life, as the requester and the agents see it."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self):
        return f"{self.request_id} → {self.to_stage}"


def _request_document_path(instance, filename: str) -> str:
    return f"requests/{instance.request.reference}/{secrets.token_hex(8)}"


class RequestDocument(models.Model):
    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = models.FileField(_("file"), upload_to=_request_document_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")

    def __str__(self):
        return self.original_name


class PhoneVerification(models.Model):
    """A code sent by SMS to prove that whoever submits online holds the phone."""

    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    code_hash = models.CharField(max_length=128)
    # Handed to the browser once the code is right; the submission presents it.
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class Rating(models.Model):
    request = models.OneToOneField(
        ServiceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="cs_rating_between_1_and_5"
            )
        ]

    def __str__(self):
        return f"{self.request_id}: {self.score}/5"


class Ticket(models.Model):
    """A take-a-number ticket of the waiting room: one sequence per category and day."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVED = "served", _("Served")
        NO_SHOW = "no_show", _("Did not come")

    office = models.ForeignKey(
        Office, verbose_name=_("Citizen Space"), on_delete=models.CASCADE, related_name="tickets"
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    counter = models.CharField(_("counter"), max_length=40, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["day", "category__position", "number"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "category", "day", "number"], name="cs_ticket_unique_number"
            )
        ]
        indexes = [models.Index(fields=["office", "day", "status"], name="cs_ticket_day_status")]

    def __str__(self):
        return f"{self.day} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.category.ticket_prefix}{self.number:03d}"


class AppointmentSlot(TimeStampedModel):
    office = models.ForeignKey(
        Office,
        verbose_name=_("Citizen Space"),
        on_delete=models.CASCADE,
        related_name="appointment_slots",
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=30)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "category", "starts_at"], name="cs_slot_unique_start"
            )
        ]

    def __str__(self):
        return f"{self.office_id} {self.starts_at:%Y-%m-%d %H:%M}"


def new_appointment_code() -> str:
    return "RV-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class Appointment(TimeStampedModel):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")

    slot = models.ForeignKey(
        AppointmentSlot,
        verbose_name=_("slot"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    code = models.CharField(
        _("booking code"), max_length=20, unique=True, default=new_appointment_code, editable=False
    )
    requester_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="ar")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self):
        return self.code
