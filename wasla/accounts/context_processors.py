from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wasla.organisations.scoping import scope_for


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url: str
    current: bool


# (label, url name, permission needed or None for everyone)
NAVIGATION = [
    (_("Home"), "core:home", None),
    (_("Dashboard"), "dashboards:home", "dashboard.view"),
    (_("People"), "people:person_list", "people.view"),
    (_("Likely duplicates"), "people:duplicate_queue", "people.duplicates.review"),
    (_("Cases"), "cases:caseload", "cases.view"),
    (_("Referrals"), "cases:partner_inbox", "referrals.respond"),
    (_("Citizen Spaces"), "citizen_spaces:desk_home", "citizen_spaces.requests.view"),
    (_("Service statistics"), "citizen_spaces:desk_statistics", "citizen_spaces.statistics.view"),
    (_("Planning"), "planning:scenario_list", "planning.view"),
    (_("Municipal services"), "citizen_spaces:public_spaces", None),
    (_("Track a request"), "citizen_spaces:public_track", None),
    (_("Offices"), "organisations:office_list", None),
    (_("Organisations"), "organisations:organisation_list", None),
    (_("Territories"), "territories:governorate_list", None),
    (_("Map"), "territories:map", None),
    (_("Staff"), "organisations:staff_list", "organisations.staff.view"),
    (_("Audit log"), "accounts:audit_log", "audit.view"),
    (_("Two-factor sign-in"), "accounts:two_factor", "account.two_factor"),
]


def navigation(request):
    """The menu, built from what the user may open (the pages check again themselves)."""
    scope = scope_for(getattr(request, "user", None))
    allowed = [
        (label, reverse(url_name))
        for label, url_name, permission in NAVIGATION
        if permission is None or scope.can(permission)
    ]
    # The longest matching address is the current section (/territories/map/ beats /territories/).
    matching = [
        url
        for _label, url in allowed
        if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    current = max(matching, key=len, default=None)
    items = [
        NavigationItem(label=str(label), url=url, current=url == current) for label, url in allowed
    ]
    return {"navigation": items, "scope": scope}
