"""Collective names (各镇街, 各区, 各县（市、区）) and the units they stand for.

A collective is one Unit of kind "collective" with a member kind. Its members are not stored:
they are every unit of that kind in the collective's region and the regions under it, found
when read, so a town created after the ledger was imported answers for its measures too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from .models import Region, Unit

COLLECTIVE = Unit.Kind.COLLECTIVE

# The names bureaus write, brackets as they come (the key below makes （） and () one).
COLLECTIVE_NAMES = {
    "各镇街": Unit.Kind.TOWN,
    "各镇(街)": Unit.Kind.TOWN,
    "各镇区": Unit.Kind.TOWN,
    "各镇(区)": Unit.Kind.TOWN,
    "各镇街道": Unit.Kind.TOWN,
    "各镇(街道)": Unit.Kind.TOWN,
    "各区": Unit.Kind.DISTRICT,
    "各市(区)": Unit.Kind.DISTRICT,
    "各县(区)": Unit.Kind.DISTRICT,
    "各县(市、区)": Unit.Kind.DISTRICT,
    "各县(市,区)": Unit.Kind.DISTRICT,
    "各县(市)区": Unit.Kind.DISTRICT,
    "各县市区": Unit.Kind.DISTRICT,
}


def name_key(name: str) -> str:
    return re.sub(r"\s", "", name).replace("（", "(").replace("）", ")").replace("，", ",")


_KINDS = {name_key(name): kind for name, kind in COLLECTIVE_NAMES.items()}


def collective_kind(name: str) -> str | None:
    """The member kind a collective name stands for (各镇街 → town), or None for a unit's name."""
    return _KINDS.get(name_key(name))


def _region_tree(region_ids: Iterable[int]) -> dict[int, int]:
    """region → the city (or province) it belongs to, for these regions and the ones under them."""
    top = {}
    for pk, kind, parent_id in Region.objects.filter(pk__in=list(region_ids)).values_list("pk", "kind", "parent_id"):
        top[pk] = pk if kind in (Region.Kind.CITY, Region.Kind.PROVINCE) else parent_id
    return top


def members_of(collective_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each collective's member units (ids), sorted by name. Two queries, whatever the count."""
    collectives = list(Unit.objects.filter(pk__in=list(collective_ids), kind=COLLECTIVE)
                       .values_list("pk", "region_id", "member_kind"))
    if not collectives:
        return {}
    condition = Q()
    for _pk, region_id, member_kind in collectives:
        condition |= Q(kind=member_kind) & (Q(region_id=region_id) | Q(region__parent_id=region_id))
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    rows = Unit.objects.filter(condition).values_list("pk", "kind", "region_id", "region__parent_id").order_by("name", "pk")
    for pk, kind, region_id, parent_id in rows:
        found[(region_id, kind)].append(pk)
        if parent_id:
            found[(parent_id, kind)].append(pk)
    return {pk: found.get((region_id, member_kind), []) for pk, region_id, member_kind in collectives}


def covering(unit_ids: Iterable[int]) -> dict[int, set[int]]:
    """The collectives that stand for any of these units: collective id → those of the units it covers."""
    units = list(Unit.objects.filter(pk__in=list(unit_ids), kind__in=[Unit.Kind.DISTRICT, Unit.Kind.TOWN])
                 .values_list("pk", "kind", "region_id", "region__parent_id"))
    if not units:
        return {}
    wanted = {(region, kind): set() for _pk, kind, *regions in units for region in regions if region}
    for pk, kind, *regions in units:
        for region in regions:
            if region:
                wanted[(region, kind)].add(pk)
    condition = Q()
    for region, kind in wanted:
        condition |= Q(region_id=region, member_kind=kind)
    result: dict[int, set[int]] = {}
    for pk, region_id, member_kind in Unit.objects.filter(condition, kind=COLLECTIVE).values_list(
        "pk", "region_id", "member_kind"
    ):
        result[pk] = set(wanted[(region_id, member_kind)])
    return result


def expand_pairs(pairs: Iterable[tuple]) -> list[tuple]:
    """(measure, unit, *rest) rows with each collective replaced by one row per member unit.

    A unit that also answers for the measure in its own name keeps its own row (and role)."""
    pairs = list(pairs)
    kinds = dict(Unit.objects.filter(pk__in={p[1] for p in pairs}, kind=COLLECTIVE).values_list("pk", "member_kind"))
    if not kinds:
        return pairs
    members = members_of(kinds)
    own = {(p[0], p[1]) for p in pairs if p[1] not in kinds}
    expanded, seen = [], set()
    for measure_id, unit_id, *rest in pairs:
        for member in members.get(unit_id, ()) if unit_id in kinds else (unit_id,):
            key = (measure_id, member)
            if key in seen or (unit_id in kinds and key in own):
                continue
            seen.add(key)
            expanded.append((measure_id, member, *rest))
    return expanded


def ensure_collective(region: Region, name: str, member_kind: str) -> Unit:
    """The collective of this name in the region, created on first use."""
    unit, _created = Unit.objects.get_or_create(
        region=region, name=name, defaults={"kind": COLLECTIVE, "member_kind": member_kind}
    )
    return unit
