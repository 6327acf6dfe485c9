"""What the case pages let people type. The services check the rules; these forms only turn
text into values (and build the needs-assessment and follow-up questionnaires from data)."""

from collections.abc import Mapping

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from wasla.cases.models import Case, PlanAction, Programme, Referral, Stage, SupportEntry
from wasla.engines.sustainability.scoring import SustainabilityIndex
from wasla.organisations.models import Organisation

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d")
AMOUNT_WIDGET = forms.NumberInput(attrs={"step": "0.001", "min": "0", "dir": "ltr"})


def label_in_language(labels: Mapping[str, str]) -> str:
    """The label in the page language, else English, else any."""
    language = (get_language() or "ar")[:2]
    return labels.get(language) or labels.get("en") or next(iter(labels.values()), "")


class NamedChoiceField(forms.ModelChoiceField):
    """Organisations, programmes and offices by their name in the page language."""

    def label_from_instance(self, obj):
        return obj.name


def _organisation_field(label, *, required: bool = False) -> NamedChoiceField:
    return NamedChoiceField(
        label=label,
        queryset=Organisation.objects.order_by("name_fr"),
        to_field_name="slug",
        required=required,
    )


class CaseOpenForm(forms.Form):
    programme = NamedChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    office = NamedChoiceField(
        label=_("Office"), queryset=None, to_field_name="slug", empty_label=None
    )
    opened_on = forms.DateField(label=_("Opened on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["opened_on"].initial = timezone.localdate()


class CaseFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *Stage.choices], required=False
    )
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    mine = forms.BooleanField(label=_("Only my cases"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            ("", _("All programmes")),
            *((programme.slug, programme.name) for programme in Programme.objects.all()),
        ]


class StageMoveForm(forms.Form):
    # Every stage: the service, not the form, says which moves are allowed.
    to_stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
    closure_reason = forms.ChoiceField(
        label=_("Why is the case closed?"),
        choices=[("", "—"), *Case.ClosureReason.choices],
        required=False,
    )


class QuestionnaireForm(forms.Form):
    """Radio buttons for one-answer questions, check boxes for several-answer ones."""

    def add_question(self, *, name: str, label: str, options, multiple: bool, needed: bool):
        choices = [(option_id, option_label) for option_id, option_label in options]
        if multiple:
            field = forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, required=False
            )
        else:
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=False)
        field.label = label
        # Shown beside the question; whether an answer is needed is the service's rule.
        field.answer_needed = needed
        self.fields[name] = field

    def answers(self, names) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in names
            if self.cleaned_data.get(name) not in (None, "", [])
        }


class NeedsAssessmentForm(QuestionnaireForm):
    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.add_question(
                name=question["id"],
                label=label_in_language(question["labels"]),
                options=[
                    (option["id"], label_in_language(option["labels"]))
                    for option in question["options"]
                ],
                multiple=question.get("type") == "multi",
                needed=bool(question.get("required")),
            )
        self.fields["notes"] = forms.CharField(
            label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def question_answers(self) -> dict:
        return self.answers(question["id"] for question in self.questions)


class FollowUpForm(QuestionnaireForm):
    """The reintegration sustainability questionnaire, grouped by dimension."""

    def __init__(self, *args, index: SustainabilityIndex, follow_ups, **kwargs):
        super().__init__(*args, **kwargs)
        self.index = index
        self.fields["months"] = forms.TypedChoiceField(
            label=_("Follow-up"),
            coerce=int,
            choices=[
                (
                    follow_up.months_after_plan,
                    ngettext(
                        "%(months)s month after the plan (due %(due)s)",
                        "%(months)s months after the plan (due %(due)s)",
                        follow_up.months_after_plan,
                    )
                    % {"months": follow_up.months_after_plan, "due": follow_up.due_on.isoformat()},
                )
                for follow_up in follow_ups
            ],
        )
        for indicator in index.indicators:
            self.add_question(
                name=indicator.id,
                label=label_in_language(indicator.question),
                options=[
                    (option.id, label_in_language(option.labels)) for option in indicator.options
                ],
                multiple=False,
                needed=False,
            )
        self.fields["notes"] = forms.CharField(
            label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def dimensions(self) -> list[tuple[str, list]]:
        """(dimension label, bound fields) in the index's order, for fieldsets."""
        return [
            (
                label_in_language(self.index.dimension_labels[dimension]),
                [self[indicator.id] for indicator in self.index.in_dimension(dimension)],
            )
            for dimension in self.index.dimension_labels
        ]

    def indicator_answers(self) -> dict[str, str]:
        return self.answers(indicator.id for indicator in self.index.indicators)


class PlanActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Action"), choices=PlanAction.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    partner = _organisation_field(_("Partner"))
    budget_tnd = forms.DecimalField(
        label=_("Budget (TND)"),
        max_digits=10,
        decimal_places=3,
        required=False,
        widget=AMOUNT_WIDGET,
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET)


class PlanActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanAction.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReferralForm(forms.Form):
    partner = _organisation_field(_("Partner"), required=True)
    reason = forms.CharField(
        label=_("What the person needs from the partner"), max_length=255, required=False
    )
    plan_action = forms.ModelChoiceField(
        label=_("For the plan action"), queryset=PlanAction.objects.none(), required=False
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_action"].queryset = case.plan_actions.all()
        self.fields["plan_action"].label_from_instance = lambda action: " — ".join(
            part for part in (action.get_kind_display(), action.description) if part
        )


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportEntry.Kind.choices)
    amount_tnd = forms.DecimalField(
        label=_("Amount (TND)"), max_digits=12, decimal_places=3, widget=AMOUNT_WIDGET
    )
    provided_on = forms.DateField(label=_("Provided on"), widget=DATE_WIDGET)
    provider = _organisation_field(_("Provided by"))
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provided_on"].initial = timezone.localdate()


class ReferralAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
    decline_reason = forms.CharField(label=_("Why you decline"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReferralCompleteForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Referral.Status.choices], required=False
    )
