from django.contrib import admin

from wasla.cases.models import Case, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Platform administrators configure programmes: names, follow-up months and the
    needs-assessment form (JSON, shape in docs/cases.md)."""

    list_display = ["slug", "name_fr", "name_ar", "follow_up_months"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change through the case pages and the API, where rules and the
    audit trail apply."""

    list_display = ["reference", "programme", "office", "counsellor", "stage", "opened_on"]
    list_filter = ["stage", "programme"]
    search_fields = ["reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
