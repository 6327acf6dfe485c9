"""The waiting-room queue: tickets taken at the kiosk, called at the counters, shown on the
screen of the waiting room."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from wasla.citizen_spaces import selectors, services, views_queue
from wasla.citizen_spaces.models import Ticket
from wasla.citizen_spaces.tests.factories import make_catalogue
from wasla.core.exceptions import ApplicationError
from wasla.organisations.models import Role, StaffMembership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue(demo):
    return make_catalogue()


@pytest.fixture
def office(catalogue):
    return catalogue["office"]


@pytest.fixture
def agent(user_for_role):
    return user_for_role("front_desk_agent")


def _issue(office, category, count=1):
    return [services.ticket_issue(office=office, category=category) for _ in range(count)]


def _served_yesterday(office, category, minutes: list[int]) -> None:
    """Tickets served at a counter for the given numbers of minutes, for the wait estimate."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    start = timezone.now() - datetime.timedelta(days=1)
    for number, spent in enumerate(minutes, start=1):
        Ticket.objects.create(
            office=office,
            category=category,
            day=yesterday,
            number=number,
            status=Ticket.Status.SERVED,
            counter="1",
            issued_at=start,
            called_at=start,
            finished_at=start + datetime.timedelta(minutes=spent),
        )


# ---------------------------------------------------------------------------------------
# Numbering and calling


def test_tickets_are_numbered_per_category_and_day(catalogue, office):
    """Each category has its own sequence, starting again at 001 every day."""
    category, permits = catalogue["category"], catalogue["category_permits"]
    letter, permit_letter = category.ticket_prefix, permits.ticket_prefix
    _served_yesterday(office, category, [5, 5, 5, 5])  # numbers 1-4 of yesterday

    first, second = _issue(office, category, 2)
    permit = services.ticket_issue(office=office, category=permits)
    other_office = services.ticket_issue(office=catalogue["other_office"], category=category)

    assert [first.label, second.label] == [f"{letter}001", f"{letter}002"]
    assert permit.label == f"{permit_letter}001"
    assert other_office.label == f"{letter}001"
    assert first.day == timezone.localdate() and first.status == Ticket.Status.WAITING


def test_an_office_that_is_not_a_citizen_space_hands_out_no_ticket(catalogue):
    from wasla.organisations.models import Office

    antenna = Office.objects.exclude(kind=Office.Kind.CITIZEN_SPACE).first()
    with pytest.raises(ApplicationError):
        services.ticket_issue(office=antenna, category=catalogue["category"])


def test_the_oldest_ticket_is_called_first_within_the_queues_served(catalogue, office, agent):
    category, permits = catalogue["category"], catalogue["category_permits"]
    civil_1 = services.ticket_issue(office=office, category=category)
    permit_1 = services.ticket_issue(office=office, category=permits)
    civil_2 = services.ticket_issue(office=office, category=category)

    only_permits = services.ticket_call_next(
        actor=agent, office=office, counter="3", categories=[permits]
    )
    assert only_permits.pk == permit_1.pk
    assert only_permits.status == Ticket.Status.CALLED and only_permits.counter == "3"
    assert only_permits.called_by == agent

    any_queue = services.ticket_call_next(actor=agent, office=office, counter="1")
    assert any_queue.pk == civil_1.pk
    assert services.ticket_call_next(actor=agent, office=office, counter="1").pk == civil_2.pk
    # Calling the next one closed the ticket this counter was serving.
    civil_1.refresh_from_db()
    assert civil_1.status == Ticket.Status.SERVED and civil_1.finished_at is not None
    assert (
        services.ticket_call_next(actor=agent, office=office, counter="3", categories=[permits])
        is None
    )


