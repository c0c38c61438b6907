"""A leader opens the city dashboard in Debian's chromium, and clicks a red count."""

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    # The demo as `make run` has it: seeds, accounts, sample progress, summaries built.
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    connections.close_all()


def test_a_leader_opens_the_city_dashboard_and_follows_a_red_count(live_server, demo, browser):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and not m.location.get("url", "").endswith("/favicon.ico") else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "zs_leader")
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")

    page.click("nav >> text=驾驶舱")
    expect(page.locator("h1")).to_have_text("驾驶舱 · 各市总览")
    page.click("#cities >> text=中山市")
    expect(page.locator("h1")).to_have_text("中山市驾驶舱")
    expect(page.locator("#sample-banner")).to_contain_text("示例数据")

    charts = page.locator("[data-chart]")
    assert charts.count() == 3  # status, trend, programmes
    for i in range(charts.count()):
        expect(charts.nth(i)).to_have_attribute("data-drawn", "1")
        expect(charts.nth(i).locator("canvas")).to_have_count(1)

    red = page.locator("#kpis a.status-count.status-red")
    count = int(red.inner_text())
    assert count > 0
    red.click()
    expect(page.locator("#list-title")).to_contain_text("滞后")
    rows = page.locator("#measure-list tbody tr")
    expect(rows).to_have_count(min(count, 25))
    expect(page.locator("#measure-list tbody .status-badge.status-red")).to_have_count(min(count, 25))
    assert errors == []
