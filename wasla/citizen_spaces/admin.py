from django.contrib import admin

from wasla.citizen_spaces.models import (
    Department,
    Holiday,
    ServiceCategory,
    ServiceRequest,
    ServiceType,
)


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_fr",
        "category",
        "department",
        "fee_tnd",
        "target_working_days",
        "online",
    ]
    list_filter = ["category", "department", "online", "is_active"]
    search_fields = ["code", "name_fr", "name_ar", "name_en"]
    filter_horizontal = ["offices"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name_fr", "name_ar"]
    date_hierarchy = "date"


admin.site.register(Department)
admin.site.register(ServiceCategory)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "service", "office", "stage", "due_on", "submitted_at"]
    list_filter = ["stage", "channel", "office"]
    search_fields = ["reference"]
    readonly_fields = [field.name for field in ServiceRequest._meta.fields]