def test_two_counters_never_call_the_same_ticket(catalogue, office, agent):
    tickets = _issue(office, catalogue["category"], 5)
    called = []
    for turn in range(5):
        ticket = services.ticket_call_next(actor=agent, office=office, counter=str(turn % 2 + 1))
        called.append(ticket.pk)
    assert sorted(called) == sorted(ticket.pk for ticket in tickets)
    assert len(set(called)) == 5
    assert services.ticket_call_next(actor=agent, office=office, counter="2") is None
    assert Ticket.objects.filter(office=office, status=Ticket.Status.WAITING).count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: no real concurrency"
)
def test_counters_calling_at_the_same_instant_get_different_tickets(demo):
    """With row locks (PostgreSQL), eight counters calling together share the waiting tickets."""
    catalogue = make_catalogue()
    office, agent = catalogue["office"], get_user_model().objects.get(username="agent")
    _issue(office, catalogue["category"], 8)
    results, barrier = [], threading.Barrier(8)

    def call(counter):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            ticket = services.ticket_call_next(actor=agent, office=office, counter=counter)
            results.append(ticket.pk if ticket else None)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=call, args=(str(n),)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every counter got a ticket, and no ticket went to two counters.
    assert None not in results
    assert len(results) == len(set(results)) == 8


def test_closing_a_ticket_records_whether_the_person_came(catalogue, office, agent):
    first, second = _issue(office, catalogue["category"], 2)
    services.ticket_call_next(actor=agent, office=office, counter="1")
    assert services.ticket_close(actor=agent, ticket=first, came=False).status == "no_show"
    with pytest.raises(ApplicationError):
        services.ticket_close(actor=agent, ticket=first, came=True)
    with pytest.raises(ApplicationError):  # still waiting, not at a counter
        services.ticket_close(actor=agent, ticket=second, came=True)


def test_the_estimated_wait_comes_from_recent_service_times(catalogue, office, agent):
    """Median of 4, 6 and 9 minutes is 6: three people ahead at one counter wait 18 minutes."""
    category = catalogue["category"]
    assert selectors.estimated_wait(office=office, category=category, waiting=3, counters=1) is None
    _served_yesterday(office, category, [4, 6, 9])
    assert selectors.estimated_wait(office=office, category=category, waiting=3, counters=1) == 18
    assert selectors.estimated_wait(office=office, category=category, waiting=3, counters=2) == 9

    _issue(office, category, 4)
    services.ticket_call_next(actor=agent, office=office, counter="1")
    line = next(line for line in selectors.queue_board(office=office) if line.category == category)
    assert line.waiting == 3 and len(line.now_serving) == 1
    assert line.estimated_minutes == 18


# ---------------------------------------------------------------------------------------
# Kiosk and ticket pages


def test_the_kiosk_offers_one_button_per_category_of_the_citizen_space(client, catalogue):
    page = client.get("/queue/citizen-space-ksar-el-ababsa/take/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="kiosk-button"') == len(
        selectors.catalogue_by_category(office=catalogue["office"])
    )
    assert f'value="{catalogue["category"].slug}"' in html
    assert f'value="{catalogue["category_permits"].slug}"' in html
    assert client.get("/queue/no-such-place/take/").status_code == 404


def test_taking_a_ticket_shows_its_number_position_and_wait(client, catalogue, office):
    category = catalogue["category"]
    _served_yesterday(office, category, [5, 5, 5])
    _issue(office, category, 2)

    answer = client.post(
        "/queue/citizen-space-ksar-el-ababsa/take/", {"category": category.slug}, follow=True
    )
    assert answer.status_code == 200
    ticket = Ticket.objects.filter(office=office, category=category).latest("number")
    assert ticket.label == f"{category.ticket_prefix}003"
    html = answer.content.decode()
    assert ticket.label in html
    assert answer.context["position"] == 2
    assert answer.context["minutes"] == 10  # two ahead × 5 minutes, one counter assumed
    assert "data-print" in html and "queue.js" in html


def test_a_ticket_page_cannot_be_reached_without_its_signed_address(client, catalogue, office):
    ticket = services.ticket_issue(office=office, category=catalogue["category"])
    assert client.get(f"/queue/{office.slug}/ticket/{ticket.pk}/").status_code == 404
    good = views_queue.signing.dumps(ticket.pk, salt=views_queue.TICKET_SALT)
    assert client.get(f"/queue/{office.slug}/ticket/{good}/").status_code == 200
    elsewhere = catalogue["other_office"].slug
    assert client.get(f"/queue/{elsewhere}/ticket/{good}/").status_code == 404


def test_the_kiosk_refuses_an_unknown_category(client, catalogue, office):
    answer = client.post(f"/queue/{office.slug}/take/", {"category": "nothing"})
    assert answer.status_code == 400
    # A category offered only at another Citizen Space is not offered here.
    assert not Ticket.objects.exists()


