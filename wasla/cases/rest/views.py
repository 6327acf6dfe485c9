"""Case management over HTTP, scoped exactly as the pages are (docs/api.md).

Reads go through `wasla.cases.selectors`, whose scope decides what a caller sees: a case out
of it is a 404, whether it exists elsewhere or not. Writes go through `wasla.cases.services`,
which check the domain rules; their ApplicationError becomes a 400 naming its `code`, a 403
for `forbidden`, a 409 for a stale `version` (wasla.core.rest).
"""

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from wasla.cases import selectors, services
from wasla.cases.models import Case, FollowUp, PlanAction, Programme, Referral, Stage, SupportEntry
from wasla.cases.rest.serializers import (
    CaseDetailOutputSerializer,
    CaseEventOutputSerializer,
    CaseOutputSerializer,
    FollowUpOutputSerializer,
    NeedsAssessmentOutputSerializer,
    PartnerInboxItemSerializer,
    PartnerReferralOutputSerializer,
    PlanActionOutputSerializer,
    ReferralOutputSerializer,
    SupportEntryOutputSerializer,
    SupportTotalOutputSerializer,
)
from wasla.organisations.models import Office, Organisation
from wasla.organisations.permissions import HasPermission
from wasla.organisations.scoping import scope_for
from wasla.people import selectors as people_selectors
from wasla.people.models import Person

TRUE_VALUES = {"1", "true", "yes"}
CASE_PARAMETER = OpenApiParameter("case", str, description="A case reference, e.g. C-7K3M9QX")


def _flag(request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in TRUE_VALUES


def _case(request, reference: str) -> Case:
    try:
        return selectors.case_get(user=request.user, reference=reference)
    except Case.DoesNotExist:
        raise Http404 from None


def _in_scope(request, queryset: QuerySet) -> QuerySet:
    """Records of the cases the caller may see, filtered by the `case` query parameter."""
    queryset = queryset.filter(case__in=selectors.case_list(user=request.user))
    if request.query_params.get("case"):
        queryset = queryset.filter(case__reference=request.query_params["case"])
    return queryset


def _get_in_scope(request, queryset: QuerySet, pk: int):
    try:
        return queryset.filter(case__in=selectors.case_list(user=request.user)).get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def _organisation(data: dict, field: str) -> Organisation | None:
    slug = data.pop(field, None)
    if not slug:
        return None
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise serializers.ValidationError({field: [_("Unknown organisation.")]})
    return organisation


def _paginated(view, request, items, serializer_class) -> Response:
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class CaseListApi(APIView):
    """The cases of the caller's offices (`stage`, `programme`, `mine=true` filter them);
    POST opens one for a person at an office the caller works at."""

    permission_classes = [HasPermission]
    pagination_class = LimitOffsetPagination

    @property
    def permission(self):
        return "cases.manage" if self.request.method == "POST" else "cases.view"

    class InputSerializer(serializers.Serializer):
        person = serializers.CharField(help_text="The person's reference, e.g. P-7K3M9QX")
        programme = serializers.SlugField()
        office = serializers.SlugField(help_text="The office that follows the case.")

        class Meta:
            ref_name = "CaseOpenInput"

    @extend_schema(
        parameters=[
            OpenApiParameter("stage", str, enum=Stage.values),
            OpenApiParameter("programme", str, description="A programme slug"),
            OpenApiParameter("mine", bool, description="Only the caller's own cases"),
        ],
        responses=CaseOutputSerializer(many=True),
    )
    def get(self, request):
        cases = selectors.case_list(
            user=request.user,
            stage=request.query_params.get("stage"),
            programme=request.query_params.get("programme"),
            mine_only=_flag(request, "mine"),
        )
        return _paginated(self, request, cases, CaseOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: CaseOutputSerializer})
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            person = people_selectors.person_get(user=request.user, reference=data["person"])
        except Person.DoesNotExist:
            raise Http404 from None
        programme = Programme.objects.filter(slug=data["programme"]).first()
        office = Office.objects.filter(slug=data["office"]).first()
        errors = {}
        if programme is None:
            errors["programme"] = [_("Unknown programme.")]
        if office is None:
            errors["office"] = [_("Unknown office.")]
        if errors:
            raise serializers.ValidationError(errors)
        case = services.case_open(
            actor=request.user, person=person, programme=programme, office=office
        )
        return Response(CaseOutputSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    """One case with its plan actions, referrals, support totals and follow-ups."""

    permission_classes = [HasPermission]
    permission = "cases.view"

    @extend_schema(responses=CaseDetailOutputSerializer)
    def get(self, request, reference):
        case = _case(request, reference)
        prefetch_related_objects(
            [case],
            Prefetch("plan_actions", queryset=PlanAction.objects.select_related("partner")),
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("partner", "sent_by"),
            ),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("done_by")),
        )
        case.support_totals = selectors.support_totals(case=case)
        return Response(CaseDetailOutputSerializer(case).data)


