"""From a scenario to the siting engine's plain data: demand points and their weights,
candidate sites, existing offices, an optional distance table.

Problems a planner can fix come back as one ApplicationError with a message per form field."""

from dataclasses import dataclass

import numpy as np
from django.db.models import Count
from django.utils.translation import gettext as _

from wasla.citizen_spaces.models import ServiceRequest
from wasla.core.validation import FieldErrors
from wasla.engines.siting import DistanceTable, Points
from wasla.organisations.models import Office
from wasla.planning import uploads
from wasla.planning.models import Scenario
from wasla.territories.models import Locality
from wasla.territories.selectors import corridor_territory_q

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class DemandPoint:
    id: str
    name: str
    latitude: float
    longitude: float
    population: float
    women: float
    weight: float


@dataclass(frozen=True)
class PreparedScenario:
    demand: list[DemandPoint]
    candidates: list[Site]
    existing: list[Site]
    distances: DistanceTable | None

    @property
    def weights(self) -> np.ndarray:
        return np.array([point.weight for point in self.demand], dtype=float)

    @property
    def population(self) -> np.ndarray:
        return np.array([point.population for point in self.demand], dtype=float)

    @property
    def women(self) -> np.ndarray:
        return np.array([point.women for point in self.demand], dtype=float)

    def demand_points(self) -> Points:
        return as_points(self.demand, name="demand")

    def candidate_points(self) -> Points:
        return as_points(self.candidates, name="candidates")

    def existing_points(self) -> Points | None:
        return as_points(self.existing, name="existing") if self.existing else None


def as_points(items, name: str = "points") -> Points:
    return Points(
        ids=[item.id for item in items],
        lat=np.array([item.latitude for item in items], dtype=float),
        lon=np.array([item.longitude for item in items], dtype=float),
        name=name,
    )


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distances between every (lat1, lon1) and every (lat2, lon2), in km."""
    lat1, lon1 = np.radians(np.asarray(lat1))[:, None], np.radians(np.asarray(lon1))[:, None]
    lat2, lon2 = np.radians(np.asarray(lat2))[None, :], np.radians(np.asarray(lon2))[None, :]
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def territory_localities(scenario: Scenario):
    """The localities of the scenario's territory (empty when the territory is not set)."""
    queryset = Locality.objects.select_related("governorate")
    kind = scenario.territory_kind
    if kind == Scenario.TerritoryKind.GOVERNORATE and scenario.governorate_id:
        return queryset.filter(governorate_id=scenario.governorate_id)
    if kind == Scenario.TerritoryKind.MUNICIPALITY and scenario.municipality_id:
        return queryset.filter(municipality_id=scenario.municipality_id)
    if kind == Scenario.TerritoryKind.CORRIDOR and scenario.corridor_id:
        return queryset.filter(corridor_territory_q(scenario.corridor)).distinct()
    return queryset.none()


def _locality_demand(scenario: Scenario, errors: FieldErrors) -> list[DemandPoint]:
    localities = list(territory_localities(scenario).order_by("pk"))
    if not localities:
        errors.add("territory_kind", _("This territory has no localities in Wasla."))
        return []
    requests: dict[int, int] = {}
    if scenario.weighting == Scenario.Weighting.REQUESTS:
        requests = dict(
            ServiceRequest.objects.filter(residence_locality__in=[loc.pk for loc in localities])
            .values("residence_locality")
            .annotate(count=Count("pk"))
            .values_list("residence_locality", "count")
        )
    share = scenario.women_share / 100
    points = []
    for locality in localities:
        population = float(locality.population)
        women = population * share
        if scenario.weighting == Scenario.Weighting.REQUESTS:
            weight = float(requests.get(locality.pk, 0))
        elif scenario.weighting == Scenario.Weighting.WOMEN:
            weight = women
        elif scenario.weighting == Scenario.Weighting.MIX:
            weight = scenario.mix_population * population + scenario.mix_women * women
        else:
            weight = population
        points.append(
            DemandPoint(
                id=str(locality.geonames_id),
                name=locality.display_name,
                latitude=locality.latitude,
                longitude=locality.longitude,
                population=population,
                women=women,
                weight=weight,
            )
        )
    if scenario.weighting == Scenario.Weighting.REQUESTS and not requests:
        errors.add(
            "weighting",
            _("No Citizen Space request records a place of residence in this territory yet."),
        )
    return points


