"""A PostgreSQL primary and its read replicas.

Reads go to a replica only where it is said out loud: requests for dashboards, exports and
API reads (ReplicaReadsMiddleware, DATABASE_REPLICA_PATHS), or code inside `replica_reads()`.
Everything else — every write, every read in a transaction, the Celery jobs (the rollups
read what they recompute from the primary and write it there) — uses the primary. A client
that has just written (a POST, PUT, PATCH or DELETE) reads from the primary for
DATABASE_REPLICA_PIN_SECONDS afterwards, so it sees its own change: a browser by a cookie,
an API client by its token (in the cache; give the web nodes a shared one).
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

_replica_ok: ContextVar[bool] = ContextVar("replica_ok", default=False)

PIN_COOKIE = "primary_until"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@contextmanager
def _reads(from_replica: bool):
    token = _replica_ok.set(from_replica)
    try:
        yield
    finally:
        _replica_ok.reset(token)


def replica_reads():
    """Reads inside may go to a replica (a little behind the primary)."""
    return _reads(True)


def primary_reads():
    """Reads inside go to the primary, whatever the request said."""
    return _reads(False)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        aliases = replica_aliases()
        if not aliases or not _replica_ok.get():
            return DEFAULT_DB_ALIAS
        # Inside a transaction on the primary a read must see that transaction's writes.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(aliases)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on every alias

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _client_key(request) -> str | None:
    """Who is asking, without a database read: the token, else the session cookie."""
    credential = request.META.get("HTTP_AUTHORIZATION") or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not credential:
        return None
    return "db-pin:" + hashlib.sha256(credential.encode()).hexdigest()[:32]


def _pinned(request, now: float) -> bool:
    try:
        if float(request.COOKIES.get(PIN_COOKIE, "0")) > now:
            return True
    except ValueError:
        pass
    key = _client_key(request)
    return bool(key and cache.get(key, 0) > now)


def _pin(request, response, now: float) -> None:
    seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    until = now + seconds
    response.set_cookie(PIN_COOKIE, f"{until:.3f}", max_age=max(1, int(seconds + 0.999)), httponly=True,
                        samesite="Lax", secure=not settings.DEBUG)
    key = _client_key(request)
    if key:
        cache.set(key, until, timeout=max(1, int(seconds + 0.999)))


def wants_replica(request) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    if "_export" in request.GET:  # a list's Excel export
        return True
    return any(re.search(pattern, request.path_info) for pattern in settings.DATABASE_REPLICA_PATHS)


class ReplicaReadsMiddleware:
    """Innermost: decides, per request, whether its reads may go to a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = time.time()
        if replica_aliases() and wants_replica(request) and not _pinned(request, now):
            with replica_reads():
                return self.get_response(request)
        response = self.get_response(request)
        if request.method in UNSAFE and response.status_code < 400 and replica_aliases():
            _pin(request, response, now)
        return response
