"""Writes of the Citizen Spaces: each in one transaction, checked first, audited, and
notified to the citizen in their language once the transaction commits."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wasla.citizen_spaces import calendar
from wasla.citizen_spaces.models import (
    TRANSITIONS,
    Appointment,
    AppointmentSlot,
    ContactChannel,
    Holiday,
    PhoneVerification,
    Rating,
    RequestDocument,
    RequestEvent,
    ServiceCategory,
    ServiceRequest,
    ServiceType,
    Stage,
    Ticket,
)
from wasla.core.audit import audit_create, audit_update, snapshot
from wasla.core.concurrency import save_versioned
from wasla.core.exceptions import ApplicationError
from wasla.core.messaging import message_send
from wasla.core.validation import FieldErrors, check_document
from wasla.engines.linkage import standardise
from wasla.organisations.models import Office
from wasla.organisations.scoping import require

MAX_DOCUMENTS = 5
VERIFICATION_MINUTES = 15
VERIFICATION_ATTEMPTS = 5
VERIFICATIONS_PER_WINDOW = 3
RATING_SALT = "wasla.citizen_spaces.rating"
RATING_VALID_DAYS = 60
STAGES_NEEDING_A_REASON = {
    Stage.REJECTED: "rejection_reason",
    Stage.WAITING_CITIZEN: "missing_documents",
}


# ---------------------------------------------------------------------------------------
# Calendar


def calendar_load() -> int:
    """Put the holidays of data/tunisia_calendar.json in the table; keeps administrators'
    corrections to names, adds what is missing. Returns how many were added."""
    added = 0
    with transaction.atomic():
        known = set(Holiday.objects.values_list("date", flat=True))
        for row in calendar.holidays_in_data():
            if row["date"] not in known:
                Holiday.objects.create(
                    date=row["date"], name_ar=row["ar"], name_fr=row["fr"], name_en=row["en"]
                )
                # Two holidays may fall on one day (Eid al-Fitr on 20 March 2026).
                known.add(row["date"])
                added += 1
    return added


def due_date(*, service: ServiceType, submitted_on: datetime.date) -> datetime.date:
    horizon = submitted_on + datetime.timedelta(days=service.target_working_days * 3 + 60)
    holidays = set(
        Holiday.objects.filter(date__gte=submitted_on, date__lte=horizon).values_list(
            "date", flat=True
        )
    )
    return calendar.add_working_days(
        submitted_on,
        service.target_working_days,
        holidays=holidays,
        weekend=calendar.weekend_days(),
    )


# ---------------------------------------------------------------------------------------
# Notifications


def _notify(request: ServiceRequest, *, key: str, text: str, subject: str = "") -> None:
    """Queue `text` to the requester by the channel they chose; `key` makes it once only."""
    channels = {
        ContactChannel.SMS: ["sms"],
        ContactChannel.EMAIL: ["email"],
        ContactChannel.BOTH: ["sms", "email"],
    }[request.contact_channel]
    for channel in channels:
        recipient = request.phone if channel == "sms" else request.email
        if not recipient:
            continue
        message_send(
            channel=channel,
            recipient=recipient,
            subject=subject or text[:80],
            body=text,
            language=request.language,
            dedupe_key=f"request:{request.pk}:{key}:{channel}",
        )


def _site_address(path: str) -> str:
    return settings.WASLA_PUBLIC_URL.rstrip("/") + path


def _stage_message(request: ServiceRequest) -> str:
    """What the citizen reads when their request moves, in their language (active here)."""
    texts = {
        Stage.RECEIVED: _(
            "Wasla: your request %(reference)s (%(service)s) is registered. "
            "Expected by %(due)s. Track it with this reference and your phone number."
        ),
        Stage.IN_PROCESS: _("Wasla: your request %(reference)s is being processed."),
        Stage.WAITING_CITIZEN: _(
            "Wasla: your request %(reference)s is waiting for you. Missing: %(missing)s"
        ),
        Stage.READY: _("Wasla: your request %(reference)s is ready. Collect it at %(office)s."),
        Stage.DELIVERED: _(
            "Wasla: request %(reference)s delivered. How did we do? Rate us: %(rating_link)s"
        ),
        Stage.REJECTED: _("Wasla: your request %(reference)s was refused. Reason: %(reason)s"),
    }
    return texts[request.stage] % {
        "reference": request.reference,
        "service": request.service.name,
        "due": request.due_on.strftime("%d/%m/%Y"),
        "missing": request.missing_documents,
        "office": request.office.name,
        "reason": request.rejection_reason,
        "rating_link": _site_address(reverse("citizen_spaces:rate", args=[rating_token(request)])),
    }


def _notify_stage(request: ServiceRequest, event: RequestEvent) -> None:
    with translation.override(request.language):
        _notify(request, key=f"event:{event.pk}", text=_stage_message(request))


# ---------------------------------------------------------------------------------------
# Requests


def _clean_contact(fields: dict, errors: FieldErrors) -> dict:
    name = " ".join((fields.get("requester_name") or "").split())
    if not name:
        errors.add("requester_name", _("Give your name."))
    phone = standardise.phone_e164((fields.get("phone") or "").strip())
    if phone is None:
        errors.add(
            "phone",
            _("This is not a valid phone number. Example: 22 123 456 or +33 6 12 34 56 78."),
        )
    email = (fields.get("email") or "").strip()
    channel = fields.get("contact_channel") or ContactChannel.SMS
    if channel not in ContactChannel.values:
        errors.add("contact_channel", _("Choose one of the options."))
    elif channel != ContactChannel.SMS and not email:
        errors.add("email", _("Give an email address to be notified by email."))
    language = fields.get("language") or "ar"
    if language not in ("ar", "fr", "en"):
        errors.add("language", _("Choose one of the options."))
    return {
        "requester_name": name[:200],
        "phone": phone or "",
        "email": email,
        "contact_channel": channel,
        "language": language,
    }


def _existing_by_key(idempotency_key: str | None) -> ServiceRequest | None:
    if not idempotency_key:
        return None
    return ServiceRequest.objects.filter(idempotency_key=idempotency_key).first()


def request_submit(
    *,
    service: ServiceType,
    office: Office,
    channel: str,
    actor=None,
    documents=(),
    idempotency_key: str | None = None,
    verification_token: str | None = None,
    **fields,
) -> ServiceRequest:
    """Register a request at the desk (an agent), online (a citizen who proved their phone)
    or from another municipal tool (Open311). The same idempotency key returns the request
    it first created, so a double click or a retried call never makes two."""
    existing = _existing_by_key(idempotency_key)
    if existing is not None:
        return existing
    if channel == ServiceRequest.Channel.DESK:
        scope = require(actor, "citizen_spaces.requests.process")
        if not scope.is_platform_admin and office.pk not in scope.office_ids:
            raise ApplicationError(
                _("You may only register requests at your own Citizen Space."), code="forbidden"
            )
    errors = FieldErrors()
    contact = _clean_contact(fields, errors)
    if not service.is_active or not service.offices.filter(pk=office.pk).exists():
        errors.add("service", _("This service is not offered at this Citizen Space."))
    elif channel == ServiceRequest.Channel.ONLINE and not service.online:
        errors.add("service", _("This service cannot be requested online; come to the desk."))
    documents = [document for document in documents if document]
    if len(documents) > MAX_DOCUMENTS:
        errors.add("documents", _("Attach at most %(count)s documents.") % {"count": MAX_DOCUMENTS})
    types = [check_document(document, errors, "documents") for document in documents]
    for name in ("latitude", "longitude"):
        if fields.get(name) in ("", None):
            fields[name] = None
    if fields.get("latitude") is not None and not -90 <= float(fields["latitude"]) <= 90:
        errors.add("latitude", _("A latitude lies between -90 and 90."))
    if fields.get("longitude") is not None and not -180 <= float(fields["longitude"]) <= 180:
        errors.add("longitude", _("A longitude lies between -180 and 180."))
    errors.raise_if_any()

    now = timezone.now()
    stored: list = []
    try:
        with transaction.atomic():
            if channel == ServiceRequest.Channel.ONLINE:
                _verification_consume(token=verification_token, phone=contact["phone"])
            request = ServiceRequest.objects.create(
                service=service,
                office=office,
                channel=channel,
                submitted_by=actor if channel == ServiceRequest.Channel.DESK else None,
                submitted_at=now,
                stage_changed_at=now,
                due_on=due_date(service=service, submitted_on=timezone.localdate(now)),
                idempotency_key=idempotency_key or None,
                details=(fields.get("details") or "").strip(),
                residence_locality=fields.get("residence_locality"),
                person=fields.get("person"),
                latitude=fields.get("latitude"),
                longitude=fields.get("longitude"),
                address=(fields.get("address") or "").strip()[:255],
                **contact,
            )
            for uploaded, content_type in zip(documents, types, strict=True):
                _keep_document(request, uploaded, content_type, stored)
            event = RequestEvent.objects.create(
                request=request, at=now, actor=_person(actor), to_stage=Stage.RECEIVED
            )
            audit_create(actor=actor, instance=request)
            _notify_stage(request, event)
    except IntegrityError:
        _forget_files(stored)
        # Two copies of one submission raced: the first one won; hand back its request.
        existing = _existing_by_key(idempotency_key)
        if existing is None:
            raise
        return existing
    except BaseException:
        _forget_files(stored)
        raise
    return request


def _person(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _keep_document(
    request: ServiceRequest, uploaded, content_type: str, stored: list
) -> RequestDocument:
    """Store the file and its row; `stored` collects the files to delete if the
    transaction fails afterwards (the database forgets the rows, the disk would not)."""
    document = RequestDocument(
        request=request,
        original_name=(getattr(uploaded, "name", "") or "document")[:200],
        content_type=content_type,
        size=uploaded.size,
    )
    document.file.save("upload", uploaded, save=False)
    stored.append(document.file)
    document.save()
    return document


def _forget_files(stored: list) -> None:
    for file in stored:
        file.delete(save=False)


def _check_office(actor, request: ServiceRequest, permission: str):
    scope = require(actor, permission)
    if not scope.is_platform_admin and request.office_id not in scope.office_ids:
        raise ApplicationError(
            _("This request belongs to another Citizen Space."), code="forbidden"
        )
    return scope


def _apply_stage(request: ServiceRequest, to_stage: str, reason: str, now) -> list[str]:
    errors = FieldErrors()
    if to_stage not in TRANSITIONS.get(request.stage, ()):
        raise ApplicationError(
            _("A request that is “%(current)s” cannot become “%(target)s”.")
            % {"current": request.get_stage_display(), "target": Stage(to_stage).label}
            if to_stage in Stage.values
            else _("Unknown stage."),
            code="invalid_transition",
        )
    field = STAGES_NEEDING_A_REASON.get(to_stage)
    changed = ["stage", "stage_changed_at"]
    if field:
        if not reason.strip():
            errors.add(
                field,
                _("Say why the request is refused.")
                if to_stage == Stage.REJECTED
                else _("Say which document is missing."),
            )
        errors.raise_if_any()
        setattr(request, field, reason.strip())
        changed.append(field)
    request.stage = to_stage
    request.stage_changed_at = now
    if to_stage == Stage.DELIVERED:
        request.delivered_at = now
        changed.append("delivered_at")
    return changed


def request_move(
    *,
    actor,
    request: ServiceRequest,
    to_stage: str,
    expected_version: int,
    note: str = "",
    reason: str = "",
) -> ServiceRequest:
    """Move a request to its next stage (only along TRANSITIONS), tell the citizen."""
    _check_office(actor, request, "citizen_spaces.requests.process")
    with transaction.atomic():
        _move(actor, request, to_stage, expected_version, note, reason, timezone.now())
    return request


def _move(actor, request, to_stage, expected_version, note, reason, now) -> RequestEvent:
    """One move, inside the caller's transaction: the request (version-checked), the event
    on its timeline, the audit entry, the message to the citizen."""
    before = snapshot(request)
    from_stage = request.stage
    changed = _apply_stage(request, to_stage, reason, now)
    save_versioned(request, expected_version=expected_version, fields=changed)
    event = RequestEvent.objects.create(
        request=request,
        at=now,
        actor=_person(actor),
        from_stage=from_stage,
        to_stage=to_stage,
        note=note.strip(),
    )
    audit_update(actor=actor, instance=request, before=before)
    _notify_stage(request, event)
    return event


def requests_move_bulk(
    *, actor, office: Office, references: list[str], to_stage: str, note: str = "", reason: str = ""
) -> list[ServiceRequest]:
    """Move several requests of one Citizen Space at once: all of them, or none if one of
    them cannot make that move (the error names which)."""
    scope = require(actor, "citizen_spaces.requests.process")
    if not scope.is_platform_admin and office.pk not in scope.office_ids:
        raise ApplicationError(
            _("This request belongs to another Citizen Space."), code="forbidden"
        )
    references = sorted(set(references))
    if not references:
        raise ApplicationError(_("Choose at least one request."), code="invalid")
    with transaction.atomic():
        requests = list(
            ServiceRequest.objects.select_for_update()
            .select_related("service", "office")
            .filter(office=office, reference__in=references)
            .order_by("pk")
        )
        if len(requests) != len(references):
            raise ApplicationError(
                _("Some of the chosen requests no longer exist here."), code="invalid"
            )
        stuck = [r.reference for r in requests if to_stage not in TRANSITIONS.get(r.stage, ())]
        if stuck:
            raise ApplicationError(
                _("These requests cannot make that move: %(references)s")
                % {"references": ", ".join(stuck)},
                code="invalid_transition",
            )
        now = timezone.now()
        for request in requests:
            _move(actor, request, to_stage, request.version, note, reason, now)
    return requests


def request_add_documents(
    *, request: ServiceRequest, phone: str, documents
) -> list[RequestDocument]:
    """A citizen brings the missing document online: the request goes back to the agents."""
    if (
        request.phone != standardise.phone_e164(phone or "")
        or request.stage != Stage.WAITING_CITIZEN
    ):
        raise ApplicationError(_("This request does not wait for a document."), code="invalid")
    errors = FieldErrors()
    documents = [document for document in documents if document]
    if not documents:
        errors.add("documents", _("Attach the missing document."))
    if request.documents.count() + len(documents) > MAX_DOCUMENTS * 2:
        errors.add("documents", _("This request has too many documents already."))
    types = [check_document(document, errors, "documents") for document in documents]
    errors.raise_if_any()
    stored: list = []
    try:
        with transaction.atomic():
            kept = _documents_added(request, documents, types, stored)
    except BaseException:
        _forget_files(stored)
        raise
    return kept


def _documents_added(request, documents, types, stored) -> list[RequestDocument]:
    kept = [
        _keep_document(request, uploaded, content_type, stored)
        for uploaded, content_type in zip(documents, types, strict=True)
    ]
    note = _("The citizen sent %(count)s document(s).") % {"count": len(kept)}
    _move(None, request, Stage.IN_PROCESS, request.version, note, "", timezone.now())
    return kept


# ---------------------------------------------------------------------------------------
# Phone verification for online requests


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def verification_start(*, phone: str, language: str = "ar") -> PhoneVerification:
    """Send a six-digit code to `phone`; at most three codes per phone each 15 minutes."""
    number = standardise.phone_e164((phone or "").strip())
    if number is None:
        raise ApplicationError(
            _("Some fields need correcting."),
            code="invalid",
            extra={
                "phone": [
                    _("This is not a valid phone number. Example: 22 123 456 or +33 6 12 34 56 78.")
                ]
            },
        )
    now = timezone.now()
    window = now - datetime.timedelta(minutes=VERIFICATION_MINUTES)
    with transaction.atomic():
        recent = PhoneVerification.objects.filter(phone=number, created_at__gte=window).count()
        if recent >= VERIFICATIONS_PER_WINDOW:
            raise ApplicationError(
                _("Too many codes were sent to this number. Try again in 15 minutes."),
                code="rate_limited",
            )
        code = f"{secrets.randbelow(1_000_000):06d}"
        verification = PhoneVerification.objects.create(
            phone=number,
            code_hash=_code_hash(code),
            token=secrets.token_urlsafe(32),
            expires_at=now + datetime.timedelta(minutes=VERIFICATION_MINUTES),
        )
        with translation.override(language if language in ("ar", "fr", "en") else "ar"):
            text = _("Wasla: your code is %(code)s. It is valid for 15 minutes.") % {"code": code}
        message_send(
            channel="sms",
            recipient=number,
            body=text,
            language=language,
            dedupe_key=f"verification:{verification.pk}",
        )
    return verification


def verification_confirm(*, phone: str, code: str) -> str:
    """The token that proves the phone, if `code` is the last one sent and still valid."""
    number = standardise.phone_e164((phone or "").strip()) or ""
    wrong = ApplicationError(
        _("Some fields need correcting."),
        code="invalid",
        extra={"code": [_("This code is wrong or has expired. Ask for a new one.")]},
    )
    with transaction.atomic():
        verification = (
            PhoneVerification.objects.select_for_update()
            .filter(phone=number, verified_at__isnull=True, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        usable = (
            verification is not None
            and verification.expires_at >= timezone.now()
            and verification.attempts < VERIFICATION_ATTEMPTS
        )
        right = usable and hmac.compare_digest(
            verification.code_hash, _code_hash((code or "").strip())
        )
        if right:
            verification.verified_at = timezone.now()
            verification.save(update_fields=["verified_at"])
        elif usable:
            # Committed before the error is raised, so that guessing costs attempts.
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
    if not right:
        raise wrong
    return verification.token


def _verification_consume(*, token: str | None, phone: str) -> None:
    verification = (
        PhoneVerification.objects.select_for_update()
        .filter(token=token or "-", phone=phone, verified_at__isnull=False, used_at__isnull=True)
        .first()
    )
    if verification is None or verification.verified_at < timezone.now() - datetime.timedelta(
        hours=2
    ):
        raise ApplicationError(
            _("Confirm your phone number with the code we sent before submitting."),
            code="invalid",
            extra={"code": [_("This code is wrong or has expired. Ask for a new one.")]},
        )
    verification.used_at = timezone.now()
    verification.save(update_fields=["used_at"])


# ---------------------------------------------------------------------------------------
# Satisfaction


def rating_token(request: ServiceRequest) -> str:
    return signing.dumps(request.pk, salt=RATING_SALT, compress=True)


def request_from_rating_token(token: str) -> ServiceRequest | None:
    try:
        pk = signing.loads(token, salt=RATING_SALT, max_age=RATING_VALID_DAYS * 86400)
    except signing.BadSignature:
        return None
    return ServiceRequest.objects.select_related("service", "office").filter(pk=pk).first()


def request_rate(*, request: ServiceRequest, score, comment: str = "") -> Rating:
    errors = FieldErrors()
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        errors.add("score", _("Choose from 1 to 5 stars."))
    if len(comment or "") > 2000:
        errors.add("comment", _("Keep the comment under 2,000 characters."))
    errors.raise_if_any()
    if request.stage != Stage.DELIVERED:
        raise ApplicationError(_("A request can be rated once it is delivered."), code="invalid")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                request=request, score=score, comment=(comment or "").strip()
            )
            audit_create(actor=None, instance=rating)
    except IntegrityError as error:
        raise ApplicationError(
            _("This request has already been rated. Thank you."), code="conflict"
        ) from error
    return rating


# ---------------------------------------------------------------------------------------
# Queue


def ticket_issue(*, office: Office, category: ServiceCategory) -> Ticket:
    """The next number of the day for this category (A001, A002…)."""
    if office.kind != Office.Kind.CITIZEN_SPACE or not office.is_active:
        raise ApplicationError(_("This office does not hand out tickets."), code="invalid")
    today = timezone.localdate()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                last = Ticket.objects.filter(office=office, category=category, day=today).aggregate(
                    last=Max("number")
                )["last"]
                return Ticket.objects.create(
                    office=office,
                    category=category,
                    day=today,
                    number=(last or 0) + 1,
                    issued_at=timezone.now(),
                )
        except IntegrityError:
            continue  # another kiosk took that number at the same instant
    raise ApplicationError(_("The ticket machine is busy; try again."), code="conflict")


def ticket_call_next(*, actor, office: Office, counter: str, categories=None) -> Ticket | None:
    """Close the ticket this counter was serving and call the longest-waiting one."""
    scope = require(actor, "citizen_spaces.queue.operate")
    if not scope.is_platform_admin and office.pk not in scope.office_ids:
        raise ApplicationError(_("You work at another Citizen Space."), code="forbidden")
    counter = (counter or "").strip()[:40]
    if not counter:
        raise ApplicationError(
            _("Some fields need correcting."),
            code="invalid",
            extra={"counter": [_("Say which counter you are at.")]},
        )
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        Ticket.objects.filter(
            office=office, day=today, counter=counter, status=Ticket.Status.CALLED
        ).update(status=Ticket.Status.SERVED, finished_at=now)
        # Lock the ticket rows only: locking the joined category row too would make a second
        # counter skip every ticket of that category while the first one calls.
        waiting = Ticket.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            office=office, day=today, status=Ticket.Status.WAITING
        )
        if categories:
            waiting = waiting.filter(category__in=categories)
        ticket = waiting.select_related("category").order_by("issued_at", "pk").first()
        if ticket is None:
            return None
        ticket.status = Ticket.Status.CALLED
        ticket.counter = counter
        ticket.called_at = now
        ticket.called_by = actor
        ticket.save(update_fields=["status", "counter", "called_at", "called_by"])
    return ticket


def ticket_close(*, actor, ticket: Ticket, came: bool) -> Ticket:
    scope = require(actor, "citizen_spaces.queue.operate")
    if not scope.is_platform_admin and ticket.office_id not in scope.office_ids:
        raise ApplicationError(_("You work at another Citizen Space."), code="forbidden")
    with transaction.atomic():
        updated = Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.CALLED).update(
            status=Ticket.Status.SERVED if came else Ticket.Status.NO_SHOW,
            finished_at=timezone.now(),
        )
        if not updated:
            raise ApplicationError(_("This ticket is not being served."), code="conflict")
    ticket.refresh_from_db()
    return ticket


# ---------------------------------------------------------------------------------------
# Appointments


def slots_create(
    *,
    actor,
    office: Office,
    category: ServiceCategory,
    day: datetime.date,
    first: datetime.time,
    last: datetime.time,
    minutes: int,
    capacity: int,
) -> list[AppointmentSlot]:
    """Open slots of `minutes` from `first` to `last` on `day` (existing ones are kept)."""
    scope = require(actor, "citizen_spaces.appointments.manage")
    if not scope.is_platform_admin and office.pk not in scope.office_ids:
        raise ApplicationError(_("You work at another Citizen Space."), code="forbidden")
    errors = FieldErrors()
    if not 5 <= minutes <= 240:
        errors.add("minutes", _("A slot lasts between 5 and 240 minutes."))
    if not 1 <= capacity <= 50:
        errors.add("capacity", _("A slot takes between 1 and 50 people."))
    if last <= first:
        errors.add("last", _("The last slot must start after the first."))
    if day < timezone.localdate():
        errors.add("day", _("Choose a day from today on."))
    errors.raise_if_any()
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, first, tzinfo=zone)
    end = datetime.datetime.combine(day, last, tzinfo=zone)
    created = []
    with transaction.atomic():
        while start <= end:
            slot, made = AppointmentSlot.objects.get_or_create(
                office=office,
                category=category,
                starts_at=start,
                defaults={"minutes": minutes, "capacity": capacity},
            )
            if made:
                audit_create(actor=actor, instance=slot)
                created.append(slot)
            start += datetime.timedelta(minutes=minutes)
    return created


def appointment_book(
    *, slot: AppointmentSlot, requester_name: str, phone: str, language: str = "ar"
) -> Appointment:
    errors = FieldErrors()
    contact = _clean_contact(
        {"requester_name": requester_name, "phone": phone, "language": language}, errors
    )
    errors.raise_if_any()
    with transaction.atomic():
        slot = AppointmentSlot.objects.select_for_update().select_related("office").get(pk=slot.pk)
        if slot.starts_at <= timezone.now():
            raise ApplicationError(_("This slot has already started."), code="invalid")
        taken = slot.appointments.filter(status=Appointment.Status.BOOKED)
        if taken.filter(phone=contact["phone"]).exists():
            raise ApplicationError(_("You already have this appointment."), code="conflict")
        if taken.count() >= slot.capacity:
            raise ApplicationError(_("This slot is full; choose another."), code="conflict")
        appointment = Appointment.objects.create(
            slot=slot,
            requester_name=contact["requester_name"],
            phone=contact["phone"],
            language=contact["language"],
        )
        audit_create(actor=None, instance=appointment)
        with translation.override(appointment.language):
            text = _(
                "Wasla: appointment %(code)s on %(when)s at %(office)s. To cancel, use this code."
            ) % {
                "code": appointment.code,
                "when": timezone.localtime(slot.starts_at).strftime("%d/%m/%Y %H:%M"),
                "office": slot.office.name,
            }
        message_send(
            channel="sms",
            recipient=appointment.phone,
            body=text,
            language=appointment.language,
            dedupe_key=f"appointment:{appointment.pk}:booked",
        )
    return appointment


def appointment_cancel(*, code: str, phone: str) -> Appointment:
    """Cancel by booking code and phone; a wrong pair gets the same answer as an unknown code."""
    number = standardise.phone_e164((phone or "").strip()) or ""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .filter(
                code=(code or "").strip().upper(), phone=number, status=Appointment.Status.BOOKED
            )
            .first()
        )
        if appointment is None:
            raise ApplicationError(
                _("We found no booked appointment with this code and phone number."),
                code="not_found",
            )
        before = snapshot(appointment)
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit_update(actor=None, instance=appointment, before=before)
    return appointment


def appointment_reminders_send(*, day: datetime.date) -> int:
    """SMS each person booked on `day`; safe to run twice (one message per appointment)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = start + datetime.timedelta(days=1)
    sent = 0
    appointments = Appointment.objects.select_related("slot", "slot__office").filter(
        status=Appointment.Status.BOOKED,
        reminder_sent_at__isnull=True,
        slot__starts_at__gte=start,
        slot__starts_at__lt=end,
    )
    for appointment in appointments:
        with transaction.atomic():
            with translation.override(appointment.language):
                text = _(
                    "Wasla: reminder, appointment %(code)s tomorrow %(when)s at %(office)s."
                ) % {
                    "code": appointment.code,
                    "when": timezone.localtime(appointment.slot.starts_at).strftime("%H:%M"),
                    "office": appointment.slot.office.name,
                }
            message_send(
                channel="sms",
                recipient=appointment.phone,
                body=text,
                language=appointment.language,
                dedupe_key=f"appointment:{appointment.pk}:reminder",
            )
            Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=timezone.now())
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------
# Catalogue


