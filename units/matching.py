"""The existing units a name the portal does not know probably means, best first.

Ledgers name one unit many ways: 台山市 and 台山市人民政府, 市人社局 and 江门市人力资源和社会保障局,
社保局 and 市社会保险基金管理局. Names are compared after normalising what varies between
them — the city's name and 市/区/县 in front, 人民政府 and a 局/厅/处 at the end, the bureau's
long and short forms — then by their likeness. Nothing is mapped from here: the admin chooses.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from .models import Region, Unit, UnitAlias

# Long forms → the short form bureaus also write (the longest first).
SHORT_FORMS = (
    ("人力资源和社会保障", "人社"),
    ("人力资源社会保障", "人社"),
    ("社会保险基金管理", "社保"),
    ("社会保险", "社保"),
    ("公共就业服务", "就业"),
    ("住房和城乡建设", "住建"),
    ("发展和改革", "发改"),
    ("工业和信息化", "工信"),
    ("农业农村", "农业"),
)
SUFFIXES = ("人民政府", "办事处", "管理局", "局", "厅", "处", "委员会", "委")
PREFIXES = ("广东省", "省", "市", "区", "县")
MIN_LIKENESS = 0.5


def unit_name_key(name: str, *, city_name: str = "") -> str:
    """The name with what varies between ways of writing it taken away."""
    key = re.sub(r"\s", "", name).replace("（", "(").replace("）", ")")
    city = city_name.removesuffix("市")
    if city:
        key = key.removeprefix(city + "市").removeprefix(city)
    for prefix in PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            key = key[len(prefix):]
            break
    for long, short in SHORT_FORMS:
        key = key.replace(long, short)
    for suffix in SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
            break
    # 台山市 (a county-level city) read as 台山: the 市 of a place name varies too.
    if key.endswith(("市", "区", "县")) and len(key) > 2:
        key = key[:-1]
    return key


def guess_unit_kind(name: str) -> str:
    """The kind a new unit of that name most likely is, for creating it on purpose."""
    bare = name.removesuffix("人民政府").removesuffix("政府")
    if re.search(r"(镇|街道|街道办事处|乡)$", bare):
        return Unit.Kind.TOWN
    if re.search(r"(区|县|县级市)$", bare) or (bare.endswith("市") and not bare.startswith("市")):
        return Unit.Kind.DISTRICT
    if re.search(r"(局|厅|委|办|委员会|办公室|中心|院|所|站|队|部)$", bare):
        return Unit.Kind.BUREAU
    return Unit.Kind.OTHER


def city_unit_names(city: Region) -> list[tuple[int, str, str]]:
    """(unit id, the name or alias, the unit's name) for every unit of the city and its districts."""
    regions = [city.pk, *Region.objects.filter(parent=city).values_list("pk", flat=True)]
    names = [(pk, name, name) for pk, name in Unit.objects.filter(region_id__in=regions).values_list("pk", "name")]
    names += list(UnitAlias.objects.filter(region_id__in=regions).values_list("unit_id", "name", "unit__name"))
    return names


def closest_units(
    name: str, candidates: list[tuple[int, str, str]], *, city_name: str = "", limit: int = 3
) -> list[tuple[int, str]]:
    """(unit id, label) of the likeliest units, best first; the label says which alias matched."""
    key = unit_name_key(name, city_name=city_name)
    best: dict[int, tuple[float, str]] = {}
    for unit_id, written, unit_name in candidates:
        other = unit_name_key(written, city_name=city_name)
        if other == key:
            score = 2.0
        else:
            score = SequenceMatcher(None, key, other).ratio()
            if key and other and (key in other or other in key):
                score += 0.5
        label = unit_name if written == unit_name else f"{unit_name}（{written}）"
        if score >= MIN_LIKENESS and score > best.get(unit_id, (0.0, ""))[0]:
            best[unit_id] = (score, label)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], len(item[1][1])))
    return [(unit_id, label) for unit_id, (_score, label) in ranked[:limit]]


def suggest_units(city: Region, names: list[str], *, limit: int = 3) -> dict[str, list[tuple[int, str]]]:
    """For each unknown name, the closest units of the city (one query for all the names)."""
    if not names:
        return {}
    candidates = city_unit_names(city)
    return {name: closest_units(name, candidates, city_name=city.name, limit=limit) for name in names}
