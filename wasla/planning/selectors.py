"""Reads of the planner, scoped to the organisations in which the user holds the permission."""

from django.db.models import QuerySet

from wasla.organisations.models import Organisation
from wasla.organisations.scoping import scope_for
from wasla.planning.models import Scenario
from wasla.territories.models import Corridor, Governorate, Municipality

# Never read for lists: the uploads and the stored answer can be megabytes.
HEAVY_FIELDS = ("demand_csv", "candidates_csv", "distances_csv", "result")


def scenario_list(*, user, permission: str = "planning.view") -> QuerySet:
    """Scenarios of the organisations where `user` holds `permission`, newest change first."""
    scope = scope_for(user)
    queryset = Scenario.objects.select_related(
        "organisation", "governorate", "municipality", "corridor", "created_by"
    ).defer(*HEAVY_FIELDS)
    if scope.is_platform_admin:
        return queryset
    return queryset.filter(organisation__in=scope.organisations_where(permission))


def scenario_get(*, user, pk: int, permission: str = "planning.view") -> Scenario | None:
    """One scenario the user may see (or manage), with everything it stores; None otherwise."""
    scope = scope_for(user)
    queryset = Scenario.objects.select_related(
        "organisation", "governorate", "municipality", "corridor", "created_by"
    )
    if not scope.is_platform_admin:
        queryset = queryset.filter(organisation__in=scope.organisations_where(permission))
    return queryset.filter(pk=pk).first()


def scenarios_for_comparison(*, user, ids: list[int]) -> list[Scenario]:
    """The scenarios asked for that the user may see, in the order asked."""
    found = {s.pk: s for s in scenario_get_many(user=user, ids=ids)}
    return [found[pk] for pk in ids if pk in found]


def scenario_get_many(*, user, ids: list[int]) -> QuerySet:
    return (
        scenario_list(user=user)
        .defer(None)
        .defer("demand_csv", "candidates_csv", "distances_csv")
        .filter(pk__in=ids)
    )


def organisations_for_planning(*, user) -> QuerySet:
    """Organisations on whose behalf the user may create scenarios."""
    scope = scope_for(user)
    queryset = Organisation.objects.order_by("name_fr")
    if scope.is_platform_admin:
        return queryset
    return queryset.filter(pk__in=scope.organisations_where("planning.manage"))


def territory_choices() -> dict:
    return {
        "governorates": Governorate.objects.order_by("code"),
        "municipalities": Municipality.objects.select_related("governorate").order_by(
            "governorate__code", "name_fr"
        ),
        "corridors": Corridor.objects.order_by("slug"),
    }
