from django.views.generic import TemplateView

from wasla.dashboards.selectors import dashboard_panels
from wasla.organisations.permissions import PermissionRequiredMixin
from wasla.organisations.selectors import memberships_of_user


class DashboardView(PermissionRequiredMixin, TemplateView):
    """The first page after sign-in: one panel for each role the user holds."""

    permission = "dashboard.view"
    template_name = "dashboards/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            panels=dashboard_panels(self.request.user),
            memberships=memberships_of_user(user=self.request.user),
            **kwargs,
        )
