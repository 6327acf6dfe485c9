"""Every write of the planner: scenarios created, edited, deleted, queued and run.

Each write is one transaction with its audit record. A run is claimed by its `run_id`, so a
task retried or queued twice computes and stores the answer once."""

import logging
import time
import uuid
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.core.audit import audit_record, snapshot
from wasla.core.concurrency import save_versioned
from wasla.core.exceptions import ApplicationError, ConcurrentEditError
from wasla.core.models import AuditEntry
from wasla.core.validation import FieldErrors
from wasla.engines import siting
from wasla.organisations.models import Organisation
from wasla.organisations.scoping import scope_for
from wasla.planning import uploads
from wasla.planning.inputs import prepare
from wasla.planning.models import Scenario
from wasla.planning.results import build_result

logger = logging.getLogger(__name__)

# What the planner sets on the form; the rest is the run's state.
EDITABLE_FIELDS = [
    "name",
    "notes",
    "territory_kind",
    "governorate",
    "municipality",
    "corridor",
    "demand_source",
    "weighting",
    "women_share",
    "mix_population",
    "mix_women",
    "mix_migrants",
    "mix_poorest",
    "existing_kind",
    "candidate_source",
    "model",
    "p",
    "radius_km",
    "detour",
    "time_limit",
]
UPLOADS = {
    # form field: (text field, file-name field, size limit)
    "demand_file": ("demand_csv", "demand_filename", uploads.DEMAND_MAX_BYTES),
    "candidates_file": ("candidates_csv", "candidates_filename", uploads.CANDIDATES_MAX_BYTES),
    "distances_file": ("distances_csv", "distances_filename", uploads.DISTANCES_MAX_BYTES),
}
RUN_STATE_FIELDS = [
    "status",
    "stage",
    "progress",
    "run_id",
    "failure",
    "error_message",
    "queued_at",
    "started_at",
    "finished_at",
    "result",
]
# A run whose worker vanished may be started again after its time limit and this margin.
STALE_RUN_MARGIN = timedelta(minutes=5)
# Progress is written at most this often (seconds), so a fast engine does not flood the database.
PROGRESS_INTERVAL = 1.0


def _audit_view(scenario: Scenario) -> dict:
    """The scenario as the audit trail keeps it: uploads by name and size, not content."""
    data = snapshot(scenario)
    for text_field, _name_field, _limit in UPLOADS.values():
        data[text_field] = len(getattr(scenario, text_field) or "")
    data.pop("result", None)
    return data


def _check_may_manage(actor, organisation_id: int) -> None:
    if not scope_for(actor).can_in_organisation("planning.manage", organisation_id):
        raise ApplicationError(
            _("You may not manage the scenarios of this organisation."), code="forbidden"
        )