class CaseTransitionApi(APIView):
    """Move a case to another stage. `version` is the one read (409 if someone saved since);
    a move the stages do not allow is a 400 with code `invalid_transition`; closing needs a
    `closure_reason`."""

    permission_classes = [HasPermission]
    permission = "cases.manage"

    class InputSerializer(serializers.Serializer):
        to_stage = serializers.ChoiceField(choices=Stage.choices)
        version = serializers.IntegerField(min_value=1)
        closure_reason = serializers.ChoiceField(
            choices=Case.ClosureReason.choices, required=False, allow_blank=True, default=""
        )

        class Meta:
            ref_name = "CaseTransitionInput"

    @extend_schema(request=InputSerializer, responses=CaseOutputSerializer)
    def post(self, request, reference):
        case = _case(request, reference)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        case = services.case_move(
            actor=request.user,
            case=case,
            to_stage=data["to_stage"],
            expected_version=data["version"],
            closure_reason=data["closure_reason"],
        )
        return Response(CaseOutputSerializer(case).data)


class CaseTimelineApi(APIView):
    """Who did what on the case, and when, oldest first."""

    permission_classes = [HasPermission]
    permission = "cases.view"

    @extend_schema(responses=CaseEventOutputSerializer(many=True))
    def get(self, request, reference):
        events = selectors.case_timeline(case=_case(request, reference))
        return Response(CaseEventOutputSerializer(events, many=True).data)


class CaseAssessmentListApi(APIView):
    """The needs assessments of a case, newest first; POST records one against the
    programme's questions (answers keyed by question id)."""

    permission_classes = [HasPermission]

    @property
    def permission(self):
        return "cases.manage" if self.request.method == "POST" else "cases.view"

    class InputSerializer(serializers.Serializer):
        answers = serializers.DictField(help_text="Question id → option id (a list for `multi`).")
        notes = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "NeedsAssessmentInput"

    @extend_schema(responses=NeedsAssessmentOutputSerializer(many=True))
    def get(self, request, reference):
        case = _case(request, reference)
        assessments = case.assessments.select_related("assessed_by")
        return Response(NeedsAssessmentOutputSerializer(assessments, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: NeedsAssessmentOutputSerializer})
    def post(self, request, reference):
        case = _case(request, reference)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = services.needs_assessment_record(
            actor=request.user, case=case, **payload.validated_data
        )
        return Response(
            NeedsAssessmentOutputSerializer(assessment).data, status=status.HTTP_201_CREATED
        )


class PlanActionListApi(APIView):
    """The actions of the individual plans of the caller's cases (`case` filters); POST adds one."""

    permission_classes = [HasPermission]
    pagination_class = LimitOffsetPagination

    @property
    def permission(self):
        return "cases.manage" if self.request.method == "POST" else "cases.view"

    class InputSerializer(serializers.Serializer):
        case = serializers.CharField(help_text="The case reference, e.g. C-7K3M9QX")
        kind = serializers.ChoiceField(choices=PlanAction.Kind.choices)
        description = serializers.CharField(
            max_length=255, required=False, allow_blank=True, default=""
        )
        partner = serializers.SlugField(
            required=False, allow_blank=True, allow_null=True, help_text="An organisation slug"
        )
        budget_tnd = serializers.DecimalField(max_digits=10, decimal_places=3, required=False)
        due_on = serializers.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "PlanActionInput"

    @extend_schema(parameters=[CASE_PARAMETER], responses=PlanActionOutputSerializer(many=True))
    def get(self, request):
        actions = _in_scope(request, PlanAction.objects.select_related("case", "partner"))
        return _paginated(self, request, actions, PlanActionOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: PlanActionOutputSerializer})
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        case = _case(request, data.pop("case"))
        partner = _organisation(data, "partner")
        action = services.plan_action_add(actor=request.user, case=case, partner=partner, **data)
        return Response(PlanActionOutputSerializer(action).data, status=status.HTTP_201_CREATED)


