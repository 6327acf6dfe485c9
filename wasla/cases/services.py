"""Writes to cases: one transaction each, checked, audited, and written to the case timeline."""

import calendar
import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wasla.cases.models import (
    TRANSITIONS,
    Case,
    CaseEvent,
    FollowUp,
    NeedsAssessment,
    PlanAction,
    Programme,
    Referral,
    Stage,
    SupportEntry,
)
from wasla.core.audit import audit_create, audit_update, snapshot
from wasla.core.concurrency import save_versioned
from wasla.core.exceptions import ApplicationError
from wasla.engines.sustainability.scoring import SustainabilityIndex, score_answers
from wasla.organisations.models import Office, Organisation
from wasla.organisations.scoping import scope_for
from wasla.people.models import Consent, Person
from wasla.people.services import consent_require, person_link_office

DEFAULT_ASSESSMENT = Path(__file__).with_name("data") / "needs_assessment.json"


def default_assessment_questions() -> list[dict]:
    """The needs-assessment form shipped with Wasla (economic, social, psychosocial needs and
    vulnerabilities, in three languages); a programme may carry its own."""
    return json.loads(DEFAULT_ASSESSMENT.read_text(encoding="utf-8"))


def _forbidden(message: str | None = None) -> ApplicationError:
    return ApplicationError(message or _("You may not change this case."), code="forbidden")


def _check_case_in_scope(actor, case: Case) -> None:
    scope = scope_for(actor)
    if not scope.can("cases.manage"):
        raise _forbidden()
    if not (scope.is_platform_admin or case.office_id in scope.office_ids):
        raise _forbidden()


def _event(case: Case, actor, kind: str, summary: str, **data) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor, kind=kind, summary=summary[:255], data=data
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def case_open(
    *,
    actor,
    person: Person,
    programme: Programme,
    office: Office,
    opened_on: datetime.date | None = None,
) -> Case:
    """Open a case at an office the counsellor works at; the office then serves the person."""
    scope = scope_for(actor)
    if not scope.can("cases.manage") or not (
        scope.is_platform_admin or office.pk in scope.office_ids
    ):
        raise _forbidden(_("You may not open cases at this office."))
    if person.anonymised_at:
        raise ApplicationError(_("This record has been anonymised."), code="anonymised")
    consent_require(person=person, purpose=Consent.Purpose.SERVICE_DELIVERY)
    opened_on = opened_on or timezone.localdate()
    if opened_on > timezone.localdate():
        raise ApplicationError(
            _("This date is in the future."),
            code="invalid",
            extra={"opened_on": [_("This date is in the future.")]},
        )
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person,
                programme=programme,
                office=office,
                counsellor=actor,
                opened_on=opened_on,
            )
    except IntegrityError:
        raise ApplicationError(
            _("%(name)s already has an open case in this programme.") % {"name": person.full_name},
            code="already_open",
        ) from None
    person_link_office(actor=actor, person=person, office=office, reason="case")
    _event(
        case,
        actor,
        CaseEvent.Kind.OPENED,
        _("Case opened in %(programme)s") % {"programme": programme.name},
    )
    audit_create(actor=actor, instance=case)
    return case


