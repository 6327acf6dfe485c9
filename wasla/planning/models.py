"""Siting scenarios: where the next Citizen Space (or any office) would serve people best.

A scenario holds the planner's question (territory, demand, weights, existing offices,
candidate sites, model and parameters); running it stores the engine's answer and the
before/after comparison (docs/planning.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wasla.core.models import VersionedModel
from wasla.organisations.models import Office, Organisation
from wasla.territories.models import Corridor, Governorate, Municipality

DEFAULT_RADIUS_KM = 15.0
DEFAULT_DETOUR = 1.3
DEFAULT_WOMEN_SHARE = 50.0
DEFAULT_TIME_LIMIT = 60


class Scenario(VersionedModel):
    class TerritoryKind(models.TextChoices):
        GOVERNORATE = "governorate", _("Governorate")
        MUNICIPALITY = "municipality", _("Municipality")
        CORRIDOR = "corridor", _("Corridor")

    class DemandSource(models.TextChoices):
        LOCALITIES = "localities", _("Localities of the territory (GeoNames population)")
        UPLOAD = "upload", _("Uploaded grid of points (CSV)")

    class Weighting(models.TextChoices):
        POPULATION = "population", _("Everyone (population)")
        WOMEN = "women", _("Women")
        MIGRANTS = "migrants", _("Migrants (uploaded column)")
        POOREST = "poorest", _("Poorest households (uploaded column)")
        MIX = "mix", _("A weighted mix")
        REQUESTS = "requests", _("Citizen Space requests recorded by Wasla")

    class CandidateSource(models.TextChoices):
        LOCALITIES = "localities", _("Localities of the territory")
        OFFICES = "offices", _("Offices in the territory (other kinds)")
        UPLOAD = "upload", _("Uploaded list of sites (CSV)")

    class SitingModel(models.TextChoices):
        MCLP = "mclp", _("Cover the most people (maximal covering)")
        PMEDIAN = "pmedian", _("Shortest average trip (p-median)")
        PCENTER = "pcenter", _("Shortest worst trip (p-center)")
        LSCP = "lscp", _("Fewest sites to reach everyone (set covering)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        QUEUED = "queued", _("Waiting to run")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        DATA = "data", _("The scenario's data needs correcting")
        ENGINE = "engine", _("The siting engine refused the data")
        UNEXPECTED = "unexpected", _("The run stopped on an unexpected error")

    class Stage(models.TextChoices):
        PREPARING = "preparing", _("Preparing the data")
        SOLVING = "solving", _("Searching for the best sites")
        MEASURING = "measuring", _("Measuring before and after")
        FINISHED = "finished", _("Finished")

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="siting_scenarios",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    territory_kind = models.CharField(
        _("kind of territory"), max_length=20, choices=TerritoryKind.choices
    )
    governorate = models.ForeignKey(
        Governorate,
        verbose_name=_("governorate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    corridor = models.ForeignKey(
        Corridor,
        verbose_name=_("corridor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    demand_source = models.CharField(
        _("where people live"),
        max_length=20,
        choices=DemandSource.choices,
        default=DemandSource.LOCALITIES,
    )
    # Uploaded CSV files are kept as text in the scenario: they are small (limits in
    # wasla/planning/uploads.py) and stay consistent with the scenario in one transaction.
    demand_csv = models.TextField(_("uploaded demand points"), blank=True)
    demand_filename = models.CharField(_("demand file name"), max_length=200, blank=True)
    weighting = models.CharField(
        _("who counts"), max_length=20, choices=Weighting.choices, default=Weighting.POPULATION
    )
    women_share = models.FloatField(_("women's share of the population (%)"), default=50.0)
    mix_population = models.FloatField(_("weight of everyone"), default=0.0)
    mix_women = models.FloatField(_("weight of women"), default=0.0)
    mix_migrants = models.FloatField(_("weight of migrants"), default=0.0)
    mix_poorest = models.FloatField(_("weight of the poorest"), default=0.0)

    existing_kind = models.CharField(
        _("existing offices kept open"),
        max_length=30,
        choices=Office.Kind.choices,
        blank=True,
        default=Office.Kind.CITIZEN_SPACE,
    )
    candidate_source = models.CharField(
        _("candidate sites"),
        max_length=20,
        choices=CandidateSource.choices,
        default=CandidateSource.LOCALITIES,
    )
    candidates_csv = models.TextField(_("uploaded candidate sites"), blank=True)
    candidates_filename = models.CharField(_("candidates file name"), max_length=200, blank=True)

    model = models.CharField(
        _("question"), max_length=10, choices=SitingModel.choices, default=SitingModel.MCLP
    )
    p = models.PositiveSmallIntegerField(_("number of new sites"), null=True, blank=True)
    radius_km = models.FloatField(_("travel distance (km)"), default=DEFAULT_RADIUS_KM)
    detour = models.FloatField(_("detour factor"), default=DEFAULT_DETOUR)
    time_limit = models.PositiveIntegerField(_("time limit (seconds)"), default=DEFAULT_TIME_LIMIT)
    distances_csv = models.TextField(_("uploaded distance table"), blank=True)
    distances_filename = models.CharField(_("distance file name"), max_length=200, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Identifies the run a task was queued for: a retried or stale task finds another id
    # and does nothing.
    run_id = models.UUIDField(_("run"), null=True, blank=True)
    failure = models.CharField(_("failure"), max_length=10, choices=Failure.choices, blank=True)
    # The detail of a failure: the engine's own words (English) or the checks' messages.
    error_message = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("siting scenario")
        verbose_name_plural = _("siting scenarios")
        indexes = [models.Index(fields=["organisation", "-updated_at"])]

    def __str__(self):
        return self.name

    @property
    def territory(self):
        return {
            self.TerritoryKind.GOVERNORATE: self.governorate,
            self.TerritoryKind.MUNICIPALITY: self.municipality,
            self.TerritoryKind.CORRIDOR: self.corridor,
        }.get(self.territory_kind)

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def needs_p(self) -> bool:
        return self.model != self.SitingModel.LSCP

    @property
    def run_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
