from django.contrib import admin

from wasla.people.models import Consent, MigrationEpisode, Person


class MigrationEpisodeInline(admin.TabularInline):
    model = MigrationEpisode
    extra = 0


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """For platform administrators' inspection; writes go through the pages and the API,
    where the registry's checks and audit trail apply."""

    list_display = [
        "reference",
        "given_name_latin",
        "family_name_latin",
        "given_name_ar",
        "birth_year",
        "registered_office",
    ]
    search_fields = ["reference"]
    list_filter = ["population_group", "sex"]
    inlines = [MigrationEpisodeInline, ConsentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
