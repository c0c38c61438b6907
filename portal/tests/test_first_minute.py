"""A newcomer's first minute: the login page (DEBUG on) lists the demo accounts and what each
can do now; every demo staff account lands on a page that says what it can do, or why there is
nothing to report and who can reopen a period."""

import pytest
from django.urls import reverse

from portal.management.commands.load_demo import Command as LoadDemo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_accounts(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # ten accounts, quickly
    return dict(LoadDemo().demo_accounts())


def rows_of(page: str) -> dict[str, str]:
    import re

    return {
        name: re.sub(r"<[^>]+>|\s+", " ", body)
        for name, body in re.findall(r'<tr class="demo-account" data-username="([^"]+)">(.*?)</tr>', page, re.S)
    }


def test_it_lists_the_demo_accounts_and_what_each_can_do_now_with_debug_on(client, settings, demo_accounts):
    settings.DEBUG = True
    rows = rows_of(client.get(reverse("login")).content.decode())
    assert list(rows) == ["admin"] + [f"{c}_{r}" for c in ("jm", "zs", "gz") for r in ("staff", "reviewer", "leader")]
    assert "演示账号（密码均为 demo-2026）" in client.get(reverse("login")).content.decode()
    assert "现在没有可填报的报告" in rows["jm_staff"] and "已于 2020 年结束" in rows["jm_staff"]
    assert "本期可填报" in rows["zs_staff"]
    assert "驾驶舱" in rows["gz_leader"] and "导入台账" in rows["admin"]
    assert "江门 · 市人力资源和社会保障局 填报员" in rows["jm_staff"]


def test_the_login_page_lists_no_account_with_debug_off(client, settings, demo_accounts):
    settings.DEBUG = False
    assert "demo-account" not in client.get(reverse("login")).content.decode()


def test_a_staff_account_with_nothing_to_report_is_told_why_and_who_can_reopen(client, demo_accounts):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="jm_staff"))
    page = client.get(reverse("home")).content.decode()
    assert "您的单位现在没有可填报的报告" in page
    assert "已于 2020 年结束，填报周期均已关闭" in page
    assert "重新开放" in page and "admin（省人力资源和社会保障厅）" in page


def test_a_staff_account_with_open_work_lands_on_it(client, demo_accounts):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="zs_staff"))
    page = client.get(reverse("home")).content.decode()
    assert 'id="to-fill"' in page and "项工作措施可以填报" in page
    assert reverse("reporting:my_tasks") in page
    assert "nothing-to-report" not in page