@transaction.atomic
def case_move(
    *,
    actor,
    case: Case,
    to_stage: str,
    expected_version: int,
    closure_reason: str = "",
    on: datetime.date | None = None,
) -> Case:
    """Move a case to the next stage; only the transitions of `TRANSITIONS` pass."""
    _check_case_in_scope(actor, case)
    if to_stage not in TRANSITIONS.get(case.stage, ()):
        raise ApplicationError(
            _("A case cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": Stage(case.stage).label,
                "to": Stage(to_stage).label if to_stage in Stage.values else to_stage,
            },
            code="invalid_transition",
        )
    on = on or timezone.localdate()
    before = snapshot(case)
    fields = ["stage"]
    if to_stage == Stage.PLAN_AGREED:
        if not case.assessments.exists():
            raise ApplicationError(
                _("Assess the person's needs before agreeing a plan."), code="no_assessment"
            )
        if not case.plan_actions.exclude(status=PlanAction.Status.CANCELLED).exists():
            raise ApplicationError(
                _("Add at least one action to the plan before agreeing it."), code="empty_plan"
            )
        case.plan_agreed_on = on
        fields.append("plan_agreed_on")
        _schedule_follow_ups(case)
    if to_stage == Stage.CLOSED:
        if closure_reason not in Case.ClosureReason.values:
            raise ApplicationError(
                _("Say why the case is closed."),
                code="invalid",
                extra={"closure_reason": [_("Say why the case is closed.")]},
            )
        case.closed_on, case.closure_reason = on, closure_reason
        fields += ["closed_on", "closure_reason"]
    previous = case.stage
    case.stage = to_stage
    save_versioned(case, expected_version=expected_version, fields=fields)
    _event(
        case,
        actor,
        CaseEvent.Kind.STAGE,
        _("%(from)s → %(to)s") % {"from": Stage(previous).label, "to": Stage(to_stage).label},
        from_stage=previous,
        to_stage=to_stage,
        closure_reason=closure_reason,
    )
    audit_update(actor=actor, instance=case, before=before)
    return case


def _schedule_follow_ups(case: Case) -> None:
    for months in sorted(set(case.programme.follow_up_months)):
        FollowUp.objects.update_or_create(
            case=case,
            months_after_plan=months,
            defaults={"due_on": add_months(case.plan_agreed_on, months)},
        )


def _assessment_errors(programme: Programme, answers: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    questions = {question["id"]: question for question in programme.assessment_questions}
    for key, value in answers.items():
        question = questions.get(key)
        if question is None:
            errors.setdefault(key, []).append(_("Unknown question."))
        elif question.get("type") == "choice" and value not in [
            option["id"] for option in question["options"]
        ]:
            errors.setdefault(key, []).append(_("Choose one of the options."))
        elif question.get("type") == "multi" and (
            not isinstance(value, list)
            or not set(value) <= {option["id"] for option in question["options"]}
        ):
            errors.setdefault(key, []).append(_("Choose among the options."))
    for key, question in questions.items():
        if question.get("required") and answers.get(key) in (None, ""):
            errors.setdefault(key, []).append(_("This question needs an answer."))
    return errors


@transaction.atomic
def needs_assessment_record(
    *, actor, case: Case, answers: dict, notes: str = "", assessed_on: datetime.date | None = None
) -> NeedsAssessment:
    _check_case_in_scope(actor, case)
    if case.stage == Stage.CLOSED:
        raise ApplicationError(_("This case is closed."), code="closed")
    errors = _assessment_errors(case.programme, answers)
    if errors:
        raise ApplicationError(_("Some answers need correcting."), code="invalid", extra=errors)
    assessment = NeedsAssessment.objects.create(
        case=case,
        answers=answers,
        notes=notes,
        assessed_on=assessed_on or timezone.localdate(),
        assessed_by=actor,
    )
    _event(case, actor, CaseEvent.Kind.ASSESSMENT, _("Needs assessed"), answers=answers)
    audit_create(actor=actor, instance=assessment)
    return assessment


@transaction.atomic
def plan_action_add(
    *,
    actor,
    case: Case,
    kind: str,
    description: str = "",
    partner: Organisation | None = None,
    budget_tnd: Decimal = Decimal(0),
    due_on: datetime.date | None = None,
) -> PlanAction:
    _check_case_in_scope(actor, case)
    if case.stage == Stage.CLOSED:
        raise ApplicationError(_("This case is closed."), code="closed")
    errors: dict[str, list[str]] = {}
    if kind not in PlanAction.Kind.values:
        errors["kind"] = [_("Choose one of the options.")]
    if Decimal(budget_tnd) < 0:
        errors["budget_tnd"] = [_("A budget cannot be negative.")]
    if errors:
        raise ApplicationError(_("Some fields need correcting."), code="invalid", extra=errors)
    action = PlanAction.objects.create(
        case=case,
        kind=kind,
        description=description,
        partner=partner,
        budget_tnd=budget_tnd,
        due_on=due_on,
    )
    _event(
        case,
        actor,
        CaseEvent.Kind.PLAN_ACTION,
        _("Plan action added: %(action)s") % {"action": action.get_kind_display()},
    )
    audit_create(actor=actor, instance=action)
    return action


@transaction.atomic
def plan_action_set_status(
    *, actor, action: PlanAction, status: str, expected_version: int
) -> PlanAction:
    _check_case_in_scope(actor, action.case)
    if status not in PlanAction.Status.values:
        raise ApplicationError(
            _("Choose one of the options."),
            code="invalid",
            extra={"status": [_("Choose one of the options.")]},
        )
    before = snapshot(action)
    action.status = status
    save_versioned(action, expected_version=expected_version, fields=["status"])
    _event(
        action.case,
        actor,
        CaseEvent.Kind.PLAN_ACTION,
        _("%(action)s: %(status)s")
        % {"action": action.get_kind_display(), "status": action.get_status_display()},
    )
    audit_update(actor=actor, instance=action, before=before)
    return action


@transaction.atomic
def referral_send(
    *, actor, case: Case, partner: Organisation, reason: str, plan_action: PlanAction | None = None
) -> Referral:
    """Refer the person to a partner. Refused without the person's consent to share with partners."""
    _check_case_in_scope(actor, case)
    if case.stage == Stage.CLOSED:
        raise ApplicationError(_("This case is closed."), code="closed")
    consent_require(person=case.person, purpose=Consent.Purpose.PARTNER_SHARING)
    if not reason.strip():
        raise ApplicationError(
            _("Say what the person needs from the partner."),
            code="invalid",
            extra={"reason": [_("Say what the person needs from the partner.")]},
        )
    if plan_action is not None and plan_action.case_id != case.pk:
        raise ApplicationError(_("This action belongs to another case."), code="invalid")
    open_referral = case.referrals.filter(
        partner=partner, status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED]
    )
    if open_referral.exists():
        raise ApplicationError(
            _("This person is already referred to this partner."), code="already_referred"
        )
    referral = Referral.objects.create(
        case=case,
        partner=partner,
        reason=reason.strip(),
        plan_action=plan_action,
        sent_on=timezone.localdate(),
        sent_by=actor,
    )
    _event(
        case,
        actor,
        CaseEvent.Kind.REFERRAL,
        _("Referred to %(partner)s") % {"partner": partner.name},
        referral=referral.pk,
    )
    audit_create(actor=actor, instance=referral)
    return referral


