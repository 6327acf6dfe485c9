"""The planner's services: scenarios created, changed, queued and run, and every way a run
can fail. The task backend runs tasks immediately in tests."""

import itertools
import uuid

import numpy as np
import pytest

from wasla.core.exceptions import ApplicationError, ConcurrentEditError
from wasla.core.models import AuditEntry
from wasla.engines import siting
from wasla.planning import services
from wasla.planning.inputs import as_points, prepare
from wasla.planning.models import Scenario
from wasla.planning.tests.factories import (
    CANDIDATES_CSV,
    DEMAND_CSV,
    csv_file,
    make_scenario,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(user_for_role):
    return user_for_role("programme_manager")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Queue a scenario and let the (immediate) task backend compute it."""

    def go(scenario, actor):
        with django_capture_on_commit_callbacks(execute=True):
            services.scenario_run(actor=actor, scenario=scenario, expected_version=scenario.version)
        scenario.refresh_from_db()
        return scenario

    return go


def test_create_saves_a_draft_and_audits_it_without_the_uploads(manager):
    scenario = make_scenario(
        manager,
        demand_source=Scenario.DemandSource.UPLOAD,
        existing_kind="",
        files={"demand_file": csv_file(DEMAND_CSV, "grid.csv")},
    )
    assert scenario.status == Scenario.Status.DRAFT
    assert scenario.organisation.slug == "lda-kairouan"
    assert scenario.demand_filename == "grid.csv"
    entry = AuditEntry.objects.get(target_type="planning.scenario", target_id=str(scenario.pk))
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.after["demand_csv"] == len(DEMAND_CSV)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"p": 7}, "p", "There are only 6 candidate sites; ask for at most that many."),
        ({"p": None}, "p", "Say how many new sites to open."),
        (
            {"weighting": Scenario.Weighting.MIGRANTS},
            "weighting",
            "Migrants and the poorest can be weighted only with an uploaded demand file.",
        ),
        ({"governorate": None}, "territory_kind", "Choose the territory."),
        ({"radius_km": 0.0}, "radius_km", "The travel distance must be between 0 and 500 km."),
        (
            {"demand_source": Scenario.DemandSource.UPLOAD},
            "demand_file",
            "Upload the file of demand points.",
        ),
        (
            {"weighting": Scenario.Weighting.REQUESTS},
            "weighting",
            "No Citizen Space request records a place of residence in this territory yet.",
        ),
        (
            {"weighting": Scenario.Weighting.MIX},
            "mix_population",
            "Give the mix weights of 0 or more, at least one above 0.",
        ),
    ],
)
def test_bad_scenarios_are_refused_and_nothing_is_saved(manager, overrides, field, message):
    audited = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as caught:
        make_scenario(manager, **overrides)
    assert message in caught.value.extra[field]
    assert not Scenario.objects.exists()
    assert AuditEntry.objects.count() == audited


def test_uploaded_demand_needs_the_columns_its_weights_use(manager):
    with pytest.raises(ApplicationError) as caught:
        make_scenario(
            manager,
            demand_source=Scenario.DemandSource.UPLOAD,
            weighting=Scenario.Weighting.MIGRANTS,
            files={"demand_file": csv_file("id,lat,lon,population\nx,32.9,10.4,5\n")},
        )
    assert caught.value.extra["demand_file"] == [
        "These weights need a “migrants” column in the demand file."
    ]
    assert not Scenario.objects.exists()


def test_someone_outside_the_organisation_may_not_create(user_for_role):
    with pytest.raises(ApplicationError) as caught:
        make_scenario(user_for_role("counsellor"))
    assert caught.value.code == "forbidden"


def test_run_answers_with_existing_offices_fixed_open(manager, run):
    scenario = run(make_scenario(manager, p=1), manager)
    assert scenario.status == Scenario.Status.DONE
    assert scenario.progress == 100
    result = scenario.result
    existing = {site["id"] for site in result["existing"]}
    assert {
        "citizen-space-tataouine-centre",
        "citizen-space-ghomrassen",
        "citizen-space-ksar-el-ababsa",
    } <= existing
    assert len(result["selected"]) == 1
    everyone = result["everyone"]
    assert everyone["before"]["covered"] > 0
    assert everyone["after"]["covered"] >= everyone["before"]["covered"]
    assert result["women"]["after"]["total"] == pytest.approx(everyone["after"]["total"] / 2)
    assert result["engine"]["optimal"] is True
    assert len(result["demand"]) == 6
    for row in result["demand"]:
        assert row["covered"] == (row["km"] <= 15.0)
        assert row["site"] in existing | {result["selected"][0]["id"]}
    audit = AuditEntry.objects.filter(
        target_type="planning.scenario", target_id=str(scenario.pk)
    ).order_by("id")
    assert [entry.after.get("status") for entry in audit[1:]] == ["queued", "done"]


def test_mclp_answer_is_the_best_of_every_combination(manager, run):
    """Brute force over every pair of candidates, with the existing offices kept open."""
    scenario = run(make_scenario(manager, p=2, radius_km=20.0), manager)
    prepared = prepare(scenario)
    best = 0.0
    for pair in itertools.combinations(prepared.candidates, 2):
        coverage = siting.evaluate(
            demand=prepared.demand_points(),
            weights=prepared.weights,
            sites=as_points([*prepared.existing, *pair]),
            radius_km=20.0,
            detour=1.3,
        )
        best = max(best, coverage.covered_weight)
    assert scenario.result["everyone"]["after"]["covered"] == pytest.approx(best, abs=0.1)


@pytest.mark.parametrize("model", ["pmedian", "pcenter", "lscp"])
def test_every_model_runs_on_uploaded_points(manager, run, model):
    scenario = make_scenario(
        manager,
        model=model,
        p=None if model == "lscp" else 2,
        existing_kind="",
        demand_source=Scenario.DemandSource.UPLOAD,
        candidate_source=Scenario.CandidateSource.UPLOAD,
        weighting=Scenario.Weighting.WOMEN,
        files={
            "demand_file": csv_file(DEMAND_CSV),
            "candidates_file": csv_file(CANDIDATES_CSV),
        },
    )
    scenario = run(scenario, manager)
    assert scenario.status == Scenario.Status.DONE, scenario.error_message
    chosen = {site["id"] for site in scenario.result["selected"]}
    # Two clusters 60 km apart: every model opens one site in each.
    assert chosen == {"site-a", "site-b"}
    assert scenario.result["women"]["after"]["total"] == 520 + 400 + 310 + 450 + 360


def test_weights_from_an_uploaded_mix(manager):
    scenario = make_scenario(
        manager,
        existing_kind="",
        demand_source=Scenario.DemandSource.UPLOAD,
        weighting=Scenario.Weighting.MIX,
        mix_population=1.0,
        mix_migrants=2.0,
        files={"demand_file": csv_file(DEMAND_CSV)},
    )
    weights = prepare(scenario).weights
    assert weights.tolist() == [1060.0, 820.0, 610.0, 1300.0, 1000.0]


def test_women_from_the_share_when_the_data_has_no_count(manager):
    scenario = make_scenario(manager, weighting=Scenario.Weighting.WOMEN, women_share=52.0)
    prepared = prepare(scenario)
    assert np.allclose(prepared.weights, prepared.population * 0.52)


def test_requests_recorded_by_wasla_weigh_the_localities(manager):
    from wasla.citizen_spaces.models import ServiceRequest
    from wasla.citizen_spaces.tests.factories import make_catalogue
    from wasla.territories.models import Locality

    catalogue = make_catalogue()
    remada = Locality.objects.get(name="Remada")
    from wasla.citizen_spaces import services as cs_services

    for phone in ("22 111 222", "22 111 333"):
        request = cs_services.request_submit(
            service=catalogue["birth"],
            office=catalogue["office"],
            channel=ServiceRequest.Channel.OPEN311,
            requester_name="Someone",
            phone=phone,
        )
        ServiceRequest.objects.filter(pk=request.pk).update(residence_locality=remada)
    scenario = make_scenario(manager, weighting=Scenario.Weighting.REQUESTS, p=1)
    prepared = prepare(scenario)
    weights = {point.id: point.weight for point in prepared.demand}
    assert weights[str(remada.geonames_id)] == 2
    assert sum(weights.values()) == 2


def test_update_checks_the_version_and_drops_the_old_answer(manager, run):
    scenario = run(make_scenario(manager, p=1), manager)
    stale_version = scenario.version - 1
    with pytest.raises(ConcurrentEditError):
        services.scenario_update(
            actor=manager,
            scenario=Scenario.objects.get(pk=scenario.pk),
            expected_version=stale_version,
            fields={"name": "Someone else's name"},
        )
    assert Scenario.objects.get(pk=scenario.pk).name != "Someone else's name"
    services.scenario_update(
        actor=manager,
        scenario=scenario,
        expected_version=scenario.version,
        fields={"name": "Renamed", "p": 2},
    )
    scenario.refresh_from_db()
    assert (scenario.name, scenario.p, scenario.status, scenario.result) == (
        "Renamed",
        2,
        Scenario.Status.DRAFT,
        None,
    )


def test_a_running_scenario_is_not_changed_or_run_twice(manager):
    scenario = make_scenario(manager)
    Scenario.objects.filter(pk=scenario.pk).update(status=Scenario.Status.RUNNING)
    scenario.refresh_from_db()
    scenario.started_at = None
    with pytest.raises(ApplicationError) as caught:
        services.scenario_run(actor=manager, scenario=scenario, expected_version=scenario.version)
    assert caught.value.code == "busy"
    with pytest.raises(ApplicationError):
        services.scenario_update(
            actor=manager, scenario=scenario, expected_version=scenario.version, fields={}
        )


def test_a_task_for_another_run_does_nothing(manager):
    scenario = make_scenario(manager)
    assert services.scenario_execute(scenario_id=scenario.pk, run_id=str(uuid.uuid4())) == (
        "skipped"
    )
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DRAFT


def test_a_retried_task_computes_once(manager, django_capture_on_commit_callbacks):
    scenario = make_scenario(manager, p=1)
    with django_capture_on_commit_callbacks(execute=False):
        services.scenario_run(actor=manager, scenario=scenario, expected_version=scenario.version)
    run_id = str(scenario.run_id)
    assert services.scenario_execute(scenario_id=scenario.pk, run_id=run_id) == "done"
    assert services.scenario_execute(scenario_id=scenario.pk, run_id=run_id) == "skipped"
    assert (
        AuditEntry.objects.filter(
            target_type="planning.scenario", target_id=str(scenario.pk), after__status="done"
        ).count()
        == 1
    )


def test_engine_refusal_fails_the_run_with_its_words(manager, run, monkeypatch):
    def refuse(**_kwargs):
        raise siting.SitingInputError("radius_km: a radius of 15 km covers nobody")

    monkeypatch.setattr(siting, "solve", refuse)
    scenario = run(make_scenario(manager), manager)
    assert scenario.status == Scenario.Status.FAILED
    assert scenario.failure == Scenario.Failure.ENGINE
    assert scenario.error_message == "radius_km: a radius of 15 km covers nobody"
    assert scenario.result is None


def test_unexpected_errors_fail_the_run_and_are_logged(manager, run, monkeypatch, caplog):
    def crash(**_kwargs):
        raise MemoryError

    monkeypatch.setattr(siting, "solve", crash)
    scenario = run(make_scenario(manager), manager)
    assert (scenario.status, scenario.failure, scenario.error_message) == (
        Scenario.Status.FAILED,
        Scenario.Failure.UNEXPECTED,
        "MemoryError",
    )
    assert "Siting scenario" in caplog.text


def test_data_that_changed_since_queueing_fails_the_run(
    manager, django_capture_on_commit_callbacks
):
    from wasla.territories.models import Governorate, Locality

    scenario = make_scenario(manager, p=6)
    with django_capture_on_commit_callbacks(execute=False):
        services.scenario_run(actor=manager, scenario=scenario, expected_version=scenario.version)
    elsewhere = Governorate.objects.exclude(code="TN-83").first()
    Locality.objects.filter(name="Dehiba").update(governorate=elsewhere)
    assert services.scenario_execute(scenario_id=scenario.pk, run_id=str(scenario.run_id)) == (
        "failed"
    )
    scenario.refresh_from_db()
    assert scenario.failure == Scenario.Failure.DATA
    assert scenario.error_message == (
        "There are only 5 candidate sites; ask for at most that many."
    )
    # Running it again is refused before anything is queued, with the same reason.
    with pytest.raises(ApplicationError) as caught:
        services.scenario_run(actor=manager, scenario=scenario, expected_version=scenario.version)
    assert caught.value.extra["p"] == [
        "There are only 5 candidate sites; ask for at most that many."
    ]


def test_delete_checks_the_version(manager):
    scenario = make_scenario(manager)
    with pytest.raises(ConcurrentEditError):
        services.scenario_delete(
            actor=manager, scenario=scenario, expected_version=scenario.version + 1
        )
    services.scenario_delete(actor=manager, scenario=scenario, expected_version=scenario.version)
    assert not Scenario.objects.exists()
    assert AuditEntry.objects.filter(
        target_id=str(scenario.pk), action=AuditEntry.Action.DELETE
    ).exists()


def test_a_supplied_distance_table_replaces_straight_lines(manager, run):
    """Road distances computed elsewhere: site-c is 5 km by road from everyone."""
    demand = "id,lat,lon,population\nd1,32.93,10.45,100\nd2,33.40,10.10,300\n"
    candidates = "id,lat,lon\nsite-a,32.93,10.46\nsite-c,33.15,10.30\n"
    table = "origin_id,destination_id,km\nd1,site-a,40\nd2,site-a,90\nd1,site-c,5\nd2,site-c,5\n"
    scenario = make_scenario(
        manager,
        p=1,
        existing_kind="",
        demand_source=Scenario.DemandSource.UPLOAD,
        candidate_source=Scenario.CandidateSource.UPLOAD,
        files={
            "demand_file": csv_file(demand),
            "candidates_file": csv_file(candidates),
            "distances_file": csv_file(table, "roads.csv"),
        },
    )
    scenario = run(scenario, manager)
    assert scenario.status == Scenario.Status.DONE, scenario.error_message
    result = scenario.result
    assert result["distance_basis"] == "matrix"
    assert [site["id"] for site in result["selected"]] == ["site-c"]
    assert {row["id"]: row["km"] for row in result["demand"]} == {"d1": 5.0, "d2": 5.0}


def test_demo_scenario_is_loaded_once_and_answered(demo):
    from wasla.planning.demo import planning_demo_load

    scenario = planning_demo_load()
    assert scenario.status == Scenario.Status.DONE
    assert len(scenario.result["selected"]) == 2
    assert planning_demo_load().pk == scenario.pk
    assert Scenario.objects.count() == 1
