"""The dashboards' cache versions: one per city, plan, programme and unit, kept in the cache
itself, bumped by a rollup job for the scopes it wrote, after it commits.

A dashboard's body is cached under the versions of what it shows (a city's page its city's,
a plan's its plan's, the overview every city it lists), so an approval in 中山 renders 中山's
pages again and leaves 江门's leaders their cached ones. A full rebuild bumps `all`, in every
key. A version is a random token, never a count: a version lost from the cache (evicted,
flushed) comes back as a new token and can only cause a miss, never a stale hit.

This needs a cache that the web processes and the workers share (Redis: settings.CACHES).
With each process's own memory (`make run`; DASHBOARD_CACHE_SCOPED off), a worker's bump
would reach nobody: every page is then dated by the latest rollup run instead, as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from tasks.models import Task
from units.models import Region, Unit

from .computing import programme_ancestors

PREFIX = "dashboards:version:"
EVERYTHING = ("all", 0)
ALL_PROGRAMMES = ("programmes", 0)  # bumped when a rollup cannot tell which programmes it changed

Scope = tuple[str, int]


@dataclass
class Touched:
    """What a rollup job wrote: the scopes whose dashboards change."""

    everything: bool = False
    plans: set[int] = field(default_factory=set)
    cities: set[int] = field(default_factory=set)
    units: set[int] = field(default_factory=set)
    # A deleted plan, task or measure: what counted it is gone, and with it which programmes.
    deletions: bool = False


def scoped() -> bool:
    return bool(settings.DASHBOARD_CACHE_SCOPED)


def _key(scope: Scope) -> str:
    return f"{PREFIX}{scope[0]}:{scope[1]}"


def _token() -> str:
    return uuid.uuid4().hex[:16]


def current(scopes: Iterable[Scope]) -> str:
    """The versions of these scopes (and of `all`), as one part of a cache key."""
    wanted = [EVERYTHING, *dict.fromkeys(scopes)]
    keys = [_key(scope) for scope in wanted]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:  # never bumped, or lost: a fresh token, the same for every reader
            cache.add(key, _token(), timeout=None)
            found[key] = cache.get(key) or _token()
    return ".".join(str(found[key]) for key in keys)


def city_scopes(city_ids: Iterable[int]) -> list[Scope]:
    return [("city", pk) for pk in city_ids]


def programme_scopes(programme_id: int) -> list[Scope]:
    return [("programme", programme_id), ALL_PROGRAMMES]


def _cities_of_units(unit_ids: set[int]) -> set[int]:
    """The city each unit counts under (a district's unit: its city), as reads.city_of_unit."""
    if not unit_ids:
        return set()
    rows = Unit.objects.filter(pk__in=unit_ids).values_list("region_id", "region__kind", "region__parent_id")
    return {region if kind in (Region.Kind.CITY, Region.Kind.PROVINCE) else parent for region, kind, parent in rows}


def scopes_of(touched: Touched) -> list[Scope]:
    """Every scope whose dashboards the job's writes change: its plans; their cities and the
    cities of the units whose tallies moved (a city's page lists its lagging units); the
    programmes of the plans' tasks with their parents; the units."""
    if touched.everything:
        return [EVERYTHING]
    cities = set(touched.cities) | _cities_of_units(touched.units)
    scopes: list[Scope] = [("plan", pk) for pk in sorted(touched.plans)]
    scopes += city_scopes(sorted(c for c in cities if c is not None))
    scopes += [("unit", pk) for pk in sorted(touched.units)]
    if touched.deletions:
        scopes.append(ALL_PROGRAMMES)
    elif touched.plans:
        ancestors = programme_ancestors()
        programmes = set()
        for pk in set(Task.objects.filter(plan_id__in=touched.plans).values_list("programme_id", flat=True)):
            if pk is not None:
                programmes.update(ancestors.get(pk, (pk,)))
        scopes += [("programme", pk) for pk in sorted(programmes)]
    return scopes


def bump(scopes: Iterable[Scope]) -> None:
    cache.set_many({_key(scope): _token() for scope in scopes}, timeout=None)


def rollup_written(touched: Touched) -> None:
    """Called by a rollup job once its transaction is over: bump what it wrote.

    Bumped at once (the caller's own later reads, inside an enclosing transaction, are not
    served the old pages), again when the enclosing transaction commits, if there is one (a
    page rendered from the old tables by another process in between would else stay), and,
    with read replicas, once more DATABASE_REPLICA_PIN_SECONDS later.
    """
    if not scoped():
        return
    scopes = scopes_of(touched)
    if not scopes:
        return
    bump(scopes)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: bump(scopes))
    if settings.DATABASE_REPLICAS:
        # A page rendered from a replica that has not replayed the job yet would be kept under
        # the new versions: bump once more when the replicas should have it.
        transaction.on_commit(lambda: _bump_later(scopes))


def _bump_later(scopes: list[Scope]) -> None:
    from portal.celery import enqueue

    from .tasks import dashboards_bump_versions_task

    enqueue(dashboards_bump_versions_task, [list(scope) for scope in scopes],
            countdown=settings.DATABASE_REPLICA_PIN_SECONDS)
