from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wasla.organisations.models import Office, OpeningPeriod, Role


class OfficeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    is_active = forms.BooleanField(label=_("Open to the public"), required=False)


class OpeningPeriodForm(forms.Form):
    # The blank choice lets the spare rows of the form stay empty and be ignored.
    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=[("", "—"), *OpeningPeriod.Weekday.choices], coerce=int
    )
    opens = forms.TimeField(label=_("Opens"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(label=_("Closes"), widget=forms.TimeInput(attrs={"type": "time"}))


OpeningPeriodFormSet = forms.formset_factory(
    OpeningPeriodForm, extra=2, can_delete=True, max_num=21
)


class MembershipForm(forms.Form):
    username = forms.CharField(label=_("Username of the colleague"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Office.objects.none(),
        required=False,
        help_text=_("Leave empty for the whole organisation."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["office"].queryset = organisation.offices.all()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this username."))
        return user