SERVICE_FIELDS = (
    "name_ar", "name_fr", "name_en",
    "description_ar", "description_fr", "description_en",
    "requirements_ar", "requirements_fr", "requirements_en",
    "category", "department", "fee_tnd", "target_working_days", "online", "is_active",
)  # fmt: skip


def _check_service_fields(fields: dict, errors: FieldErrors) -> None:
    if not (fields.get("name_fr") or "").strip():
        errors.add("name_fr", _("Give the name in French."))
    if not (fields.get("name_ar") or "").strip():
        errors.add("name_ar", _("Give the name in Arabic."))
    if fields.get("fee_tnd") is not None and fields["fee_tnd"] < 0:
        errors.add("fee_tnd", _("A fee cannot be negative."))
    days = fields.get("target_working_days")
    if days is not None and not 0 <= days <= 365:
        errors.add("target_working_days", _("Between 0 and 365 working days."))


def service_update(
    *, actor, service: ServiceType, expected_version: int, offices=None, **changes
) -> ServiceType:
    scope = require(actor, "citizen_spaces.catalogue.edit")
    errors = FieldErrors()
    merged = {name: changes.get(name, getattr(service, name)) for name in SERVICE_FIELDS}
    _check_service_fields(merged, errors)
    if offices is not None:
        offices = _offices_within_reach(scope, service, offices, errors)
    errors.raise_if_any()
    with transaction.atomic():
        before = snapshot(service)
        for name, value in changes.items():
            if name in SERVICE_FIELDS:
                setattr(service, name, value.strip() if isinstance(value, str) else value)
        save_versioned(
            service,
            expected_version=expected_version,
            fields=[name for name in changes if name in SERVICE_FIELDS],
        )
        if offices is not None:
            service.offices.set(offices)
        audit_update(actor=actor, instance=service, before=before)
    return service


def _offices_within_reach(scope, service: ServiceType | None, offices, errors: FieldErrors):
    """An administrator speaks for the Citizen Spaces of their own organisation: they may
    choose only those, and the other organisations' offices that provide the service stay."""
    offices = list(offices)
    if scope.is_platform_admin:
        return offices
    if any(office.pk not in scope.office_ids for office in offices):
        errors.add("offices", _("Choose only Citizen Spaces of your own organisation."))
    kept = list(service.offices.exclude(pk__in=scope.office_ids)) if service is not None else []
    return [*offices, *kept]


def service_create(*, actor, code: str, offices=(), **fields) -> ServiceType:
    scope = require(actor, "citizen_spaces.catalogue.edit")
    errors = FieldErrors()
    _check_service_fields(fields, errors)
    offices = _offices_within_reach(scope, None, offices, errors)
    if not code or ServiceType.objects.filter(code=code).exists():
        errors.add("code", _("Choose a code that no other service uses."))
    errors.raise_if_any()
    with transaction.atomic():
        service = ServiceType.objects.create(
            code=code, **{name: value for name, value in fields.items() if name in SERVICE_FIELDS}
        )
        service.offices.set(offices)
        audit_create(actor=actor, instance=service)
    return service
