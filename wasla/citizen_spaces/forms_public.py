"""Forms of the public pages. They only read what the citizen typed; the services decide
what is acceptable (phone numbers, documents, stages) and their messages reach the form."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wasla.citizen_spaces.models import LANGUAGES, ContactChannel
from wasla.territories.models import Locality

DOCUMENT_TYPES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
PHONE_ATTRS = {"type": "tel", "autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks their number, size and type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": DOCUMENT_TYPES, "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files if file]


class LocalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, locality):
        return locality.display_name


def _phone_field(label=None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Mobile phone number"),
        max_length=30,
        help_text=_("Example: 22 123 456"),
        widget=forms.TextInput(attrs=PHONE_ATTRS),
    )


class OnlineRequestForm(forms.Form):
    requester_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = _phone_field()
    details = forms.CharField(
        label=_("Details of your request (optional)"),
        help_text=_("For example: whose extract, how many copies, for which use."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = MultipleFileField(
        label=_("Documents (optional)"),
        help_text=_("Up to 5 files: PDF, JPEG or PNG, 5 MB each at most."),
        required=False,
    )
    residence_locality = LocalityChoiceField(
        label=_("Where do you live? (optional)"),
        queryset=Locality.objects.none(),
        required=False,
        empty_label=_("— Choose —"),
    )
    contact_channel = forms.ChoiceField(
        label=_("Tell me about my request by"),
        choices=ContactChannel.choices,
        initial=ContactChannel.SMS,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(
        label=_("Email (needed to be told by email)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=LANGUAGES)
    code = forms.CharField(
        label=_("Code received by SMS"),
        max_length=12,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"}
        ),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence_locality"].queryset = Locality.objects.filter(
            governorate_id=office.locality.governorate_id
        ).order_by("name")
        self.fields["language"].initial = (get_language() or "ar")[:2]

    def service_fields(self) -> dict:
        """What request_submit takes from the form."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "requester_name",
                "phone",
                "email",
                "contact_channel",
                "language",
                "residence_locality",
                "details",
            )
        }


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Request reference"),
        max_length=40,
        help_text=_("As in the SMS: CS-XXXXX-XXXXX"),
        widget=forms.TextInput(
            attrs={"dir": "ltr", "autocapitalize": "characters", "autocomplete": "off"}
        ),
    )
    phone = _phone_field(_("The phone number given with the request"))


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[
            (1, _("1 star: very bad")),
            (2, _("2 stars: bad")),
            (3, _("3 stars: fair")),
            (4, _("4 stars: good")),
            (5, _("5 stars: excellent")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppointmentForm(forms.Form):
    slot = forms.IntegerField(
        label=_("Time"), error_messages={"required": _("Choose a time.")}, min_value=1
    )
    requester_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = _phone_field()


class AppointmentCancelForm(forms.Form):
    code = forms.CharField(
        label=_("Booking code"),
        max_length=20,
        help_text=_("As in the SMS: RV-XXXXXXXX"),
        widget=forms.TextInput(
            attrs={"dir": "ltr", "autocapitalize": "characters", "autocomplete": "off"}
        ),
    )
    phone = _phone_field(_("The phone number given when booking"))
