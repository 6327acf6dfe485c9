"""What the Citizen Spaces API returns. Inputs live beside their view (views.py)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wasla.citizen_spaces.models import (
    AppointmentSlot,
    RequestDocument,
    RequestEvent,
    ServiceRequest,
    ServiceType,
    Stage,
    Ticket,
)
from wasla.organisations.models import Office

MONEY = {"max_digits": 9, "decimal_places": 3}


class ServiceTypeOutputSerializer(serializers.ModelSerializer):
    """A service of the catalogue: `name`, `description` and `requirements` in the language of
    Accept-Language, and every text in the three languages."""

    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    requirements = serializers.ListField(
        source="requirement_list",
        child=serializers.CharField(),
        read_only=True,
        help_text="The documents to bring, one per item.",
    )
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    offices = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text="The Citizen Spaces that provide it.",
    )

    class Meta:
        model = ServiceType
        fields = [
            "code", "version", "name", "name_ar", "name_fr", "name_en", "description",
            "description_ar", "description_fr", "description_en", "requirements",
            "requirements_ar", "requirements_fr", "requirements_en", "category",
            "category_name", "department", "department_name", "fee_tnd", "target_working_days",
            "online", "is_active", "offices",
        ]  # fmt: skip


class OfferedServiceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ServiceType
        fields = ["code", "name", "category", "fee_tnd", "target_working_days", "online"]


class CitizenSpaceOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    locality = serializers.PrimaryKeyRelatedField(read_only=True)
    services = OfferedServiceSerializer(
        source="offered_services",
        many=True,
        read_only=True,
        help_text="The services offered there, in catalogue order.",
    )

    class Meta:
        model = Office
        fields = [
            "slug", "name", "name_ar", "name_fr", "name_en", "organisation", "organisation_name",
            "locality", "latitude", "longitude", "address", "phone", "email", "services",
        ]  # fmt: skip


class RequestDocumentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestDocument
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class ServiceRequestOutputSerializer(serializers.ModelSerializer):
    """A request as the agents of its Citizen Space see it."""

    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    department = serializers.CharField(source="service.department.slug", read_only=True)
    office = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    next_stages = serializers.ListField(
        source="allowed_stages",
        child=serializers.ChoiceField(choices=Stage.choices),
        read_only=True,
        help_text="The stages the request may move to from here.",
    )
    is_overdue = serializers.SerializerMethodField()
    residence_locality = serializers.PrimaryKeyRelatedField(read_only=True)
    submitted_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ServiceRequest
        fields = [
            "reference", "version", "service", "service_name", "department", "office",
            "channel", "stage", "next_stages", "requester_name", "phone", "email", "language",
            "contact_channel", "residence_locality", "details", "address", "latitude",
            "longitude", "submitted_at", "due_on", "is_overdue", "stage_changed_at",
            "delivered_at", "rejection_reason", "missing_documents", "agent_notes",
            "submitted_by",
        ]  # fmt: skip

    @extend_schema_field(serializers.BooleanField(help_text="Still open after its due date."))
    def get_is_overdue(self, request: ServiceRequest) -> bool:
        return request.is_open and request.due_on < timezone.localdate()


class ServiceRequestDetailOutputSerializer(ServiceRequestOutputSerializer):
    documents = RequestDocumentOutputSerializer(many=True, read_only=True)

    class Meta(ServiceRequestOutputSerializer.Meta):
        fields = [*ServiceRequestOutputSerializer.Meta.fields, "documents"]


class RequestEventOutputSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = RequestEvent
        fields = ["id", "at", "actor", "from_stage", "to_stage", "note"]


class TicketOutputSerializer(serializers.ModelSerializer):
    office = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    label = serializers.CharField(read_only=True, help_text="What the screen shows, e.g. A007.")

    class Meta:
        model = Ticket
        fields = [
            "id", "label", "office", "category", "day", "number", "status", "counter",
            "issued_at", "called_at", "finished_at",
        ]  # fmt: skip


class IssuedTicketOutputSerializer(TicketOutputSerializer):
    waiting_before = serializers.IntegerField(
        read_only=True, help_text="Tickets of the same queue called before this one."
    )

    class Meta(TicketOutputSerializer.Meta):
        fields = [*TicketOutputSerializer.Meta.fields, "waiting_before"]


class AppointmentSlotOutputSerializer(serializers.ModelSerializer):
    office = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    booked = serializers.IntegerField(read_only=True)
    free = serializers.SerializerMethodField()

    class Meta:
        model = AppointmentSlot
        fields = [
            "id", "office", "category", "category_name", "starts_at", "minutes", "capacity",
            "booked", "free",
        ]  # fmt: skip

    @extend_schema_field(serializers.IntegerField(help_text="Places left."))
    def get_free(self, slot: AppointmentSlot) -> int:
        return slot.capacity - slot.booked
