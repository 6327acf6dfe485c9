"""Pages of the planner: scenarios, their form, their answer (map and tables), comparison and
exports. Thin: reads through selectors, writes through services; a broken rule comes back on
the same page with the form's errors (409 when someone else saved first)."""

import csv
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View

from wasla.core.exceptions import ApplicationError
from wasla.organisations.permissions import PermissionRequiredMixin
from wasla.organisations.scoping import scope_for
from wasla.planning import selectors, services
from wasla.planning.forms import CompareForm, ScenarioForm, initial_for
from wasla.planning.maps import result_map
from wasla.planning.models import Scenario
from wasla.planning.summary import comparison_rows, summary_rows

SCENARIOS_PER_PAGE = 50
# While a run is under way the page asks for its progress this often (seconds).
POLL_SECONDS = 2


def _add_errors(form, error: ApplicationError) -> None:
    """Put a service's per-field errors on the form, the rest on top of it."""
    placed = False
    for field, problems in (error.extra or {}).items():
        target = field if field in form.fields else None
        for problem in problems:
            form.add_error(target, problem)
            placed = True
    if not placed or error.code != "invalid":
        form.add_error(None, error.message)


def _describe(error: ApplicationError) -> str:
    """The error and each field's problem, for a message shown away from the form."""
    details = [problem for problems in (error.extra or {}).values() for problem in problems]
    return " ".join([error.message, *details])


def _status_for(error: ApplicationError) -> int:
    return {"conflict": 409, "forbidden": 403, "busy": 409}.get(error.code, 400)


def _scenario_or_404(request, pk: int, permission: str) -> Scenario:
    scenario = selectors.scenario_get(user=request.user, pk=pk, permission=permission)
    if scenario is None:
        raise Http404
    return scenario


def _may_manage(request, scenario: Scenario) -> bool:
    return scope_for(request.user).can_in_organisation("planning.manage", scenario.organisation_id)


class ScenarioListView(PermissionRequiredMixin, View):
    permission = "planning.view"

    def get(self, request):
        page = Paginator(selectors.scenario_list(user=request.user), SCENARIOS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "planning/scenario_list.html",
            {
                "page": page,
                "scenarios": page.object_list,
                "can_manage": self.scope.can("planning.manage"),
            },
        )


class _ScenarioFormView(PermissionRequiredMixin, View):
    permission = "planning.manage"
    template = "planning/scenario_form.html"

    def _render(self, request, form, scenario=None, status=200):
        return render(request, self.template, {"form": form, "scenario": scenario}, status=status)

    def _after_save(self, request, scenario: Scenario):
        if "save_and_run" in request.POST:
            try:
                services.scenario_run(
                    actor=request.user, scenario=scenario, expected_version=scenario.version
                )
            except ApplicationError as error:
                messages.error(request, _describe(error))
        return redirect("planning:scenario_detail", pk=scenario.pk)


class ScenarioCreateView(_ScenarioFormView):
    def _organisations(self, request):
        return selectors.organisations_for_planning(user=request.user)

    def get(self, request):
        form = ScenarioForm(organisations=self._organisations(request))
        return self._render(request, form)

    def post(self, request):
        form = ScenarioForm(request.POST, request.FILES, organisations=self._organisations(request))
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            scenario = services.scenario_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                fields=form.scenario_fields(),
                files=form.uploaded_files(),
            )
        except ApplicationError as error:
            _add_errors(form, error)
            return self._render(request, form, status=_status_for(error))
        messages.success(request, _("The scenario is saved."))
        return self._after_save(request, scenario)


