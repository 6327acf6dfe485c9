"""The Citizen Spaces REST API under /api/v1/: the public catalogue, Citizen Spaces and
appointment slots; the agents' work queue, requests and their stages; the counters' queue."""

import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from wasla.citizen_spaces import services
from wasla.citizen_spaces.models import ServiceRequest, ServiceType, Stage, Ticket
from wasla.citizen_spaces.tests.factories import make_catalogue
from wasla.organisations.models import Office

API = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue(demo):
    return make_catalogue()


def _desk(actor, service, office, **fields) -> ServiceRequest:
    values = {"requester_name": "Naziha Ferchichi", "phone": "+21655111222"}
    values.update(fields)
    return services.request_submit(
        service=service, office=office, channel=ServiceRequest.Channel.DESK, actor=actor, **values
    )


def _json(client, method, path, data=None, **extra):
    return getattr(client, method)(
        path, json.dumps(data or {}), content_type="application/json", **extra
    )


# ---------------------------------------------------------------------------------------
# The public catalogue


@pytest.mark.django_db
def test_the_catalogue_is_public_and_trilingual(client, catalogue):
    response = client.get(f"{API}/service-types/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    birth = next(s for s in response.json()["results"] if s["code"] == "test-birth-extract")
    assert birth["name"] == "Extrait de naissance"
    assert (birth["name_ar"], birth["name_en"]) == ("مضمون ولادة", "Birth certificate extract")
    assert birth["requirements"] == ["Carte d'identité nationale"]
    assert birth["requirements_ar"] == "بطاقة التعريف الوطنية"
    assert birth["category"] == "test-civil-status" and birth["department"] == "test-civil-status"
    assert birth["category_name"] == "État civil"
    assert set(birth["offices"]) == {"citizen-space-ksar-el-ababsa", "citizen-space-ghomrassen"}
    assert birth["fee_tnd"] == "0.000" and birth["online"] is True and birth["version"] == 1

    def codes(query):
        listing = client.get(f"{API}/service-types/?{query}").json()["results"]
        return {service["code"] for service in listing}

    assert {"test-occupation", "test-birth-extract"} <= codes("office=citizen-space-ghomrassen")
    assert "test-legalisation" not in codes("office=citizen-space-ghomrassen")
    assert "test-legalisation" not in codes("online=true")
    assert codes("category=test-permits") >= {"test-building-permit", "test-occupation"}
    assert "test-birth-extract" not in codes("category=test-permits")
    response = client.get(f"{API}/service-types/?office=nowhere")
    assert response.status_code == 400 and "office" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_one_service_is_public_unless_withdrawn(client, catalogue, client_for):
    response = client.get(f"{API}/service-types/test-building-permit/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.json()["requirements"] == ["Site plan", "Proof of ownership"]
    assert client.get(f"{API}/service-types/no-such-thing/").status_code == 404
    ServiceType.objects.filter(code="test-building-permit").update(is_active=False)
    assert client.get(f"{API}/service-types/test-building-permit/").status_code == 404
    administrator = client_for("administrator")
    response = administrator.get(f"{API}/service-types/test-building-permit/")
    assert response.status_code == 200 and response.json()["is_active"] is False


@pytest.mark.django_db
def test_administrators_edit_a_service_with_its_version(client_for, catalogue):
    administrator = client_for("administrator")
    url = f"{API}/service-types/test-birth-extract/"
    response = _json(
        administrator, "patch", url, {"version": 1, "fee_tnd": "1.500", "name_en": "Birth extract"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["fee_tnd"] == "1.500" and response.json()["version"] == 2
    # Someone who read version 1 does not overwrite the change.
    response = _json(administrator, "patch", url, {"version": 1, "fee_tnd": "9.000"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    service = ServiceType.objects.get(code="test-birth-extract")
    assert (service.fee_tnd, service.name_en, service.version) == (
        pytest.approx(1.5),
        "Birth extract",
        2,
    )
    response = _json(administrator, "patch", url, {"version": 2, "name_fr": "", "fee_tnd": "-1"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name_fr", "fee_tnd"}
    assert _json(client_for("front_desk_agent"), "patch", url, {"version": 2}).status_code == 403


@pytest.mark.django_db
def test_an_administrator_chooses_only_the_offices_of_their_municipality(client_for, catalogue):
    kairouan = Office.objects.get(slug="citizen-space-kairouan-medina")
    catalogue["birth"].offices.add(kairouan)
    administrator = client_for("administrator")
    url = f"{API}/service-types/test-birth-extract/"
    response = _json(
        administrator, "patch", url, {"version": 1, "offices": ["citizen-space-ghomrassen"]}
    )
    assert response.status_code == 200, response.content
    # Ksar el Ababsa (theirs) is dropped, Kairouan (not theirs) stays.
    assert set(response.json()["offices"]) == {
        "citizen-space-ghomrassen",
        "citizen-space-kairouan-medina",
    }
    response = _json(
        administrator, "patch", url, {"version": 2, "offices": ["citizen-space-tunis-bab-souika"]}
    )
    assert response.status_code == 400 and "offices" in response.json()["error"]["fields"]
    response = _json(administrator, "patch", url, {"version": 2, "offices": ["nowhere"]})
    assert response.status_code == 400 and "offices" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_administrators_add_a_service(client_for, catalogue):
    administrator = client_for("administrator")
    data = {
        "code": "test-residence-certificate",
        "name_ar": "شهادة إقامة",
        "name_fr": "Certificat de résidence",
        "name_en": "Residence certificate",
        "category": "test-civil-status",
        "department": "test-civil-status",
        "fee_tnd": "2.000",
        "target_working_days": 2,
        "offices": ["citizen-space-ksar-el-ababsa"],
    }
    response = _json(administrator, "post", f"{API}/service-types/", data)
    assert response.status_code == 201, response.content
    assert response.json()["offices"] == ["citizen-space-ksar-el-ababsa"]
    response = _json(administrator, "post", f"{API}/service-types/", data)
    assert response.status_code == 400 and "code" in response.json()["error"]["fields"]
    response = _json(
        administrator, "post", f"{API}/service-types/", {**data, "code": "x", "category": "none"}
    )
    assert response.status_code == 400 and "category" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_citizen_spaces_are_listed_with_their_services(client, catalogue):
    response = client.get(f"{API}/citizen-spaces/?limit=100", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    spaces = {space["slug"]: space for space in response.json()["results"]}
    assert "ote-antenna-medenine" not in spaces
    ksar = spaces["citizen-space-ksar-el-ababsa"]
    assert ksar["organisation"] == "municipality-ghomrassen"
    offered = {service["code"]: service for service in ksar["services"]}
    assert {"test-birth-extract", "test-legalisation", "test-building-permit"} <= set(offered)
    assert "test-occupation" not in offered
    assert offered["test-birth-extract"]["name"] == "Birth certificate extract"
    detail = client.get(f"{API}/citizen-spaces/citizen-space-ghomrassen/").json()
    assert "test-occupation" in {service["code"] for service in detail["services"]}
    assert client.get(f"{API}/citizen-spaces/ote-antenna-medenine/").status_code == 404


@pytest.mark.django_db
def test_open_appointment_slots_are_public(client, catalogue, user_for_role):
    office = catalogue["office"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    slots = services.slots_create(
        actor=user_for_role("front_desk_agent"),
        office=office,
        category=catalogue["category"],
        day=tomorrow,
        first=datetime.time(9, 0),
        last=datetime.time(9, 30),
        minutes=30,
        capacity=1,
    )
    services.appointment_book(slot=slots[0], requester_name="Rim Saidi", phone="+21620111222")
    response = client.get(f"{API}/appointment-slots/?office={office.slug}")
    assert response.status_code == 200
    (slot,) = response.json()["results"]
    assert slot["id"] == slots[1].pk and slot["free"] == 1 and slot["booked"] == 0
    assert slot["category"] == "test-civil-status"
    assert "Rim" not in response.content.decode() and "20111222" not in response.content.decode()
    assert client.get(f"{API}/appointment-slots/").status_code == 400
    assert client.get(f"{API}/appointment-slots/?office={office.slug}&days=0").status_code == 400
    empty = client.get(f"{API}/appointment-slots/?office={office.slug}&category=test-permits")
    assert empty.json()["results"] == []


@pytest.mark.django_db
def test_public_reads_are_rate_limited(client, catalogue, client_for, settings):
    settings.WASLA_PUBLIC_API_RATE = "2/minute"
    for _attempt in range(2):
        assert client.get(f"{API}/service-types/").status_code == 200
    response = client.get(f"{API}/citizen-spaces/")
    assert response.status_code == 429 and response.json()["error"]["code"] == "throttled"
    assert "Retry-After" in response
    assert client_for("front_desk_agent").get(f"{API}/service-types/").status_code == 200


# ---------------------------------------------------------------------------------------
# Requests


@pytest.fixture
def requests_here_and_there(catalogue, user_for_role, django_user_model):
    """Two requests at the agent's Citizen Space, one at the other Citizen Space of Ghomrassen."""
    agent = user_for_role("front_desk_agent")
    platform = django_user_model.objects.get(username="platform")
    birth = _desk(agent, catalogue["birth"], catalogue["office"])
    permit = _desk(
        agent,
        catalogue["permit"],
        catalogue["office"],
        requester_name="Lotfi Ben Ammar",
        phone="+21698000111",
    )
    elsewhere = _desk(platform, catalogue["elsewhere"], catalogue["other_office"])
    return {"birth": birth, "permit": permit, "elsewhere": elsewhere}


@pytest.mark.django_db
def test_the_work_queue_shows_the_callers_citizen_spaces(client_for, requests_here_and_there):
    birth, permit, elsewhere = (
        requests_here_and_there[name] for name in ("birth", "permit", "elsewhere")
    )

    def references(role, query=""):
        response = client_for(role).get(f"{API}/service-requests/?{query}")
        assert response.status_code == 200, response.content
        return [item["reference"] for item in response.json()["results"]]

    # Earliest due first: the birth extract takes 1 working day, the permit 20.
    assert references("front_desk_agent") == [birth.reference, permit.reference]
    assert set(references("administrator")) == {
        birth.reference,
        permit.reference,
        elsewhere.reference,
    }
    assert references("administrator", "office=citizen-space-ghomrassen") == [elsewhere.reference]
    assert references("front_desk_agent", "office=citizen-space-ghomrassen") == []
    # Programme managers see the statistics, not the requesters.
    assert client_for("programme_manager").get(f"{API}/service-requests/").status_code == 403
    assert references("front_desk_agent", "service=test-building-permit") == [permit.reference]
    assert references("front_desk_agent", "department=test-urbanism") == [permit.reference]
    assert references("front_desk_agent", "q=98 000 111") == [permit.reference]
    assert references("front_desk_agent", f"q={birth.reference.lower()}") == [birth.reference]
    assert references("front_desk_agent", "q=Ferchichi") == [birth.reference]
    assert references("front_desk_agent", "stage=in_process") == []
    assert references("front_desk_agent", "overdue=true") == []
    ServiceRequest.objects.filter(pk=birth.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    assert references("front_desk_agent", "overdue=true") == [birth.reference]
    item = client_for("front_desk_agent").get(f"{API}/service-requests/").json()["results"][0]
    assert item["is_overdue"] is True and item["next_stages"] == [
        "in_process",
        "waiting_citizen",
        "rejected",
    ]


@pytest.mark.django_db
def test_an_agent_registers_a_request_at_the_desk(client_for, catalogue):
    agent = client_for("front_desk_agent")
    data = {
        "service": "test-building-permit",
        "office": "citizen-space-ksar-el-ababsa",
        "requester_name": "Saloua Hamdi",
        "phone": "98 123 456",
        "language": "fr",
        "details": "Extension d'un étage.",
    }
    response = _json(agent, "post", f"{API}/service-requests/", data)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["channel"] == "desk" and created["stage"] == "received"
    assert created["phone"] == "+21698123456" and created["submitted_by"] == "agent"
    request = ServiceRequest.objects.get(reference=created["reference"])
    assert created["due_on"] == request.due_on.isoformat()

    errors = _json(agent, "post", f"{API}/service-requests/", {**data, "phone": "12"}).json()
    assert set(errors["error"]["fields"]) == {"phone"}
    response = _json(agent, "post", f"{API}/service-requests/", {**data, "service": "none"})
    assert response.status_code == 400 and "service" in response.json()["error"]["fields"]
    # The other Citizen Space of the municipality is not the agent's.
    response = _json(
        agent,
        "post",
        f"{API}/service-requests/",
        {**data, "service": "test-birth-extract", "office": "citizen-space-ghomrassen"},
    )
    assert response.status_code == 403
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_retried_submission_creates_one_request(client_for, catalogue):
    agent = client_for("front_desk_agent")
    data = {
        "service": "test-birth-extract",
        "office": "citizen-space-ksar-el-ababsa",
        "requester_name": "Saloua Hamdi",
        "phone": "98 123 456",
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": "desk-7f3a"}
    first = _json(agent, "post", f"{API}/service-requests/", data, **headers).json()
    again = _json(agent, "post", f"{API}/service-requests/", data, **headers).json()
    assert first["reference"] == again["reference"]
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_documents_come_as_multipart(client_for, catalogue):
    agent = client_for("front_desk_agent")
    data = {
        "service": "test-building-permit",
        "office": "citizen-space-ksar-el-ababsa",
        "requester_name": "Saloua Hamdi",
        "phone": "98 123 456",
        "documents": [SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")],
    }
    response = agent.post(f"{API}/service-requests/", data)
    assert response.status_code == 201, response.content
    (document,) = response.json()["documents"]
    assert document["original_name"] == "plan.pdf"
    assert document["content_type"] == "application/pdf"
    data["documents"] = [io.BytesIO(b"MZ not a document")]
    data["documents"][0].name = "virus.exe"
    response = agent.post(f"{API}/service-requests/", data)
    assert response.status_code == 400 and "documents" in response.json()["error"]["fields"]
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_request_is_read_only_within_the_scope(client_for, requests_here_and_there):
    birth, elsewhere = requests_here_and_there["birth"], requests_here_and_there["elsewhere"]
    agent = client_for("front_desk_agent")
    response = agent.get(f"{API}/service-requests/{birth.reference}/")
    assert response.status_code == 200
    assert response.json()["requester_name"] == "Naziha Ferchichi"
    assert response.json()["documents"] == []
    lower = birth.reference.lower()
    assert agent.get(f"{API}/service-requests/{lower}/").status_code == 200
    assert agent.get(f"{API}/service-requests/{elsewhere.reference}/").status_code == 404
    assert agent.get(f"{API}/service-requests/CS-23456-789AB/").status_code == 404
    administrator = client_for("administrator")
    assert administrator.get(f"{API}/service-requests/{elsewhere.reference}/").status_code == 200


@pytest.mark.django_db
def test_moving_a_request_follows_the_stages_and_the_version(client_for, requests_here_and_there):
    birth = requests_here_and_there["birth"]
    agent = client_for("front_desk_agent")
    url = f"{API}/service-requests/{birth.reference}/move/"
    response = _json(agent, "post", url, {"to_stage": "in_process", "version": 1, "note": "OK"})
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "in_process" and response.json()["version"] == 2
    response = _json(agent, "post", url, {"to_stage": "ready", "version": 1})
    assert response.status_code == 409
    response = _json(agent, "post", url, {"to_stage": "delivered", "version": 2})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_transition"
    response = _json(agent, "post", url, {"to_stage": "rejected", "version": 2})
    assert response.status_code == 400
    assert "rejection_reason" in response.json()["error"]["fields"]
    response = _json(
        agent, "post", url, {"to_stage": "rejected", "version": 2, "reason": "Acte absent."}
    )
    assert response.status_code == 200
    assert response.json()["rejection_reason"] == "Acte absent."
    assert response.json()["next_stages"] == []
    # Administrators read requests but do not process them.
    other = requests_here_and_there["permit"]
    response = _json(
        client_for("administrator"),
        "post",
        f"{API}/service-requests/{other.reference}/move/",
        {"to_stage": "in_process", "version": 1},
    )
    assert response.status_code == 403

    events = agent.get(f"{API}/service-requests/{birth.reference}/events/").json()
    assert [(event["from_stage"], event["to_stage"]) for event in events] == [
        ("", "received"),
        ("received", "in_process"),
        ("in_process", "rejected"),
    ]
    assert events[1]["actor"] == "agent" and events[1]["note"] == "OK"


@pytest.mark.django_db
def test_requests_move_together_or_not_at_all(client_for, requests_here_and_there):
    birth, permit = requests_here_and_there["birth"], requests_here_and_there["permit"]
    agent = client_for("front_desk_agent")
    url = f"{API}/service-requests/bulk-move/"
    data = {
        "office": "citizen-space-ksar-el-ababsa",
        "references": [birth.reference, permit.reference],
        "to_stage": "in_process",
    }
    response = _json(agent, "post", url, data)
    assert response.status_code == 200, response.content
    assert {item["stage"] for item in response.json()} == {"in_process"}
    response = _json(agent, "post", url, {**data, "to_stage": "delivered"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_transition"
    assert set(
        ServiceRequest.objects.filter(office__slug=data["office"]).values_list("stage", flat=True)
    ) == {Stage.IN_PROCESS}
    elsewhere = requests_here_and_there["elsewhere"]
    response = _json(
        agent,
        "post",
        url,
        {
            "office": "citizen-space-ghomrassen",
            "references": [elsewhere.reference],
            "to_stage": "in_process",
        },
    )
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------
# Queue


@pytest.mark.django_db
def test_counters_hand_out_call_and_close_tickets(client_for, catalogue):
    agent = client_for("front_desk_agent")
    office = "citizen-space-ksar-el-ababsa"
    first = _json(
        agent, "post", f"{API}/tickets/", {"office": office, "category": "test-civil-status"}
    )
    assert first.status_code == 201, first.content
    prefix = catalogue["category"].ticket_prefix
    assert first.json()["label"] == f"{prefix}001" and first.json()["waiting_before"] == 0
    second = _json(
        agent, "post", f"{API}/tickets/", {"office": office, "category": "test-civil-status"}
    )
    assert second.json()["label"] == f"{prefix}002" and second.json()["waiting_before"] == 1

    called = _json(
        agent, "post", f"{API}/tickets/call-next/", {"office": office, "counter": "Guichet 1"}
    )
    assert called.status_code == 200
    assert called.json()["label"] == f"{prefix}001" and called.json()["status"] == "called"
    closed = _json(agent, "post", f"{API}/tickets/{called.json()['id']}/close/", {"came": False})
    assert closed.status_code == 200 and closed.json()["status"] == "no_show"
    called = _json(
        agent, "post", f"{API}/tickets/call-next/", {"office": office, "counter": "Guichet 1"}
    )
    assert called.json()["label"] == f"{prefix}002"
    # Calling again closes the ticket being served; nobody else waits.
    response = _json(
        agent, "post", f"{API}/tickets/call-next/", {"office": office, "counter": "Guichet 1"}
    )
    assert response.status_code == 204
    assert Ticket.objects.get(pk=called.json()["id"]).status == Ticket.Status.SERVED

    response = _json(
        agent,
        "post",
        f"{API}/tickets/",
        {"office": "citizen-space-ghomrassen", "category": "test-civil-status"},
    )
    assert response.status_code == 403
    response = _json(agent, "post", f"{API}/tickets/", {"office": office, "category": "none"})
    assert response.status_code == 400


# ---------------------------------------------------------------------------------------
# Schema


@pytest.mark.django_db
def test_the_schema_describes_the_citizen_spaces_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in [
        "/api/v1/service-types/",
        "/api/v1/service-types/{code}/",
        "/api/v1/citizen-spaces/",
        "/api/v1/appointment-slots/",
        "/api/v1/service-requests/",
        "/api/v1/service-requests/{reference}/move/",
        "/api/v1/service-requests/{reference}/events/",
        "/api/v1/tickets/",
    ]:
        assert path in schema["paths"]


def test_the_schema_builds_without_warnings(tmp_path):
    """Enum names and every serializer resolve: `spectacular --validate --fail-on-warn`."""
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