class PlanActionDetailApi(APIView):
    """Change the status of a plan action; `version` is the one read (409 if stale)."""

    permission_classes = [HasPermission]
    permission = "cases.manage"

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=PlanAction.Status.choices)
        version = serializers.IntegerField(min_value=1)

        class Meta:
            ref_name = "PlanActionStatusInput"

    @extend_schema(request=InputSerializer, responses=PlanActionOutputSerializer)
    def patch(self, request, pk):
        action = _get_in_scope(request, PlanAction.objects.select_related("case", "partner"), pk)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        action = services.plan_action_set_status(
            actor=request.user,
            action=action,
            status=payload.validated_data["status"],
            expected_version=payload.validated_data["version"],
        )
        return Response(PlanActionOutputSerializer(action).data)


class ReferralListApi(APIView):
    """Counsellors: the referrals of their offices' cases (`case`, `status` filter); POST
    refers a person to a partner, refused with code `no_consent` unless the person agreed to
    share with partners.

    Partner caseworkers (or anyone with `inbox=true` who may answer referrals): the inbox of
    referrals sent to their organisation, with the minimum data about the person, and none
    once the person withdrew consent."""

    permission_classes = [HasPermission]
    pagination_class = LimitOffsetPagination

    @property
    def permission(self):
        if self.request.method == "POST":
            return "cases.manage"
        return "referrals.respond" if self._reads_inbox() else "cases.view"

    def _reads_inbox(self) -> bool:
        scope = scope_for(self.request.user)
        return scope.can("referrals.respond") and (
            not scope.can("cases.view") or _flag(self.request, "inbox")
        )

    class InputSerializer(serializers.Serializer):
        case = serializers.CharField(help_text="The case reference, e.g. C-7K3M9QX")
        partner = serializers.SlugField(help_text="The partner organisation's slug")
        reason = serializers.CharField(max_length=255)
        plan_action = serializers.IntegerField(
            required=False, allow_null=True, help_text="The plan action this referral serves"
        )

        class Meta:
            ref_name = "ReferralInput"

    @extend_schema(
        parameters=[
            CASE_PARAMETER,
            OpenApiParameter("status", str, enum=Referral.Status.values),
            OpenApiParameter("inbox", bool, description="The partner inbox"),
        ],
        responses=PolymorphicProxySerializer(
            component_name="ReferralListItem",
            serializers=[ReferralOutputSerializer, PartnerInboxItemSerializer],
            resource_type_field_name=None,
            many=True,
        ),
    )
    def get(self, request):
        referral_status = request.query_params.get("status")
        if self._reads_inbox():
            inbox = selectors.partner_inbox(user=request.user, status=referral_status)
            return _paginated(self, request, inbox, PartnerInboxItemSerializer)
        referrals = _in_scope(
            request, Referral.objects.select_related("case", "partner", "sent_by")
        )
        if referral_status:
            referrals = referrals.filter(status=referral_status)
        return _paginated(self, request, referrals, ReferralOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: ReferralOutputSerializer})
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        case = _case(request, data["case"])
        partner = _organisation(data, "partner")
        plan_action = None
        if data.get("plan_action") is not None:
            plan_action = case.plan_actions.filter(pk=data["plan_action"]).first()
            if plan_action is None:
                raise serializers.ValidationError(
                    {"plan_action": [_("This action belongs to another case.")]}
                )
        referral = services.referral_send(
            actor=request.user,
            case=case,
            partner=partner,
            reason=data["reason"],
            plan_action=plan_action,
        )
        return Response(ReferralOutputSerializer(referral).data, status=status.HTTP_201_CREATED)


class _PartnerReferralApi(APIView):
    """Base of a partner's answers to a referral sent to their organisation; the answer is
    the referral, without the person."""

    permission_classes = [HasPermission]
    permission = "referrals.respond"

    def _referral(self, request, pk: int) -> tuple[Referral, dict]:
        """The referral (404 unless sent to the caller's organisation) and the valid input."""
        try:
            referral = selectors.partner_referral_get(user=request.user, pk=pk)
        except Referral.DoesNotExist:
            raise Http404 from None
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return referral, payload.validated_data


class ReferralAcceptApi(_PartnerReferralApi):
    """The partner accepts a referral; `version` is the one read (409 if stale)."""

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)

        class Meta:
            ref_name = "ReferralAcceptInput"

    @extend_schema(request=InputSerializer, responses=PartnerReferralOutputSerializer)
    def post(self, request, pk):
        referral, data = self._referral(request, pk)
        referral = services.referral_respond(
            actor=request.user, referral=referral, expected_version=data["version"], accept=True
        )
        return Response(PartnerReferralOutputSerializer(referral).data)


