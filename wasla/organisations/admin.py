from django.contrib import admin

from wasla.organisations.models import Office, OpeningPeriod, Organisation, StaffMembership


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "acronym", "kind", "governorate"]
    list_filter = ["kind", "governorate"]
    search_fields = ["name_fr", "name_ar", "name_en", "acronym"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "kind", "organisation", "locality", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_fr", "name_ar"]
    autocomplete_fields = ["locality", "organisation"]
    inlines = [OpeningPeriodInline]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "office", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    autocomplete_fields = ["user", "organisation", "office"]