def _uploaded_demand(scenario: Scenario, errors: FieldErrors) -> list[DemandPoint]:
    if not scenario.demand_csv:
        errors.add("demand_file", _("Upload the file of demand points."))
        return []
    rows = uploads.parse_points(
        scenario.demand_csv,
        max_rows=uploads.DEMAND_MAX_ROWS,
        errors=errors,
        field_name="demand_file",
        weight_columns=uploads.WEIGHT_COLUMNS,
        required_weights=("population",),
    )
    if not rows:
        return []
    columns = set(rows[0].values)
    needed = {
        Scenario.Weighting.MIGRANTS: {"migrants"},
        Scenario.Weighting.POOREST: {"poorest"},
        Scenario.Weighting.MIX: {
            column
            for column, share in (
                ("migrants", scenario.mix_migrants),
                ("poorest", scenario.mix_poorest),
            )
            if share > 0
        },
    }.get(scenario.weighting, set())
    for column in sorted(needed - columns):
        errors.add(
            "demand_file",
            _("These weights need a “%(column)s” column in the demand file.") % {"column": column},
        )
    if needed - columns:
        return []
    share = scenario.women_share / 100
    points = []
    for row in rows:
        population = row.values["population"]
        women = row.values.get("women", population * share)
        weight = {
            Scenario.Weighting.WOMEN: women,
            Scenario.Weighting.MIGRANTS: row.values.get("migrants", 0.0),
            Scenario.Weighting.POOREST: row.values.get("poorest", 0.0),
            Scenario.Weighting.MIX: scenario.mix_population * population
            + scenario.mix_women * women
            + scenario.mix_migrants * row.values.get("migrants", 0.0)
            + scenario.mix_poorest * row.values.get("poorest", 0.0),
        }.get(scenario.weighting, population)
        points.append(
            DemandPoint(
                id=row.id,
                name=row.name,
                latitude=row.latitude,
                longitude=row.longitude,
                population=population,
                women=women,
                weight=weight,
            )
        )
    return points


def _existing_sites(scenario: Scenario, demand: list[DemandPoint]) -> list[Site]:
    """Open offices of the chosen kind that someone in the territory could reach within the
    travel distance, or that stand in the territory: people near a border use the office
    across it."""
    if not scenario.existing_kind or not demand:
        return []
    offices = list(
        Office.objects.filter(kind=scenario.existing_kind, is_active=True).order_by("slug")
    )
    if not offices:
        return []
    inside = set(territory_localities(scenario).values_list("pk", flat=True))
    km = great_circle_km(
        [point.latitude for point in demand],
        [point.longitude for point in demand],
        [office.latitude for office in offices],
        [office.longitude for office in offices],
    )
    reachable = (km * scenario.detour <= scenario.radius_km).any(axis=0)
    return [
        Site(id=office.slug, name=office.name, latitude=office.latitude, longitude=office.longitude)
        for office, near in zip(offices, reachable, strict=True)
        if near or office.locality_id in inside
    ]


def _candidate_sites(scenario: Scenario, errors: FieldErrors) -> list[Site]:
    source = scenario.candidate_source
    if source == Scenario.CandidateSource.UPLOAD:
        if not scenario.candidates_csv:
            errors.add("candidates_file", _("Upload the file of candidate sites."))
            return []
        rows = uploads.parse_points(
            scenario.candidates_csv,
            max_rows=uploads.CANDIDATES_MAX_ROWS,
            errors=errors,
            field_name="candidates_file",
        )
        return [Site(row.id, row.name, row.latitude, row.longitude) for row in rows]
    localities = territory_localities(scenario)
    if source == Scenario.CandidateSource.OFFICES:
        offices = (
            Office.objects.filter(is_active=True, locality__in=localities)
            .exclude(kind=scenario.existing_kind)
            .order_by("slug")
        )
        sites = [Site(o.slug, o.name, o.latitude, o.longitude) for o in offices]
        if not sites:
            errors.add(
                "candidate_source", _("No other office stands in this territory to host a site.")
            )
        return sites
    return [
        Site(str(loc.geonames_id), loc.display_name, loc.latitude, loc.longitude)
        for loc in localities.order_by("pk")
    ]


