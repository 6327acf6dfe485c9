"""Server-side permission checks for pages and API views, on top of `scoping`."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device
from rest_framework.permissions import BasePermission

from wasla.organisations.scoping import scope_for


def needs_second_factor(user) -> bool:
    """True when the user set up two-factor sign-in but has not given a code this session."""
    # OTPMiddleware gives the request's user `is_verified`; a user object just signed in lacks it.
    is_verified = getattr(user, "is_verified", None)
    verified = bool(is_verified and is_verified())
    return not verified and user_has_device(user, confirmed=True)


class PermissionRequiredMixin:
    """A page for staff holding `permission` (a key of scoping.PERMISSIONS).

    Anonymous visitors go to the sign-in page; signed-in users without the permission get 403.
    """

    permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_second_factor(user):
            return redirect(f"{reverse('accounts:verify')}?next={request.get_full_path()}")
        self.scope = scope_for(user)
        if not self.scope.can(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class HasPermission(BasePermission):
    """DRF: the view's `permission` must be granted to the user (and 2FA done if set up)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if needs_second_factor(user) and request.auth is None:
            return False
        return scope_for(user).can(view.permission)