def _check_partner(actor, referral: Referral) -> None:
    scope = scope_for(actor)
    if not scope.can("referrals.respond"):
        raise _forbidden(_("You may not answer this referral."))
    if not (scope.is_platform_admin or referral.partner_id in scope.partner_organisation_ids):
        raise _forbidden(_("You may not answer this referral."))


@transaction.atomic
def referral_respond(
    *, actor, referral: Referral, expected_version: int, accept: bool, decline_reason: str = ""
) -> Referral:
    """The partner accepts or declines (with a reason) a referral sent to it."""
    _check_partner(actor, referral)
    if referral.status != Referral.Status.SENT:
        raise ApplicationError(
            _("This referral has already been answered."), code="invalid_transition"
        )
    if not accept and not decline_reason.strip():
        raise ApplicationError(
            _("Say why the referral is declined."),
            code="invalid",
            extra={"decline_reason": [_("Say why the referral is declined.")]},
        )
    before = snapshot(referral)
    referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    referral.responded_on = timezone.localdate()
    referral.decline_reason = "" if accept else decline_reason.strip()
    save_versioned(
        referral,
        expected_version=expected_version,
        fields=["status", "responded_on", "decline_reason"],
    )
    summary = (
        _("%(partner)s accepted the referral")
        if accept
        else _("%(partner)s declined the referral: %(reason)s")
    ) % {"partner": referral.partner.name, "reason": referral.decline_reason}
    _event(referral.case, actor, CaseEvent.Kind.REFERRAL, summary, referral=referral.pk)
    audit_update(actor=actor, instance=referral, before=before)
    return referral


