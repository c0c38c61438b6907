"""Login attempts are rate-limited by django-axes (AXES_FAILURE_LIMIT = 5): the fifth wrong
password in a row locks the username on that address, so the sixth attempt — even with the
right password — is refused with a clear message in Chinese."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_sixth_attempt_after_five_wrong_ones_is_locked_out_with_a_clear_message(client, make_user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    make_user("target_user")
    for attempt in range(4):
        response = client.post(reverse("login"), {"username": "target_user", "password": f"wrong-{attempt}"})
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    response = client.post(reverse("login"), {"username": "target_user", "password": "wrong-5"})
    assert response.status_code == 429  # the fifth failure reaches the limit
    response = client.post(reverse("login"), {"username": "target_user", "password": "pw-for-tests"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录失败次数过多，账号已暂时锁定" in body and "连续 5 次" in body
    assert "_auth_user_id" not in client.session


def test_another_user_is_not_locked_by_someone_elses_failures(client, make_user):
    make_user("innocent")
    make_user("target_user")
    for attempt in range(6):
        client.post(reverse("login"), {"username": "target_user", "password": f"wrong-{attempt}"})
    response = client.post(reverse("login"), {"username": "innocent", "password": "pw-for-tests"})
    assert response.status_code == 302
