"""What each role sees first. One function per role, each reading through the user's scope.

Later apps (cases, citizen_spaces, jobs, monitoring) add their panels here; this app sits
on top of all of them so it may read from each."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from wasla.core.models import AuditEntry
from wasla.organisations.models import Office, Organisation, Role, StaffMembership
from wasla.organisations.scoping import DataScope, scope_for
from wasla.organisations.selectors import office_list
from wasla.people.models import Person
from wasla.people.selectors import person_list
from wasla.people.selectors_duplicates import people_count
from wasla.territories.models import Corridor, Locality
from wasla.territories.selectors import corridor_territory_q


def _my_offices(scope: DataScope):
    return scope.filter_by_office(office_list(), office_field="pk")


def _organisations(scope: DataScope, role: str):
    ids = scope.organisations_by_role.get(role, frozenset())
    queryset = Organisation.objects.select_related("governorate")
    return queryset if scope.is_platform_admin else queryset.filter(pk__in=ids)


def administrator_panel(scope: DataScope) -> dict:
    organisations = _organisations(scope, Role.ADMINISTRATOR).annotate(
        staff_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
        office_count=Count("offices", distinct=True),
    )
    offices = office_list().filter(organisation__in=organisations)
    return {"organisations": organisations, "offices": offices}


def counsellor_panel(scope: DataScope) -> dict:
    offices = (
        _my_offices(scope).filter(
            kind__in=[Office.Kind.REINTEGRATION_ANTENNA, Office.Kind.EMPLOYMENT_OFFICE]
        )
        if not scope.is_platform_admin
        else office_list().filter(kind=Office.Kind.REINTEGRATION_ANTENNA)
    )
    colleagues = StaffMembership.objects.filter(office__in=offices, is_active=True).select_related(
        "user", "office"
    )
    return {"offices": offices, "colleagues": colleagues}


def front_desk_panel(scope: DataScope) -> dict:
    offices = _my_offices(scope).filter(kind=Office.Kind.CITIZEN_SPACE)
    sister_spaces = (
        office_list(kind=Office.Kind.CITIZEN_SPACE)
        .filter(organisation__in=offices.values("organisation"))
        .exclude(pk__in=offices.values("pk"))
    )
    return {"offices": offices, "sister_spaces": sister_spaces}


def partner_panel(scope: DataScope) -> dict:
    organisations = _organisations(scope, Role.PARTNER_CASEWORKER)
    nearby = Organisation.objects.filter(
        governorate__in=organisations.values("governorate"), governorate__isnull=False
    ).exclude(pk__in=organisations.values("pk"))
    return {"organisations": organisations, "nearby": nearby}


def employment_panel(scope: DataScope) -> dict:
    service_kinds = [
        Office.Kind.EMPLOYMENT_OFFICE,
        Office.Kind.INCUBATOR,
        Office.Kind.TRAINING_CENTRE,
    ]
    offices = _my_offices(scope).filter(kind__in=service_kinds)
    governorates = offices.values("locality__governorate")
    nearby = (
        office_list()
        .filter(kind__in=service_kinds, locality__governorate__in=governorates)
        .exclude(pk__in=offices.values("pk"))
    )
    return {"offices": offices, "nearby": nearby}


def programme_manager_panel(scope: DataScope) -> dict:
    corridors = []
    for corridor in Corridor.objects.prefetch_related("governorates"):
        localities = Locality.objects.filter(corridor_territory_q(corridor)).distinct()
        offices = Office.objects.filter(is_active=True, locality__in=localities)
        corridors.append(
            {
                "corridor": corridor,
                "population": sum(localities.values_list("population", flat=True)),
                "locality_count": localities.count(),
                "offices_by_kind": [
                    (Office.Kind(row["kind"]).label, row["count"])
                    for row in offices.values("kind").annotate(count=Count("pk")).order_by("kind")
                ],
            }
        )
    organisations_by_kind = [
        (Organisation.Kind(row["kind"]).label, row["count"])
        for row in Organisation.objects.values("kind").annotate(count=Count("pk")).order_by("kind")
    ]
    return {"corridors": corridors, "organisations_by_kind": organisations_by_kind}


def auditor_panel(scope: DataScope) -> dict:
    since = timezone.now() - datetime.timedelta(days=30)
    recent = AuditEntry.objects.all()[:10]
    by_action = [
        (AuditEntry.Action(row["action"]).label, row["count"])
        for row in AuditEntry.objects.filter(at__gte=since)
        .values("action")
        .annotate(count=Count("pk"))
        .order_by("action")
    ]
    return {"recent": recent, "by_action": by_action}


def people_panel(user) -> dict:
    """People served by the manager's offices, each person counted once (docs/duplicates.md):
    what indicators report, with the rows and the pairs still to review beside it."""
    return {
        "people": people_count(user=user),
        "people_by_sex": [
            (label, people_count(user=user, sex=value).distinct)
            for value, label in Person.Sex.choices
        ],
        "can_review_duplicates": scope_for(user).can("people.duplicates.review"),
    }


PANELS = {
    Role.ADMINISTRATOR: administrator_panel,
    Role.COUNSELLOR: counsellor_panel,
    Role.FRONT_DESK_AGENT: front_desk_panel,
    Role.PARTNER_CASEWORKER: partner_panel,
    Role.EMPLOYMENT_OFFICER: employment_panel,
    Role.PROGRAMME_MANAGER: programme_manager_panel,
    Role.AUDITOR: auditor_panel,
}


FRONT_LINE_PANELS = {Role.COUNSELLOR, Role.FRONT_DESK_AGENT, Role.EMPLOYMENT_OFFICER}


def dashboard_panels(user) -> list[dict]:
    """One panel per role the user holds, in the order of the Role enumeration."""
    scope = scope_for(user)
    recent_people = person_list(user=user)[:5] if scope.can("people.view") else []
    panels = []
    for role in Role:
        if role in scope.roles:
            panel = {
                "role": role,
                "label": role.label,
                "template": f"dashboards/roles/{role.value}.html",
            }
            panel.update(PANELS[role](scope))
            if role in FRONT_LINE_PANELS:
                panel["recent_people"] = recent_people
            if role == Role.PROGRAMME_MANAGER:
                panel.update(people_panel(user))
            panels.append(panel)
    return panels
