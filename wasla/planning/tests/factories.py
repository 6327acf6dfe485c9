"""Scenarios for the planner's tests, on the demo landscape (Tataouine: six localities, three
Citizen Spaces)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from wasla.organisations.models import Organisation
from wasla.planning.models import Scenario
from wasla.territories.models import Governorate

TATAOUINE = "TN-83"


def scenario_fields(**overrides) -> dict:
    fields = {
        "name": "Tataouine, two new Citizen Spaces",
        "notes": "",
        "territory_kind": Scenario.TerritoryKind.GOVERNORATE,
        "governorate": Governorate.objects.get(code=TATAOUINE),
        "municipality": None,
        "corridor": None,
        "demand_source": Scenario.DemandSource.LOCALITIES,
        "weighting": Scenario.Weighting.POPULATION,
        "women_share": 50.0,
        "mix_population": 0.0,
        "mix_women": 0.0,
        "mix_migrants": 0.0,
        "mix_poorest": 0.0,
        "existing_kind": "citizen_space",
        "candidate_source": Scenario.CandidateSource.LOCALITIES,
        "model": Scenario.SitingModel.MCLP,
        "p": 2,
        "radius_km": 15.0,
        "detour": 1.3,
        "time_limit": 30,
    }
    return fields | overrides


def make_scenario(actor, organisation_slug: str = "lda-kairouan", files=None, **overrides):
    from wasla.planning import services  # imported here: the engine is heavy to load

    return services.scenario_create(
        actor=actor,
        organisation=Organisation.objects.get(slug=organisation_slug),
        fields=scenario_fields(**overrides),
        files=files,
    )


def csv_file(text: str, name: str = "points.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


# A small grid around Tataouine: two clusters 60 km apart.
DEMAND_CSV = """id,lat,lon,population,women,migrants,poorest
a1,32.93,10.45,1000,520,30,100
a2,32.95,10.47,800,400,10,50
a3,32.91,10.43,600,310,5,80
b1,33.40,10.10,900,450,200,300
b2,33.42,10.12,700,360,150,200
"""
CANDIDATES_CSV = """id,lat,lon,name
site-a,32.93,10.46,Near A
site-b,33.41,10.11,Near B
site-c,33.15,10.30,Between
"""
