from django.db.models import QuerySet
from django_otp import devices_for_user

from wasla.core.models import AuditEntry
from wasla.organisations.scoping import require


def audit_entry_list(
    *, user, target_type: str = "", actor: str = "", action: str = "", target_id: str = ""
) -> QuerySet:
    """The audit trail, newest first, for auditors only."""
    require(user, "audit.view")
    queryset = AuditEntry.objects.all()
    if target_type:
        queryset = queryset.filter(target_type=target_type)
    if actor:
        queryset = queryset.filter(actor_label__iexact=actor)
    if action:
        queryset = queryset.filter(action=action)
    if target_id:
        queryset = queryset.filter(target_id=target_id)
    return queryset


def audit_target_types() -> list[str]:
    return list(AuditEntry.objects.order_by().values_list("target_type", flat=True).distinct())


def confirmed_device(*, user):
    return next(devices_for_user(user, confirmed=True), None)
