"""The client's address as the portal believes it, for the login lockout (django-axes)."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR; behind TRUSTED_PROXY_COUNT proxies (nginx, the bureau's gateway), the address
    the outermost of them saw: X-Forwarded-For's entry that many places from the right. What
    the client itself wrote further left is not believed, so nobody can lock a username on an
    address of his choosing, nor escape his own lock."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote
