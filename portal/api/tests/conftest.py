"""Fixtures of the API tests: the reporting cast (indicators/tests/reporting_fixtures.py), a
token per person, and a client that calls with a token rather than a session."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from indicators.tests.reporting_fixtures import *  # noqa: F401,F403 - the fixtures
from portal.api.services import api_token_issue


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit counters
    yield
    cache.clear()


@pytest.fixture
def token_for(people):
    def issue(persona_or_user, *, days: int = 30, read_only: bool = False) -> str:
        user = people[persona_or_user] if isinstance(persona_or_user, str) else persona_or_user
        return api_token_issue(user=user, name="测试", days=days, read_only=read_only, issued_by=people["admin"]).key

    return issue


@pytest.fixture
def api(token_for):
    """api("lead_staff") → an APIClient carrying that person's token."""

    def client(persona=None, *, key: str | None = None, **token_options) -> APIClient:
        c = APIClient()
        if key or persona:
            c.credentials(HTTP_AUTHORIZATION=f"Bearer {key or token_for(persona, **token_options)}")
        return c

    return client


@pytest.fixture
def no_broker(monkeypatch):
    from portal.dashboards import services

    queued = []
    monkeypatch.setattr(services, "rollups_enqueue", lambda: queued.append(True) or True)
    return queued