class ScenarioEditView(_ScenarioFormView):
    def get(self, request, pk: int):
        scenario = _scenario_or_404(request, pk, "planning.manage")
        form = ScenarioForm(initial=initial_for(scenario), scenario=scenario)
        return self._render(request, form, scenario)

    def post(self, request, pk: int):
        scenario = _scenario_or_404(request, pk, "planning.manage")
        form = ScenarioForm(request.POST, request.FILES, scenario=scenario)
        if not form.is_valid():
            return self._render(request, form, scenario, status=400)
        try:
            services.scenario_update(
                actor=request.user,
                scenario=scenario,
                expected_version=form.cleaned_data["version"] or 0,
                fields=form.scenario_fields(),
                files=form.uploaded_files(),
                clear_distances=form.cleaned_data.get("clear_distances", False),
            )
        except ApplicationError as error:
            _add_errors(form, error)
            fresh = _scenario_or_404(request, pk, "planning.manage")
            return self._render(request, form, fresh, status=_status_for(error))
        messages.success(request, _("The scenario is saved. Run it to see the new answer."))
        return self._after_save(request, scenario)


class ScenarioDetailView(PermissionRequiredMixin, View):
    permission = "planning.view"

    def get(self, request, pk: int):
        scenario = _scenario_or_404(request, pk, "planning.view")
        context = {
            "scenario": scenario,
            "can_manage": _may_manage(request, scenario),
            "poll_seconds": POLL_SECONDS,
        }
        if request.htmx and request.GET.get("part") == "status":
            response = render(request, "planning/_status.html", context)
            if not scenario.is_busy:
                # The run ended: the whole page reloads to show the answer or the failure.
                response["HX-Refresh"] = "true"
            return response
        result = scenario.result if scenario.status == Scenario.Status.DONE else None
        context |= {
            "result": result,
            "map": result_map(result),
            "summary": summary_rows(result) if result else [],
        }
        return render(request, "planning/scenario_detail.html", context)


class ScenarioRunView(PermissionRequiredMixin, View):
    permission = "planning.manage"

    def post(self, request, pk: int):
        scenario = _scenario_or_404(request, pk, "planning.manage")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = 0
        try:
            services.scenario_run(actor=request.user, scenario=scenario, expected_version=version)
        except ApplicationError as error:
            messages.error(request, _describe(error))
            return redirect("planning:scenario_detail", pk=pk)
        messages.success(request, _("The scenario is queued; this page follows its progress."))
        return redirect("planning:scenario_detail", pk=pk)


class ScenarioDeleteView(PermissionRequiredMixin, View):
    permission = "planning.manage"

    def get(self, request, pk: int):
        scenario = _scenario_or_404(request, pk, "planning.manage")
        return render(request, "planning/scenario_delete.html", {"scenario": scenario})

    def post(self, request, pk: int):
        scenario = _scenario_or_404(request, pk, "planning.manage")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = 0
        try:
            services.scenario_delete(
                actor=request.user, scenario=scenario, expected_version=version
            )
        except ApplicationError as error:
            return render(
                request,
                "planning/scenario_delete.html",
                {"scenario": scenario, "error": error.message},
                status=_status_for(error),
            )
        messages.success(request, _("The scenario is deleted."))
        return redirect("planning:scenario_list")


class CompareView(PermissionRequiredMixin, View):
    permission = "planning.view"

    def get(self, request):
        visible = list(selectors.scenario_list(user=request.user).values_list("pk", flat=True))
        form = CompareForm(request.GET, scenario_ids=visible)
        if not form.is_valid():
            return render(request, "planning/compare.html", {"form": form}, status=400)
        scenarios = selectors.scenarios_for_comparison(
            user=request.user, ids=form.cleaned_data["s"]
        )
        return render(
            request,
            "planning/compare.html",
            {"form": form, "scenarios": scenarios, "rows": comparison_rows(scenarios)},
        )


def _finished_or_404(request, pk: int) -> Scenario:
    scenario = _scenario_or_404(request, pk, "planning.view")
    if scenario.status != Scenario.Status.DONE or not scenario.result:
        raise Http404
    return scenario


def _filename(scenario: Scenario, suffix: str) -> str:
    return f"scenario-{scenario.pk}-{slugify(scenario.name)[:40] or 'wasla'}{suffix}"


