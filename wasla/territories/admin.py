from django.contrib import admin

from wasla.territories.models import Corridor, Governorate, Locality, Municipality


@admin.register(Governorate)
class GovernorateAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "name_en", "geonames_admin1"]
    # Loaded from pycountry and GeoNames by `load_territories`, not typed by hand.
    readonly_fields = ["code", "geonames_admin1"]


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ar", "governorate", "municipality", "population"]
    list_filter = ["governorate"]
    search_fields = ["name", "name_ar"]
    readonly_fields = [
        "geonames_id",
        "name",
        "name_ar",
        "latitude",
        "longitude",
        "population",
        "governorate",
    ]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_ar", "governorate", "seat"]
    list_filter = ["governorate"]
    autocomplete_fields = ["seat"]


@admin.register(Corridor)
class CorridorAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_fr", "name_ar"]
    filter_horizontal = ["governorates", "municipalities"]
    autocomplete_fields = ["localities"]
