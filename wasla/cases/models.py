"""Case management for reintegration and inclusion: a person's case in a programme, at an
office, with a counsellor; its needs assessment, individual plan, referrals to partners,
support given, follow-ups with the reintegration sustainability score, and its timeline."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wasla.core.models import TimeStampedModel, TrilingualNameModel, VersionedModel
from wasla.organisations.models import Office, Organisation
from wasla.people.models import REFERENCE_ALPHABET, Person


def new_case_reference() -> str:
    return "C-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


class Programme(TrilingualNameModel, TimeStampedModel):
    """A programme cases belong to, with its follow-up calendar and needs-assessment form."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    # Months after the plan is agreed at which a follow-up is due.
    follow_up_months = models.JSONField(_("follow-ups (months after the plan)"), default=list)
    # The needs-assessment form, as data: see docs/cases.md for its shape.
    assessment_questions = models.JSONField(_("needs-assessment questions"), default=list)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")


class Stage(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    ASSESSMENT = "assessment", _("Needs assessment")
    PLAN_AGREED = "plan_agreed", _("Individual plan agreed")
    SUPPORT = "support", _("Support under way")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


# Each stage and the stages a case may move to from it.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.RECEPTION: (Stage.ASSESSMENT, Stage.CLOSED),
    Stage.ASSESSMENT: (Stage.PLAN_AGREED, Stage.CLOSED),
    Stage.PLAN_AGREED: (Stage.SUPPORT, Stage.CLOSED),
    Stage.SUPPORT: (Stage.FOLLOW_UP, Stage.CLOSED),
    Stage.FOLLOW_UP: (Stage.SUPPORT, Stage.CLOSED),
    Stage.CLOSED: (),
}


class Case(VersionedModel):
    class ClosureReason(models.TextChoices):
        REINTEGRATED = "reintegrated", _("Plan completed, reintegration under way")
        PERSON_WITHDREW = "person_withdrew", _("The person withdrew")
        MOVED_AWAY = "moved_away", _("The person moved away")
        LOST_CONTACT = "lost_contact", _("Contact lost")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        REMIGRATED = "remigrated", _("The person migrated again")
        DECEASED = "deceased", _("Deceased")

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_case_reference
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="cases"
    )
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="cases"
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.RECEPTION
    )
    opened_on = models.DateField(_("opened on"))
    plan_agreed_on = models.DateField(_("plan agreed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True
    )

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["counsellor", "stage"]),
            models.Index(fields=["office", "stage"]),
            # A counsellor's open cases in the caseload's order, read without a sort.
            models.Index(
                fields=["counsellor", "office", "stage", "-opened_on"], name="case_caseload_order"
            ),
            # The list of all cases of an office, newest first (the model's ordering).
            models.Index(fields=["office", "-opened_on", "-id"], name="case_office_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=~Q(stage="closed"),
                name="one_open_case_per_person_and_programme",
            ),
            models.CheckConstraint(
                condition=Q(stage="closed", closed_on__isnull=False)
                | (~Q(stage="closed") & Q(closed_on__isnull=True)),
                name="closed_cases_have_a_closing_date",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.person.reference}"

    @property
    def next_stages(self) -> tuple[str, ...]:
        return TRANSITIONS[self.stage]


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        STAGE = "stage", _("Stage changed")
        ASSESSMENT = "assessment", _("Needs assessed")
        PLAN_ACTION = "plan_action", _("Plan action")
        REFERRAL = "referral", _("Referral")
        SUPPORT = "support", _("Support given")
        FOLLOW_UP = "follow_up", _("Follow-up")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    summary = models.CharField(_("summary"), max_length=255)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case.reference} {self.at:%Y-%m-%d} {self.summary}"


class NeedsAssessment(TimeStampedModel):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(_("answers"), default=dict)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self):
        return f"{self.case.reference} {self.assessed_on}"


class PlanAction(VersionedModel):
    class Kind(models.TextChoices):
        VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
        JOB_PLACEMENT = "job_placement", _("Job placement")
        BUSINESS_START_UP = "business_start_up", _("Business start-up")
        MICROFINANCE_OR_GRANT = "microfinance_or_grant", _("Microfinance or grant")
        ADMINISTRATIVE_HELP = "administrative_help", _("Administrative help")
        PSYCHOSOCIAL_SUPPORT = "psychosocial_support", _("Psychosocial support")
        HOUSING = "housing", _("Housing")
        HEALTH = "health", _("Health")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plan_actions"
    )
    kind = models.CharField(_("action"), max_length=30, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    budget_tnd = models.DecimalField(_("budget (TND)"), max_digits=10, decimal_places=3, default=0)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("plan action")
        verbose_name_plural = _("individual plan")

    def __str__(self):
        return f"{self.case.reference}: {self.get_kind_display()}"


class Referral(VersionedModel):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals"
    )
    plan_action = models.ForeignKey(
        PlanAction,
        verbose_name=_("plan action"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="referrals"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    reason = models.CharField(_("what the person needs from the partner"), max_length=255)
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    decline_reason = models.CharField(_("why it was declined"), max_length=255, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        return f"{self.case.reference} → {self.partner.slug} ({self.status})"


class SupportEntry(TimeStampedModel):
    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        IN_KIND = "in_kind", _("In kind")
        MICROCREDIT = "microcredit", _("Microcredit")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="support_entries"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount_tnd = models.DecimalField(_("amount (TND)"), max_digits=12, decimal_places=3)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provided_on = models.DateField(_("provided on"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["provided_on", "pk"]
        verbose_name = _("support given")
        verbose_name_plural = _("support ledger")
        constraints = [
            models.CheckConstraint(condition=Q(amount_tnd__gt=0), name="support_amount_positive")
        ]

    def __str__(self):
        return f"{self.case.reference} {self.kind} {self.amount_tnd} TND"


class FollowUp(TimeStampedModel):
    """A follow-up due some months after the plan, and what it found."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    months_after_plan = models.PositiveSmallIntegerField(_("months after the plan"))
    due_on = models.DateField(_("due on"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    answers = models.JSONField(_("sustainability answers"), default=dict, blank=True)
    economic_score = models.FloatField(_("economic"), null=True, blank=True)
    social_score = models.FloatField(_("social"), null=True, blank=True)
    psychosocial_score = models.FloatField(_("psychosocial"), null=True, blank=True)
    composite_score = models.FloatField(_("composite"), null=True, blank=True)
    score_band = models.CharField(_("band"), max_length=20, blank=True)
    index_version = models.PositiveSmallIntegerField(_("index version"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "months_after_plan"], name="one_follow_up_per_case_and_month"
            )
        ]

    def __str__(self):
        return f"{self.case.reference} +{self.months_after_plan} months"