def _distance_table(scenario: Scenario, errors: FieldErrors) -> DistanceTable | None:
    if not scenario.distances_csv:
        return None
    rows = uploads.parse_distances(
        scenario.distances_csv,
        max_rows=uploads.DISTANCES_MAX_ROWS,
        errors=errors,
        field_name="distances_file",
    )
    if not rows:
        return None
    return DistanceTable(
        origin_ids=[row[0] for row in rows],
        destination_ids=[row[1] for row in rows],
        km=np.array([row[2] for row in rows], dtype=float),
    )


def check_parameters(scenario: Scenario, errors: FieldErrors) -> None:
    """Rules on the parameters alone, before any data is read."""
    if scenario.territory is None:
        errors.add("territory_kind", _("Choose the territory."))
    if scenario.needs_p and not scenario.p:
        errors.add("p", _("Say how many new sites to open."))
    if not 0 < scenario.radius_km <= 500:
        errors.add("radius_km", _("The travel distance must be between 0 and 500 km."))
    if not 1.0 <= scenario.detour <= 3.0:
        errors.add("detour", _("The detour factor must be between 1 and 3."))
    if not 0 <= scenario.women_share <= 100:
        errors.add("women_share", _("The women's share must be between 0 and 100 %."))
    if not 1 <= scenario.time_limit <= 600:
        errors.add("time_limit", _("The time limit must be between 1 and 600 seconds."))
    if scenario.weighting == Scenario.Weighting.MIX:
        shares = (
            scenario.mix_population,
            scenario.mix_women,
            scenario.mix_migrants,
            scenario.mix_poorest,
        )
        if any(share < 0 for share in shares) or not any(share > 0 for share in shares):
            errors.add(
                "mix_population", _("Give the mix weights of 0 or more, at least one above 0.")
            )
        if scenario.demand_source != Scenario.DemandSource.UPLOAD and (
            scenario.mix_migrants > 0 or scenario.mix_poorest > 0
        ):
            errors.add(
                "mix_migrants",
                _("Migrants and the poorest can be weighted only with an uploaded demand file."),
            )
    if scenario.demand_source == Scenario.DemandSource.LOCALITIES and scenario.weighting in (
        Scenario.Weighting.MIGRANTS,
        Scenario.Weighting.POOREST,
    ):
        errors.add(
            "weighting",
            _("Migrants and the poorest can be weighted only with an uploaded demand file."),
        )
    if (
        scenario.weighting == Scenario.Weighting.REQUESTS
        and scenario.demand_source != Scenario.DemandSource.LOCALITIES
    ):
        errors.add(
            "weighting",
            _("Requests recorded by Wasla weigh the localities: choose localities as demand."),
        )


def prepare(scenario: Scenario) -> PreparedScenario:
    """Everything the engine needs, or ApplicationError naming every field at fault."""
    errors = FieldErrors()
    check_parameters(scenario, errors)
    errors.raise_if_any()
    if scenario.demand_source == Scenario.DemandSource.UPLOAD:
        demand = _uploaded_demand(scenario, errors)
    else:
        demand = _locality_demand(scenario, errors)
    candidates = _candidate_sites(scenario, errors)
    distances = _distance_table(scenario, errors)
    errors.raise_if_any()
    if demand and sum(point.weight for point in demand) <= 0:
        errors.add("weighting", _("With these weights nobody counts: every weight is 0."))
    if scenario.needs_p and scenario.p and scenario.p > len(candidates):
        errors.add(
            "p",
            _("There are only %(count)s candidate sites; ask for at most that many.")
            % {"count": len(candidates)},
        )
    existing = _existing_sites(scenario, demand)
    clashes = {site.id for site in existing} & {site.id for site in candidates}
    if clashes and scenario.candidate_source == Scenario.CandidateSource.UPLOAD:
        errors.add(
            "candidates_file",
            _("These candidate ids are already used by existing offices: %(ids)s.")
            % {"ids": ", ".join(sorted(clashes)[:5])},
        )
    errors.raise_if_any()
    return PreparedScenario(
        demand=demand, candidates=candidates, existing=existing, distances=distances
    )
