"""Reads of cases, through the reader's scope: counsellors see the cases of their offices,
partners see the referrals made to their organisation — with the minimum data, and only
while the person's consent to share with partners stands."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from wasla.cases.models import Case, CaseEvent, FollowUp, Programme, Referral, Stage, SupportEntry
from wasla.organisations.scoping import DataScope, require
from wasla.people.models import Consent


def _cases(scope: DataScope) -> QuerySet:
    cases = Case.objects.select_related("person", "programme", "office", "counsellor")
    return cases if scope.is_platform_admin else cases.filter(office_id__in=scope.office_ids)


def case_list(
    *, user, stage: str | None = None, mine_only: bool = False, programme: str | None = None
) -> QuerySet:
    scope = require(user, "cases.view")
    cases = _cases(scope)
    if stage:
        cases = cases.filter(stage=stage)
    if mine_only:
        cases = cases.filter(counsellor=user)
    if programme:
        cases = cases.filter(programme__slug=programme)
    return cases


def case_get(*, user, reference: str) -> Case:
    """The case if the user may see it; Case.DoesNotExist otherwise."""
    scope = require(user, "cases.view")
    return _cases(scope).get(reference=reference)


def cases_of_person(*, user, person) -> QuerySet:
    scope = require(user, "cases.view")
    return _cases(scope).filter(person=person)


@dataclass(frozen=True)
class Caseload:
    """The first `limit` rows of each list, with the full counts beside them."""

    by_stage: list[tuple[str, str, int]]  # (stage, label, count)
    open_cases: list[Case]
    open_case_count: int
    overdue_follow_ups: list[FollowUp]
    overdue_count: int
    due_soon_follow_ups: list[FollowUp]
    due_soon_count: int
    referrals_waiting: list[Referral]
    referrals_waiting_count: int


# What a caseload row shows of a person: the name in both scripts (cases/_person_name.html).
_PERSON_NAME = [
    f"person__{name}"
    for name in (
        "given_name_ar", "father_name_ar", "family_name_ar",
        "given_name_latin", "father_name_latin", "family_name_latin", "anonymised_at",
    )
]  # fmt: skip


_PROGRAMME_NAME = ["programme__name_ar", "programme__name_fr", "programme__name_en"]


def caseload(*, user, days_ahead: int = 30, limit: int = 20) -> Caseload:
    """A counsellor's own cases: how many at each stage, follow-ups overdue or due soon,
    referrals a partner has not answered yet. Lists stop at `limit` rows, most urgent first,
    so that a large caseload still loads quickly."""
    scope = require(user, "cases.view")
    mine = _cases(scope).filter(counsellor=user)
    counts = dict(mine.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    today = timezone.localdate()
    pending = FollowUp.objects.filter(
        case__in=mine.exclude(stage=Stage.CLOSED), done_on__isnull=True
    )
    # The lists load only the columns their rows show: a caseload runs into thousands.
    follow_up_rows = pending.select_related("case", "case__person").only(
        "due_on", "months_after_plan", "case__reference", *(f"case__{f}" for f in _PERSON_NAME)
    )
    soon = today + datetime.timedelta(days=days_ahead)
    overdue = follow_up_rows.filter(due_on__lt=today).order_by("due_on")
    due_soon = follow_up_rows.filter(due_on__gte=today, due_on__lte=soon).order_by("due_on")
    # Both counts in one pass over the pending follow-ups.
    follow_up_counts = pending.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
    )
    waiting = (
        Referral.objects.filter(case__in=mine, status=Referral.Status.SENT)
        .select_related("case", "case__person", "partner")
        .order_by("sent_on")
    )
    return Caseload(
        by_stage=[(stage.value, stage.label, counts.get(stage.value, 0)) for stage in Stage],
        open_cases=list(
            mine.exclude(stage=Stage.CLOSED)
            .select_related(None)
            .select_related("person", "programme")
            .only("reference", "stage", "opened_on", *_PROGRAMME_NAME, *_PERSON_NAME)
            .order_by("stage", "-opened_on")[:limit]
        ),
        open_case_count=sum(count for stage, count in counts.items() if stage != Stage.CLOSED),
        overdue_follow_ups=list(overdue[:limit]),
        overdue_count=follow_up_counts["overdue"],
        due_soon_follow_ups=list(due_soon[:limit]),
        due_soon_count=follow_up_counts["due_soon"],
        referrals_waiting=list(waiting[:limit]),
        referrals_waiting_count=waiting.count(),
    )


def overdue_follow_ups(*, user) -> QuerySet:
    """Every overdue follow-up in the user's offices, for supervisors and dashboards."""
    scope = require(user, "cases.view")
    return (
        FollowUp.objects.filter(
            case__in=_cases(scope).exclude(stage=Stage.CLOSED),
            done_on__isnull=True,
            due_on__lt=timezone.localdate(),
        )
        .select_related("case", "case__person", "case__counsellor")
        .order_by("case__counsellor__username", "due_on")
    )


