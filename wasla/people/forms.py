import functools
import gettext

import pycountry
from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wasla.organisations.models import Office, Organisation
from wasla.people.isco import isco_unit_choices
from wasla.people.models import Consent, MigrationEpisode, Person, PersonDocument
from wasla.territories.models import Locality


@functools.cache
def _country_names(language: str) -> list[tuple[str, str]]:
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )
    names = [
        (country.alpha_2, translation.gettext(country.name)) for country in pycountry.countries
    ]
    tunisia = [pair for pair in names if pair[0] == "TN"]
    return tunisia + sorted((pair for pair in names if pair[0] != "TN"), key=lambda pair: pair[1])


def country_choices() -> list[tuple[str, str]]:
    return _country_names((get_language() or "ar")[:2])


@functools.cache
def _isco_options(language: str) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{} — {}</option>',
        (
            (code, format_html(' lang="{}"', lang) if lang != language else "", code, title)
            for code, title, lang in isco_unit_choices(language)
        ),
    )


class OccupationCodesInput(forms.TextInput):
    """One text input per occupation, each offering the ISCO-08 unit groups of a shared
    <datalist> ("2512 — Software developers", in the page's language). A datalist completes the
    whole value of an input, so a single comma-separated input would suggest only its first
    code. Every input still takes several codes separated by commas; the field joins them."""

    def __init__(self, attrs=None):
        super().__init__({"dir": "ltr", "autocomplete": "off", **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return ", ".join(value.strip() for value in values if value and value.strip())

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        first_id = attrs.get("id") or f"id_{name}"
        list_id = f"{first_id}_isco08"
        codes = [code.strip() for code in str(value or "").replace(";", ",").split(",")]
        codes = [code for code in codes if code]
        inputs = []
        for index, code in enumerate([*codes, ""] if codes else ["", ""]):
            input_attrs = {**attrs, "list": list_id}
            if index:
                input_attrs["id"] = f"{first_id}_{index + 1}"
                input_attrs["aria-label"] = _("Another occupation (ISCO-08 code)")
            # A <p> stacks the inputs with the form's spacing, without styles of its own.
            inputs.append(
                format_html("<p>{}</p>", super().render(name, code, input_attrs, renderer))
            )
        language = (get_language() or "ar")[:2]
        return mark_safe("".join(inputs)) + format_html(
            '<datalist id="{}">{}</datalist>', list_id, _isco_options(language)
        )


class LocalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, locality):
        return f"{locality.display_name} — {locality.governorate.name}"


def _locality_field(label):
    return LocalityChoiceField(
        label=label,
        queryset=Locality.objects.select_related("governorate").order_by(
            "governorate__code", "name"
        ),
        required=False,
    )


class PersonForm(forms.Form):
    """What the desk types; the registry service checks and normalises it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    given_name_ar = forms.CharField(
        label=_("Given name (Arabic script)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
    )
    father_name_ar = forms.CharField(
        label=_("Father's name (Arabic script)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
    )
    family_name_ar = forms.CharField(
        label=_("Family name (Arabic script)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
    )
    given_name_latin = forms.CharField(
        label=_("Given name (Latin script)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    father_name_latin = forms.CharField(
        label=_("Father's name (Latin script)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    family_name_latin = forms.CharField(
        label=_("Family name (Latin script)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth, if the date is not known"), required=False
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "dir": "ltr", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    national_id = forms.CharField(
        label=_("National identity card number"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )
    nationality = forms.ChoiceField(label=_("Nationality"), choices=country_choices, initial="TN")
    population_group = forms.ChoiceField(
        label=_("Population group"), choices=Person.PopulationGroup.choices
    )
    residence_locality = _locality_field(_("Lives in"))
    origin_locality = _locality_field(_("Comes from"))
    education_level = forms.ChoiceField(
        label=_("Education"), choices=[("", "—"), *Person.EducationLevel.choices], required=False
    )
    occupations = forms.CharField(
        label=_("Occupations (ISCO-08 codes; suggestions appear as you type)"),
        required=False,
        widget=OccupationCodesInput,
    )
    skills = forms.CharField(
        label=_("Skills"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    has_disability = forms.BooleanField(label=_("Has a disability"), required=False)
    disability_notes = forms.CharField(
        label=_("Disability: what helps"), max_length=255, required=False
    )
    household_size = forms.IntegerField(
        label=_("Household size"), required=False, min_value=1, max_value=40
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("ar", "العربية"), ("fr", "Français"), ("en", "English")],
    )
    contact_channel = forms.ChoiceField(
        label=_("Preferred contact channel"), choices=Person.ContactChannel.choices
    )

    def __init__(self, *args, show_national_id: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_national_id:
            del self.fields["national_id"]

    def person_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    @classmethod
    def initial_from(cls, person: Person) -> dict:
        initial = {name: getattr(person, name) for name in cls.base_fields if hasattr(person, name)}
        initial["occupations"] = ", ".join(person.occupations)
        initial["version"] = person.version
        return initial


class MigrationEpisodeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MigrationEpisode.Kind.choices)
    departure_country = forms.ChoiceField(
        label=_("Country of departure"), choices=country_choices, initial="TN"
    )
    departure_locality = _locality_field(_("Locality of departure (in Tunisia)"))
    destination_country = forms.ChoiceField(
        label=_("Country of destination"), choices=country_choices, initial="TN"
    )
    destination_locality = _locality_field(_("Locality of destination (in Tunisia)"))
    started_on = forms.DateField(
        label=_("Left on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ended_on = forms.DateField(
        label=_("Arrived on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    year = forms.IntegerField(label=_("Year"), required=False)
    return_type = forms.ChoiceField(
        label=_("Kind of return"),
        required=False,
        choices=[("", "—"), *MigrationEpisode.ReturnType.choices],
    )
    notes = forms.CharField(label=_("Notes"), max_length=255, required=False)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    given_on = forms.DateField(
        label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    method = forms.ChoiceField(label=_("How it was given"), choices=Consent.Method.choices)
    notes = forms.CharField(label=_("Notes"), max_length=255, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone, identity card number or reference"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PersonDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=150)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class PartnerFileForm(forms.Form):
    """A partner's CSV of people (docs/duplicates.md, "Files from partners"); the service checks
    the file itself, row by row."""

    file = forms.FileField(
        label=_("CSV file (UTF-8, comma or semicolon, at most 5 MB and 20,000 rows)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Partner that registered these people"),
        queryset=Organisation.objects.order_by("name_fr"),
    )
    office = forms.ModelChoiceField(
        label=_("Office that will serve them"),
        help_text=_("One of your offices: its staff will see these people."),
        queryset=Office.objects.none(),
    )
    population_group = forms.ChoiceField(
        label=_("Population group, for rows that give none"),
        choices=Person.PopulationGroup.choices,
    )
    consent_attested = forms.BooleanField(
        label=_(
            "The partner attests that every person in the file consented to share their data "
            "with the programme."
        ),
        required=True,
    )

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is not None:
            self.fields["office"].queryset = offices
