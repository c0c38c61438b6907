"""The pages pass their Content-Security-Policy in Debian's chromium (#16.8): no violation on
the pages a bureau uses most, and what used to be inline script still works."""

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    connections.close_all()


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
