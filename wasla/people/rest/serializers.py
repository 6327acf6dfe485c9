from django.conf import settings
from rest_framework import serializers

from wasla.people.models import Consent, MigrationEpisode, Person


class PersonOutputSerializer(serializers.ModelSerializer):
    registered_office = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    residence_locality = serializers.PrimaryKeyRelatedField(read_only=True)
    origin_locality = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "reference", "version", "given_name_ar", "father_name_ar", "family_name_ar",
            "given_name_latin", "father_name_latin", "family_name_latin", "sex", "birth_date",
            "birth_year", "phone", "email", "national_id", "nationality", "population_group",
            "residence_locality", "origin_locality", "education_level", "occupations", "skills",
            "has_disability", "disability_notes", "household_size", "preferred_language",
            "contact_channel", "registered_office", "anonymised_at", "created_at", "updated_at",
        ]  # fmt: skip

    def __init__(self, *args, show_national_id: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_national_id:
            self.fields.pop("national_id")


class PersonInputSerializer(serializers.Serializer):
    """Field checks that need no database; the registry service does the rest."""

    given_name_ar = serializers.CharField(max_length=100, required=False, allow_blank=True)
    father_name_ar = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name_ar = serializers.CharField(max_length=100, required=False, allow_blank=True)
    given_name_latin = serializers.CharField(max_length=100, required=False, allow_blank=True)
    father_name_latin = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name_latin = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.IntegerField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    national_id = serializers.CharField(
        max_length=12, required=False, allow_blank=True, allow_null=True
    )
    nationality = serializers.CharField(max_length=2, required=False)
    population_group = serializers.ChoiceField(
        choices=Person.PopulationGroup.choices, required=False
    )
    residence_locality = serializers.IntegerField(required=False, allow_null=True)
    origin_locality = serializers.IntegerField(required=False, allow_null=True)
    education_level = serializers.ChoiceField(
        choices=Person.EducationLevel.choices, required=False, allow_blank=True
    )
    occupations = serializers.ListField(child=serializers.CharField(max_length=4), required=False)
    skills = serializers.CharField(required=False, allow_blank=True)
    has_disability = serializers.BooleanField(required=False)
    disability_notes = serializers.CharField(max_length=255, required=False, allow_blank=True)
    household_size = serializers.IntegerField(required=False, allow_null=True)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    contact_channel = serializers.ChoiceField(choices=Person.ContactChannel.choices, required=False)


class MigrationEpisodeSerializer(serializers.ModelSerializer):
    departure_locality = serializers.PrimaryKeyRelatedField(read_only=True)
    destination_locality = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = MigrationEpisode
        fields = [
            "id", "kind", "departure_country", "departure_locality", "destination_country",
            "destination_locality", "started_on", "ended_on", "year", "return_type", "notes",
        ]  # fmt: skip


class MigrationEpisodeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MigrationEpisode.Kind.choices)
    departure_country = serializers.CharField(max_length=2, default="TN")
    departure_locality = serializers.IntegerField(required=False, allow_null=True)
    destination_country = serializers.CharField(max_length=2, default="TN")
    destination_locality = serializers.IntegerField(required=False, allow_null=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)
    year = serializers.IntegerField(required=False, allow_null=True)
    return_type = serializers.ChoiceField(
        choices=MigrationEpisode.ReturnType.choices, required=False, allow_blank=True
    )
    notes = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ConsentSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "purpose",
            "given_on",
            "method",
            "withdrawn_on",
            "notes",
            "is_active",
        ]


class ConsentInputSerializer(serializers.Serializer):
    person = serializers.CharField(help_text="The person's reference, e.g. P-7K3M9QX")
    purpose = serializers.ChoiceField(choices=Consent.Purpose.choices)
    given_on = serializers.DateField()
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    notes = serializers.CharField(max_length=255, required=False, allow_blank=True)