def _apply(scenario: Scenario, fields: dict, files: dict, clear_distances: bool) -> None:
    """Put the form's values and uploads on the (unsaved) scenario; ApplicationError for an
    unreadable file or any rule the scenario breaks, before anything is written."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(scenario, name, value)
    errors = FieldErrors()
    for form_field, (text_field, name_field, limit) in UPLOADS.items():
        uploaded = files.get(form_field)
        if uploaded is None:
            continue
        text = uploads.read_text(uploaded, max_bytes=limit, errors=errors, field_name=form_field)
        if text is not None:
            setattr(scenario, text_field, text)
            setattr(scenario, name_field, uploaded.name[:200])
    errors.raise_if_any()
    if clear_distances and not files.get("distances_file"):
        scenario.distances_csv, scenario.distances_filename = "", ""
    # Uploads of a source no longer chosen are dropped, so the scenario says what it uses.
    if scenario.demand_source != Scenario.DemandSource.UPLOAD:
        scenario.demand_csv, scenario.demand_filename = "", ""
    if scenario.candidate_source != Scenario.CandidateSource.UPLOAD:
        scenario.candidates_csv, scenario.candidates_filename = "", ""
    prepare(scenario)


def _reset_run(scenario: Scenario) -> None:
    scenario.status = Scenario.Status.DRAFT
    scenario.stage = ""
    scenario.progress = 0
    scenario.run_id = None
    scenario.failure = ""
    scenario.error_message = ""
    scenario.queued_at = scenario.started_at = scenario.finished_at = None
    scenario.result = None


def scenario_create(
    *,
    actor,
    organisation: Organisation,
    fields: dict,
    files: dict | None = None,
) -> Scenario:
    """A new draft scenario of `organisation`, checked in full (uploads included)."""
    _check_may_manage(actor, organisation.pk)
    scenario = Scenario(organisation=organisation, created_by=actor)
    _apply(scenario, fields, files or {}, clear_distances=False)
    with transaction.atomic():
        scenario.save()
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            instance=scenario,
            after=_audit_view(scenario),
        )
    return scenario


def scenario_update(
    *,
    actor,
    scenario: Scenario,
    expected_version: int,
    fields: dict,
    files: dict | None = None,
    clear_distances: bool = False,
) -> Scenario:
    """Change the question; the previous answer no longer fits it and is dropped."""
    _check_may_manage(actor, scenario.organisation_id)
    if scenario.status == Scenario.Status.RUNNING and not _is_stale(scenario):
        raise ApplicationError(
            _("This scenario is running. Wait until it finishes, then change it."), code="busy"
        )
    before = _audit_view(scenario)
    _apply(scenario, fields, files or {}, clear_distances=clear_distances)
    _reset_run(scenario)
    with transaction.atomic():
        save_versioned(
            scenario,
            expected_version=expected_version,
            fields=[
                *EDITABLE_FIELDS,
                *(f for pair in UPLOADS.values() for f in pair[:2]),
                *RUN_STATE_FIELDS,
            ],
        )
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=scenario,
            before=before,
            after=_audit_view(scenario),
        )
    return scenario


def scenario_delete(*, actor, scenario: Scenario, expected_version: int) -> None:
    _check_may_manage(actor, scenario.organisation_id)
    before = _audit_view(scenario)
    with transaction.atomic():
        deleted, _kinds = Scenario.objects.filter(pk=scenario.pk, version=expected_version).delete()
        if not deleted:
            raise ConcurrentEditError(
                _(
                    "Someone else changed this record while you were editing it. "
                    "Reload the page to see their changes, then make yours again."
                )
            )
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=scenario, before=before)


def _is_stale(scenario: Scenario) -> bool:
    """A run started so long ago that its worker must have died."""
    started = scenario.started_at or scenario.queued_at
    limit = timedelta(seconds=scenario.time_limit) + STALE_RUN_MARGIN
    return started is not None and timezone.now() - started > limit


def _enqueue(scenario_id: int, run_id: str) -> None:
    from wasla.planning.tasks import run_scenario

    run_scenario.enqueue(scenario_id=scenario_id, run_id=run_id)


def scenario_run(*, actor, scenario: Scenario, expected_version: int) -> Scenario:
    """Queue the scenario's run; the background task computes it (docs/planning.md).

    A scenario already queued may be queued again (the earlier task then finds a newer run
    and does nothing); a running one only once its run is stale."""
    _check_may_manage(actor, scenario.organisation_id)
    if scenario.status == Scenario.Status.RUNNING and not _is_stale(scenario):
        raise ApplicationError(_("This scenario is already running."), code="busy")
    prepare(scenario)
    before_status = scenario.status
    _reset_run(scenario)
    scenario.status = Scenario.Status.QUEUED
    scenario.run_id = uuid.uuid4()
    scenario.queued_at = timezone.now()
    with transaction.atomic():
        save_versioned(scenario, expected_version=expected_version, fields=RUN_STATE_FIELDS)
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=scenario,
            before={"status": before_status},
            after={"status": scenario.status, "run_id": str(scenario.run_id)},
        )
        # robust: a queue that cannot be reached must not fail the planner's request; the
        # scenario stays "waiting to run" and can be queued again.
        transaction.on_commit(partial(_enqueue, scenario.pk, str(scenario.run_id)), robust=True)
    return scenario


class ProgressWriter:
    """The engine's progress callback: writes the run's progress at most once a second (or
    on a jump of 5 points), mapped into the solving stage's share of the bar."""

    START, END = 10, 90

    def __init__(self, scenario_id: int, run_id, clock=None):
        self.scenario_id, self.run_id = scenario_id, run_id
        self.clock = clock or time.monotonic
        self.last_value, self.last_time = self.START, self.clock()

    def _write(self, **values) -> int:
        return Scenario.objects.filter(pk=self.scenario_id, run_id=self.run_id).update(**values)

    def stage(self, stage: str, progress: int) -> None:
        self._write(stage=stage, progress=progress)
        self.last_value, self.last_time = progress, self.clock()

    def __call__(self, fraction: float, message: str = "") -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        value = round(self.START + fraction * (self.END - self.START))
        now = self.clock()
        if value <= self.last_value:
            return
        if value - self.last_value < 5 and now - self.last_time < PROGRESS_INTERVAL:
            return
        self._write(progress=value)
        self.last_value, self.last_time = value, now


