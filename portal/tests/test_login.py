"""Login behind a proxy (#16.6): the lockout counts per username and client address, the
address taken from X-Forwarded-For only as far as the configured proxies vouch for it; the
lock page says when it lifts; passwords that are all digits or like the username are refused."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # nginx: every request reaches the portal from here


def attempt(client, address: str, password: str, *, forwarded: str | None = None):
    """A login through the proxy, which appends the address it saw to X-Forwarded-For."""
    chain = f"{forwarded}, {address}" if forwarded else address
    return client.post(reverse("login"), {"username": "target_user", "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)


@pytest.fixture
def behind_nginx(settings, make_user):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("target_user")


def test_an_attacker_behind_the_proxy_does_not_lock_the_user_out(client, behind_nginx):
    for n in range(5):
        attempt(client, "203.0.113.9", f"wrong-{n}")
    assert attempt(client, "203.0.113.9", "pw-for-tests").status_code == 429
    assert attempt(client, "198.51.100.7", "pw-for-tests").status_code == 302  # the real user, elsewhere


def test_a_forged_forwarded_address_neither_escapes_the_lock_nor_aims_it(client, behind_nginx):
    for n in range(5):
        attempt(client, "203.0.113.9", f"wrong-{n}", forwarded=f"192.0.2.{n}")  # a new made-up address each time
    assert attempt(client, "203.0.113.9", "pw-for-tests", forwarded="192.0.2.99").status_code == 429


def test_the_lock_page_says_when_the_lock_lifts(client, behind_nginx):
    for n in range(5):
        response = attempt(client, "203.0.113.9", f"wrong-{n}")
    assert response.status_code == 429
    body = response.content.decode()
    assert 'id="lock-lifts"' in body and "自动解除" in body


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, make_user):
    make_user("target_user")
    for n in range(5):
        client.post(reverse("login"), {"username": "target_user", "password": f"wrong-{n}"},
                    REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = client.post(reverse("login"), {"username": "target_user", "password": "pw-for-tests"},
                           REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert response.status_code == 429


@pytest.mark.parametrize("password", ["2026052012", "zhangwei2026"])
def test_numeric_and_username_like_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, user=get_user_model()(username="zhangwei2026", email="zw@example.org"))
