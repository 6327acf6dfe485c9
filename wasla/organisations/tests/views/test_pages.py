import pytest

from wasla.organisations.models import Office, StaffMembership

pytestmark = pytest.mark.django_db

EDIT = "/offices/citizen-space-ghomrassen/edit/"


def _form(office, **changes):
    data = {
        "version": office.version,
        "address": office.address,
        "phone": office.phone,
        "email": office.email,
        "latitude": office.latitude,
        "longitude": office.longitude,
        "is_active": "on",
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "21",
        "hours-0-weekday": "0",
        "hours-0-opens": "08:00",
        "hours-0-closes": "12:00",
    }
    data.update(changes)
    return data


def test_an_administrator_saves_an_office_from_the_page(client_for):
    office = Office.objects.get(slug="citizen-space-ghomrassen")
    response = client_for("administrator").post(EDIT, _form(office, phone="+216 75 111 222"))
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.phone == "+216 75 111 222"
    assert list(office.opening_periods.values_list("weekday", flat=True)) == [0]


def test_a_page_saved_over_a_newer_save_shows_the_conflict_and_writes_nothing(client_for):
    client = client_for("administrator")
    office = Office.objects.get(slug="citizen-space-ghomrassen")
    stale = _form(office, phone="second")
    client.post(EDIT, _form(office, phone="first"))
    client.cookies["wasla_language"] = "fr"
    response = client.post(EDIT, stale)
    assert response.status_code == 409
    assert "Quelqu" in response.content.decode()
    office.refresh_from_db()
    assert office.phone == "first"


def test_bad_hours_on_the_page_are_explained_in_the_page_language(client_for):
    client = client_for("administrator")
    client.cookies["wasla_language"] = "ar"
    office = Office.objects.get(slug="citizen-space-ghomrassen")
    response = client.post(
        EDIT, _form(office, **{"hours-0-opens": "14:00", "hours-0-closes": "09:00"})
    )
    assert response.status_code == 409 or response.status_code == 400
    assert "الاثنين" in response.content.decode()
    assert Office.objects.get(pk=office.pk).version == 1


def test_an_administrator_adds_and_ends_a_membership_from_the_staff_page(
    client_for, django_user_model
):
    client = client_for("administrator")
    colleague = django_user_model.objects.create_user("rim", password="a-long-password-1")
    page = client.get("/organisations/staff/")
    assert "municipality-ghomrassen" in page.content.decode()
    added = client.post(
        "/organisations/staff/",
        {
            "organisation": "municipality-ghomrassen",
            "username": "rim",
            "role": "front_desk_agent",
            "office": "",
        },
    )
    assert added.status_code == 302
    membership = StaffMembership.objects.get(user=colleague, is_active=True)
    ended = client.post("/organisations/staff/", {"end": membership.pk})
    assert ended.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active


def test_an_unknown_username_is_explained_and_nothing_is_added(client_for):
    response = client_for("administrator").post(
        "/organisations/staff/",
        {
            "organisation": "municipality-ghomrassen",
            "username": "ghost",
            "role": "auditor",
            "office": "",
        },
    )
    assert response.status_code == 400
    assert not StaffMembership.objects.filter(user__username="ghost").exists()


def test_a_programme_manager_reads_staff_but_cannot_add(client_for):
    client = client_for("programme_manager")
    page = client.get("/organisations/staff/")
    assert (
        page.status_code == 200
        and "<form" not in page.content.decode().split("</nav>")[1].split("<footer")[0]
    )
    response = client.post(
        "/organisations/staff/",
        {"organisation": "lda-kairouan", "username": "manager", "role": "auditor"},
    )
    assert response.status_code == 404
