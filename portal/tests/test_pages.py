import json
import subprocess
import sys

import pytest
from django.urls import reverse

from tasks.models import Measure, Plan

pytestmark = pytest.mark.django_db

ROLES = ["staff", "reviewer", "leader", "admin"]


def pages(city: str):
    plan = Plan.objects.filter(city__code=city).first()
    measure = Measure.objects.filter(task__plan=plan).first()
    return [
        reverse("home"),
        reverse("plan_detail", args=[plan.pk]),
        reverse("measure_detail", args=[measure.pk]),
        reverse("reporting:my_tasks"),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_each_role(client, make_user, role):
    client.force_login(make_user(f"u_{role}", city="zhongshan", role=role))
    for url in pages("zhongshan"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "工作方案督办平台" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    for url in pages("jiangmen"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_home_page_lists_the_users_city_plans_with_counts(client, make_user):
    client.force_login(make_user("gz", city="guangzhou", role="leader"))
    body = client.get(reverse("home")).content.decode()
    assert "广州市人力资源和社会保障局2024年工作要点" in body
    assert "<td >130</td>" in body.replace('class="measure_count"', "")  or ">130<" in body
    assert "江门" not in body


def test_a_province_admin_sees_every_city(client, make_user):
    client.force_login(make_user("prov", city="guangdong", unit="省人力资源和社会保障厅", role="admin"))
    body = client.get(reverse("home")).content.decode()
    for city in ("江门市", "中山市", "广州市"):
        assert city in body


def test_another_citys_plan_and_measure_answer_404(client, make_user):
    client.force_login(make_user("jm", city="jiangmen", role="staff"))
    plan = Plan.objects.get(slug="guangzhou-2024")
    measure = Measure.objects.filter(task__plan=plan).first()
    assert client.get(reverse("plan_detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("measure_detail", args=[measure.pk])).status_code == 404


def test_a_user_with_no_membership_sees_no_plan(client, make_user):
    client.force_login(make_user("nobody", city=None))
    assert "请联系管理员" in client.get(reverse("home")).content.decode()
    plan = Plan.objects.first()
    assert client.get(reverse("plan_detail", args=[plan.pk])).status_code == 404


def test_the_plan_page_shows_the_tree_units_targets_and_baselines(client, make_user):
    client.force_login(make_user("zs", city="zhongshan", role="leader"))
    plan = Plan.objects.get(slug="zhongshan-2023-2027")
    body = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "实施就业岗位扩容提质行动" in body  # a section
    assert "1. 推动就业与经济发展良性促进" in body  # a task
    assert "市发展改革局" in body and "各镇街" in body  # the lead, and 各镇街 as the ledger names it
    assert "≥ 22.5万人" in body  # the normalised target, shown in the bureau's words
    assert "基数：2021年 5.73万人" in body  # the 2021 result of the same indicator
    assert "1–2个" in body  # the range


def test_the_staff_member_sees_the_measures_of_his_unit(client, make_user):
    client.force_login(make_user("fin", city="zhongshan", unit="市财政局", role="staff"))
    body = client.get(reverse("reporting:my_tasks")).content.decode()
    assert "运用广东省集中式人力资源和社会保障一体化信息系统" in body  # 市财政局 supports task 2
    assert "制订企业用工保障应急预案" not in body  # the bureau's alone


def test_pages_are_chinese_by_default_and_english_on_request(client, make_user):
    client.force_login(make_user("lang", city="jiangmen", role="leader"))
    assert "退出" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    body = client.get(reverse("home")).content.decode()
    assert "Log out" in body and "Work plans" in body
    assert 'lang="en"' in body


def test_login_page_is_chinese(client):
    body = client.get(reverse("login")).content.decode()
    assert 'lang="zh-hans"' in body and "用户名" in body


def test_deploy_checks_are_clean_with_production_settings(tmp_path):
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 64 + "-production-key-from-the-environment",
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_static_files_collect_for_production(tmp_path):
    """With DEBUG off, whitenoise's manifest storage refuses a stylesheet that points at a file
    not there (a missing source map): collectstatic must succeed, and what it writes is served."""
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 64 + "-production-key-from-the-environment",
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/bootstrap/bootstrap.min.css", "vendor/htmx/htmx.min.js", "vendor/echarts/echarts.min.js"):
        assert (tmp_path / "static" / manifest[name]).is_file(), name
        assert (tmp_path / "static" / (manifest[name] + ".gz")).is_file(), name  # compressed for whitenoise


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"DEBUG": "0", "PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "用户名" in body and 'lang="zh-hans"' in body
