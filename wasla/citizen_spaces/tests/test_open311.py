"""Open311 GeoReport v2 under /open311/v2/, checked against the examples of the
specification (wiki.open311.org/GeoReport_v2 and /Service_Discovery): root elements, field
names and types, the error format, keys, idempotency, and no personal data in any GET."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from wasla.citizen_spaces import services
from wasla.citizen_spaces.models import ServiceRequest
from wasla.citizen_spaces.tests.factories import make_catalogue

BASE = "/open311/v2"
# The fields of the specification's examples, in their order.
SERVICE_FIELDS = [
    "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
]  # fmt: skip
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
]  # fmt: skip
CREATED_FIELDS = ["service_request_id", "service_notice", "account_id"]
NAME, PHONE, EMAIL = "Mabrouka Jebali", "+21698765432", "mabrouka.jebali@example.tn"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue(demo):
    return make_catalogue()


@pytest.fixture
def agent_key(user_for_role):
    return Token.objects.get_or_create(user=user_for_role("front_desk_agent"))[0].key


def _key_of(user_for_role, role):
    return Token.objects.get_or_create(user=user_for_role(role))[0].key


def _xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - Wasla's own answer, in a test


def _json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def _assert_errors_json(response, status):
    assert response.status_code == status
    errors = _json(response)
    assert isinstance(errors, list) and errors
    for error in errors:
        assert set(error) == {"code", "description"}
        assert error["code"] == status and isinstance(error["description"], str)
    return errors


def _assert_errors_xml(response, status):
    assert response.status_code == status
    root = _xml(response)
    assert root.tag == "errors"
    errors = root.findall("error")
    assert errors
    for error in errors:
        assert [child.tag for child in error] == ["code", "description"]
        assert error.findtext("code") == str(status)
    return errors


def _post(client, fmt="json", *, key=None, headers=None, **fields):
    data = {
        "service_code": "test-birth-extract",
        "lat": "33.0581",
        "long": "10.1937",
        "first_name": "Mabrouka",
        "last_name": "Jebali",
        "phone": PHONE,
        "email": EMAIL,
        "description": "Extrait pour le dossier de bourse.",
    }
    if key:
        data["api_key"] = key
    data.update(fields)
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(f"{BASE}/requests.{fmt}", data, headers=headers or {})


def _desk_request(user_for_role, catalogue, **fields) -> ServiceRequest:
    return services.request_submit(
        service=catalogue["legalisation"],
        office=catalogue["office"],
        channel=ServiceRequest.Channel.DESK,
        actor=user_for_role("front_desk_agent"),
        requester_name="Hédi Zouari",
        phone="+21622333444",
        email="hedi.zouari@example.tn",
        address="12 rue de la Mosquée, Ksar el Ababsa",
        details="Légalisation pour Hédi Zouari",
        **fields,
    )


# ---------------------------------------------------------------------------------------
# Discovery and services


@pytest.mark.django_db
def test_discovery_has_the_fields_of_the_specification_in_json_and_xml(client, catalogue):
    document = _json(client.get(f"{BASE}/discovery.json"))
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["type"] in ("production", "test")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert datetime.datetime.fromisoformat(document["changeset"]).tzinfo is not None

    root = _xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert [child.tag for child in endpoint] == [
        "specification", "url", "changeset", "type", "formats",
    ]  # fmt: skip
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "text/xml",
        "application/json",
    ]


@pytest.mark.django_db
def test_the_base_address_leads_to_the_discovery_document(client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and response.url == f"{BASE}/discovery.xml"


@pytest.mark.django_db
def test_service_list_matches_the_example_of_the_specification(client, catalogue):
    services_json = _json(client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en"))
    assert isinstance(services_json, list)
    birth = next(s for s in services_json if s["service_code"] == "test-birth-extract")
    assert list(birth) == SERVICE_FIELDS
    assert birth["service_name"] == "Birth certificate extract"
    assert birth["description"] == "Extract of a birth record."
    assert birth["metadata"] is False
    assert birth["type"] == "realtime"
    assert birth["group"] == "Civil status"
    assert "Extrait de naissance" in birth["keywords"] and "مضمون ولادة" in birth["keywords"]

    root = _xml(client.get(f"{BASE}/services.xml", HTTP_ACCEPT_LANGUAGE="en"))
    assert root.tag == "services"
    codes = [service.findtext("service_code") for service in root.findall("service")]
    assert codes == [service["service_code"] for service in services_json]
    element = root.findall("service")[codes.index("test-birth-extract")]
    assert [child.tag for child in element] == SERVICE_FIELDS
    assert element.findtext("metadata") == "false"


@pytest.mark.django_db
def test_services_speak_the_language_of_accept_language(client, catalogue):
    def name(language):
        listing = _json(client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE=language))
        return next(s for s in listing if s["service_code"] == "test-birth-extract")

    assert name("fr")["service_name"] == "Extrait de naissance"
    assert name("ar")["service_name"] == "مضمون ولادة"
    assert name("ar")["group"] == "الحالة المدنية"


@pytest.mark.django_db
def test_jurisdiction_id_chooses_the_citizen_space(client, catalogue):
    url = f"{BASE}/services.json?jurisdiction_id=citizen-space-ghomrassen"
    codes = {service["service_code"] for service in _json(client.get(url))}
    assert {"test-birth-extract", "test-occupation"} <= codes
    assert "test-legalisation" not in codes

    errors = _assert_errors_json(client.get(f"{BASE}/services.json?jurisdiction_id=nowhere"), 404)
    assert "nowhere" in errors[0]["description"]
    _assert_errors_xml(client.get(f"{BASE}/services.xml?jurisdiction_id=nowhere"), 404)


@pytest.mark.django_db
def test_service_definition_has_an_empty_attribute_list(client, catalogue):
    definition = _json(client.get(f"{BASE}/services/test-birth-extract.json"))
    assert definition == {"service_code": "test-birth-extract", "attributes": []}

    root = _xml(client.get(f"{BASE}/services/test-birth-extract.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "test-birth-extract"
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0


@pytest.mark.django_db
def test_an_unknown_service_is_a_404_in_the_error_format(client, catalogue):
    errors = _assert_errors_json(client.get(f"{BASE}/services/no-such-service.json"), 404)
    assert "no-such-service" in errors[0]["description"]
    _assert_errors_xml(client.get(f"{BASE}/services/no-such-service.xml"), 404)
    # A service offered elsewhere is not found at this Citizen Space.
    _assert_errors_json(
        client.get(
            f"{BASE}/services/test-legalisation.json?jurisdiction_id=citizen-space-ghomrassen"
        ),
        404,
    )


@pytest.mark.django_db
def test_unknown_addresses_and_methods_answer_in_the_error_format(client, catalogue):
    _assert_errors_xml(client.get(f"{BASE}/tokens/123.xml"), 404)
    _assert_errors_json(client.get(f"{BASE}/services.yaml.json"), 404)
    response = client.delete(f"{BASE}/requests.json")
    _assert_errors_json(response, 405)
    assert "POST" in response["Allow"]


# ---------------------------------------------------------------------------------------
# POST requests


@pytest.mark.django_db
def test_post_creates_a_request_and_answers_like_the_example(client, catalogue, agent_key):
    response = _post(client, key=agent_key)
    assert response.status_code == 200
    (created,) = _json(response)
    assert list(created) == CREATED_FIELDS
    assert created["account_id"] is None
    request = ServiceRequest.objects.get(reference=created["service_request_id"])
    assert request.channel == ServiceRequest.Channel.OPEN311
    assert request.office.slug == "citizen-space-ksar-el-ababsa"
    assert request.requester_name == NAME and request.phone == PHONE and request.email == EMAIL
    assert (request.latitude, request.longitude) == (33.0581, 10.1937)
    assert request.due_on.isoformat() in created["service_notice"]
    assert request.events.count() == 1

    root = _xml(_post(client, "xml", key=agent_key, description="Une autre demande"))
    assert root.tag == "service_requests"
    (element,) = root.findall("request")
    assert [child.tag for child in element] == CREATED_FIELDS
    assert element.find("account_id").text is None
    assert ServiceRequest.objects.filter(reference=element.findtext("service_request_id")).exists()


@pytest.mark.django_db
def test_post_accepts_the_key_as_a_token_header_and_needs_no_csrf_token(catalogue, agent_key):
    client = Client(enforce_csrf_checks=True)
    response = _post(client, headers={"Authorization": f"Token {agent_key}"})
    assert response.status_code == 200, response.content
    assert ServiceRequest.objects.filter(channel="open311").count() == 1


@pytest.mark.django_db
def test_post_without_a_valid_key_is_refused_with_403(client, catalogue, user_for_role):
    _assert_errors_json(_post(client), 403)
    _assert_errors_xml(_post(client, "xml", key="not-a-key"), 403)
    # Counsellors and administrators do not register Citizen Space requests.
    for role in ("counsellor", "administrator"):
        _assert_errors_json(_post(client, key=_key_of(user_for_role, role)), 403)
    # A session is not a key.
    client.force_login(user_for_role("front_desk_agent"))
    _assert_errors_json(_post(client), 403)
    assert not ServiceRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "status", "mentions"),
    [
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "no-such-service"}, 404, "no-such-service"),
        ({"jurisdiction_id": "nowhere"}, 404, "nowhere"),
        ({"lat": None, "long": None}, 400, "address_string"),
        ({"lat": "north", "long": "10.2"}, 400, "lat"),
        ({"lat": "95", "long": "10.2"}, 400, "lat"),
        ({"lat": "33.1", "long": None}, 400, "long"),
        ({"lat": "nan", "long": "10"}, 400, "lat"),
        ({"description": "x" * 4001}, 400, "4"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"phone": "12"}, 400, "phone"),
        ({"first_name": "", "last_name": ""}, 400, "first_name"),
        # Offered at Ghomrassen only, not at the agent's Citizen Space.
        ({"service_code": "test-occupation"}, 403, ""),
        ({"jurisdiction_id": "citizen-space-ghomrassen"}, 403, ""),
        # Offered here, but not at the Citizen Space named.
        (
            {"service_code": "test-legalisation", "jurisdiction_id": "citizen-space-ghomrassen"},
            403,
            "",
        ),
    ],
)
def test_bad_posts_get_the_error_of_the_specification_and_save_nothing(
    client, catalogue, agent_key, fields, status, mentions
):
    errors = _assert_errors_json(_post(client, key=agent_key, **fields), status)
    assert mentions in " ".join(error["description"] for error in errors)
    _assert_errors_xml(_post(client, "xml", key=agent_key, **fields), status)
    assert not ServiceRequest.objects.exists()


@pytest.mark.django_db
def test_an_address_may_replace_the_coordinates(client, catalogue, agent_key):
    response = _post(
        client, key=agent_key, lat=None, long=None, address_string="Rue de Tunis, Ksar el Ababsa"
    )
    assert response.status_code == 200
    request = ServiceRequest.objects.get()
    assert request.address == "Rue de Tunis, Ksar el Ababsa" and request.latitude is None


@pytest.mark.django_db
def test_jurisdiction_is_needed_when_the_service_is_offered_at_several_places(
    client, catalogue, django_user_model
):
    superuser = django_user_model.objects.get(username="platform")
    platform = Token.objects.get_or_create(user=superuser)[0].key
    errors = _assert_errors_json(_post(client, key=platform), 400)
    assert "jurisdiction_id" in errors[0]["description"]
    response = _post(client, key=platform, jurisdiction_id="citizen-space-ghomrassen")
    assert response.status_code == 200
    assert ServiceRequest.objects.get().office.slug == "citizen-space-ghomrassen"


@pytest.mark.django_db
def test_the_same_idempotency_key_creates_one_request(client, catalogue, agent_key, demo):
    headers = {"Idempotency-Key": "tool-42-attempt"}
    first = _json(_post(client, key=agent_key, headers=headers))
    again = _json(_post(client, key=agent_key, headers=headers))
    assert first == again
    assert ServiceRequest.objects.count() == 1
    other = _json(_post(client, key=agent_key, headers={"Idempotency-Key": "tool-42-other"}))
    assert other[0]["service_request_id"] != first[0]["service_request_id"]
    # Another key holder's identical key is another request, never someone else's.
    from django.contrib.auth import get_user_model

    from wasla.organisations.models import Role, StaffMembership

    colleague = get_user_model().objects.create_user("agent2", password="Another-pass-2026")
    agent_membership = StaffMembership.objects.get(user__username="agent")
    StaffMembership.objects.create(
        user=colleague,
        organisation=agent_membership.organisation,
        office=agent_membership.office,
        role=Role.FRONT_DESK_AGENT,
    )
    colleague_key = Token.objects.create(user=colleague).key
    theirs = _json(_post(client, key=colleague_key, headers=headers))
    assert theirs[0]["service_request_id"] != first[0]["service_request_id"]
    assert ServiceRequest.objects.count() == 3


# ---------------------------------------------------------------------------------------
# GET requests


@pytest.mark.django_db
def test_get_requests_matches_the_example_and_holds_no_personal_data(client, catalogue, agent_key):
    reference = _json(_post(client, key=agent_key))[0]["service_request_id"]
    client.logout()
    response = client.get(f"{BASE}/requests.json", HTTP_ACCEPT_LANGUAGE="en")
    listing = _json(response)
    (entry,) = listing
    assert list(entry) == REQUEST_FIELDS
    assert entry["service_request_id"] == reference
    assert entry["status"] == "open"
    assert entry["status_notes"] == "Received"
    assert entry["service_code"] == "test-birth-extract"
    assert entry["service_name"] == "Birth certificate extract"
    assert entry["agency_responsible"] == "Civil status"
    assert entry["description"] == "Extrait pour le dossier de bourse."
    assert (entry["lat"], entry["long"]) == (33.0581, 10.1937)
    assert entry["media_url"] is None
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert datetime.datetime.fromisoformat(entry[name]).utcoffset() is not None
    body = response.content.decode()
    for personal in ("Mabrouka", "Jebali", "98765432", "mabrouka.jebali"):
        assert personal not in body

    xml_response = client.get(f"{BASE}/requests.xml")
    root = _xml(xml_response)
    assert root.tag == "service_requests"
    (element,) = root.findall("request")
    assert [child.tag for child in element] == REQUEST_FIELDS
    for personal in ("Mabrouka", "Jebali", "98765432", "mabrouka.jebali"):
        assert personal not in xml_response.content.decode()


@pytest.mark.django_db
def test_desk_requests_are_seen_only_with_a_key_of_their_citizen_space(
    client, catalogue, agent_key, user_for_role
):
    desk = _desk_request(user_for_role, catalogue)
    assert _json(client.get(f"{BASE}/requests.json")) == []
    _assert_errors_json(client.get(f"{BASE}/requests/{desk.reference}.json"), 404)

    response = client.get(f"{BASE}/requests.json?api_key={agent_key}")
    (entry,) = _json(response)
    assert entry["service_request_id"] == desk.reference
    body = response.content.decode()
    for personal in ("Zouari", "22333444", "hedi.zouari"):
        assert personal not in body.replace("Légalisation pour Hédi Zouari", "")
    assert "hedi.zouari" not in body and "22333444" not in body

    # A key of another municipality's staff does not see it.
    manager_key = _key_of(user_for_role, "programme_manager")
    assert _json(client.get(f"{BASE}/requests.json?api_key={manager_key}")) == []


@pytest.mark.django_db
def test_one_request_is_a_list_of_one(client, catalogue, agent_key):
    reference = _json(_post(client, key=agent_key))[0]["service_request_id"]
    (entry,) = _json(client.get(f"{BASE}/requests/{reference}.json"))
    assert entry["service_request_id"] == reference
    # Read back as typed: any case, with or without dashes.
    lower = reference.lower().replace("-", "")
    assert _json(client.get(f"{BASE}/requests/{lower}.json"))[0]["service_request_id"] == reference
    root = _xml(client.get(f"{BASE}/requests/{reference}.xml"))
    assert root.tag == "service_requests" and len(root.findall("request")) == 1
    _assert_errors_json(client.get(f"{BASE}/requests/CS-23456-789AB.json"), 404)
    _assert_errors_xml(client.get(f"{BASE}/requests/CS-23456-789AB.xml"), 404)
    _assert_errors_json(
        client.get(f"{BASE}/requests/{reference}.json?jurisdiction_id=citizen-space-ghomrassen"),
        404,
    )


@pytest.mark.django_db
def test_closed_requests_say_why(client, catalogue, agent_key, user_for_role):
    reference = _json(_post(client, key=agent_key))[0]["service_request_id"]
    request = ServiceRequest.objects.get(reference=reference)
    services.request_move(
        actor=user_for_role("front_desk_agent"),
        request=request,
        to_stage="rejected",
        expected_version=request.version,
        reason="Acte introuvable dans le registre.",
    )
    (entry,) = _json(client.get(f"{BASE}/requests/{reference}.json", HTTP_ACCEPT_LANGUAGE="en"))
    assert entry["status"] == "closed"
    assert entry["status_notes"] == "Rejected: Acte introuvable dans le registre."
    request.refresh_from_db()
    assert datetime.datetime.fromisoformat(
        entry["updated_datetime"]
    ) == request.stage_changed_at.replace(microsecond=0)


@pytest.mark.django_db
def test_get_requests_filters(client, catalogue, agent_key, user_for_role):
    first = _json(_post(client, key=agent_key))[0]["service_request_id"]
    second = _json(_post(client, key=agent_key, service_code="test-building-permit"))[0][
        "service_request_id"
    ]
    rejected = ServiceRequest.objects.get(reference=second)
    services.request_move(
        actor=user_for_role("front_desk_agent"),
        request=rejected,
        to_stage="rejected",
        expected_version=rejected.version,
        reason="Dossier incomplet.",
    )

    def ids(query):
        return [
            entry["service_request_id"]
            for entry in _json(client.get(f"{BASE}/requests.json?{query}"))
        ]

    assert ids("") == [second, first]
    assert ids("status=open") == [first]
    assert ids("status=closed") == [second]
    assert ids("status=open,closed") == [second, first]
    assert ids("service_code=test-building-permit") == [second]
    assert ids("service_code=test-birth-extract,test-building-permit") == [second, first]
    assert ids(f"service_request_id={first}") == [first]
    # service_request_id overrides the other filters.
    assert ids(f"service_request_id={first},{second}&status=open") == [second, first]
    assert ids("jurisdiction_id=citizen-space-ghomrassen") == []
    now = timezone.now()
    past = (now - datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    future = (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"start_date={past}&end_date={future}") == [second, first]
    assert ids("start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z") == []
    assert ids(f"end_date={past}") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "end_date=2026-13-45T00:00:00Z",
        "start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
        "start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z",
        "status=pending",
    ],
)
def test_bad_searches_are_400(client, catalogue, query):
    _assert_errors_json(client.get(f"{BASE}/requests.json?{query}"), 400)
    _assert_errors_xml(client.get(f"{BASE}/requests.xml?{query}"), 400)


@pytest.mark.django_db
def test_xml_output_escapes_what_the_client_sent(client, catalogue, agent_key):
    text = 'Fuite <b>"urgente"</b> & dégâts \x01 ici'
    reference = _json(_post(client, key=agent_key, description=text))[0]["service_request_id"]
    root = _xml(client.get(f"{BASE}/requests/{reference}.xml"))
    assert root.find("request").findtext("description") == text.replace("\x01", "")
    (entry,) = _json(client.get(f"{BASE}/requests/{reference}.json"))
    assert entry["description"] == text


@pytest.mark.django_db
def test_anonymous_reads_are_rate_limited_in_the_error_format(
    client, catalogue, agent_key, settings
):
    settings.WASLA_PUBLIC_API_RATE = "3/minute"
    for _attempt in range(3):
        assert client.get(f"{BASE}/services.json").status_code == 200
    response = client.get(f"{BASE}/services.xml")
    _assert_errors_xml(response, 429)
    assert int(response["Retry-After"]) > 0
    _assert_errors_json(client.get(f"{BASE}/requests.json"), 429)
    # A caller with a key is not counted.
    assert client.get(f"{BASE}/services.json?api_key={agent_key}").status_code == 200
