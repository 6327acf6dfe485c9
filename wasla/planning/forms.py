"""The scenario form: types and ranges here; the rules between fields live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wasla.organisations.models import Office
from wasla.planning import uploads
from wasla.planning.models import (
    DEFAULT_DETOUR,
    DEFAULT_RADIUS_KM,
    DEFAULT_TIME_LIMIT,
    DEFAULT_WOMEN_SHARE,
    Scenario,
)
from wasla.territories.models import Corridor, Governorate, Municipality


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.governorate.name})"


def _size_help(limit_bytes: int, rows: int) -> str:
    return _("CSV, at most %(mb)s MB and %(rows)s rows.") % {
        "mb": limit_bytes // (1024 * 1024),
        "rows": f"{rows:,}",
    }


class ScenarioForm(forms.Form):
    organisation = NamedChoiceField(label=_("Organisation"), queryset=None, required=False)
    name = forms.CharField(label=_("Name of the scenario"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    territory_kind = forms.ChoiceField(
        label=_("Kind of territory"),
        choices=Scenario.TerritoryKind.choices,
        widget=forms.RadioSelect,
        initial=Scenario.TerritoryKind.GOVERNORATE,
    )
    governorate = NamedChoiceField(
        label=_("Governorate"), queryset=Governorate.objects.order_by("code"), required=False
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.select_related("governorate").order_by(
            "governorate__code", "name_fr"
        ),
        required=False,
    )
    corridor = NamedChoiceField(
        label=_("Corridor"), queryset=Corridor.objects.order_by("slug"), required=False
    )
    demand_source = forms.ChoiceField(
        label=_("Where people live"),
        choices=Scenario.DemandSource.choices,
        widget=forms.RadioSelect,
        initial=Scenario.DemandSource.LOCALITIES,
    )
    demand_file = forms.FileField(
        label=_("Demand points (CSV)"),
        required=False,
        help_text=_size_help(uploads.DEMAND_MAX_BYTES, uploads.DEMAND_MAX_ROWS),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    weighting = forms.ChoiceField(
        label=_("Who counts"),
        choices=Scenario.Weighting.choices,
        initial=Scenario.Weighting.POPULATION,
    )
    women_share = forms.FloatField(
        label=_("Women's share of the population (%)"),
        min_value=0,
        max_value=100,
        initial=DEFAULT_WOMEN_SHARE,
        help_text=_("Used when the data has no count of women."),
    )
    mix_population = forms.FloatField(label=_("Everyone"), min_value=0, initial=0, required=False)
    mix_women = forms.FloatField(label=_("Women"), min_value=0, initial=0, required=False)
    mix_migrants = forms.FloatField(label=_("Migrants"), min_value=0, initial=0, required=False)
    mix_poorest = forms.FloatField(label=_("The poorest"), min_value=0, initial=0, required=False)
    existing_kind = forms.ChoiceField(
        label=_("Existing offices kept open"),
        choices=[("", _("None")), *Office.Kind.choices],
        required=False,
        initial=Office.Kind.CITIZEN_SPACE,
    )
    candidate_source = forms.ChoiceField(
        label=_("Candidate sites"),
        choices=Scenario.CandidateSource.choices,
        widget=forms.RadioSelect,
        initial=Scenario.CandidateSource.LOCALITIES,
    )
    candidates_file = forms.FileField(
        label=_("Candidate sites (CSV)"),
        required=False,
        help_text=_size_help(uploads.CANDIDATES_MAX_BYTES, uploads.CANDIDATES_MAX_ROWS),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    model = forms.ChoiceField(
        label=_("Question"),
        choices=Scenario.SitingModel.choices,
        widget=forms.RadioSelect,
        initial=Scenario.SitingModel.MCLP,
    )
    p = forms.IntegerField(
        label=_("Number of new sites"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Not needed for “fewest sites”: the answer says how many."),
    )
    radius_km = forms.FloatField(
        label=_("Travel distance (km)"),
        min_value=0.1,
        max_value=500,
        initial=DEFAULT_RADIUS_KM,
        help_text=_("Someone within this distance of a site counts as served."),
    )
    detour = forms.FloatField(
        label=_("Detour factor"),
        min_value=1,
        max_value=3,
        initial=DEFAULT_DETOUR,
        help_text=_("Roads are longer than a straight line: straight-line distance × this factor."),
    )
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"), min_value=1, max_value=600, initial=DEFAULT_TIME_LIMIT
    )
    distances_file = forms.FileField(
        label=_("Distance table (CSV, optional)"),
        required=False,
        help_text=_size_help(uploads.DISTANCES_MAX_BYTES, uploads.DISTANCES_MAX_ROWS),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    clear_distances = forms.BooleanField(
        label=_("Remove the uploaded distance table"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organisations=None, scenario: Scenario | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if scenario is not None or organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].required = True
            only = list(organisations[:2])
            if len(only) == 1:
                # Nothing to choose: the planner's one organisation owns the scenario.
                self.fields["organisation"].initial = only[0].pk
                self.fields["organisation"].widget = forms.HiddenInput()
        if scenario is None or not scenario.distances_csv:
            del self.fields["clear_distances"]

    def clean(self):
        data = super().clean()
        kind = data.get("territory_kind")
        if kind and not data.get(kind):
            self.add_error(kind, _("Choose the territory."))
        return data

    def scenario_fields(self) -> dict:
        data = self.cleaned_data
        kind = data["territory_kind"]
        return {
            "name": data["name"],
            "notes": data["notes"],
            "territory_kind": kind,
            "governorate": data["governorate"] if kind == "governorate" else None,
            "municipality": data["municipality"] if kind == "municipality" else None,
            "corridor": data["corridor"] if kind == "corridor" else None,
            "demand_source": data["demand_source"],
            "weighting": data["weighting"],
            "women_share": data["women_share"],
            "mix_population": data["mix_population"] or 0.0,
            "mix_women": data["mix_women"] or 0.0,
            "mix_migrants": data["mix_migrants"] or 0.0,
            "mix_poorest": data["mix_poorest"] or 0.0,
            "existing_kind": data["existing_kind"],
            "candidate_source": data["candidate_source"],
            "model": data["model"],
            "p": data["p"],
            "radius_km": data["radius_km"],
            "detour": data["detour"],
            "time_limit": data["time_limit"],
        }

    def uploaded_files(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("demand_file", "candidates_file", "distances_file")
            if self.cleaned_data.get(name)
        }


def initial_for(scenario: Scenario) -> dict:
    """The form's values for an existing scenario."""
    initial = {
        name: getattr(scenario, name)
        for name in (
            "name",
            "notes",
            "territory_kind",
            "demand_source",
            "weighting",
            "women_share",
            "mix_population",
            "mix_women",
            "mix_migrants",
            "mix_poorest",
            "existing_kind",
            "candidate_source",
            "model",
            "p",
            "radius_km",
            "detour",
            "time_limit",
            "version",
        )
    }
    initial |= {
        "governorate": scenario.governorate_id,
        "municipality": scenario.municipality_id,
        "corridor": scenario.corridor_id,
    }
    return initial


class CompareForm(forms.Form):
    """2 to 4 scenarios, chosen on the list page."""

    s = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args, scenario_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["s"].choices = [(pk, pk) for pk in scenario_ids]

    def clean_s(self):
        chosen = self.cleaned_data["s"]
        if not 2 <= len(chosen) <= 4:
            raise forms.ValidationError(_("Choose between 2 and 4 scenarios to compare."))
        return chosen
