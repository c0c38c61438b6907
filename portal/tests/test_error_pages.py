"""Refused, missing and failed pages in Chinese, in the site's layout, with a way back — with
DEBUG off as a bureau runs it, and with DEBUG on as `make run` does."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def assert_in_layout(response, status: int, title: str) -> str:
    body = response.content.decode()
    assert response.status_code == status
    assert f"<h1 class=\"h3\">{title}</h1>" in body
    assert "工作方案督办平台" in body and 'id="back-home"' in body and 'href="/"' in body
    assert "Page not found" not in body and "Forbidden" not in body and "Server Error" not in body
    return body


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_page_is_chinese_in_the_layout(client, make_user, settings, debug):
    settings.DEBUG = debug
    client.force_login(make_user("jm_x"))
    assert_in_layout(client.get("/no-such-page/"), 404, "页面不存在")
    assert_in_layout(client.get(reverse("plan_detail", args=[999999])), 404, "页面不存在")  # raised in a view


@pytest.mark.parametrize("debug", [False, True])
def test_a_refused_page_is_chinese_and_says_who_to_ask(client, make_user, settings, debug):
    settings.DEBUG = debug
    client.force_login(make_user("jm_staff_x"))
    body = assert_in_layout(client.get("/imports/"), 403, "没有权限")
    assert "请联系本市管理员" in body and 'id="current-user"' in body  # the layout knows who is looking


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.urls("portal.tests.urls_failing")
def test_a_failure_is_chinese_in_the_layout(settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    assert_in_layout(client.get("/boom/"), 500, "服务器出错了")


@pytest.mark.parametrize("debug", [False, True])
def test_a_csrf_failure_is_chinese_and_changes_nothing(settings, debug):
    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True)
    body = assert_in_layout(client.post(reverse("login"), {"username": "x", "password": "y"}), 403, "页面已过期")
    assert "未做任何修改" in body


def test_djangos_own_pages_come_back_with_debug_error_pages_off(client, settings):
    settings.DEBUG, settings.DEBUG_ERROR_PAGES = True, False
    assert "Page not found" in client.get("/no-such-page/").content.decode()
