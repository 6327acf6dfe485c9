import datetime

import pytest

from wasla.core.exceptions import ApplicationError, ConcurrentEditError
from wasla.core.models import AuditEntry
from wasla.organisations.models import Office, Role
from wasla.organisations.services import OpeningPeriodInput, office_update

pytestmark = pytest.mark.django_db

T = datetime.time


def _office():
    return Office.objects.get(slug="citizen-space-ksar-el-ababsa")


def test_an_administrator_changes_hours_and_the_change_is_audited(user_for_role):
    admin = user_for_role(Role.ADMINISTRATOR)
    office = _office()
    office_update(
        actor=admin,
        office=office,
        expected_version=office.version,
        phone="+216 75 000 111",
        opening_periods=[OpeningPeriodInput(5, T(8), T(13))],
    )
    office.refresh_from_db()
    assert office.phone == "+216 75 000 111"
    assert office.version == 2
    assert [str(p.weekday) + p.opens.isoformat() for p in office.opening_periods.all()] == [
        "508:00:00"
    ]
    entry = AuditEntry.objects.get(
        target_type="organisations.office", target_id=str(office.pk), action="update"
    )
    assert entry.actor == admin
    assert entry.before["phone"] == "" and entry.after["phone"] == "+216 75 000 111"
    assert entry.after["opening_hours"] == ["5 08:00-13:00"]
    assert "phone" in entry.changed_fields


def test_a_stale_edit_is_refused_and_changes_nothing(user_for_role):
    admin = user_for_role(Role.ADMINISTRATOR)
    office = _office()
    loaded_version = office.version
    office_update(
        actor=admin,
        office=Office.objects.get(pk=office.pk),
        expected_version=loaded_version,
        phone="111",
    )
    with pytest.raises(ConcurrentEditError):
        office_update(
            actor=admin,
            office=office,
            expected_version=loaded_version,
            phone="222",
            opening_periods=[],
        )
    office.refresh_from_db()
    assert office.phone == "111"
    assert office.opening_periods.count() > 0


@pytest.mark.parametrize(
    ("periods", "code"),
    [
        ([OpeningPeriodInput(0, T(12), T(8))], "invalid_hours"),
        (
            [OpeningPeriodInput(0, T(8), T(12)), OpeningPeriodInput(0, T(11), T(15))],
            "overlapping_hours",
        ),
        ([OpeningPeriodInput(9, T(8), T(12))], "invalid_weekday"),
    ],
)
def test_bad_opening_hours_are_refused_whole(user_for_role, periods, code):
    office = _office()
    before = list(office.opening_periods.values_list("weekday", "opens", "closes"))
    with pytest.raises(ApplicationError) as error:
        office_update(
            actor=user_for_role(Role.ADMINISTRATOR),
            office=office,
            expected_version=office.version,
            phone="999",
            opening_periods=periods,
        )
    assert error.value.code == code
    office.refresh_from_db()
    assert office.phone == "" and office.version == 1
    assert list(office.opening_periods.values_list("weekday", "opens", "closes")) == before
    assert not AuditEntry.objects.filter(
        target_type="organisations.office", action="update"
    ).exists()


def test_coordinates_outside_tunisia_are_refused(user_for_role):
    office = _office()
    with pytest.raises(ApplicationError, match="not in Tunisia"):
        office_update(
            actor=user_for_role(Role.ADMINISTRATOR),
            office=office,
            expected_version=1,
            latitude=48.8,
        )


def test_an_administrator_of_another_organisation_cannot_edit(user_for_role):
    office = Office.objects.get(slug="citizen-space-kairouan-medina")
    with pytest.raises(ApplicationError) as error:
        office_update(
            actor=user_for_role(Role.ADMINISTRATOR), office=office, expected_version=1, phone="1"
        )
    assert error.value.code == "forbidden"


def test_a_counsellor_cannot_edit_their_own_antenna(user_for_role):
    office = Office.objects.get(slug="ote-antenna-medenine")
    with pytest.raises(ApplicationError):
        office_update(
            actor=user_for_role(Role.COUNSELLOR), office=office, expected_version=1, phone="1"
        )
