import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_otp import devices_for_user
from django_otp import login as otp_login

from wasla.accounts import selectors, services
from wasla.accounts.forms import QueuedPasswordResetForm, SignInForm, TokenForm
from wasla.core.exceptions import ApplicationError
from wasla.core.models import AuditEntry
from wasla.organisations.permissions import PermissionRequiredMixin, needs_second_factor


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if needs_second_factor(form.get_user()):
            return redirect(f"{reverse('accounts:verify')}?next={self.get_success_url()}")
        return response


class VerifyView(LoginRequiredMixin, View):
    """Second step of sign-in for users who turned two-factor on."""

    template_name = "accounts/verify.html"

    def get(self, request):
        if not needs_second_factor(request.user):
            return redirect(_safe_next(request, reverse("dashboards:home")))
        return render(
            request, self.template_name, {"form": TokenForm(), "next": _safe_next(request, "")}
        )

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            for device in devices_for_user(request.user, confirmed=True):
                if device.verify_token(form.cleaned_data["token"]):
                    otp_login(request, device)
                    return redirect(_safe_next(request, reverse("dashboards:home")))
            form.add_error(
                "token",
                _("That code is not right. Check your phone's clock and try the newest code."),
            )
        return render(
            request, self.template_name, {"form": form, "next": _safe_next(request, "")}, status=400
        )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


class TwoFactorView(PermissionRequiredMixin, View):
    """Turn two-factor sign-in (TOTP, any authenticator app) on or off."""

    permission = "account.two_factor"
    template_name = "accounts/two_factor.html"

    def _render(self, request, form=None, status=200):
        device = selectors.confirmed_device(user=request.user)
        context = {"is_on": device is not None, "form": form or TokenForm()}
        if device is None:
            pending = services.two_factor_device_start(user=request.user)
            context.update(
                qr_svg=_qr_svg(pending.config_url),
                secret=base64.b32encode(pending.bin_key).decode(),
            )
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            if request.POST.get("action") == "remove":
                services.two_factor_device_remove(
                    user=request.user, token=form.cleaned_data["token"]
                )
                messages.success(request, _("Two-factor sign-in is off."))
            else:
                device = services.two_factor_device_confirm(
                    user=request.user, token=form.cleaned_data["token"]
                )
                otp_login(request, device)
                messages.success(request, _("Two-factor sign-in is on. Keep your phone with you."))
        except ApplicationError as error:
            form.add_error("token", error.message)
            return self._render(request, form, status=400)
        return redirect("accounts:two_factor")


class AuditLogView(PermissionRequiredMixin, TemplateView):
    permission = "audit.view"
    template_name = "accounts/audit_log.html"

    def get_context_data(self, **kwargs):
        filters = {
            "target_type": self.request.GET.get("target_type", ""),
            "actor": self.request.GET.get("actor", "").strip(),
            "action": self.request.GET.get("action", ""),
            "target_id": self.request.GET.get("target_id", "").strip(),
        }
        entries = selectors.audit_entry_list(user=self.request.user, **filters)
        page = Paginator(entries, 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            filters=filters,
            target_types=selectors.audit_target_types(),
            actions=AuditEntry.Action.choices,
            **kwargs,
        )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    form_class = QueuedPasswordResetForm


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
