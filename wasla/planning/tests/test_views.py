"""The planner's pages: the form and its errors, the answer with its map and tables, the
progress poll, comparison and exports."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from wasla.core.models import AuditEntry
from wasla.planning import services
from wasla.planning.models import Scenario
from wasla.planning.tests.factories import DEMAND_CSV, csv_file, make_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(user_for_role):
    return user_for_role("programme_manager")


@pytest.fixture
def signed_in(client, manager, settings):
    """The manager, reading pages in English (assertions on text are in English)."""
    client.force_login(manager)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    return client


@pytest.fixture
def done(manager, django_capture_on_commit_callbacks):
    scenario = make_scenario(manager, p=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.scenario_run(actor=manager, scenario=scenario, expected_version=scenario.version)
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DONE
    return scenario


def form_data(**overrides) -> dict:
    from wasla.organisations.models import Organisation
    from wasla.territories.models import Governorate

    data = {
        "organisation": Organisation.objects.get(slug="lda-kairouan").pk,
        "name": "Tataouine from the form",
        "territory_kind": "governorate",
        "governorate": Governorate.objects.get(code="TN-83").pk,
        "demand_source": "localities",
        "weighting": "population",
        "women_share": "50",
        "existing_kind": "citizen_space",
        "candidate_source": "localities",
        "model": "mclp",
        "p": "2",
        "radius_km": "15",
        "detour": "1.3",
        "time_limit": "30",
        "save": "1",
    }
    return data | overrides


def test_create_form_saves_and_runs(signed_in, django_capture_on_commit_callbacks):
    response = signed_in.get(reverse("planning:scenario_create"))
    assert response.status_code == 200
    assert b'name="governorate"' in response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("planning:scenario_create"), form_data(save_and_run="1"))
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("planning:scenario_detail", args=[scenario.pk])
    assert scenario.status == Scenario.Status.DONE
    assert scenario.organisation.slug == "lda-kairouan"


def test_form_errors_come_back_translated_and_nothing_is_saved(signed_in):
    response = signed_in.post(reverse("planning:scenario_create"), form_data(p="9"))
    assert response.status_code == 400
    assert "There are only 6 candidate sites; ask for at most that many." in response.text
    assert "Nothing was saved" in response.text
    response = signed_in.post(
        reverse("planning:scenario_create"),
        form_data(
            demand_source="upload",
            demand_file=csv_file("id,lat,lon,population\nx,91,10,5\n"),
        ),
    )
    assert response.status_code == 400
    assert "Line 2: the latitude “91” is not a number between -90 and 90." in response.text
    response = signed_in.post(
        reverse("planning:scenario_create"), form_data(territory_kind="corridor")
    )
    assert response.status_code == 400
    assert "Choose the territory." in response.text
    assert not Scenario.objects.exists()


def test_form_in_arabic_is_right_to_left(signed_in):
    signed_in.cookies.load({"wasla_language": "ar"})
    response = signed_in.get(reverse("planning:scenario_create"))
    assert 'dir="rtl"' in response.text


def test_detail_shows_map_tables_and_downloads(signed_in, done):
    response = signed_in.get(reverse("planning:scenario_detail", args=[done.pk]))
    assert response.status_code == 200
    html = response.text
    assert 'role="img"' in html and 'id="result-map"' in html
    assert html.count('<use href="#mk-tri"') == 2
    assert html.count('<use href="#mk-dia"') == len(done.result["existing"])
    assert 'id="what-changes"' in html and 'id="chosen-sites"' in html
    assert "People within 15 km" in html
    for name in ("export_geojson", "export_assignments", "export_summary"):
        assert reverse(f"planning:{name}", args=[done.pk]) in html
    # The map stays small for the planner's phone.
    assert len(html) < 60_000


def test_progress_poll_while_running_and_reload_when_done(signed_in, manager):
    scenario = make_scenario(manager)
    Scenario.objects.filter(pk=scenario.pk).update(
        status=Scenario.Status.RUNNING, stage=Scenario.Stage.SOLVING, progress=42
    )
    url = reverse("planning:scenario_detail", args=[scenario.pk])
    page = signed_in.get(url)
    assert 'hx-trigger="every 2s"' in page.text
    assert '<progress max="100" value="42"' in page.text
    assert 'http-equiv="refresh"' in page.text  # for browsers without JavaScript
    part = signed_in.get(url + "?part=status", HTTP_HX_REQUEST="true")
    assert part.text.strip().startswith('<div id="run-status"')
    assert "42 % done" in part.text
    assert "HX-Refresh" not in part
    Scenario.objects.filter(pk=scenario.pk).update(status=Scenario.Status.DONE)
    part = signed_in.get(url + "?part=status", HTTP_HX_REQUEST="true")
    assert part["HX-Refresh"] == "true"


def test_failed_run_shows_a_clear_message(signed_in, manager):
    scenario = make_scenario(manager)
    Scenario.objects.filter(pk=scenario.pk).update(
        status=Scenario.Status.FAILED,
        failure=Scenario.Failure.ENGINE,
        error_message="demand point 3 (id 'x'): latitude nan is missing",
    )
    page = signed_in.get(reverse("planning:scenario_detail", args=[scenario.pk]))
    assert "The run failed" in page.text
    assert "The siting engine refused the data" in page.text
    assert "demand point 3" in page.text


def test_geojson_export(signed_in, done):
    response = signed_in.get(reverse("planning:export_geojson", args=[done.pk]))
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    roles = [feature["properties"]["role"] for feature in body["features"]]
    assert roles.count("chosen_site") == 2
    assert roles.count("existing_site") == len(done.result["existing"])
    assert roles.count("demand") == 6
    demand = next(f for f in body["features"] if f["properties"]["role"] == "demand")
    assert set(demand["properties"]) >= {"site_id", "distance_km", "covered", "population"}
    lon, lat = demand["geometry"]["coordinates"]
    assert 30 < lat < 38 and 7 < lon < 12


def test_csv_exports(signed_in, done):
    response = signed_in.get(reverse("planning:export_assignments", args=[done.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 6
    assert {row["covered"] for row in rows} <= {"0", "1"}
    tataouine = next(row for row in rows if row["demand_name"] == "Tataouine")
    assert tataouine["site_id"] == "citizen-space-tataouine-centre"
    assert float(tataouine["distance_km"]) < 1
    summary = signed_in.get(reverse("planning:export_summary", args=[done.pk]))
    text = summary.content.decode("utf-8-sig")
    assert "everyone,covered," in text and "women,covered," in text
    assert "optimal,True" in text


def test_exports_of_an_unfinished_scenario_are_not_found(signed_in, manager):
    scenario = make_scenario(manager)
    response = signed_in.get(reverse("planning:export_geojson", args=[scenario.pk]))
    assert response.status_code == 404


def test_compare_two_scenarios(signed_in, manager, done):
    other = make_scenario(manager, name="Tataouine, pmedian", model="pmedian", p=1)
    response = signed_in.get(reverse("planning:scenario_compare") + f"?s={done.pk}&s={other.pk}")
    assert response.status_code == 200
    assert "Tataouine, pmedian" in response.text
    assert "no answer yet" in response.text
    response = signed_in.get(reverse("planning:scenario_compare") + f"?s={done.pk}")
    assert response.status_code == 400
    assert "Choose between 2 and 4 scenarios to compare." in response.text


def test_compare_ignores_scenarios_out_of_scope(client, user_for_role, manager, done):
    admin = user_for_role("administrator")
    theirs = make_scenario(admin, organisation_slug="municipality-ghomrassen", name="Theirs")
    client.force_login(manager)
    response = client.get(reverse("planning:scenario_compare") + f"?s={done.pk}&s={theirs.pk}")
    assert response.status_code == 400
    assert "Theirs" not in response.text


def test_edit_with_a_stale_version_is_a_conflict(signed_in, manager):
    scenario = make_scenario(manager)
    url = reverse("planning:scenario_edit", args=[scenario.pk])
    page = signed_in.get(url)
    assert f'name="version" value="{scenario.version}"' in page.text
    Scenario.objects.filter(pk=scenario.pk).update(version=scenario.version + 1)
    response = signed_in.post(url, form_data(name="Mine", version=str(scenario.version)))
    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    assert Scenario.objects.get(pk=scenario.pk).name != "Mine"
    response = signed_in.post(url, form_data(name="Mine", version=str(scenario.version + 1)))
    assert response.status_code == 302
    assert Scenario.objects.get(pk=scenario.pk).name == "Mine"


def test_upload_through_the_form(signed_in):
    response = signed_in.post(
        reverse("planning:scenario_create"),
        form_data(
            demand_source="upload",
            existing_kind="",
            demand_file=csv_file(DEMAND_CSV, "grid.csv"),
        ),
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.demand_filename == "grid.csv"
    assert scenario.demand_csv == DEMAND_CSV


def test_run_and_delete_buttons(signed_in, manager, django_capture_on_commit_callbacks):
    scenario = make_scenario(manager, p=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("planning:scenario_run", args=[scenario.pk]),
            {"version": scenario.version},
        )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DONE
    response = signed_in.post(
        reverse("planning:scenario_delete", args=[scenario.pk]), {"version": 1}
    )
    assert response.status_code == 409
    response = signed_in.post(
        reverse("planning:scenario_delete", args=[scenario.pk]), {"version": scenario.version}
    )
    assert response.status_code == 302
    assert not Scenario.objects.exists()
    assert AuditEntry.objects.filter(
        target_type="planning.scenario", action=AuditEntry.Action.DELETE
    ).exists()


def test_list_shows_scenarios_with_compare_boxes(signed_in, manager, done):
    response = signed_in.get(reverse("planning:scenario_list"))
    assert response.status_code == 200
    assert f'name="s" value="{done.pk}"' in response.text
    assert reverse("planning:scenario_create") in response.text


def test_an_answer_not_proven_best_says_how_far_it_may_be(signed_in, done):
    result = done.result
    result["engine"]["optimal"] = False
    result["gap_percent"] = 0.05
    Scenario.objects.filter(pk=done.pk).update(result=result)
    page = signed_in.get(reverse("planning:scenario_detail", args=[done.pk]))
    # The page's language writes the decimal separator (0,050 in Arabic and French).
    assert re.search(r"at most 0[.,]050 % better than this one", page.text)
    result["gap_percent"] = None
    Scenario.objects.filter(pk=done.pk).update(result=result)
    page = signed_in.get(reverse("planning:scenario_detail", args=[done.pk]))
    assert "before it could say how far this answer is from the best" in page.text


def test_csv_exports_do_not_carry_formulas(signed_in, manager, django_capture_on_commit_callbacks):
    demand = 'id,lat,lon,population,name\nd1,32.93,10.45,100,=HYPERLINK("x")\n'
    scenario = make_scenario(
        manager,
        p=1,
        existing_kind="",
        demand_source=Scenario.DemandSource.UPLOAD,
        files={"demand_file": csv_file(demand)},
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.scenario_run(actor=manager, scenario=scenario, expected_version=scenario.version)
    response = signed_in.get(reverse("planning:export_assignments", args=[scenario.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["demand_name"] == '\'=HYPERLINK("x")'
