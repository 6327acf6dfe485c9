import pytest

from wasla.core.exceptions import ApplicationError
from wasla.territories.models import Governorate, Locality
from wasla.territories.selectors import corridor_summary, locality_list
from wasla.territories.services import (
    corridor_ensure,
    distance_km,
    localities_assign_to_nearest_municipality,
    municipality_ensure,
)

pytestmark = pytest.mark.django_db


def test_distance_between_tataouine_and_medenine_is_about_fifty_km():
    assert 45 < distance_km(32.9297, 10.4518, 33.3549, 10.5055) < 50


def test_localities_go_to_the_nearest_municipality_seat(territories):
    tataouine = Governorate.objects.get(code="TN-83")
    seat = Locality.objects.get(name="Tataouine")
    remada = Locality.objects.get(name="Remada")
    municipality_ensure(
        governorate=tataouine, seat=seat, name_ar="تطاوين", name_fr="Tataouine", name_en="Tataouine"
    )
    south = municipality_ensure(
        governorate=tataouine, seat=remada, name_ar="رمادة", name_fr="Remada", name_en="Remada"
    )
    localities_assign_to_nearest_municipality(governorate=tataouine)
    assert Locality.objects.get(name="Dehiba").municipality == south
    assert Locality.objects.get(name="Ghomrassen").municipality.name_fr == "Tataouine"
    assert not Locality.objects.filter(governorate=tataouine, municipality__isnull=True).exists()


def test_a_municipality_seat_must_lie_in_its_governorate(territories):
    with pytest.raises(ApplicationError):
        municipality_ensure(
            governorate=Governorate.objects.get(code="TN-83"),
            seat=Locality.objects.get(name="Kairouan"),
            name_ar="x",
            name_fr="x",
            name_en="x",
        )


def test_a_corridor_gathers_the_localities_of_its_governorates(territories):
    corridor = corridor_ensure(
        slug="medenine-tataouine",
        name_ar="ممر",
        name_fr="Corridor",
        name_en="Corridor",
        governorates=Governorate.objects.filter(code__in=["TN-82", "TN-83"]),
    )
    names = set(locality_list(corridor_slug="medenine-tataouine").values_list("name", flat=True))
    assert {"Tataouine", "Medenine", "Zarzis", "Houmt Souk"} <= names
    assert "Kairouan" not in names
    summary = corridor_summary(corridor=corridor)
    assert summary["locality_count"] == len(names)