def case_timeline(*, case: Case) -> QuerySet:
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "pk")


def support_totals(*, case: Case) -> dict[str, Decimal]:
    rows = case.support_entries.values("kind").annotate(total=Sum("amount_tnd"))
    totals = {row["kind"]: row["total"] for row in rows}
    totals["all"] = sum(totals.values(), Decimal(0))
    return totals


def support_totals_by_programme(*, user) -> list[dict]:
    """Support given per programme and kind, over the cases the user may see."""
    scope = require(user, "cases.view")
    rows = (
        SupportEntry.objects.filter(case__in=_cases(scope))
        .values("case__programme__slug", "kind")
        .annotate(total=Sum("amount_tnd"), cases=Count("case", distinct=True))
        .order_by("case__programme__slug", "kind")
    )
    names = {programme.slug: programme.name for programme in Programme.objects.all()}
    return [
        {
            "programme": row["case__programme__slug"],
            "programme_name": names.get(row["case__programme__slug"], ""),
            "kind": row["kind"],
            "total_tnd": row["total"],
            "cases": row["cases"],
        }
        for row in rows
    ]


@dataclass(frozen=True)
class InboxReferral:
    """What a partner may know of a person referred to it."""

    referral: Referral
    person_shared: bool  # False once the person withdrew consent to share with partners
    given_name: str
    sex: str
    birth_year: int | None
    locality: str
    phone: str


def partner_inbox(*, user, status: str | None = None) -> list[InboxReferral]:
    scope = require(user, "referrals.respond")
    referrals = Referral.objects.select_related(
        "case__person__residence_locality", "case__programme", "partner", "plan_action"
    )
    if not scope.is_platform_admin:
        referrals = referrals.filter(partner_id__in=scope.partner_organisation_ids)
    if status:
        referrals = referrals.filter(status=status)
    consent = Consent.objects.filter(
        person=OuterRef("case__person"),
        purpose=Consent.Purpose.PARTNER_SHARING,
        withdrawn_on__isnull=True,
    )
    sms = Consent.objects.filter(
        person=OuterRef("case__person"),
        purpose=Consent.Purpose.SMS_CONTACT,
        withdrawn_on__isnull=True,
    )
    referrals = referrals.annotate(shared=Exists(consent), may_contact=Exists(sms)).order_by(
        "status", "-sent_on"
    )
    inbox = []
    for referral in referrals:
        person = referral.case.person
        shared = referral.shared and not person.anonymised_at
        inbox.append(
            InboxReferral(
                referral=referral,
                person_shared=shared,
                given_name=(person.given_name_latin or person.given_name_ar) if shared else "",
                sex=person.get_sex_display() if shared else "",
                birth_year=person.birth_year if shared else None,
                locality=person.residence_locality.display_name
                if shared and person.residence_locality
                else "",
                phone=person.phone if shared and referral.may_contact else "",
            )
        )
    return inbox


def partner_referral_get(*, user, pk: int) -> Referral:
    scope = require(user, "referrals.respond")
    referrals = Referral.objects.select_related("case", "partner")
    if not scope.is_platform_admin:
        referrals = referrals.filter(partner_id__in=scope.partner_organisation_ids)
    return referrals.get(pk=pk)