@transaction.atomic
def referral_complete(
    *, actor, referral: Referral, expected_version: int, outcome: str
) -> Referral:
    _check_partner(actor, referral)
    if referral.status != Referral.Status.ACCEPTED:
        raise ApplicationError(
            _("Only an accepted referral can be completed."), code="invalid_transition"
        )
    if not outcome.strip():
        raise ApplicationError(
            _("Describe the outcome."),
            code="invalid",
            extra={"outcome": [_("Describe the outcome.")]},
        )
    before = snapshot(referral)
    referral.status = Referral.Status.COMPLETED
    referral.completed_on = timezone.localdate()
    referral.outcome = outcome.strip()
    save_versioned(
        referral, expected_version=expected_version, fields=["status", "completed_on", "outcome"]
    )
    _event(
        referral.case,
        actor,
        CaseEvent.Kind.REFERRAL,
        _("%(partner)s completed the referral: %(outcome)s")
        % {"partner": referral.partner.name, "outcome": referral.outcome},
        referral=referral.pk,
    )
    audit_update(actor=actor, instance=referral, before=before)
    return referral


@transaction.atomic
def support_record(
    *,
    actor,
    case: Case,
    kind: str,
    amount_tnd: Decimal,
    provided_on: datetime.date,
    provider: Organisation | None = None,
    description: str = "",
) -> SupportEntry:
    _check_case_in_scope(actor, case)
    errors: dict[str, list[str]] = {}
    if kind not in SupportEntry.Kind.values:
        errors["kind"] = [_("Choose one of the options.")]
    if Decimal(amount_tnd) <= 0:
        errors["amount_tnd"] = [_("The amount must be more than zero.")]
    if provided_on > timezone.localdate():
        errors["provided_on"] = [_("This date is in the future.")]
    if errors:
        raise ApplicationError(_("Some fields need correcting."), code="invalid", extra=errors)
    entry = SupportEntry.objects.create(
        case=case,
        kind=kind,
        amount_tnd=amount_tnd,
        provided_on=provided_on,
        provider=provider,
        description=description,
        recorded_by=actor,
    )
    _event(
        case,
        actor,
        CaseEvent.Kind.SUPPORT,
        _("%(kind)s: %(amount)s TND")
        % {"kind": entry.get_kind_display(), "amount": entry.amount_tnd},
    )
    audit_create(actor=actor, instance=entry)
    return entry


@transaction.atomic
def follow_up_record(
    *,
    actor,
    follow_up: FollowUp,
    answers: dict[str, str],
    notes: str = "",
    done_on: datetime.date | None = None,
) -> FollowUp:
    """Record a follow-up and its reintegration sustainability score (docs/sustainability-index.md)."""
    _check_case_in_scope(actor, follow_up.case)
    if follow_up.done_on:
        raise ApplicationError(_("This follow-up is already recorded."), code="already_done")
    index = SustainabilityIndex.load()
    try:
        score = score_answers(index, answers)
    except ValueError as error:
        raise ApplicationError(
            _("Some answers need correcting: %(problem)s") % {"problem": error}, code="invalid"
        ) from None
    before = snapshot(follow_up)
    follow_up.done_on = done_on or timezone.localdate()
    follow_up.done_by = actor
    follow_up.notes = notes
    follow_up.answers = answers
    follow_up.economic_score = score.economic
    follow_up.social_score = score.social
    follow_up.psychosocial_score = score.psychosocial
    follow_up.composite_score = score.composite
    follow_up.score_band = score.band
    follow_up.index_version = index.version
    follow_up.save()
    _event(
        follow_up.case,
        actor,
        CaseEvent.Kind.FOLLOW_UP,
        _("Follow-up at %(months)s months: sustainability %(score)s")
        % {"months": follow_up.months_after_plan, "score": score.composite},
        follow_up=follow_up.pk,
        composite=score.composite,
        band=score.band,
    )
    audit_update(actor=actor, instance=follow_up, before=before)
    return follow_up
