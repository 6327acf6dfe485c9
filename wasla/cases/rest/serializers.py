"""What the case-management API returns. Inputs live beside their view (views.py)."""

from rest_framework import serializers

from wasla.cases.models import (
    Case,
    CaseEvent,
    FollowUp,
    NeedsAssessment,
    PlanAction,
    Referral,
    Stage,
    SupportEntry,
)

MONEY = {"max_digits": 12, "decimal_places": 3}


class CaseOutputSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    office = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    counsellor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    next_stages = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices),
        read_only=True,
        help_text="The stages the case may move to from here.",
    )

    class Meta:
        model = Case
        fields = [
            "reference", "version", "person", "person_name", "programme", "office", "counsellor",
            "stage", "next_stages", "opened_on", "plan_agreed_on", "closed_on", "closure_reason",
        ]  # fmt: skip


class PlanActionOutputSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    partner = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = PlanAction
        fields = [
            "id", "version", "case", "kind", "description", "partner", "budget_tnd", "due_on",
            "status",
        ]  # fmt: skip


class ReferralOutputSerializer(serializers.ModelSerializer):
    """A referral as the counsellors of the case see it."""

    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    partner = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    plan_action = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    sent_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Referral
        fields = [
            "id", "version", "case", "partner", "plan_action", "status", "reason", "sent_on",
            "sent_by", "responded_on", "decline_reason", "completed_on", "outcome",
        ]  # fmt: skip


class PartnerReferralOutputSerializer(serializers.ModelSerializer):
    """A referral as the partner it was sent to sees it: the referral, nothing of the person."""

    programme = serializers.SlugRelatedField(
        source="case.programme", slug_field="slug", read_only=True
    )

    class Meta:
        model = Referral
        fields = [
            "id", "version", "status", "programme", "reason", "sent_on", "responded_on",
            "decline_reason", "completed_on", "outcome",
        ]  # fmt: skip


class PartnerInboxItemSerializer(serializers.Serializer):
    """One line of a partner's inbox (`selectors.InboxReferral`): the minimum a partner needs
    to contact the person, and nothing of the person once consent to share is withdrawn."""

    id = serializers.IntegerField(source="referral.pk")
    version = serializers.IntegerField(source="referral.version")
    status = serializers.ChoiceField(source="referral.status", choices=Referral.Status.choices)
    programme = serializers.CharField(source="referral.case.programme.slug")
    reason = serializers.CharField(source="referral.reason")
    sent_on = serializers.DateField(source="referral.sent_on")
    person_shared = serializers.BooleanField(
        help_text="False once the person withdrew consent to share with partners: the person "
        "fields are then empty."
    )
    given_name = serializers.CharField()
    sex = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)
    locality = serializers.CharField()
    phone = serializers.CharField(help_text="Empty unless the person agreed to be contacted.")


class CaseEventOutputSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "at", "actor", "kind", "summary", "data"]


class NeedsAssessmentOutputSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    assessed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = NeedsAssessment
        fields = ["id", "case", "assessed_on", "assessed_by", "answers", "notes"]


class SupportEntryOutputSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    recorded_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = SupportEntry
        fields = [
            "id", "case", "kind", "amount_tnd", "provided_on", "provider", "description",
            "recorded_by",
        ]  # fmt: skip


class SupportTotalOutputSerializer(serializers.Serializer):
    """One row of `selectors.support_totals_by_programme`."""

    programme = serializers.CharField()
    programme_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SupportEntry.Kind.choices)
    total_tnd = serializers.DecimalField(**MONEY)
    cases = serializers.IntegerField()


class FollowUpOutputSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    done_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = FollowUp
        fields = [
            "id", "case", "months_after_plan", "due_on", "done_on", "done_by", "notes", "answers",
            "economic_score", "social_score", "psychosocial_score", "composite_score",
            "score_band", "index_version",
        ]  # fmt: skip


class CaseDetailOutputSerializer(CaseOutputSerializer):
    """A case with its plan, referrals, support totals and follow-ups. The view sets
    `support_totals` on the case from `selectors.support_totals`."""

    plan_actions = PlanActionOutputSerializer(many=True, read_only=True)
    referrals = ReferralOutputSerializer(many=True, read_only=True)
    support_totals = serializers.DictField(
        child=serializers.DecimalField(**MONEY),
        read_only=True,
        help_text="Support given, in TND, per kind and in `all`.",
    )
    follow_ups = FollowUpOutputSerializer(many=True, read_only=True)

    class Meta(CaseOutputSerializer.Meta):
        fields = [
            *CaseOutputSerializer.Meta.fields,
            "plan_actions",
            "referrals",
            "support_totals",
            "follow_ups",
        ]
