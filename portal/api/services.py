"""Issuing and revoking API tokens (the admin's page calls these)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import ApiToken, token_hash

TOKEN_PREFIX = "wp_"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once, never stored


@transaction.atomic
def api_token_issue(*, user, name: str, days: int, read_only: bool = False, issued_by) -> IssuedToken:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=key[:10], key_hash=token_hash(key), read_only=read_only,
        created_at=now, created_by=issued_by, expires_at=now + timedelta(days=days),
    )
    return IssuedToken(token, key)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by) -> ApiToken:
    # A compare-and-swap: revoking twice keeps the first revocation's time and author.
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=revoked_by)
    token.refresh_from_db()
    return token
