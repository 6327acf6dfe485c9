"""Writes about accounts: two-factor devices."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from wasla.core.exceptions import ApplicationError

DEVICE_NAME = "Wasla authenticator"


@transaction.atomic
def two_factor_device_start(*, user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made on first call, to show as a QR code."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ApplicationError(_("Two-factor sign-in is already on."), code="already_on")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    return device


@transaction.atomic
def two_factor_device_confirm(*, user, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ApplicationError(_("Start setting up two-factor sign-in first."), code="no_device")
    if not device.verify_token(token):
        raise ApplicationError(
            _("That code is not right. Check your phone's clock and try the newest code."),
            code="bad_token",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def two_factor_device_remove(*, user, token: str) -> None:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        raise ApplicationError(_("Two-factor sign-in is not on."), code="not_on")
    if not device.verify_token(token):
        raise ApplicationError(
            _("That code is not right. Check your phone's clock and try the newest code."),
            code="bad_token",
        )
    TOTPDevice.objects.filter(user=user).delete()
