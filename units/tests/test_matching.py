"""Closest existing units for a name the portal does not know (#11 item 3)."""

import pytest

from units.matching import closest_units, guess_unit_kind, suggest_units, unit_name_key
from units.models import Region, Unit, UnitAlias

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "written, same_as",
    [
        ("台山市人民政府", "台山市"),
        ("江门市人力资源和社会保障局", "市人社局"),
        ("市人力资源社会保障局", "人社局"),
        ("市社会保险基金管理局", "社保局"),
        ("蓬江区人民政府", "蓬江区"),
        ("江门市财政局", "财政局"),
    ],
)
def test_names_written_differently_have_one_key(written, same_as):
    assert unit_name_key(written, city_name="江门市") == unit_name_key(same_as, city_name="江门市")


def test_it_offers_the_closest_units_and_aliases_best_first():
    city = Region.objects.get(code="jiangmen")
    government = Unit.objects.create(region=city, name="台山市人民政府", kind=Unit.Kind.DISTRICT)
    bureau = Unit.objects.get(region=city, name="市人力资源和社会保障局")
    finance = Unit.objects.create(region=city, name="江门市财政局")
    UnitAlias.objects.create(region=city, name="市财政", unit=finance)

    found = suggest_units(city, ["台山市", "江门市人社局", "财政局", "完全无关的名称"])
    assert found["台山市"][0][0] == Unit.objects.get(region=city, name="台山市").pk
    assert government.pk in [pk for pk, _label in found["台山市"]][:2]
    assert found["江门市人社局"][0][0] == bureau.pk
    assert found["财政局"][0] == (finance.pk, "江门市财政局")
    assert found["完全无关的名称"] == []


def test_the_government_of_a_county_city_is_offered_for_its_name():
    candidates = [(1, "台山市人民政府", "台山市人民政府"), (2, "开平市", "开平市"), (3, "市台办", "市台办")]
    assert closest_units("台山市", candidates, city_name="江门市")[0] == (1, "台山市人民政府")


@pytest.mark.parametrize(
    "name, kind",
    [("台山市", "district"), ("蓬江区人民政府", "district"), ("棠下镇", "town"), ("市教育局", "bureau"), ("某协会", "other")],
)
def test_a_new_units_kind_is_guessed_from_its_name(name, kind):
    assert guess_unit_kind(name) == kind
