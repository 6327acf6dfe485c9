from django.urls import path

from wasla.cases.rest import views

urlpatterns = [
    path("cases/", views.CaseListApi.as_view(), name="case-list"),
    path("cases/<str:reference>/", views.CaseDetailApi.as_view(), name="case-detail"),
    path(
        "cases/<str:reference>/transitions/",
        views.CaseTransitionApi.as_view(),
        name="case-transitions",
    ),
    path("cases/<str:reference>/timeline/", views.CaseTimelineApi.as_view(), name="case-timeline"),
    path(
        "cases/<str:reference>/assessments/",
        views.CaseAssessmentListApi.as_view(),
        name="case-assessments",
    ),
    path("plan-actions/", views.PlanActionListApi.as_view(), name="plan-action-list"),
    path("plan-actions/<int:pk>/", views.PlanActionDetailApi.as_view(), name="plan-action-detail"),
    path("referrals/", views.ReferralListApi.as_view(), name="referral-list"),
    path("referrals/<int:pk>/accept/", views.ReferralAcceptApi.as_view(), name="referral-accept"),
    path(
        "referrals/<int:pk>/decline/", views.ReferralDeclineApi.as_view(), name="referral-decline"
    ),
    path(
        "referrals/<int:pk>/complete/",
        views.ReferralCompleteApi.as_view(),
        name="referral-complete",
    ),
    path("support/", views.SupportListApi.as_view(), name="support-list"),
    path("support/totals/", views.SupportTotalsApi.as_view(), name="support-totals"),
    path("follow-ups/", views.FollowUpListApi.as_view(), name="follow-up-list"),
    path("follow-ups/<int:pk>/record/", views.FollowUpRecordApi.as_view(), name="follow-up-record"),
]
