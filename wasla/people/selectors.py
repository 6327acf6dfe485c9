"""Reads of the person registry, always through the reader's scope."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.crypto import salted_hmac

from wasla.core.models import AuditEntry
from wasla.engines.linkage import standardise
from wasla.organisations.scoping import DataScope, require, scope_for
from wasla.people.models import Consent, MigrationEpisode, Person, PersonNameToken, PersonOffice
from wasla.people.validation import NAME_FIELDS


def _visible(scope: DataScope) -> QuerySet:
    people = Person.objects.select_related(
        "registered_office", "residence_locality", "origin_locality"
    )
    if scope.is_platform_admin:
        return people
    served_here = PersonOffice.objects.filter(person=OuterRef("pk"), office_id__in=scope.office_ids)
    return people.filter(Exists(served_here))


def person_list(*, user, population_group: str | None = None) -> QuerySet:
    scope = require(user, "people.view")
    # A merged record is kept but no longer listed: its survivor stands for the person.
    people = _visible(scope).filter(merged_into__isnull=True)
    if population_group:
        people = people.filter(population_group=population_group)
    return people


def person_get(*, user, reference: str, permission: str = "people.view") -> Person:
    """The person if the user may see them; Person.DoesNotExist otherwise (never a hint that
    a record exists elsewhere). A merged record is returned: its page points to the survivor."""
    scope = require(user, permission)
    return _visible(scope).select_related("merged_into").get(reference=reference)


def _token_filter(tokens: list[str]) -> Q:
    """Persons holding every token; the last one may be the start of a word still being typed."""
    condition = Q()
    for position, token in enumerate(tokens):
        is_last = position == len(tokens) - 1
        matches = PersonNameToken.objects.filter(person=OuterRef("pk"))
        if is_last and len(token) >= 2:
            # A range on the plain index rather than LIKE, so any database uses the index.
            matches = matches.filter(token__gte=token, token__lt=token + "\uffff")
        else:
            matches = matches.filter(token=token)
        condition &= Q(Exists(matches))
    return condition


def person_search(*, user, query: str, limit: int = 50) -> QuerySet:
    """By identity card number, by phone in any format, or by name in any script or spelling."""
    scope = require(user, "people.view")
    people = _visible(scope).filter(merged_into__isnull=True)
    query = (query or "").strip()
    if not query:
        return people.none()
    national_id = standardise.national_id(query)
    if national_id:
        # Eight digits are an identity card number or a Tunisian phone number: try both.
        phone = standardise.phone_e164(query)
        return people.filter(Q(national_id=national_id) | Q(phone=phone or "-"))[:limit]
    if sum(character.isdigit() for character in query) >= 6:
        phone = standardise.phone_e164(query)
        return people.filter(phone=phone)[:limit] if phone else people.none()
    if query.upper().startswith("P-"):
        return people.filter(reference=query.upper())[:limit]
    tokens = [token for token in standardise.name_tokens(query) if token]
    if not tokens:
        return people.none()
    return people.filter(_token_filter(tokens)).order_by("-updated_at")[:limit]


@dataclass(frozen=True)
class LikelyMatch:
    """A record that may be the person being registered, with the reasons, and only the minimum
    needed to recognise them (the record may belong to another office)."""

    reference: str
    full_name: str
    birth_year: int
    registered_office: str
    in_scope: bool
    reasons: tuple[str, ...]
    strength: int


def person_likely_matches(*, user, fields: dict, limit: int = 10) -> list[LikelyMatch]:
    """Records across the registry that look like the person about to be registered."""
    scope = require(user, "people.register")
    national_id = standardise.national_id(fields.get("national_id") or "")
    phone = standardise.phone_e164(fields.get("phone") or "") if fields.get("phone") else None
    tokens = set()
    for name in NAME_FIELDS:
        tokens.update(standardise.name_tokens(fields.get(name) or ""))
    tokens.discard("")
    birth_date = fields.get("birth_date")
    birth_year = fields.get("birth_year") or (birth_date.year if birth_date else None)

    candidates = Q(pk__in=[])
    if national_id:
        candidates |= Q(national_id=national_id)
    if phone:
        candidates |= Q(phone=phone)
    if tokens:
        sharing = (
            PersonNameToken.objects.filter(token__in=tokens)
            .values("person")
            .annotate(shared=Count("token"))
            .filter(shared__gte=min(2, len(tokens)))
            .values("person")
        )
        candidates |= Q(pk__in=sharing)
    people = Person.objects.filter(
        candidates, anonymised_at__isnull=True, merged_into__isnull=True
    ).select_related("registered_office")
    visible_ids = set(_visible(scope).filter(candidates).values_list("pk", flat=True))

    matches = []
    for person in people[:200]:
        reasons, strength = [], 0
        if national_id and person.national_id == national_id:
            reasons.append("national_id")
            strength += 100
        if phone and person.phone == phone:
            reasons.append("phone")
            strength += 40
        their_tokens = set(person.name_tokens.values_list("token", flat=True))
        shared = tokens & their_tokens
        if shared:
            reasons.append("name")
            strength += 15 * len(shared)
        agreement = standardise.birth_dates_agree(
            birth_date, birth_year, person.birth_date, person.birth_year
        )
        if agreement in ("exact", "swapped", "close"):
            reasons.append(f"birth_{agreement}")
            strength += 30
        elif agreement == "year":
            reasons.append("birth_year")
            strength += 10
        elif agreement == "different" and "national_id" not in reasons:
            strength -= 30
        if strength >= 40:
            matches.append(
                LikelyMatch(
                    reference=person.reference,
                    full_name=person.full_name,
                    birth_year=person.birth_year,
                    registered_office=person.registered_office.name,
                    in_scope=person.pk in visible_ids,
                    reasons=tuple(reasons),
                    strength=strength,
                )
            )
    return sorted(matches, key=lambda match: -match.strength)[:limit]


def _plain(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def person_access_export(*, user, person: Person) -> dict:
    """Everything Wasla holds about the person (right of access), as plain data."""
    require(user, "people.access_export")
    identity = {
        field.name: _plain(getattr(person, field.attname))
        for field in Person._meta.concrete_fields
        if field.name not in {"id", "version"}
    }
    identity["residence_locality"] = (
        person.residence_locality.name if person.residence_locality else None
    )
    identity["origin_locality"] = person.origin_locality.name if person.origin_locality else None
    identity["registered_office"] = person.registered_office.name
    return {
        "person": identity,
        "migration_history": [
            {
                "kind": episode.kind,
                "departure_country": episode.departure_country,
                "departure_locality": episode.departure_locality.name
                if episode.departure_locality
                else None,
                "destination_country": episode.destination_country,
                "destination_locality": episode.destination_locality.name
                if episode.destination_locality
                else None,
                "started_on": _plain(episode.started_on),
                "ended_on": _plain(episode.ended_on),
                "year": episode.year,
                "return_type": episode.return_type,
                "notes": episode.notes,
            }
            for episode in person.migration_episodes.select_related(
                "departure_locality", "destination_locality"
            )
        ],
        "consents": [
            {
                "purpose": consent.purpose,
                "given_on": _plain(consent.given_on),
                "method": consent.method,
                "withdrawn_on": _plain(consent.withdrawn_on),
                "notes": consent.notes,
            }
            for consent in person.consents.all()
        ],
        "offices_serving": [
            link.office.name for link in person.office_links.select_related("office")
        ],
        "changes": [
            {"at": _plain(entry.at), "by": entry.actor_label, "action": entry.action}
            for entry in AuditEntry.objects.filter(
                target_type="people.person", target_id=str(person.pk)
            )
        ],
    }


PSEUDONYMISED_COLUMNS = (
    "pseudonym",
    "sex",
    "birth_year",
    "population_group",
    "nationality",
    "residence_governorate",
    "origin_governorate",
    "education_level",
    "household_size",
    "has_disability",
    "registered_year",
    "returns",
    "last_return_year",
    "last_returned_from",
    "last_return_type",
)


def pseudonym(person_pk: int) -> str:
    """A keyed hash of the record: stable for the same key, meaningless without it."""
    return salted_hmac(
        "wasla.people.pseudonym", str(person_pk), secret=settings.WASLA_PSEUDONYM_KEY
    ).hexdigest()[:32]


def pseudonymised_export(*, user, with_consent_only: bool = True) -> list[dict]:
    """Return and reintegration data for the Office for Tunisians Abroad: no direct identifier,
    only people who consented to this sharing (docs/people.md documents the columns)."""
    scope = require(user, "people.pseudonymised_export")
    people = (
        _visible(scope)
        .filter(anonymised_at__isnull=True)
        .select_related("residence_locality__governorate", "origin_locality__governorate")
    )
    if with_consent_only:
        consented = Consent.objects.filter(
            person=OuterRef("pk"), purpose=Consent.Purpose.OTE_SHARING, withdrawn_on__isnull=True
        )
        people = people.filter(Exists(consented))
    returns_by_person: dict[int, list[MigrationEpisode]] = {}
    for episode in MigrationEpisode.objects.filter(
        person__in=people, kind=MigrationEpisode.Kind.RETURN
    ).order_by("year"):
        returns_by_person.setdefault(episode.person_id, []).append(episode)
    rows = []
    for person in people.order_by("pk"):
        returns = returns_by_person.get(person.pk, [])
        last = returns[-1] if returns else None
        rows.append(
            {
                "pseudonym": pseudonym(person.pk),
                "sex": person.sex,
                "birth_year": person.birth_year,
                "population_group": person.population_group,
                "nationality": person.nationality,
                "residence_governorate": person.residence_locality.governorate.code
                if person.residence_locality
                else "",
                "origin_governorate": person.origin_locality.governorate.code
                if person.origin_locality
                else "",
                "education_level": person.education_level,
                "household_size": person.household_size,
                "has_disability": person.has_disability,
                "registered_year": person.created_at.year,
                "returns": len(returns),
                "last_return_year": last.year if last else None,
                "last_returned_from": last.departure_country if last else "",
                "last_return_type": last.return_type if last else "",
            }
        )
    return rows


def person_can_see_national_id(*, user) -> bool:
    return scope_for(user).can("people.national_id.view")