def _fail(scenario_id: int, run_id, failure: str, detail: str) -> None:
    with transaction.atomic():
        updated = Scenario.objects.filter(pk=scenario_id, run_id=run_id).update(
            status=Scenario.Status.FAILED,
            failure=failure,
            error_message=detail[:4000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if updated:
            scenario = Scenario.objects.get(pk=scenario_id)
            audit_record(
                actor=None,
                action=AuditEntry.Action.UPDATE,
                instance=scenario,
                before={"status": Scenario.Status.RUNNING},
                after={"status": Scenario.Status.FAILED, "failure": failure},
            )


def _error_detail(error: ApplicationError) -> str:
    details = [problem for problems in error.extra.values() for problem in problems]
    return "\n".join(details) or error.message


def scenario_execute(*, scenario_id: int, run_id: str) -> str:
    """Compute one queued run: solve, compare before and after, store. Returns the final
    status, or "skipped" when this run is not the scenario's current queued run.

    Not one transaction: progress must be visible while the engine works; each write is its
    own transaction and is tied to `run_id`."""
    claimed = Scenario.objects.filter(
        pk=scenario_id, run_id=run_id, status=Scenario.Status.QUEUED
    ).update(
        status=Scenario.Status.RUNNING,
        stage=Scenario.Stage.PREPARING,
        progress=2,
        started_at=timezone.now(),
    )
    if not claimed:
        return "skipped"
    scenario = Scenario.objects.select_related("governorate", "municipality", "corridor").get(
        pk=scenario_id
    )
    progress = ProgressWriter(scenario_id, scenario.run_id)
    try:
        prepared = prepare(scenario)
        progress.stage(Scenario.Stage.SOLVING, ProgressWriter.START)
        answer = siting.solve(
            model=scenario.model,
            demand=prepared.demand_points(),
            weights=prepared.weights,
            candidates=prepared.candidate_points(),
            existing=prepared.existing_points(),
            p=scenario.p if scenario.needs_p else None,
            radius_km=scenario.radius_km
            if scenario.model in (Scenario.SitingModel.MCLP, Scenario.SitingModel.LSCP)
            else None,
            detour=scenario.detour,
            distances=prepared.distances,
            time_limit=float(scenario.time_limit),
            progress=progress,
        )
        progress.stage(Scenario.Stage.MEASURING, 92)
        result = build_result(scenario=scenario, prepared=prepared, answer=answer)
    except ApplicationError as error:
        _fail(scenario_id, run_id, Scenario.Failure.DATA, _error_detail(error))
        return Scenario.Status.FAILED
    except siting.SitingInputError as error:
        _fail(scenario_id, run_id, Scenario.Failure.ENGINE, str(error))
        return Scenario.Status.FAILED
    except Exception as error:
        # Stored for the planner and logged in full for the operator; the task itself ends
        # normally so that the worker does not retry a run that will fail the same way.
        logger.exception("Siting scenario %s failed", scenario_id)
        _fail(scenario_id, run_id, Scenario.Failure.UNEXPECTED, type(error).__name__)
        return Scenario.Status.FAILED
    with transaction.atomic():
        updated = Scenario.objects.filter(pk=scenario_id, run_id=run_id).update(
            status=Scenario.Status.DONE,
            stage=Scenario.Stage.FINISHED,
            progress=100,
            result=result,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if not updated:
            return "skipped"
        audit_record(
            actor=None,
            action=AuditEntry.Action.UPDATE,
            instance=scenario,
            before={"status": Scenario.Status.RUNNING},
            after={
                "status": Scenario.Status.DONE,
                "selected": result["engine"].get("selected"),
                "objective": result["engine"].get("objective"),
                "optimal": result["engine"].get("optimal"),
            },
        )
    return Scenario.Status.DONE
