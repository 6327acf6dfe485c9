from django.contrib import admin

from wasla.planning.models import Scenario


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    """For platform administrators: find a scenario and see its run's state; planners use
    the planning pages, which check the rules."""

    list_display = ["name", "organisation", "model", "status", "progress", "updated_at"]
    list_filter = ["status", "model", "organisation"]
    search_fields = ["name"]
    readonly_fields = [field.name for field in Scenario._meta.fields]

    def has_add_permission(self, request):
        return False
