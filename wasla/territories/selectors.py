"""Reads of territories. Territories are public knowledge: no scoping needed."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from wasla.territories.models import Corridor, Governorate, Locality, Municipality


def _locality_totals(outer_field: str) -> dict:
    """Count and population of localities as subqueries: summing across two joins would
    count each locality once per municipality."""
    localities = (
        Locality.objects.filter(**{outer_field: OuterRef("pk")}).order_by().values(outer_field)
    )
    return {
        "locality_count": Coalesce(Subquery(localities.annotate(n=Count("pk")).values("n")), 0),
        "population": Coalesce(
            Subquery(localities.annotate(total=Sum("population")).values("total")), 0
        ),
    }


def governorate_list() -> QuerySet:
    return Governorate.objects.annotate(
        **_locality_totals("governorate"),
        municipality_count=Count("municipalities", distinct=True),
    ).order_by("code")


def governorate_get(*, code: str) -> Governorate:
    return governorate_list().get(code=code.upper())


def municipality_list(*, governorate_code: str | None = None) -> QuerySet:
    queryset = Municipality.objects.select_related("governorate", "seat").annotate(
        **_locality_totals("municipality")
    )
    if governorate_code:
        queryset = queryset.filter(governorate__code=governorate_code.upper())
    return queryset


def corridor_territory_q(corridor: Corridor, prefix: str = "") -> Q:
    """Localities that lie in the corridor, whichever level its members are given at."""
    return (
        Q(**{f"{prefix}governorate__corridors": corridor})
        | Q(**{f"{prefix}municipality__corridors": corridor})
        | Q(**{f"{prefix}corridors": corridor})
    )


def locality_list(
    *,
    governorate_code: str | None = None,
    municipality_slug: str | None = None,
    corridor_slug: str | None = None,
    min_population: int | None = None,
    search: str | None = None,
) -> QuerySet:
    queryset = Locality.objects.select_related("governorate", "municipality")
    if governorate_code:
        queryset = queryset.filter(governorate__code=governorate_code.upper())
    if municipality_slug:
        queryset = queryset.filter(municipality__slug=municipality_slug)
    if corridor_slug:
        corridor = Corridor.objects.filter(slug=corridor_slug).first()
        if corridor is None:
            return queryset.none()
        queryset = queryset.filter(corridor_territory_q(corridor)).distinct()
    if min_population:
        queryset = queryset.filter(population__gte=min_population)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(name_ar__icontains=search))
    return queryset


def corridor_list() -> QuerySet:
    return Corridor.objects.prefetch_related("governorates", "municipalities", "localities")


def corridor_get(*, slug: str) -> Corridor:
    return corridor_list().get(slug=slug)


def corridor_summary(*, corridor: Corridor) -> dict:
    localities = Locality.objects.filter(corridor_territory_q(corridor)).distinct()
    return {
        "locality_count": localities.count(),
        "population": sum(localities.values_list("population", flat=True)),
    }
