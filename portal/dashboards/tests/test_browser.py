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


def test_a_leader_downloads_the_word_briefing_from_the_dashboard(live_server, demo, browser, tmp_path):
    """#13.6: 通报（Word） beside 简报（打印） and 导出 Excel; the file says the dashboard's figures
    and carries its status chart as a picture."""
    import io
    import re

    from docx import Document

    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "zs_leader")
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")
    page.click("nav >> text=驾驶舱")
    page.click("#cities >> text=中山市")
    expect(page.locator("h1")).to_have_text("中山市驾驶舱")
    shown = {status: int(re.sub(r"\D", "", page.locator(f"#kpis .value[data-status={status}]").inner_text()) or 0)
             for status in ("done", "green", "amber", "red", "overdue", "no_data")}
    labels = [page.locator(f"#kpis .value[data-status={s}]").locator("xpath=../div[1]").inner_text().strip()
              for s in shown]

    with page.expect_download() as download:
        page.click("#briefing-docx")
    assert download.value.suggested_filename.endswith(".docx") and "中山市" in download.value.suggested_filename
    path = tmp_path / "通报.docx"
    download.value.save_as(path)
    doc = Document(io.BytesIO(path.read_bytes()))
    assert doc.paragraphs[0].text == "中山市工作进展情况通报"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"共有工作措施 {sum(shown.values())} 项" in text
    for label, count in zip(labels, shown.values()):
        assert f"{label} {count} 项" in text
    assert len(doc.inline_shapes) == 1  # the status chart
