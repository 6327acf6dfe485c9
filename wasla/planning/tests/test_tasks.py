"""The background run: the task computes the scenario and writes its progress as it goes."""

import pytest

from wasla.engines import siting
from wasla.planning import services
from wasla.planning.models import Scenario
from wasla.planning.tasks import run_scenario
from wasla.planning.tests.factories import make_scenario

pytestmark = pytest.mark.django_db


def test_task_writes_progress_while_the_engine_works(
    user_for_role, monkeypatch, django_capture_on_commit_callbacks
):
    manager = user_for_role("programme_manager")
    scenario = make_scenario(manager, p=1)
    seen: list[tuple[str, str, int]] = []
    real_solve = siting.solve

    def observed_solve(**kwargs):
        def progress(fraction, message):
            kwargs_progress(fraction, message)
            stored = Scenario.objects.values_list("status", "stage", "progress").get(pk=scenario.pk)
            seen.append(stored)

        kwargs_progress = kwargs.pop("progress")
        return real_solve(progress=progress, **kwargs)

    monkeypatch.setattr(siting, "solve", observed_solve)
    # Every call writes: the clock moves a second each time it is read.
    ticks = iter(range(10_000))
    monkeypatch.setattr(services.time, "monotonic", lambda: float(next(ticks)))
    with django_capture_on_commit_callbacks(execute=True):
        services.scenario_run(actor=manager, scenario=scenario, expected_version=scenario.version)
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DONE
    assert seen, "the engine reported no progress"
    assert all(status == "running" and stage == "solving" for status, stage, _p in seen)
    values = [value for _s, _st, value in seen]
    assert values == sorted(values)
    assert values[0] >= 10 and values[-1] <= 90
    assert scenario.progress == 100


def test_progress_writes_are_throttled(user_for_role):
    scenario = make_scenario(user_for_role("programme_manager"))
    Scenario.objects.filter(pk=scenario.pk).update(run_id="6f1c5a38-53d4-4f0d-8d0a-6a3a2b8c1d10")
    now = [0.0]
    writer = services.ProgressWriter(
        scenario.pk, "6f1c5a38-53d4-4f0d-8d0a-6a3a2b8c1d10", clock=lambda: now[0]
    )

    def stored() -> int:
        return Scenario.objects.get(pk=scenario.pk).progress

    writer(0.02)  # 12 %: a small step within the second is not written
    assert stored() == 0
    writer(0.10)  # 18 %: a jump of 5 points or more is written at once
    assert stored() == 18
    writer(0.11)
    assert stored() == 18
    now[0] = 1.5  # a second later, any step is written
    writer(0.12)
    assert stored() == 20
    writer(0.05)  # never backwards
    assert stored() == 20
    # A writer for another run changes nothing.
    services.ProgressWriter(scenario.pk, "00000000-0000-0000-0000-000000000000")(1.0)
    assert stored() == 20


def test_the_task_itself_runs_a_queued_scenario(user_for_role, django_capture_on_commit_callbacks):
    manager = user_for_role("programme_manager")
    scenario = make_scenario(manager, p=1)
    with django_capture_on_commit_callbacks(execute=False):
        services.scenario_run(actor=manager, scenario=scenario, expected_version=scenario.version)
    result = run_scenario.enqueue(scenario_id=scenario.pk, run_id=str(scenario.run_id))
    assert result.return_value == "done"
    again = run_scenario.enqueue(scenario_id=scenario.pk, run_id=str(scenario.run_id))
    assert again.return_value == "skipped"
