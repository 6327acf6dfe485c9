"""Background tasks of the person registry (django-tasks; the database worker runs them)."""

from django_tasks import task

from wasla.people.linkage_runs import linkage_run_execute


@task()
def link_registry(*, run_id: int) -> dict:
    """Run record linkage over the registry for LinkageRun `run_id` and keep the pairs worth a
    review (docs/duplicates.md). A retried task upserts the same pairs and keeps decisions."""
    run = linkage_run_execute(run_id=run_id)
    return {
        "status": run.status,
        "records": run.record_count,
        "pairs": run.pair_count,
        "distinct_people": run.cluster_count,
    }
