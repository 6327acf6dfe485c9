import pytest
from django.urls import reverse

from wasla.organisations.models import Office
from wasla.organisations.services import office_update

pytestmark = pytest.mark.django_db


def test_auditors_read_who_changed_what(client_for, user_for_role):
    office = Office.objects.get(slug="citizen-space-ghomrassen")
    office_update(
        actor=user_for_role("administrator"),
        office=office,
        expected_version=1,
        phone="+21675123456",
    )
    page = client_for("auditor").get(reverse("accounts:audit_log"), {"action": "update"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "admin" in text and "+21675123456" in text and "organisations.office" in text


@pytest.mark.parametrize(
    "role", ["administrator", "counsellor", "programme_manager", "partner_caseworker"]
)
def test_no_one_but_auditors_opens_the_audit_log(client_for, role):
    assert client_for(role).get(reverse("accounts:audit_log")).status_code == 403
