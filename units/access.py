"""What a user may see: derived from his memberships, computed once per request."""

from dataclasses import dataclass, field

from .collectives import covering
from .models import Membership, Region, Unit


@dataclass(frozen=True)
class Scope:
    all_cities: bool = False
    city_ids: frozenset[int] = frozenset()
    # role -> ids of the units the user holds that role in
    units_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    # role -> ids of the cities where the user holds that role
    cities_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    superuser: bool = False
    # collective (各镇街) → the user's units it stands for (units.collectives)
    collectives: dict[int, frozenset[int]] = field(default_factory=dict)

    @property
    def roles(self) -> frozenset[str]:
        roles = {role for role, units in self.units_by_role.items() if units}
        if self.superuser:
            roles.add(Membership.Role.ADMIN)
        return frozenset(roles)

    def unit_ids(self, *roles: str) -> frozenset[int]:
        wanted = roles or tuple(self.units_by_role)
        return frozenset().union(*(self.units_by_role.get(role, frozenset()) for role in wanted))

    def answering_unit_ids(self, *roles: str) -> frozenset[int]:
        """The user's units of these roles and the collectives (各镇街) that stand for them: the
        units whose responsibilities are his to report on."""
        own = self.unit_ids(*roles)
        return own | {c for c, members in self.collectives.items() if members & own}

    def acting_units(self, unit_id: int, *roles: str) -> frozenset[int]:
        """The user's units that answer for a responsibility of this unit: itself if it is his,
        or his members of a collective."""
        own = self.unit_ids(*roles)
        if unit_id in own:
            return frozenset({unit_id})
        return self.collectives.get(unit_id, frozenset()) & own

    def sees_city(self, city_id: int) -> bool:
        return self.all_cities or city_id in self.city_ids

    def is_admin_of(self, city_id: int) -> bool:
        return self.superuser or city_id in self.cities_by_role.get(Membership.Role.ADMIN, frozenset()) or (
            self.all_cities and Membership.Role.ADMIN in self.units_by_role
        )


def scope_for(user) -> Scope:
    """The scope of a user, cached on the user object for the length of the request."""
    if not user.is_authenticated:
        return Scope()
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    rows = Membership.objects.filter(user=user).values_list(
        "role", "unit_id", "unit__region_id", "unit__region__kind", "unit__region__parent_id", "unit__kind"
    )
    units_by_role: dict[str, set[int]] = {}
    cities_by_role: dict[str, set[int]] = {}
    all_cities = user.is_superuser
    member_units = set()
    for role, unit_id, region_id, region_kind, parent_id, unit_kind in rows:
        if unit_kind in (Unit.Kind.DISTRICT, Unit.Kind.TOWN):
            member_units.add(unit_id)
        units_by_role.setdefault(role, set()).add(unit_id)
        if region_kind == Region.Kind.PROVINCE:
            all_cities = True
            continue
        # A unit of a district or town still belongs to its city.
        city_id = region_id if region_kind == Region.Kind.CITY else parent_id
        cities_by_role.setdefault(role, set()).add(city_id)
    scope = Scope(
        all_cities=all_cities,
        city_ids=frozenset().union(*cities_by_role.values()) if cities_by_role else frozenset(),
        units_by_role={role: frozenset(ids) for role, ids in units_by_role.items()},
        cities_by_role={role: frozenset(ids) for role, ids in cities_by_role.items()},
        superuser=user.is_superuser,
        collectives={c: frozenset(m) for c, m in covering(member_units).items()} if member_units else {},
    )
    user._portal_scope = scope
    return scope
