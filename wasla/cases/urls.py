from django.urls import path

from wasla.cases import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.CaseloadView.as_view(), name="caseload"),
    path("cases/new/", views.CaseOpenView.as_view(), name="case_open"),
    path("cases/<str:reference>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<str:reference>/stage/", views.CaseMoveView.as_view(), name="case_move"),
    path(
        "cases/<str:reference>/assessments/",
        views.NeedsAssessmentView.as_view(),
        name="needs_assessment_record",
    ),
    path("cases/<str:reference>/plan/", views.PlanActionAddView.as_view(), name="plan_action_add"),
    path(
        "cases/<str:reference>/plan/<int:pk>/status/",
        views.PlanActionStatusView.as_view(),
        name="plan_action_status",
    ),
    path(
        "cases/<str:reference>/referrals/", views.ReferralSendView.as_view(), name="referral_send"
    ),
    path(
        "cases/<str:reference>/support/", views.SupportRecordView.as_view(), name="support_record"
    ),
    path(
        "cases/<str:reference>/follow-ups/",
        views.FollowUpRecordView.as_view(),
        name="follow_up_record",
    ),
    path("referrals/", views.PartnerInboxView.as_view(), name="partner_inbox"),
    path("referrals/<int:pk>/answer/", views.ReferralAnswerView.as_view(), name="referral_answer"),
    path(
        "referrals/<int:pk>/complete/",
        views.ReferralCompleteView.as_view(),
        name="referral_complete",
    ),
]
