"""Headers (#16.8): a Content-Security-Policy with no inline script, no-store on what a logged-in
user is shown, and a session that ends after two idle hours."""

import re

import pytest
from django.urls import reverse

from tasks.models import Plan

pytestmark = pytest.mark.django_db

INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def test_every_page_has_a_policy_without_inline_script(client, make_user):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("name, kwargs", [
    ("home", {}), ("reporting:my_tasks", {}), ("reporting:periods", {}), ("dashboards:overview", {}),
    ("dashboards:city_briefing", "city"), ("dashboards:plan", "plan"), ("imports:index", {}), ("drafting:draft", {}),
])
def test_the_pages_write_no_inline_script(client, make_user, name, kwargs):
    plan = Plan.objects.get(slug="jiangmen-2020")
    kwargs = {"city": {"pk": plan.city_id}, "plan": {"pk": plan.pk}}.get(kwargs, kwargs) if isinstance(kwargs, str) else kwargs
    client.force_login(make_user("jm_admin_h", city="jiangmen", role="admin"))
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    body = response.content.decode()
    assert not INLINE_HANDLER.findall(body) and not INLINE_SCRIPT.findall(body)


def test_what_a_logged_in_user_is_shown_is_not_stored(client, make_user):
    client.force_login(make_user("jm_staff_h", city="jiangmen"))
    for name in ("reporting:my_tasks", "dashboards:overview", "home"):
        assert "no-store" in client.get(reverse(name))["Cache-Control"], name


def test_a_session_ends_after_two_idle_hours_and_each_request_starts_them_again(client, make_user, settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 3600
    client.force_login(make_user("jm_staff_s", city="jiangmen"))
    response = client.get(reverse("home"))
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 2 * 3600
