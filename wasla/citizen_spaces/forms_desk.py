"""What the desk pages let staff type. The services check the rules; these forms only turn
text into values and offer the choices that make sense at one Citizen Space."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wasla.citizen_spaces.models import (
    LANGUAGES,
    ContactChannel,
    Department,
    ServiceCategory,
    ServiceType,
    Stage,
    normalise_reference,
)
from wasla.territories.models import Locality

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "dir": "ltr"}, format="%H:%M")
NUMBER_WIDGET = forms.NumberInput(attrs={"dir": "ltr"})
REASON_HELP = _("Needed to reject a request (the reason) or to ask for a missing document.")


class NamedChoiceField(forms.ModelChoiceField):
    """Services, categories, departments and offices by their name in the page language."""

    def label_from_instance(self, obj):
        return obj.name


class NamedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class LocalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, locality):
        return locality.display_name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their number, size and kind."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


# ---------------------------------------------------------------------------------------
# Work queue


class QueueFilterForm(forms.Form):
    OPEN = ""
    ALL = "all"

    stage = forms.ChoiceField(label=_("Stage"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(
        label=_("Reference, phone or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (self.OPEN, _("Open requests")),
            (self.ALL, _("All stages")),
            *Stage.choices,
        ]
        departments = Department.objects.filter(services__in=services).distinct()
        self.fields["department"].choices = [
            ("", _("All departments")),
            *((department.slug, department.name) for department in departments),
        ]
        self.fields["service"].choices = [
            ("", _("All services")),
            *((service.code, service.name) for service in services),
        ]

    def queue_filters(self) -> dict:
        """Keyword arguments of selectors.work_queue."""
        data = self.cleaned_data if self.is_valid() else {}
        stage = data.get("stage") or self.OPEN
        return {
            "stage": stage if stage in Stage.values else None,
            "include_closed": stage == self.ALL,
            "department": data.get("department") or None,
            "service": data.get("service") or None,
            "overdue_only": bool(data.get("overdue")),
            "search": data.get("q") or "",
        }


class ReferenceListField(forms.MultipleChoiceField):
    """The references ticked in the queue; any well-formed reference is accepted here, the
    service says whether it exists at this Citizen Space."""

    widget = forms.MultipleHiddenInput

    def valid_value(self, value):
        return bool(normalise_reference(value))


def _next_stage_choices():
    return [(value, label) for value, label in Stage.choices if value != Stage.RECEIVED]


class BulkMoveForm(forms.Form):
    references = ReferenceListField(label=_("Requests"), required=False)
    to_stage = forms.ChoiceField(label=_("Move the chosen requests to"))
    reason = forms.CharField(
        label=_("Reason or missing documents"),
        required=False,
        max_length=2000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("Note for the timeline"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="bulk_%s", **kwargs)
        self.fields["to_stage"].choices = _next_stage_choices()


# ---------------------------------------------------------------------------------------
# One request


class MoveForm(forms.Form):
    # Every stage: the service, not the form, says which moves are allowed.
    to_stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason or missing documents"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=_("Note for the timeline"), required=False, max_length=500)


class DeskRequestForm(forms.Form):
    """A request taken at the desk, for someone standing at the counter."""

    service = NamedChoiceField(
        label=_("Service"), queryset=ServiceType.objects.none(), to_field_name="code"
    )
    requester_name = forms.CharField(label=_("Name of the requester"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "dir": "ltr", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"dir": "ltr"})
    )
    language = forms.ChoiceField(
        label=_("Language of the messages"),
        choices=LANGUAGES,
        initial="ar",
        widget=forms.RadioSelect,
    )
    contact_channel = forms.ChoiceField(
        label=_("Notify by"),
        choices=ContactChannel.choices,
        initial=ContactChannel.SMS,
        widget=forms.RadioSelect,
    )
    residence_locality = LocalityChoiceField(
        label=_("Lives in"), queryset=Locality.objects.none(), required=False
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=255)
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = MultipleFileField(label=_("Documents (PDF, JPEG or PNG, up to 5)"), required=False)
    idempotency_key = forms.CharField(max_length=80, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, office, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["residence_locality"].queryset = Locality.objects.filter(
            governorate_id=office.locality.governorate_id
        ).order_by("name")

    def request_fields(self) -> dict:
        """Keyword arguments of services.request_submit, apart from office and channel."""
        data = dict(self.cleaned_data)
        data["documents"] = data.pop("documents") or []
        data["idempotency_key"] = data.pop("idempotency_key") or None
        return data


# ---------------------------------------------------------------------------------------
# Catalogue


class ServiceForm(forms.ModelForm):
    """A service of the catalogue, in its three languages. Bound without an instance: the
    service (services.service_update) is what changes the stored record."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    offices = NamedMultipleChoiceField(
        label=_("Citizen Spaces that provide it"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ServiceType
        fields = [
            "code",
            "name_ar",
            "name_fr",
            "name_en",
            "description_ar",
            "description_fr",
            "description_en",
            "requirements_ar",
            "requirements_fr",
            "requirements_en",
            "category",
            "department",
            "fee_tnd",
            "target_working_days",
            "online",
            "is_active",
        ]
        field_classes = {"category": NamedChoiceField, "department": NamedChoiceField}
        widgets = {
            "code": forms.TextInput(attrs={"dir": "ltr"}),
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_fr": forms.TextInput(attrs={"dir": "ltr", "lang": "fr"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "description_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl", "lang": "ar"}),
            "description_fr": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "fr"}),
            "description_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "en"}),
            "requirements_ar": forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "ar"}),
            "requirements_fr": forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "fr"}),
            "requirements_en": forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "en"}),
            "fee_tnd": forms.NumberInput(attrs={"step": "0.001", "min": "0", "dir": "ltr"}),
            "target_working_days": forms.NumberInput(attrs={"min": "0", "dir": "ltr"}),
        }
        help_texts = {
            "requirements_ar": _("One document per line."),
            "requirements_fr": _("One document per line."),
            "requirements_en": _("One document per line."),
            "code": _("Letters, digits and dashes; the Open311 service code. It cannot change."),
        }

    def __init__(self, *args, offices, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offices"].queryset = offices
        self.fields["category"].queryset = ServiceCategory.objects.all()
        self.fields["department"].queryset = Department.objects.all()
        if editing:
            del self.fields["code"]
        else:
            del self.fields["version"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("offices", None)
        return data


# ---------------------------------------------------------------------------------------
# Appointment slots


class SlotsForm(forms.Form):
    category = NamedChoiceField(
        label=_("Service category"), queryset=ServiceCategory.objects.none(), empty_label=None
    )
    day = forms.DateField(label=_("Day"), widget=DATE_WIDGET)
    first = forms.TimeField(label=_("First slot starts at"), widget=TIME_WIDGET)
    last = forms.TimeField(label=_("Last slot starts at"), widget=TIME_WIDGET)
    minutes = forms.IntegerField(label=_("Length of a slot (minutes)"), widget=NUMBER_WIDGET)
    capacity = forms.IntegerField(label=_("People per slot"), widget=NUMBER_WIDGET)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["day"].initial = timezone.localdate() + datetime.timedelta(days=1)
        self.fields["first"].initial = datetime.time(8, 30)
        self.fields["last"].initial = datetime.time(12, 30)
        self.fields["minutes"].initial = 30
        self.fields["capacity"].initial = 1


# ---------------------------------------------------------------------------------------
# Statistics


class StatisticsFilterForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    office = forms.ChoiceField(label=_("Citizen Space"), required=False)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [
            ("", _("All Citizen Spaces")),
            *((office.slug, office.name) for office in offices),
        ]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period comes before its start."))
        return data
