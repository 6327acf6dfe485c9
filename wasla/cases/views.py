"""Case-management pages: a counsellor's caseload, a case with its forms, a partner's inbox.

Thin views: each form posts to its own address, whose view calls one service; a broken rule
comes back on the same page with the form's errors (409 when someone else saved first)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from wasla.cases import selectors, services
from wasla.cases.forms import (
    CaseFilterForm,
    CaseOpenForm,
    FollowUpForm,
    InboxFilterForm,
    NeedsAssessmentForm,
    PlanActionForm,
    PlanActionStatusForm,
    ReferralAnswerForm,
    ReferralCompleteForm,
    ReferralForm,
    StageMoveForm,
    SupportForm,
    label_in_language,
)
from wasla.cases.models import Case, FollowUp, PlanAction, Referral, Stage, SupportEntry
from wasla.core.exceptions import ApplicationError
from wasla.engines.sustainability.scoring import SustainabilityIndex
from wasla.organisations.permissions import PermissionRequiredMixin
from wasla.organisations.selectors import offices_of_user
from wasla.people import selectors as people_selectors
from wasla.people.forms import DocumentForm
from wasla.people.models import Consent, Person

CASES_PER_PAGE = 50


def _add_field_errors(form, error: ApplicationError) -> None:
    """Put a service's per-field errors on the form, the rest on top of it."""
    placed = False
    for field, problems in (error.extra or {}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
            placed = True
    if not placed or error.code != "invalid":
        form.add_error(None, error.message)


def _status_for(error: ApplicationError) -> int:
    return {"conflict": 409, "forbidden": 403}.get(error.code, 400)


class CaseloadView(PermissionRequiredMixin, TemplateView):
    """The signed-in counsellor's own cases, what is late or due soon, and every case of
    their offices by stage."""

    permission = "cases.view"
    template_name = "cases/caseload.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        filters = CaseFilterForm(self.request.GET or None)
        chosen = filters.cleaned_data if filters.is_valid() else {}
        cases = selectors.case_list(
            user=user,
            stage=chosen.get("stage") or None,
            programme=chosen.get("programme") or None,
            mine_only=bool(chosen.get("mine")),
        )
        page = Paginator(cases, CASES_PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            caseload=selectors.caseload(user=user),
            filters=filters,
            page=page,
            **kwargs,
        )


class CaseOpenView(PermissionRequiredMixin, View):
    """Open a case for a person of the registry, found by their reference."""

    permission = "cases.manage"
    template_name = "cases/case_open.html"

    def _person(self, request) -> Person | None:
        reference = request.GET.get("person", "").strip().upper()
        if not reference:
            return None
        try:
            return people_selectors.person_get(user=request.user, reference=reference)
        except Person.DoesNotExist:
            return None

    def _render(self, request, *, person, form, error: ApplicationError | None = None, status=200):
        offices = form.fields["office"].queryset
        context = {
            "single_office": offices.first() if offices.count() == 1 else None,
            "person": person,
            "reference": request.GET.get("person", "").strip(),
            "form": form,
            "error": error,
            "person_cases": (
                selectors.cases_of_person(user=request.user, person=person) if person else ()
            ),
        }
        return render(request, self.template_name, context, status=status)

    def _form(self, request, data=None):
        return CaseOpenForm(data, offices=offices_of_user(user=request.user))

    def get(self, request):
        person = self._person(request)
        status = 404 if request.GET.get("person") and person is None else 200
        return self._render(request, person=person, form=self._form(request), status=status)

    def post(self, request):
        person = self._person(request)
        if person is None:
            raise Http404
        form = self._form(request, request.POST)
        if not form.is_valid():
            return self._render(request, person=person, form=form, status=400)
        try:
            case = services.case_open(
                actor=request.user,
                person=person,
                programme=form.cleaned_data["programme"],
                office=form.cleaned_data["office"],
                opened_on=form.cleaned_data["opened_on"],
            )
        except ApplicationError as error:
            _add_field_errors(form, error)
            return self._render(
                request, person=person, form=form, error=error, status=_status_for(error)
            )
        messages.success(
            request,
            _("Case %(reference)s is open in %(programme)s.")
            % {"reference": case.reference, "programme": case.programme.name},
        )
        return redirect("cases:case_detail", reference=case.reference)


class CaseMixin(PermissionRequiredMixin):
    permission = "cases.view"

    def get_case(self, reference: str) -> Case:
        """The case if the user's offices hold it; 404 otherwise, as if it did not exist."""
        try:
            return selectors.case_get(user=self.request.user, reference=reference)
        except Case.DoesNotExist:
            raise Http404 from None

    def render_case(self, case: Case, *, forms: dict | None = None, status: int = 200):
        return render_case_page(
            self.request,
            case,
            can_manage=self.scope.can("cases.manage"),
            forms=forms,
            status=status,
        )


def _assessment_rows(case: Case, assessment) -> list[tuple[str, list[str]]]:
    """(question, chosen options) of an assessment, in the page language."""
    if assessment is None:
        return []
    rows = []
    for question in case.programme.assessment_questions:
        answer = assessment.answers.get(question["id"])
        if answer in (None, "", []):
            continue
        chosen = answer if isinstance(answer, list) else [answer]
        options = {option["id"]: option["labels"] for option in question["options"]}
        rows.append(
            (
                label_in_language(question["labels"]),
                [label_in_language(options[o]) if o in options else o for o in chosen],
            )
        )
    return rows


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    band: str


def render_case_page(
    request, case: Case, *, can_manage: bool, forms: dict | None = None, status: int = 200
):
    """The case page, with empty forms except those given (bound, with their errors)."""
    index = SustainabilityIndex.load()
    bands = {threshold.id: label_in_language(threshold.labels) for threshold in index.thresholds}
    follow_ups = list(case.follow_ups.select_related("done_by"))
    pending = [follow_up for follow_up in follow_ups if follow_up.done_on is None]
    assessment = case.assessments.select_related("assessed_by").first()
    totals = selectors.support_totals(case=case)
    active_consents = set(
        case.person.consents.filter(withdrawn_on__isnull=True).values_list("purpose", flat=True)
    )
    forms = {
        "stage_form": StageMoveForm(auto_id="stage_%s"),
        "assessment_form": NeedsAssessmentForm(
            auto_id="need_%s", questions=case.programme.assessment_questions
        ),
        "plan_form": PlanActionForm(auto_id="plan_%s"),
        "referral_form": ReferralForm(auto_id="referral_%s", case=case),
        "support_form": SupportForm(auto_id="support_%s"),
        "follow_up_form": FollowUpForm(auto_id="fu_%s", index=index, follow_ups=pending),
        **(forms or {}),
    }
    context = {
        "case": case,
        "person": case.person,
        "consents": [
            (label, purpose in active_consents) for purpose, label in Consent.Purpose.choices
        ],
        "can_share": Consent.Purpose.PARTNER_SHARING in active_consents,
        "can_manage": can_manage and case.stage != Stage.CLOSED,
        "stages": Stage.choices,
        "next_stages": [
            (stage, Stage(stage).label) for stage in case.next_stages if stage != Stage.CLOSED
        ],
        "can_close": Stage.CLOSED in case.next_stages,
        "assessment": assessment,
        "assessment_rows": _assessment_rows(case, assessment),
        "earlier_assessments": max(case.assessments.count() - 1, 0),
        "plan_actions": case.plan_actions.select_related("partner"),
        "plan_statuses": PlanAction.Status.choices,
        "referrals": case.referrals.select_related("partner", "plan_action"),
        "support_entries": case.support_entries.select_related("provider"),
        "support_totals": [
            (label, totals[kind]) for kind, label in SupportEntry.Kind.choices if kind in totals
        ],
        "support_total": totals["all"],
        "follow_ups": [
            FollowUpRow(follow_up=follow_up, band=bands.get(follow_up.score_band, ""))
            for follow_up in follow_ups
        ],
        "pending_follow_ups": pending,
        "timeline": selectors.case_timeline(case=case),
        "documents": case.person.documents.filter(case_reference=case.reference),
        "document_form": DocumentForm(auto_id="document_%s"),
        **forms,
    }
    return render(request, "cases/case_detail.html", context, status=status)


class CaseDetailView(CaseMixin, View):
    def get(self, request, reference):
        return self.render_case(self.get_case(reference))


class CaseFormView(CaseMixin, View):
    """One form of the case page: posts here, calls one service, goes back to the case."""

    permission = "cases.manage"
    form_name = ""  # the form's name in the case page's context
    section = ""  # the part of the case page to go back to

    def get(self, request, reference, **kwargs):
        return redirect("cases:case_detail", reference=reference)

    def make_form(self, case: Case, data):
        raise ImproperlyConfigured(f"{type(self).__name__} must define make_form()")

    def perform(self, case: Case, form, **kwargs) -> str:
        """Call the service; return the message that says it is done."""
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform()")

    def post(self, request, reference, **kwargs):
        case = self.get_case(reference)
        form = self.make_form(case, request.POST)
        status = 400
        if form.is_valid():
            try:
                done = self.perform(case, form, **kwargs)
            except ApplicationError as error:
                _add_field_errors(form, error)
                status = _status_for(error)
                messages.error(request, error.message)
            else:
                messages.success(request, done)
                url = reverse("cases:case_detail", kwargs={"reference": reference})
                return redirect(f"{url}#{self.section}" if self.section else url)
        else:
            messages.error(request, _("Nothing was saved: some fields need correcting."))
        # A failed service call may have changed the objects in memory: show what is stored.
        case = self.get_case(reference)
        return self.render_case(case, forms={self.form_name: form}, status=status)


class CaseMoveView(CaseFormView):
    form_name = "stage_form"

    def make_form(self, case, data):
        return StageMoveForm(data, auto_id="stage_%s")

    def perform(self, case, form, **kwargs):
        case = services.case_move(
            actor=self.request.user,
            case=case,
            to_stage=form.cleaned_data["to_stage"],
            expected_version=form.cleaned_data["version"],
            closure_reason=form.cleaned_data["closure_reason"],
        )
        return _("The case is now at the stage “%(stage)s”.") % {"stage": case.get_stage_display()}


class NeedsAssessmentView(CaseFormView):
    form_name = "assessment_form"
    section = "assessment"

    def make_form(self, case, data):
        return NeedsAssessmentForm(
            data, auto_id="need_%s", questions=case.programme.assessment_questions
        )

    def perform(self, case, form, **kwargs):
        services.needs_assessment_record(
            actor=self.request.user,
            case=case,
            answers=form.question_answers(),
            notes=form.cleaned_data["notes"],
        )
        return _("The needs assessment has been recorded.")


class PlanActionAddView(CaseFormView):
    form_name = "plan_form"
    section = "plan"

    def make_form(self, case, data):
        return PlanActionForm(data, auto_id="plan_%s")

    def perform(self, case, form, **kwargs):
        data = form.cleaned_data
        action = services.plan_action_add(
            actor=self.request.user,
            case=case,
            kind=data["kind"],
            description=data["description"],
            partner=data["partner"],
            budget_tnd=data["budget_tnd"] or 0,
            due_on=data["due_on"],
        )
        return _("“%(action)s” has been added to the plan.") % {"action": action.get_kind_display()}


class PlanActionStatusView(CaseFormView):
    form_name = "plan_status_form"
    section = "plan"

    def make_form(self, case, data):
        return PlanActionStatusForm(data)

    def perform(self, case, form, pk):
        action = case.plan_actions.filter(pk=pk).first()
        if action is None:
            raise Http404
        action = services.plan_action_set_status(
            actor=self.request.user,
            action=action,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
        )
        return _("“%(action)s” is now “%(status)s”.") % {
            "action": action.get_kind_display(),
            "status": action.get_status_display(),
        }


class ReferralSendView(CaseFormView):
    form_name = "referral_form"
    section = "referrals"

    def make_form(self, case, data):
        return ReferralForm(data, auto_id="referral_%s", case=case)

    def perform(self, case, form, **kwargs):
        referral = services.referral_send(
            actor=self.request.user,
            case=case,
            partner=form.cleaned_data["partner"],
            reason=form.cleaned_data["reason"],
            plan_action=form.cleaned_data["plan_action"],
        )
        return _("The referral has been sent to %(partner)s.") % {"partner": referral.partner.name}


class SupportRecordView(CaseFormView):
    form_name = "support_form"
    section = "support"

    def make_form(self, case, data):
        return SupportForm(data, auto_id="support_%s")

    def perform(self, case, form, **kwargs):
        services.support_record(actor=self.request.user, case=case, **form.cleaned_data)
        return _("The support has been recorded.")


class FollowUpRecordView(CaseFormView):
    form_name = "follow_up_form"
    section = "follow-ups"

    def make_form(self, case, data):
        return FollowUpForm(
            data,
            auto_id="fu_%s",
            index=SustainabilityIndex.load(),
            follow_ups=case.follow_ups.filter(done_on__isnull=True),
        )

    def perform(self, case, form, **kwargs):
        follow_up = case.follow_ups.get(months_after_plan=form.cleaned_data["months"])
        follow_up = services.follow_up_record(
            actor=self.request.user,
            follow_up=follow_up,
            answers=form.indicator_answers(),
            notes=form.cleaned_data["notes"],
        )
        return _("The follow-up has been recorded: sustainability %(score)s.") % {
            "score": number_format(follow_up.composite_score, 3)
        }


@dataclass(frozen=True)
class InboxRow:
    item: selectors.InboxReferral
    answer_form: ReferralAnswerForm
    complete_form: ReferralCompleteForm


class PartnerInboxView(PermissionRequiredMixin, View):
    """Referrals made to the partner's organisation, with only what the partner needs."""

    permission = "referrals.respond"

    def get(self, request, **kwargs):
        return self.render_inbox(request)

    def render_inbox(self, request, *, failed=None, status=200):
        """`failed` is (referral pk, form name, bound form) when a form came back with errors."""
        filters = InboxFilterForm(request.GET or None)
        chosen = filters.cleaned_data.get("status") if filters.is_valid() else None
        rows = []
        for item in selectors.partner_inbox(user=request.user, status=chosen or None):
            pk = item.referral.pk
            forms = {
                "answer": ReferralAnswerForm(auto_id=f"answer{pk}_%s"),
                "complete": ReferralCompleteForm(auto_id=f"complete{pk}_%s"),
            }
            if failed and failed[0] == pk:
                forms[failed[1]] = failed[2]
            rows.append(
                InboxRow(item=item, answer_form=forms["answer"], complete_form=forms["complete"])
            )
        context = {"rows": rows, "filters": filters}
        return render(request, "cases/partner_inbox.html", context, status=status)

    def get_referral(self, pk: int) -> Referral:
        try:
            return selectors.partner_referral_get(user=self.request.user, pk=pk)
        except Referral.DoesNotExist:
            raise Http404 from None


class ReferralFormView(PartnerInboxView):
    form_name = ""
    form_class = None

    def get(self, request, pk):
        return redirect("cases:partner_inbox")

    def perform(self, referral: Referral, form) -> str:
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform()")

    def post(self, request, pk):
        referral = self.get_referral(pk)
        form = self.form_class(request.POST, auto_id=f"{self.form_name}{pk}_%s")
        status = 400
        if form.is_valid():
            try:
                done = self.perform(referral, form)
            except ApplicationError as error:
                _add_field_errors(form, error)
                status = _status_for(error)
                messages.error(request, error.message)
            else:
                messages.success(request, done)
                return redirect("cases:partner_inbox")
        else:
            messages.error(request, _("Nothing was saved: some fields need correcting."))
        return self.render_inbox(request, failed=(referral.pk, self.form_name, form), status=status)


class ReferralAnswerView(ReferralFormView):
    form_name = "answer"
    form_class = ReferralAnswerForm

    def perform(self, referral, form):
        accept = form.cleaned_data["decision"] == "accept"
        services.referral_respond(
            actor=self.request.user,
            referral=referral,
            expected_version=form.cleaned_data["version"],
            accept=accept,
            decline_reason=form.cleaned_data["decline_reason"],
        )
        return _("You accepted the referral.") if accept else _("You declined the referral.")


class ReferralCompleteView(ReferralFormView):
    form_name = "complete"
    form_class = ReferralCompleteForm

    def perform(self, referral, form):
        services.referral_complete(
            actor=self.request.user,
            referral=referral,
            expected_version=form.cleaned_data["version"],
            outcome=form.cleaned_data["outcome"],
        )
        return _("The referral is completed.")
