"""Audit trail: every service that creates, changes or deletes data about people,
cases or staff calls `audit_record` inside its transaction.

Recording is explicit (not a signal) so that bulk operations and merges can say what
they did in their own words, and so that a rolled-back write leaves no audit row.
"""

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from wasla.core.models import AuditEntry

# Never copied into the trail, whatever the model.
SECRET_FIELDS = {"password", "key", "secret", "token", "otp_secret"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a record, as JSON-ready data."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        data[field.attname] = _plain(field.value_from_object(instance))
    return data


def audit_record(
    *,
    actor,
    action: str,
    instance: models.Model,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.get_username() if is_person else "system",
        action=action,
        target_type=instance._meta.label_lower,
        target_id=str(instance.pk),
        target_label=str(instance)[:255],
        before=before,
        after=after,
    )


def audit_create(*, actor, instance: models.Model) -> AuditEntry:
    return audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, instance=instance, after=snapshot(instance)
    )


def audit_update(*, actor, instance: models.Model, before: dict) -> AuditEntry | None:
    """Records the change, or nothing when the save changed nothing."""
    after = snapshot(instance)
    if after == before:
        return None
    return audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, instance=instance, before=before, after=after
    )


def audit_delete(*, actor, instance: models.Model, before: dict) -> AuditEntry:
    return audit_record(
        actor=actor, action=AuditEntry.Action.DELETE, instance=instance, before=before
    )


def audit_redact(*, target_type: str, target_ids: list[str], fields: list[str]) -> int:
    """Erase `fields` from the recorded before/after of these records (right to erasure):
    the trail keeps who changed what and when, not the erased values."""
    redacted = 0
    for entry in AuditEntry.objects.filter(target_type=target_type, target_id__in=target_ids):
        for side in ("before", "after"):
            values = getattr(entry, side)
            if values:
                for field in fields:
                    if field in values and values[field] not in ("", None):
                        values[field] = "[erased]"
        entry.target_label = f"{target_type} #{entry.target_id}"
        entry.save(update_fields=["before", "after", "target_label"])
        redacted += 1
    return redacted
