"""Who may do what, and see which records: decided here, and only here.

Every selector and every API view asks `scope_for(user)` and filters through it, so that a
rule changes in one place. The rules (docs/permissions.md):

- A platform administrator (Django superuser) sees everything.
- Administrators, employment officers, programme managers, auditors and partner caseworkers
  work for their whole organisation: every office of the organisations they belong to.
- Counsellors and front-desk agents work at an office: that office only, or every office of
  their organisation when their membership names no office.
- Partner caseworkers see people only through the referrals made to their organisation
  (the cases app applies `scope.partner_organisation_ids`).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from wasla.organisations.models import Office, Role, StaffMembership

ALL_ROLES = frozenset(Role)
OFFICE_BOUND_ROLES = frozenset({Role.COUNSELLOR, Role.FRONT_DESK_AGENT})
# Those who meet people at a desk and keep their records.
FRONT_LINE_ROLES = frozenset({Role.COUNSELLOR, Role.FRONT_DESK_AGENT, Role.EMPLOYMENT_OFFICER})
# Those who follow people through a programme.
CASE_ROLES = frozenset({Role.COUNSELLOR, Role.EMPLOYMENT_OFFICER})

# Each named operation and the roles that may perform it.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "dashboard.view": ALL_ROLES,
    "api.token.obtain": ALL_ROLES,
    "account.two_factor": ALL_ROLES,
    "organisations.staff.view": frozenset(
        {Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.AUDITOR}
    ),
    "organisations.staff.manage": frozenset({Role.ADMINISTRATOR}),
    "organisations.office.edit": frozenset({Role.ADMINISTRATOR}),
    "audit.view": frozenset({Role.AUDITOR}),
    # The person registry (docs/people.md). Partners see people only through referrals.
    "people.view": FRONT_LINE_ROLES,
    "people.register": FRONT_LINE_ROLES,
    "people.edit": FRONT_LINE_ROLES,
    "people.consent.manage": FRONT_LINE_ROLES,
    "people.access_export": FRONT_LINE_ROLES,
    "people.national_id.view": frozenset({Role.COUNSELLOR, Role.FRONT_DESK_AGENT}),
    "people.anonymise": frozenset({Role.ADMINISTRATOR}),
    "people.pseudonymised_export": frozenset({Role.PROGRAMME_MANAGER}),
    # Case management (docs/cases.md).
    "cases.view": CASE_ROLES,
    "cases.manage": CASE_ROLES,
    "referrals.respond": frozenset({Role.PARTNER_CASEWORKER}),
    # Citizen Spaces (docs/citizen-spaces.md). Agents work at their Citizen Space; the
    # municipality's administrators see every Citizen Space of the municipality. Managers and
    # auditors see the statistics, not the requesters.
    "citizen_spaces.requests.view": frozenset({Role.FRONT_DESK_AGENT, Role.ADMINISTRATOR}),
    "citizen_spaces.requests.process": frozenset({Role.FRONT_DESK_AGENT}),
    "citizen_spaces.queue.operate": frozenset({Role.FRONT_DESK_AGENT}),
    "citizen_spaces.appointments.manage": frozenset({Role.FRONT_DESK_AGENT, Role.ADMINISTRATOR}),
    "citizen_spaces.catalogue.edit": frozenset({Role.ADMINISTRATOR}),
    "citizen_spaces.statistics.view": frozenset(
        {Role.FRONT_DESK_AGENT, Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.AUDITOR}
    ),
    # Planning where the next Citizen Space goes (docs/planning.md): the municipality's
    # administrators and programme managers run scenarios; auditors read them.
    "planning.view": frozenset({Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.AUDITOR}),
    "planning.manage": frozenset({Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER}),
    # Counting each person once (docs/record-linkage.md): the programme manager reviews the
    # likely duplicates and merges them; front-line staff see the warning at intake.
    "people.duplicates.review": frozenset({Role.PROGRAMME_MANAGER}),
    "people.duplicates.merge": frozenset({Role.PROGRAMME_MANAGER}),
}


@dataclass(frozen=True)
class DataScope:
    user_id: int | None
    is_platform_admin: bool = False
    roles: frozenset[str] = frozenset()
    organisation_ids: frozenset[int] = frozenset()
    office_ids: frozenset[int] = frozenset()
    # Organisations per role, so a permission held in one organisation is not used in another.
    organisations_by_role: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def is_staff_member(self) -> bool:
        return self.is_platform_admin or bool(self.roles)

    @property
    def partner_organisation_ids(self) -> frozenset[int]:
        return self.organisations_by_role.get(Role.PARTNER_CASEWORKER, frozenset())

    def has_role(self, *roles: str) -> bool:
        return self.is_platform_admin or bool(self.roles.intersection(roles))

    def can(self, permission: str) -> bool:
        if self.is_platform_admin:
            return True
        return bool(self.roles & PERMISSIONS[permission])

    def organisations_where(self, permission: str) -> frozenset[int]:
        """The organisations in which the user holds a role granting `permission`."""
        granted = PERMISSIONS[permission]
        ids: set[int] = set()
        for role, organisation_ids in self.organisations_by_role.items():
            if role in granted:
                ids |= organisation_ids
        return frozenset(ids)

    def can_in_organisation(self, permission: str, organisation_id: int) -> bool:
        return self.is_platform_admin or organisation_id in self.organisations_where(permission)

    def filter_by_office(self, queryset: QuerySet, office_field: str = "office") -> QuerySet:
        """Records attached to an office the user works at."""
        if self.is_platform_admin:
            return queryset
        return queryset.filter(**{f"{office_field}__in": self.office_ids})

    def filter_by_organisation(
        self, queryset: QuerySet, organisation_field: str = "organisation"
    ) -> QuerySet:
        if self.is_platform_admin:
            return queryset
        return queryset.filter(**{f"{organisation_field}__in": self.organisation_ids})


ANONYMOUS_SCOPE = DataScope(user_id=None)


def _compute_scope(user) -> DataScope:
    if user.is_superuser:
        return DataScope(user_id=user.pk, is_platform_admin=True, roles=frozenset(Role))
    memberships = list(
        StaffMembership.objects.filter(
            user=user, is_active=True, organisation__isnull=False
        ).values_list("role", "organisation_id", "office_id")
    )
    roles = frozenset(role for role, _org, _office in memberships)
    organisation_ids = frozenset(org for _role, org, _office in memberships)
    by_role: dict[str, set[int]] = {}
    direct_offices: set[int] = set()
    whole_organisations: set[int] = set()
    for role, organisation_id, office_id in memberships:
        by_role.setdefault(role, set()).add(organisation_id)
        if role in OFFICE_BOUND_ROLES and office_id is not None:
            direct_offices.add(office_id)
        else:
            whole_organisations.add(organisation_id)
    office_ids = direct_offices | set(
        Office.objects.filter(organisation_id__in=whole_organisations).values_list("pk", flat=True)
    )
    return DataScope(
        user_id=user.pk,
        roles=roles,
        organisation_ids=organisation_ids,
        office_ids=frozenset(office_ids),
        organisations_by_role={role: frozenset(ids) for role, ids in by_role.items()},
    )


def scope_for(user) -> DataScope:
    """The user's scope, computed once per user object (so once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_wasla_scope", None)
    if cached is None:
        cached = _compute_scope(user)
        user._wasla_scope = cached
    return cached


def require(user, permission: str) -> DataScope:
    """The user's scope, or PermissionDenied if the user may not perform `permission`."""
    scope = scope_for(user)
    if not scope.can(permission):
        raise PermissionDenied
    return scope