class ReferralDeclineApi(_PartnerReferralApi):
    """The partner declines a referral, saying why; `version` is the one read (409 if stale)."""

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)
        reason = serializers.CharField(max_length=255)

        class Meta:
            ref_name = "ReferralDeclineInput"

    @extend_schema(request=InputSerializer, responses=PartnerReferralOutputSerializer)
    def post(self, request, pk):
        referral, data = self._referral(request, pk)
        referral = services.referral_respond(
            actor=request.user,
            referral=referral,
            expected_version=data["version"],
            accept=False,
            decline_reason=data["reason"],
        )
        return Response(PartnerReferralOutputSerializer(referral).data)


class ReferralCompleteApi(_PartnerReferralApi):
    """The partner completes an accepted referral and describes the outcome."""

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)
        outcome = serializers.CharField(max_length=255)

        class Meta:
            ref_name = "ReferralCompleteInput"

    @extend_schema(request=InputSerializer, responses=PartnerReferralOutputSerializer)
    def post(self, request, pk):
        referral, data = self._referral(request, pk)
        referral = services.referral_complete(
            actor=request.user,
            referral=referral,
            expected_version=data["version"],
            outcome=data["outcome"],
        )
        return Response(PartnerReferralOutputSerializer(referral).data)


class SupportListApi(APIView):
    """Support given on the caller's cases (`case` filters); POST records some."""

    permission_classes = [HasPermission]
    pagination_class = LimitOffsetPagination

    @property
    def permission(self):
        return "cases.manage" if self.request.method == "POST" else "cases.view"

    class InputSerializer(serializers.Serializer):
        case = serializers.CharField(help_text="The case reference, e.g. C-7K3M9QX")
        kind = serializers.ChoiceField(choices=SupportEntry.Kind.choices)
        amount_tnd = serializers.DecimalField(max_digits=12, decimal_places=3)
        provided_on = serializers.DateField()
        provider = serializers.SlugField(
            required=False, allow_blank=True, allow_null=True, help_text="An organisation slug"
        )
        description = serializers.CharField(
            max_length=255, required=False, allow_blank=True, default=""
        )

        class Meta:
            ref_name = "SupportEntryInput"

    @extend_schema(parameters=[CASE_PARAMETER], responses=SupportEntryOutputSerializer(many=True))
    def get(self, request):
        entries = _in_scope(
            request, SupportEntry.objects.select_related("case", "provider", "recorded_by")
        )
        return _paginated(self, request, entries, SupportEntryOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: SupportEntryOutputSerializer})
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        case = _case(request, data.pop("case"))
        provider = _organisation(data, "provider")
        entry = services.support_record(actor=request.user, case=case, provider=provider, **data)
        return Response(SupportEntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class SupportTotalsApi(APIView):
    """Support given per programme and kind, over the cases the caller may see."""

    permission_classes = [HasPermission]
    permission = "cases.view"

    @extend_schema(responses=SupportTotalOutputSerializer(many=True))
    def get(self, request):
        totals = selectors.support_totals_by_programme(user=request.user)
        return Response(SupportTotalOutputSerializer(totals, many=True).data)


class FollowUpListApi(APIView):
    """Follow-ups of the caller's cases (`case` filters); `overdue=true`: those past their
    date, not done, on open cases."""

    permission_classes = [HasPermission]
    pagination_class = LimitOffsetPagination
    permission = "cases.view"

    @extend_schema(
        parameters=[CASE_PARAMETER, OpenApiParameter("overdue", bool)],
        responses=FollowUpOutputSerializer(many=True),
    )
    def get(self, request):
        if _flag(request, "overdue"):
            follow_ups = selectors.overdue_follow_ups(user=request.user)
            if request.query_params.get("case"):
                follow_ups = follow_ups.filter(case__reference=request.query_params["case"])
        else:
            follow_ups = _in_scope(request, FollowUp.objects.select_related("case", "done_by"))
        return _paginated(self, request, follow_ups, FollowUpOutputSerializer)


class FollowUpRecordApi(APIView):
    """Record a follow-up: one option per sustainability indicator (at least one in each
    dimension). The answer carries the economic, social, psychosocial and composite scores,
    the band and the version of the index that computed them."""

    permission_classes = [HasPermission]
    permission = "cases.manage"

    class InputSerializer(serializers.Serializer):
        answers = serializers.DictField(
            child=serializers.CharField(), help_text="Indicator id → option id."
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "FollowUpRecordInput"

    @extend_schema(request=InputSerializer, responses=FollowUpOutputSerializer)
    def post(self, request, pk):
        follow_up = _get_in_scope(request, FollowUp.objects.select_related("case"), pk)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        follow_up = services.follow_up_record(
            actor=request.user, follow_up=follow_up, **payload.validated_data
        )
        return Response(FollowUpOutputSerializer(follow_up).data)
