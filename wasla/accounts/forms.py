from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from wasla.core.tasks import send_email_message


class SignInForm(AuthenticationForm):
    """Django's sign-in form; its one error message never says whether the account exists."""

    error_messages = {
        "invalid_login": _(
            "The username or the password is not right. Both may be case-sensitive."
        ),
        "inactive": _("The username or the password is not right. Both may be case-sensitive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Autofocus would jump over the skip link and the page heading that screen readers announce.
        self.fields["username"].widget.attrs.pop("autofocus", None)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."))
        return token


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form; the email leaves through the task worker so the page answers at
    once and in the same time whether or not the address is known."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email_message.enqueue(subject=subject, body=body, to=[to_email], from_email=from_email)