def test_the_kiosk_is_rate_limited_per_address(client, catalogue, office, monkeypatch):
    monkeypatch.setattr(views_queue, "TICKETS_PER_MINUTE", 2)
    slug = catalogue["category"].slug
    for _ in range(2):
        assert client.post(f"/queue/{office.slug}/take/", {"category": slug}).status_code == 302
    refused = client.post(f"/queue/{office.slug}/take/", {"category": slug})
    assert refused.status_code == 429
    assert Ticket.objects.count() == 2
    other = client.post(f"/queue/{office.slug}/take/", {"category": slug}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_the_kiosk_mode_goes_back_to_the_buttons(client, catalogue, office):
    answer = client.post(
        f"/queue/{office.slug}/take/", {"category": catalogue["category"].slug, "kiosk": "1"}
    )
    assert answer["Location"].endswith("?kiosk=1")
    html = client.get(answer["Location"]).content.decode()
    assert 'http-equiv="refresh"' in html and f"/queue/{office.slug}/take/?kiosk=1" in html


# ---------------------------------------------------------------------------------------
# Counter page


@pytest.fixture
def agent_elsewhere(catalogue):
    """A front-desk agent of the other Citizen Space of the same municipality."""
    other = catalogue["other_office"]
    user = get_user_model().objects.create_user(username="agent-elsewhere", password="x" * 20)
    StaffMembership.objects.create(
        user=user, organisation=other.organisation, office=other, role=Role.FRONT_DESK_AGENT
    )
    return user


def test_the_counter_page_is_for_the_agents_of_that_citizen_space(
    client, client_for, catalogue, office, agent_elsewhere
):
    url = f"/queue/{office.slug}/counter/"
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for("administrator").get(url).status_code == 403
    assert client_for("counsellor").get(url).status_code == 403
    assert client_for("front_desk_agent").get(url).status_code == 200

    client.force_login(agent_elsewhere)
    assert client.get(url).status_code == 403
    services.ticket_issue(office=office, category=catalogue["category"])
    client.post(f"/queue/{office.slug}/counter/setup/", {"counter": "1"})
    assert client.post(f"/queue/{office.slug}/counter/call/").status_code == 403
    assert not Ticket.objects.filter(status=Ticket.Status.CALLED).exists()
    with pytest.raises((ApplicationError, PermissionDenied)):
        services.ticket_call_next(actor=agent_elsewhere, office=office, counter="1")
    # Their own Citizen Space is theirs.
    assert client.get(f"/queue/{catalogue['other_office'].slug}/counter/").status_code == 200


def test_an_agent_calls_serves_and_marks_absent_from_the_counter_page(
    client_for, catalogue, office
):
    category, permits = catalogue["category"], catalogue["category_permits"]
    civil = services.ticket_issue(office=office, category=category)
    permit = services.ticket_issue(office=office, category=permits)
    civil_2 = services.ticket_issue(office=office, category=category)
    client = client_for("front_desk_agent")
    client.cookies["wasla_language"] = "en"
    base = f"/queue/{office.slug}/counter/"

    page = client.get(base).content.decode()
    assert "Say which counter you are at" in page
    assert civil.label in page and permit.label in page

    # No counter yet: nobody is called.
    client.post(base + "call/")
    assert not Ticket.objects.filter(status=Ticket.Status.CALLED).exists()

    saved = client.post(base + "setup/", {"counter": " Guichet  2 ", "categories": [category.pk]})
    assert saved.status_code == 302
    assert client.session[f"citizen_spaces.counter.{office.pk}"] == {
        "counter": "Guichet 2",
        "categories": [category.pk],
    }

    page = client.post(base + "call/", follow=True).content.decode()
    civil.refresh_from_db()
    assert civil.status == Ticket.Status.CALLED and civil.counter == "Guichet 2"
    assert f"Ticket {civil.label} is called to counter Guichet 2." in page
    assert 'class="counter-label"' in page

    client.post(base + f"tickets/{civil.pk}/close/", {"outcome": "served"})
    civil.refresh_from_db()
    assert civil.status == Ticket.Status.SERVED

    client.post(base + "call/")  # only civil status: the permit ticket, older, waits
    civil_2.refresh_from_db()
    permit.refresh_from_db()
    assert civil_2.status == Ticket.Status.CALLED and permit.status == Ticket.Status.WAITING
    client.post(base + f"tickets/{civil_2.pk}/close/", {"outcome": "no_show"})
    civil_2.refresh_from_db()
    assert civil_2.status == Ticket.Status.NO_SHOW

    page = client.post(base + "call/", follow=True).content.decode()
    assert "Nobody is waiting in your queues." in page
    # Closing a ticket that is not at a counter says so, changes nothing.
    page = client.post(base + f"tickets/{civil.pk}/close/", follow=True).content.decode()
    assert "This ticket is not being served." in page


def test_the_counter_settings_are_checked(client_for, catalogue, office):
    client = client_for("front_desk_agent")
    answer = client.post(f"/queue/{office.slug}/counter/setup/", {"counter": ""})
    assert answer.status_code == 400
    assert f"citizen_spaces.counter.{office.pk}" not in client.session


# ---------------------------------------------------------------------------------------
# Waiting-room screen


def test_the_screen_shows_calls_and_queues_in_arabic_and_french(client, catalogue, office, agent):
    category = catalogue["category"]
    _served_yesterday(office, category, [6, 6, 6])
    called, *_waiting = _issue(office, category, 3)
    services.ticket_call_next(actor=agent, office=office, counter="4")

    for language in ("ar", "fr", "en"):
        client.cookies["wasla_language"] = language
        page = client.get(f"/queue/{office.slug}/display/")
        assert page.status_code == 200
        html = page.content.decode()
        for text in (category.name_ar, category.name_fr, office.name_ar, office.name_fr):
            assert text in html
        assert html.count('lang="ar"') >= 5 and html.count('lang="fr"') >= 5
        call = html.split(f'data-ticket="{called.label}"')[1].split("</tr>")[0]
        assert ">4</span>" in call
        assert 'class="display-call is-new"' in html
        queue = html.split(f'data-category="{category.slug}"')[1].split("</li>")[0]
        assert '<span class="display-number">2</span>' in queue  # two waiting
        assert '<span dir="ltr">12</span>' in queue  # 2 × 6 minutes at one counter
        assert 'hx-trigger="every 5s"' in html
        assert '<noscript><meta http-equiv="refresh"' in html
        assert 'id="queue-announce"' in html and 'aria-live="assertive"' in html


def test_the_screen_announces_a_call_once(client, catalogue, office, agent):
    first, second = _issue(office, catalogue["category"], 2)
    board = f"/queue/{office.slug}/display/board/"
    empty = client.get(board, {"since": "0"}).content.decode()
    assert "hx-swap-oob" not in empty
    assert 'hx-get="' + board + '?since=0"' in empty

    services.ticket_call_next(actor=agent, office=office, counter="1")
    news = client.get(board, {"since": "0"}).content.decode()
    assert 'hx-swap-oob="innerHTML"' in news
    announce = news.split('id="queue-announce"')[1]
    assert first.label in announce and 'lang="ar"' in announce and 'lang="fr"' in announce
    assert f"?since={first.pk}" in news

    again = client.get(board, {"since": str(first.pk)}).content.decode()
    assert "hx-swap-oob" not in again

    services.ticket_call_next(actor=agent, office=office, counter="2")
    latest = client.get(board, {"since": str(first.pk)}).content.decode()
    assert second.label in latest.split('id="queue-announce"')[1]


def test_an_old_call_is_no_longer_highlighted(client, catalogue, office, agent):
    services.ticket_issue(office=office, category=catalogue["category"])
    ticket = services.ticket_call_next(actor=agent, office=office, counter="1")
    Ticket.objects.filter(pk=ticket.pk).update(
        called_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    html = client.get(f"/queue/{office.slug}/display/").content.decode()
    assert f'data-ticket="{ticket.label}"' in html
    assert "is-new" not in html


def test_the_screen_exists_only_for_open_citizen_spaces(client, catalogue):
    assert client.get("/queue/ote-antenna-medenine/display/").status_code == 404
    assert client.get("/queue/nowhere/display/board/").status_code == 404
