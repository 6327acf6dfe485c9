from rest_framework import serializers

from wasla.territories.models import Corridor, Governorate, Locality, Municipality


class GovernorateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Governorate
        fields = ["code", "name", "name_ar", "name_fr", "name_en", "geonames_admin1"]


class MunicipalitySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    governorate = serializers.SlugRelatedField(slug_field="code", read_only=True)
    seat = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Municipality
        fields = ["slug", "name", "name_ar", "name_fr", "name_en", "governorate", "seat"]


class LocalitySerializer(serializers.ModelSerializer):
    governorate = serializers.SlugRelatedField(slug_field="code", read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Locality
        fields = [
            "id",
            "geonames_id",
            "name",
            "name_ar",
            "governorate",
            "municipality",
            "latitude",
            "longitude",
            "population",
        ]


class CorridorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    governorates = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    municipalities = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    localities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Corridor
        fields = [
            "slug",
            "name",
            "name_ar",
            "name_fr",
            "name_en",
            "description_ar",
            "description_fr",
            "description_en",
            "governorates",
            "municipalities",
            "localities",
        ]
