from django.urls import path

from wasla.dashboards import views

app_name = "dashboards"

urlpatterns = [path("", views.DashboardView.as_view(), name="home")]