class GeoJsonExportView(PermissionRequiredMixin, View):
    permission = "planning.view"

    def get(self, request, pk: int):
        scenario = _finished_or_404(request, pk)
        result = scenario.result

        def feature(row: dict, role: str, **properties) -> dict:
            return {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {"role": role, "id": row["id"], "name": row["name"], **properties},
            }

        features = [
            feature(
                row,
                "chosen_site",
                new_people=row["new_people"],
                new_women=row["new_women"],
                assigned_people=row["assigned_people"],
            )
            for row in result["selected"]
        ]
        features += [feature(row, "existing_site") for row in result["existing"]]
        features += [
            feature(
                row,
                "demand",
                population=row["population"],
                women=row["women"],
                weight=row["weight"],
                site_id=row["site"],
                distance_km=row["km"],
                covered=row["covered"],
                covered_before=row["covered_before"],
            )
            for row in result["demand"]
        ]
        body = {
            "type": "FeatureCollection",
            "name": scenario.name,
            "properties": {
                "scenario": scenario.pk,
                "model": scenario.model,
                "radius_km": result["radius_km"],
            },
            "features": features,
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), content_type="application/geo+json"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{_filename(scenario, ".geojson")}"'
        )
        return response


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Uploaded names and ids as text a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_response(scenario: Scenario, suffix: str) -> tuple[HttpResponse, csv.writer]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scenario, suffix)}"'
    # A byte-order mark so that spreadsheets open Arabic names as UTF-8.
    response.write("\ufeff")
    return response, csv.writer(response)


class AssignmentsCsvView(PermissionRequiredMixin, View):
    permission = "planning.view"

    def get(self, request, pk: int):
        scenario = _finished_or_404(request, pk)
        result = scenario.result
        names = {row["id"]: row["name"] for row in [*result["existing"], *result["selected"]]}
        response, writer = _csv_response(scenario, "-assignments.csv")
        writer.writerow(
            [
                "demand_id",
                "demand_name",
                "lat",
                "lon",
                "population",
                "women",
                "weight",
                "site_id",
                "site_name",
                "distance_km",
                "covered",
                "site_before_id",
                "distance_before_km",
                "covered_before",
            ]
        )
        for row in result["demand"]:
            writer.writerow(
                [
                    _cell(row["id"]),
                    _cell(row["name"]),
                    row["lat"],
                    row["lon"],
                    row["population"],
                    row["women"],
                    row["weight"],
                    _cell(row["site"] or ""),
                    _cell(names.get(row["site"], "")),
                    "" if row["km"] is None else row["km"],
                    int(row["covered"]),
                    _cell(row["site_before"] or ""),
                    "" if row["km_before"] is None else row["km_before"],
                    int(row["covered_before"]),
                ]
            )
        return response


class SummaryCsvView(PermissionRequiredMixin, View):
    permission = "planning.view"

    def get(self, request, pk: int):
        scenario = _finished_or_404(request, pk)
        result = scenario.result
        engine = result["engine"]
        response, writer = _csv_response(scenario, "-summary.csv")
        writer.writerow(["group", "measure", "before", "after"])
        for group in ("everyone", "women"):
            before, after = result[group]["before"], result[group]["after"]
            for measure in ("covered", "total", "mean_km", "max_km"):
                writer.writerow([group, measure, before[measure], after[measure]])
        writer.writerow([])
        writer.writerow(["parameter", "value"])
        for name, value in (
            ("scenario", scenario.name),
            ("model", scenario.model),
            ("weighting", scenario.weighting),
            ("p", engine.get("p")),
            ("radius_km", result["radius_km"]),
            ("detour", result["detour"]),
            ("distance_basis", result["distance_basis"]),
            ("objective", engine.get("objective")),
            ("optimal", engine.get("optimal")),
            ("gap_percent", result.get("gap_percent")),
            ("solver_seconds", engine.get("seconds")),
        ):
            writer.writerow([name, "" if value is None else _cell(value)])
        writer.writerow([])
        writer.writerow(["chosen_site_id", "name", "lat", "lon", "new_people", "new_women"])
        for row in result["selected"]:
            writer.writerow(
                [
                    row["id"],
                    row["name"],
                    row["lat"],
                    row["lon"],
                    row["new_people"],
                    row["new_women"],
                ]
            )
        return response
