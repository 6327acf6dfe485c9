"""The planner's part of the demo: one answered scenario, so that the planning pages have
something to show on a fresh demo (wasla/demo calls `planning_demo_load`)."""

from django.contrib.auth import get_user_model

from wasla.organisations.models import Organisation
from wasla.planning import services
from wasla.planning.models import Scenario
from wasla.territories.models import Governorate

DEMO_SCENARIO_NAME = "Tataouine: two more Citizen Spaces within 15 km"


def planning_demo_load(*, manager_username: str = "manager") -> Scenario | None:
    """Create and compute the demo scenario once (again only if it is missing). Computed in
    place, so the demo does not wait for a worker; the task queued alongside finds the run
    done and does nothing. None when the demo's people or Tataouine are not loaded."""
    manager = get_user_model().objects.filter(username=manager_username).first()
    membership = manager.memberships.filter(is_active=True).first() if manager else None
    governorate = Governorate.objects.filter(code="TN-83").first()
    if membership is None or governorate is None:
        return None
    organisation = Organisation.objects.get(pk=membership.organisation_id)
    existing = Scenario.objects.filter(organisation=organisation, name=DEMO_SCENARIO_NAME).first()
    if existing is not None:
        return existing
    scenario = services.scenario_create(
        actor=manager,
        organisation=organisation,
        fields={
            "name": DEMO_SCENARIO_NAME,
            "notes": "Women counted as 50 % of each locality; existing Citizen Spaces stay open.",
            "territory_kind": Scenario.TerritoryKind.GOVERNORATE,
            "governorate": governorate,
            "weighting": Scenario.Weighting.WOMEN,
            "model": Scenario.SitingModel.MCLP,
            "p": 2,
        },
    )
    services.scenario_run(actor=manager, scenario=scenario, expected_version=scenario.version)
    services.scenario_execute(scenario_id=scenario.pk, run_id=str(scenario.run_id))
    scenario.refresh_from_db()
    return scenario
