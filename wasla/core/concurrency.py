"""Optimistic locking: an edit is saved only if nobody saved the record since it was loaded."""

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.core.exceptions import ConcurrentEditError


def save_versioned(instance: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `instance` if its stored version is still `expected_version`.

    Must run inside the caller's transaction. Raises ConcurrentEditError otherwise,
    leaving the stored record untouched.
    """
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
        instance.updated_at = values["updated_at"]
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConcurrentEditError(
            _(
                "Someone else changed this record while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    instance.version = expected_version + 1
