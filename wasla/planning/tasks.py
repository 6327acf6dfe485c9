"""Background task of the planner (django-tasks; the database worker runs it)."""

from django_tasks import task

from wasla.planning.services import scenario_execute


@task()
def run_scenario(*, scenario_id: int, run_id: str) -> str:
    """Compute one queued run of a siting scenario and store its answer. A task retried, or
    one whose run was replaced by a newer one, does nothing ("skipped")."""
    return scenario_execute(scenario_id=scenario_id, run_id=run_id)
