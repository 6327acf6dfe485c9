import pytest

from wasla.demo.landscape import USERS
from wasla.demo.services import demo_load
from wasla.organisations.models import Office, Organisation, Role, StaffMembership
from wasla.territories.models import Corridor, Municipality

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Organisation.objects.count(),
        Office.objects.count(),
        Municipality.objects.count(),
        Corridor.objects.count(),
        StaffMembership.objects.count(),
    )


def test_the_demo_holds_the_landscape_of_the_seeds_and_loads_twice_the_same(demo):
    first = _counts()
    demo_load()
    assert _counts() == first
    antennas = set(
        Office.objects.filter(kind=Office.Kind.REINTEGRATION_ANTENNA).values_list(
            "locality__name", flat=True
        )
    )
    assert antennas == {
        "Tunis",
        "Sfax",
        "Medenine",
        "Bizerte",
        "El Kef",
        "Tataouine",
        "Monastir",
        "Kairouan",
        "Gafsa",
    }
    assert Office.objects.filter(kind=Office.Kind.INCUBATOR, locality__name="Tataouine").exists()
    assert Office.objects.filter(kind=Office.Kind.CITIZEN_SPACE).count() >= 6
    assert {
        "unft-kairouan",
        "unft-tataouine",
        "lda-kairouan",
        "skills-to-succeed",
        "tunisia-ecotourism",
        "aneti",
        "ote",
    } <= set(Organisation.objects.values_list("slug", flat=True))
    assert set(Corridor.objects.values_list("slug", flat=True)) == {
        "kairouan",
        "medenine-tataouine",
    }
    governorates = set(Municipality.objects.values_list("governorate__code", flat=True))
    assert governorates == {"TN-11", "TN-41", "TN-82", "TN-83"}


def test_there_is_a_demo_user_for_every_role(demo):
    roles = {spec.role for spec in USERS}
    assert roles == set(Role.values)
    for role in Role.values:
        assert StaffMembership.objects.filter(role=role, is_active=True).exists()


def test_every_office_has_opening_hours_and_a_position(demo):
    for office in Office.objects.all():
        assert office.opening_periods.exists(), office.slug
        assert (office.latitude, office.longitude) == (
            office.locality.latitude,
            office.locality.longitude,
        )
