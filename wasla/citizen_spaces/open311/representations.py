"""Catalogue entries and requests as GeoReport v2 describes them: plain dicts and lists
that `formats.render` turns into XML or JSON. Field names, order and types follow the
examples of the specification (wiki.open311.org/GeoReport_v2)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.citizen_spaces.models import OPEN_STAGES, ServiceRequest, ServiceType, Stage

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MIME_TYPES = ["text/xml", "application/json"]


def w3_datetime(value: datetime.datetime) -> str:
    """ISO 8601 with the offset of the local time zone, e.g. 2026-03-02T09:15:00+01:00."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def _keywords(service: ServiceType) -> str:
    """The names of the service and of its category in the three languages: the synonyms a
    client may search for. Commas would split a name, so they go."""
    words = []
    for value in (
        service.name_ar,
        service.name_fr,
        service.name_en,
        service.category.name_ar,
        service.category.name_fr,
        service.category.name_en,
    ):
        value = " ".join((value or "").replace(",", " ").split())
        if value and value not in words:
            words.append(value)
    return ", ".join(words)


def service_entry(service: ServiceType) -> dict:
    """One service of GET services. No service asks for attributes (`metadata` false), and a
    request gets its identifier as soon as it is posted (`type` realtime)."""
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description or None,
        "metadata": False,
        "type": "realtime",
        "keywords": _keywords(service),
        "group": service.category.name,
    }


def service_definition(service: ServiceType) -> dict:
    return {"service_code": service.code, "attributes": []}


def service_notice(request: ServiceRequest) -> str:
    notice = _("Handled by %(office)s; expected by %(due)s.") % {
        "office": request.office.name,
        "due": request.due_on.isoformat(),
    }
    if request.service.fee_tnd:
        notice += " " + _("Fee: %(fee)s TND, paid at the Citizen Space.") % {
            "fee": f"{request.service.fee_tnd:.3f}"
        }
    return notice


def _status_notes(request: ServiceRequest) -> str:
    if request.stage == Stage.WAITING_CITIZEN:
        label = _("Waiting for the requester (missing document)")
        reason = request.missing_documents
    else:
        label = str(Stage(request.stage).label)
        reason = request.rejection_reason if request.stage == Stage.REJECTED else ""
    if reason:
        return _("%(stage)s: %(reason)s") % {"stage": label, "reason": reason}
    return label


def request_entry(request: ServiceRequest) -> dict:
    """One request of GET requests (of those selectors.requests_visible lets the caller
    read): never the requester's name, phone or email."""
    is_open = request.stage in OPEN_STAGES
    updated = request.stage_changed_at if not is_open else request.updated_at
    return {
        "service_request_id": request.reference,
        "status": "open" if is_open else "closed",
        "status_notes": _status_notes(request),
        "service_name": request.service.name,
        "service_code": request.service.code,
        "description": request.details or None,
        "agency_responsible": request.service.department.name,
        "service_notice": service_notice(request),
        "requested_datetime": w3_datetime(request.submitted_at),
        "updated_datetime": w3_datetime(max(updated, request.stage_changed_at)),
        "expected_datetime": w3_datetime(end_of_day(request.due_on)),
        "address": request.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": request.latitude,
        "long": request.longitude,
        "media_url": None,
    }


def created_entry(request: ServiceRequest) -> dict:
    """The answer to POST requests."""
    return {
        "service_request_id": request.reference,
        "service_notice": service_notice(request),
        "account_id": None,
    }


def discovery(*, url: str, changeset: str, production: bool) -> dict:
    return {
        "changeset": changeset,
        "contact": _(
            "Wasla, the platform of the Citizen Spaces. Write to the municipality that runs "
            "the Citizen Space concerned."
        ),
        "key_service": _(
            "Any GET works without a key. To post requests, the municipality's administrator "
            "gives your tool a staff account with the front-desk agent role; its API token "
            "(POST /api/v1/auth/token/) is the api_key."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": "production" if production else "test",
                "formats": MIME_TYPES,
            }
        ],
    }
