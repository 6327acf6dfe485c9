"""Services and selectors of the Citizen Spaces: what the desk relies on."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from wasla.citizen_spaces import selectors, services
from wasla.citizen_spaces.models import (
    Holiday,
    Rating,
    RequestEvent,
    ServiceRequest,
    Stage,
)
from wasla.citizen_spaces.tests.factories import make_catalogue
from wasla.core.exceptions import ApplicationError
from wasla.core.models import AuditEntry, OutboundMessage
from wasla.organisations.models import StaffMembership

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def catalogue(demo):
    return make_catalogue()


@pytest.fixture
def agent(user_for_role):
    return user_for_role("front_desk_agent")


@pytest.fixture
def second_agent(agent, catalogue):
    """A colleague at the same counter of Ksar el Ababsa."""
    user = get_user_model().objects.create_user(username="agent2", password="x-Wasla-2026-x")
    StaffMembership.objects.create(
        user=user,
        organisation=catalogue["office"].organisation,
        office=catalogue["office"],
        role="front_desk_agent",
    )
    return user


@pytest.fixture
def other_agent(catalogue):
    """An agent of the other Citizen Space of Ghomrassen."""
    user = get_user_model().objects.create_user(username="agent3", password="x-Wasla-2026-x")
    StaffMembership.objects.create(
        user=user,
        organisation=catalogue["other_office"].organisation,
        office=catalogue["other_office"],
        role="front_desk_agent",
    )
    return user


@pytest.fixture
def submit(catalogue, agent):
    def make(service="birth", actor=None, **fields):
        values = {"requester_name": "Fatma Ben Ali", "phone": "22 123 456", "language": "ar"}
        values.update(fields)
        return services.request_submit(
            service=catalogue[service],
            office=values.pop("office", catalogue["office"]),
            channel=values.pop("channel", ServiceRequest.Channel.DESK),
            actor=actor or agent,
            **values,
        )

    return make


def _move(item, actor, to_stage, **kwargs):
    item.refresh_from_db()
    return services.request_move(
        actor=actor, request=item, to_stage=to_stage, expected_version=item.version, **kwargs
    )


def _last_message(item) -> OutboundMessage:
    return (
        OutboundMessage.objects.filter(dedupe_key__startswith=f"request:{item.pk}:")
        .order_by("pk")
        .last()
    )


def _deliver(item, actor):
    for stage in (Stage.IN_PROCESS, Stage.READY, Stage.DELIVERED):
        _move(item, actor, stage)
    item.refresh_from_db()
    return item


# ---------------------------------------------------------------------------------------
# Submission at the desk


def test_a_request_at_the_desk_is_registered_audited_and_notified(submit, agent, catalogue):
    item = submit(
        "permit",
        phone="+216 22 123 456",
        details="  Extension of a house  ",
        documents=[SimpleUploadedFile("plan.pdf", PDF, "application/pdf")],
    )
    assert item.reference.startswith("CS-") and len(item.reference) == 14
    assert (item.channel, item.stage, item.submitted_by) == ("desk", "received", agent)
    assert item.phone == "+21622123456" and item.details == "Extension of a house"
    assert item.due_on == services.due_date(
        service=catalogue["permit"], submitted_on=timezone.localdate()
    )
    event = RequestEvent.objects.get(request=item)
    assert (event.from_stage, event.to_stage, event.actor) == ("", "received", agent)
    document = item.documents.get()
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    assert AuditEntry.objects.filter(
        target_type__icontains="servicerequest", target_id=str(item.pk), action="create"
    ).exists()
    message = OutboundMessage.objects.get(recipient="+21622123456")
    assert item.reference in message.body and message.channel == "sms"


def test_an_agent_registers_requests_only_at_their_own_citizen_space(
    submit, catalogue, user_for_role
):
    with pytest.raises(ApplicationError) as refused:
        submit(office=catalogue["other_office"])
    assert refused.value.code == "forbidden"
    with pytest.raises(PermissionDenied):
        submit(actor=user_for_role("administrator"))
    assert not ServiceRequest.objects.exists()


def test_a_service_not_offered_at_the_citizen_space_is_refused(submit):
    with pytest.raises(ApplicationError) as refused:
        submit("elsewhere")
    assert "service" in refused.value.extra
    assert not ServiceRequest.objects.exists()


def test_bad_contact_details_and_documents_are_all_reported_and_nothing_is_saved(
    submit, private_root
):
    with pytest.raises(ApplicationError) as refused:
        submit(
            requester_name=" ",
            phone="123",
            contact_channel="email",
            documents=[
                SimpleUploadedFile("ok.pdf", PDF, "application/pdf"),
                SimpleUploadedFile("bad.pdf", b"MZ-not-a-pdf", "application/pdf"),
            ],
        )
    assert set(refused.value.extra) == {"requester_name", "phone", "email", "documents"}
    assert not ServiceRequest.objects.exists()
    assert not OutboundMessage.objects.exists()
    assert not any(path.is_file() for path in private_root.rglob("*"))


# ---------------------------------------------------------------------------------------
# Due dates


def test_the_due_date_skips_weekends_and_public_holidays(catalogue):
    permit = catalogue["permit"]
    permit.target_working_days = 3
    # Thursday 14 March 2030; Friday 15 is made a holiday; Saturday and Sunday are off.
    Holiday.objects.update_or_create(
        date=datetime.date(2030, 3, 15), defaults={"name_fr": "Fête de test"}
    )
    due = services.due_date(service=permit, submitted_on=datetime.date(2030, 3, 14))
    assert due == datetime.date(2030, 3, 20)  # Mon 18, Tue 19, Wed 20
    # Submitted on a Saturday: counting starts on Monday.
    due = services.due_date(service=permit, submitted_on=datetime.date(2030, 3, 16))
    assert due == datetime.date(2030, 3, 21)  # Tue 19, Wed 20, Thu 21
    permit.target_working_days = 0
    assert services.due_date(service=permit, submitted_on=datetime.date(2030, 3, 15)) == (
        datetime.date(2030, 3, 18)
    )


def test_the_calendar_loads_the_holidays_of_the_data_file_once(db):
    added = services.calendar_load()
    assert added > 0
    assert Holiday.objects.filter(date=datetime.date(2026, 3, 20)).exists()
    assert services.calendar_load() == 0


# ---------------------------------------------------------------------------------------
# Stages


def test_a_request_moves_along_its_stages_to_delivery(submit, agent):
    item = _deliver(submit(), agent)
    assert item.stage == Stage.DELIVERED and item.delivered_at is not None
    stages = list(RequestEvent.objects.filter(request=item).values_list("to_stage", flat=True))
    assert stages == ["received", "in_process", "ready", "delivered"]
    queued = OutboundMessage.objects.filter(dedupe_key__startswith=f"request:{item.pk}:")
    assert queued.count() == 4
    # The last message carries the link to rate the service.
    token = services.rating_token(item)
    assert f"/rate/{token}/" in queued.order_by("pk").last().body
    assert services.request_from_rating_token(token) == item


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ((), Stage.READY),
        ((), Stage.DELIVERED),
        ((Stage.IN_PROCESS, Stage.READY), Stage.REJECTED),
        ((Stage.IN_PROCESS, Stage.READY, Stage.DELIVERED), Stage.IN_PROCESS),
        ((Stage.REJECTED,), Stage.IN_PROCESS),
        ((), "nowhere"),
    ],
)
def test_a_move_outside_the_allowed_transitions_is_refused(submit, agent, path, refused):
    item = submit()
    for stage in path:
        _move(item, agent, stage, reason="A reason")
    item.refresh_from_db()
    before = (item.stage, item.version)
    with pytest.raises(ApplicationError) as error:
        _move(item, agent, refused, reason="A reason")
    assert error.value.code == "invalid_transition"
    item.refresh_from_db()
    assert (item.stage, item.version) == before


@pytest.mark.parametrize(
    ("stage", "field"),
    [(Stage.REJECTED, "rejection_reason"), (Stage.WAITING_CITIZEN, "missing_documents")],
)
def test_rejecting_or_waiting_for_the_citizen_needs_a_reason(submit, agent, stage, field):
    item = submit()
    with pytest.raises(ApplicationError) as error:
        _move(item, agent, stage, reason="   ")
    assert field in error.value.extra
    item.refresh_from_db()
    assert item.stage == Stage.RECEIVED
    _move(item, agent, stage, reason=" Birth record of the father ")
    item.refresh_from_db()
    assert item.stage == stage and getattr(item, field) == "Birth record of the father"
    message = _last_message(item)
    assert "Birth record of the father" in message.body


def test_of_two_agents_on_one_request_the_second_is_refused_and_nothing_is_lost(
    submit, agent, second_agent
):
    item = submit()
    first_view = ServiceRequest.objects.get(pk=item.pk)
    second_view = ServiceRequest.objects.get(pk=item.pk)
    services.request_move(
        actor=agent,
        request=first_view,
        to_stage=Stage.IN_PROCESS,
        expected_version=first_view.version,
        note="First",
    )
    messages_before = OutboundMessage.objects.count()
    with pytest.raises(ApplicationError) as error:
        services.request_move(
            actor=second_agent,
            request=second_view,
            to_stage=Stage.REJECTED,
            expected_version=second_view.version,
            reason="Second",
        )
    assert error.value.code == "conflict"
    item.refresh_from_db()
    assert (item.stage, item.rejection_reason) == (Stage.IN_PROCESS, "")
    assert list(RequestEvent.objects.filter(request=item).values_list("note", flat=True)) == [
        "",
        "First",
    ]
    assert OutboundMessage.objects.count() == messages_before


def test_an_agent_of_another_citizen_space_cannot_move_the_request(submit, other_agent):
    item = submit()
    with pytest.raises(ApplicationError) as error:
        _move(item, other_agent, Stage.IN_PROCESS)
    assert error.value.code == "forbidden"


# ---------------------------------------------------------------------------------------
# Bulk moves


def test_a_bulk_move_moves_all_and_tells_each_citizen(submit, agent, catalogue):
    items = [submit(phone=f"22 100 00{n}") for n in range(3)]
    moved = services.requests_move_bulk(
        actor=agent,
        office=catalogue["office"],
        references=[item.reference for item in items] + [items[0].reference],
        to_stage=Stage.IN_PROCESS,
        note="Morning batch",
    )
    assert len(moved) == 3
    assert set(ServiceRequest.objects.values_list("stage", flat=True)) == {Stage.IN_PROCESS}
    assert RequestEvent.objects.filter(to_stage=Stage.IN_PROCESS, note="Morning batch").count() == 3
    for n in range(3):
        assert OutboundMessage.objects.filter(recipient=f"+2162210000{n}").count() == 2


def test_a_bulk_move_is_all_or_nothing(submit, agent, catalogue):
    ready = submit(phone="22 100 001")
    _move(ready, agent, Stage.IN_PROCESS)
    _move(ready, agent, Stage.READY)
    fresh = submit(phone="22 100 002")
    events, messages = RequestEvent.objects.count(), OutboundMessage.objects.count()
    with pytest.raises(ApplicationError) as error:
        services.requests_move_bulk(
            actor=agent,
            office=catalogue["office"],
            references=[ready.reference, fresh.reference],
            to_stage=Stage.IN_PROCESS,
        )
    assert error.value.code == "invalid_transition" and ready.reference in error.value.message
    fresh.refresh_from_db()
    assert fresh.stage == Stage.RECEIVED
    assert (RequestEvent.objects.count(), OutboundMessage.objects.count()) == (events, messages)
    # A reason missing for one is missing for all: none is rejected.
    with pytest.raises(ApplicationError):
        services.requests_move_bulk(
            actor=agent,
            office=catalogue["office"],
            references=[fresh.reference, submit().reference],
            to_stage=Stage.REJECTED,
        )
    assert not ServiceRequest.objects.filter(stage=Stage.REJECTED).exists()


def test_a_bulk_move_refuses_requests_of_another_citizen_space(submit, agent, catalogue):
    mine = submit()
    elsewhere = services.request_submit(
        service=catalogue["birth"],
        office=catalogue["other_office"],
        channel=ServiceRequest.Channel.OPEN311,
        requester_name="Elsewhere",
        phone="22 999 888",
    )
    with pytest.raises(ApplicationError):
        services.requests_move_bulk(
            actor=agent,
            office=catalogue["office"],
            references=[mine.reference, elsewhere.reference],
            to_stage=Stage.IN_PROCESS,
        )
    with pytest.raises(ApplicationError) as error:
        services.requests_move_bulk(
            actor=agent,
            office=catalogue["other_office"],
            references=[elsewhere.reference],
            to_stage=Stage.IN_PROCESS,
        )
    assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        services.requests_move_bulk(
            actor=agent, office=catalogue["office"], references=[], to_stage=Stage.IN_PROCESS
        )
    assert set(ServiceRequest.objects.values_list("stage", flat=True)) == {Stage.RECEIVED}


# ---------------------------------------------------------------------------------------
# Idempotency


def test_the_same_submission_twice_makes_one_request(submit, private_root):
    first = submit(
        idempotency_key="desk-key-1",
        documents=[SimpleUploadedFile("cin.pdf", PDF, "application/pdf")],
    )
    again = submit(
        idempotency_key="desk-key-1",
        documents=[SimpleUploadedFile("cin.pdf", PDF, "application/pdf")],
    )
    assert again.pk == first.pk
    assert ServiceRequest.objects.count() == 1
    assert first.documents.count() == 1
    assert sum(1 for path in private_root.rglob("*") if path.is_file()) == 1
    assert OutboundMessage.objects.count() == 1
    other = submit(idempotency_key="desk-key-2")
    assert other.pk != first.pk
    without_key = [submit(), submit()]
    assert without_key[0].pk != without_key[1].pk


# ---------------------------------------------------------------------------------------
# Notifications


def test_messages_are_queued_in_the_citizens_language_by_their_channel(submit, agent):
    item = submit(
        language="fr", contact_channel="both", email="fatma@example.org", phone="22 444 555"
    )
    queued = OutboundMessage.objects.filter(dedupe_key__startswith=f"request:{item.pk}:")
    assert set(queued.values_list("channel", "recipient")) == {
        ("sms", "+21622444555"),
        ("email", "fatma@example.org"),
    }
    assert set(queued.values_list("language", flat=True)) == {"fr"}
    with translation.override("fr"):
        expected = gettext("Wasla: your request %(reference)s is being processed.") % {
            "reference": item.reference
        }
    _move(item, agent, Stage.IN_PROCESS)
    sms = queued.filter(channel="sms").order_by("pk").last()
    assert sms.body == expected


def test_messages_are_written_in_arabic_for_an_arabic_speaker(submit, agent):
    item = submit(language="ar")
    _move(item, agent, Stage.REJECTED, reason="وثيقة ناقصة")
    with translation.override("ar"):
        expected = gettext("Wasla: your request %(reference)s was refused. Reason: %(reason)s") % {
            "reference": item.reference,
            "reason": "وثيقة ناقصة",
        }
    message = _last_message(item)
    assert (message.language, message.body) == ("ar", expected)


def test_a_notification_is_queued_once_per_event(submit, agent):
    item = submit()
    event = RequestEvent.objects.get(request=item)
    with translation.override("en"):
        services._notify_stage(item, event)
    assert OutboundMessage.objects.filter(dedupe_key__startswith=f"request:{item.pk}:").count() == 1


# ---------------------------------------------------------------------------------------
# Selectors


def test_the_work_queue_is_scoped_filtered_and_sorted_by_due_date(
    submit, agent, other_agent, catalogue, user_for_role
):
    late = submit("permit", requester_name="Late")
    soon = submit("birth", requester_name="Soon")
    ServiceRequest.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    done = _deliver(submit("legalisation"), agent)
    office = catalogue["office"]
    assert list(selectors.work_queue(user=agent, office=office)) == [late, soon]
    assert done in selectors.work_queue(user=agent, office=office, include_closed=True)
    assert list(selectors.work_queue(user=agent, office=office, overdue_only=True)) == [late]
    assert list(selectors.work_queue(user=agent, office=office, service="test-birth-extract")) == [
        soon
    ]
    assert list(selectors.work_queue(user=agent, office=office, department="test-urbanism")) == [
        late
    ]
    assert list(selectors.work_queue(user=agent, office=office, stage=Stage.DELIVERED)) == [done]
    assert list(selectors.work_queue(user=agent, office=office, search="soon")) == [soon]
    assert not selectors.work_queue(user=other_agent, office=office).exists()
    assert selectors.work_queue(user=user_for_role("administrator"), office=office).count() == 2
    with pytest.raises(PermissionDenied):
        selectors.work_queue(user=user_for_role("counsellor"), office=office)


def test_a_request_is_found_only_by_those_who_may_see_it(submit, other_agent, user_for_role):
    item = submit()
    spoken = item.reference.lower().replace("-", " ")
    assert selectors.request_get(user=user_for_role("front_desk_agent"), reference=spoken) == item
    assert selectors.request_get(user=user_for_role("administrator"), reference=item.reference)
    with pytest.raises(ServiceRequest.DoesNotExist):
        selectors.request_get(user=other_agent, reference=item.reference)
    # Programme managers see the statistics, not the requesters.
    with pytest.raises(PermissionDenied):
        selectors.request_get(user=user_for_role("programme_manager"), reference=item.reference)


def test_the_offices_in_scope_are_the_citizen_spaces_the_user_works_for(
    catalogue, agent, user_for_role
):
    assert list(selectors.offices_in_scope(user=agent)) == [catalogue["office"]]
    admin_offices = set(selectors.offices_in_scope(user=user_for_role("administrator")))
    assert admin_offices == {catalogue["office"], catalogue["other_office"]}
    manager = user_for_role("programme_manager")
    with pytest.raises(PermissionDenied):
        selectors.offices_in_scope(user=manager)
    statistics_offices = selectors.offices_in_scope(
        user=manager, permission="citizen_spaces.statistics.view"
    )
    assert not statistics_offices.exists()  # the manager's organisation runs no Citizen Space


def test_statistics_by_service_give_volumes_time_punctuality_and_satisfaction(
    submit, agent, user_for_role, catalogue
):
    now = timezone.now()
    on_time, late = _deliver(submit(), agent), _deliver(submit(), agent)
    ServiceRequest.objects.filter(pk=on_time.pk).update(
        submitted_at=now - datetime.timedelta(days=2), due_on=timezone.localdate()
    )
    ServiceRequest.objects.filter(pk=late.pk).update(
        submitted_at=now - datetime.timedelta(days=4),
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    Rating.objects.create(request=on_time, score=5)
    Rating.objects.create(request=late, score=2)
    rejected = submit()
    _move(rejected, agent, Stage.REJECTED, reason="No")
    submit()  # still open
    submit("permit")

    rows = selectors.statistics_by_service(user=user_for_role("administrator"))
    birth = next(row for row in rows if row.service == catalogue["birth"])
    assert (birth.office, birth.received, birth.delivered, birth.open, birth.rejected) == (
        catalogue["office"],
        4,
        2,
        1,
        1,
    )
    assert birth.median_days == 3.0
    assert birth.on_time_share == 0.5
    assert (birth.ratings, birth.mean_rating) == (2, 3.5)
    permit = next(row for row in rows if row.service == catalogue["permit"])
    assert (permit.received, permit.open, permit.median_days, permit.on_time_share) == (
        1,
        1,
        None,
        None,
    )
    # The period counts requests by the day they were submitted.
    recent = selectors.statistics_by_service(
        user=agent, since=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert next(row for row in recent if row.service == catalogue["birth"]).received == 2
    # A manager of another organisation sees no Citizen Space; a counsellor may not look.
    assert selectors.statistics_by_service(user=user_for_role("programme_manager")) == []
    with pytest.raises(PermissionDenied):
        selectors.statistics_by_service(user=user_for_role("counsellor"))
