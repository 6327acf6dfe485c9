"""Background tasks of the person registry (django-tasks; the database worker runs them)."""

from django_tasks import task

from wasla.people.linkage_runs import linkage_run_execute
from wasla.people.partner_files import partner_file_execute


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


@task()
def import_partner_file(*, partner_file_id: int) -> dict:
    """Check every row of PartnerFile `partner_file_id`, import it in one transaction and start
    a linkage run (docs/duplicates.md, "Files from partners"). A retried task imports nothing
    twice."""
    partner_file = partner_file_execute(partner_file_id=partner_file_id)
    return {
        "status": partner_file.status,
        "rows": partner_file.row_count,
        "imported": partner_file.imported_count,
        "errors": partner_file.error_count,
    }
