"""A person logs in and walks from the plan list to a measure, in Debian's chromium; the pages
pass their Content-Security-Policy."""

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    # Playwright's sync API runs in greenlets with their own context: close this context's
    # connection here, or it outlives the test and blocks dropping the test database.
    connections.close_all()


def test_a_leader_logs_in_and_drills_from_the_plan_list_to_a_measure(live_server, demo, browser):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # anonymous visitors are sent to log in

    page.fill("#id_username", "zs_leader")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    expect(page.locator(".alert-danger")).to_contain_text("用户名或密码不正确")

    page.fill("#id_username", "zs_leader")
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")
    expect(page.locator("#current-user")).to_contain_text("zs_leader")
    assert "广州" not in page.inner_text("main")

    page.click("text=中山市落实《广东省“民生十大工程”五年行动计划就业领域实施方案(2023—2027年)》工作方案")
    task = page.locator("#task-1")
    assert "推动就业与经济发展良性促进" in task.inner_text()
    assert "≥ 22.5万人" in task.inner_text()
    assert "基数：2021年 5.73万人" in task.inner_text()

    task.locator("a", has_text="1.1").click()
    expect(page.locator("h1")).to_have_text("工作措施 1.1")
    assert "市发展改革局" in page.inner_text("main")

    page.select_option("select[name=language]", "en")
    expect(page.locator("h1")).to_have_text("Measure 1.1")
    assert errors == []


# The pages pass their Content-Security-Policy (#16.8): no violation on the pages a bureau uses
# most, and what used to be inline script still works.
def test_the_pages_pass_the_policy_and_still_behave(live_server, demo, browser):
    page = browser.new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.on("pageerror", lambda error: violations.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")
    expect(page.locator("#current-user")).to_contain_text("admin")
    for path in ("/", "/reports/", "/reports/periods/", "/dashboards/", "/imports/", "/imports/draft/"):
        page.goto(f"{live_server.url}{path}")
    page.goto(f"{live_server.url}/dashboards/")
    page.locator("a[href*='/dashboards/city/']").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("canvas").count() > 0  # the charts drew
    page.select_option("select[name=language]", "en")  # a select that submits itself
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []
