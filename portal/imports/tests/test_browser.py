"""An admin imports a small ledger in Debian's chromium: maps an unknown unit, confirms, sees the plan."""

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

from portal.imports.ledger.samples import ledger_xlsx
from portal.imports.tests.ledgers import hundred_row_ledger
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    ["1", "稳就业", "开展“春风行动”招聘活动。", "市人社局", "举办招聘会100场以上", "2025年12月", "就业创业"],
    [None, None, "建设零工市场。", "人社局就业促进科、蓬江区", "", "2025年6月", None],
]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    bureau = Unit.objects.get(region__code="jiangmen", name="市人力资源和社会保障局")
    connections.close_all()  # see portal/tests/test_browser.py
    return bureau


def upload_to_new_plan(page, *, name: str, data: bytes, title: str) -> None:
    """On 导入台账: a file for a new 江门 plan of 2025, uploaded and previewed."""
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}])
    page.select_option("#id_city", label="江门市")
    page.fill("#id_title", title)
    page.fill("#id_years", "2025")
    page.click("text=上传并预览")


def test_an_admin_uploads_a_ledger_maps_an_unknown_unit_confirms_and_sees_the_plan(live_server, demo, admin_page):
    page = admin_page

    page.click("nav >> text=导入台账")
    expect(page.locator("h1")).to_have_text("导入台账")
    upload_to_new_plan(page, name="江门台账.xlsx", data=ledger_xlsx(ROWS, merges=("A4:A5", "B4:B5", "G4:G5")),
                       title="江门市浏览器导入方案")

    mapping = page.locator("#unit-mapping")
    expect(mapping).to_contain_text("人社局就业促进科")
    expect(mapping).to_contain_text("第5行D列（牵头单位）")
    expect(page.locator("#preview-counts")).to_contain_text("错误 1")
    page.select_option("#id_u0", value=f"u{demo.pk}")
    page.click("#unit-mapping >> text=按此对应重新预览")

    expect(page.locator("#preview-counts")).to_contain_text("新增 2")
    expect(page.locator("#preview-counts")).to_contain_text("错误 0")
    expect(page.locator("#unit-mapping")).to_have_count(0)
    page.click("#confirm-import")

    expect(page.locator("#import-done")).to_contain_text("新增措施 2 项")
    page.click("#open-plan")
    expect(page.locator("h1")).to_have_text("江门市浏览器导入方案")
    task = page.locator("#task-1")
    expect(task).to_contain_text("建设零工市场。")
    expect(task).to_contain_text("蓬江区")
    expect(task).to_contain_text("≥ 100场")
    assert page.errors == []


def test_a_hundred_row_preview_is_short_and_worked_through_without_a_reload(live_server, demo, admin_page):
    """#13.5: the summary and only what needs the admin on the first tab; the bulk actions (map
    every suggested unit, one 专项 for a section) and a row's correction swap the preview in place."""
    page = admin_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/imports/")
    upload_to_new_plan(page, name="百行台账.xlsx", data=hundred_row_ledger(), title="江门市百行台账")

    counts = page.locator("#preview-counts")
    expect(counts).to_contain_text("100 项措施")
    expect(counts).to_contain_text("错误 42")
    expect(page.locator("#needs-units")).to_contain_text("单位待对应 2 个（2 个有建议）")
    expect(page.locator("#needs-programmes")).to_contain_text("未分类任务 5 项")
    expect(page.locator("#needs-qualitative")).to_contain_text("定性目标 20 条")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"the first tab is {height}px tall"
    page.evaluate("window.sameDocument = true")  # gone if anything reloads the page

    page.click("#map-suggested")
    expect(page.locator("#unit-mapping")).to_have_count(0)
    expect(counts).to_contain_text("错误 2")

    section = page.locator("form.section-programme", has_text="其他工作")
    section.locator("select").first.select_option("综合保障")
    section.locator("button.section-set").click()
    expect(page.locator("#needs-programmes")).to_have_count(0)

    page.locator("#preview-errors .row-edit").first.click()
    form = page.locator("#row-edit-form")
    expect(form).to_be_visible()
    form.locator("#id_targets").fill("举办活动100场以上")
    form.locator("text=保存并重新预览").click()
    expect(counts).to_contain_text("错误 1")
    expect(page.locator("#edited-rows")).to_contain_text("有 26 行已在预览中修改")  # 专项 on the 25 rows of section 四, and this one

    page.click("#tab-all")
    expect(page.locator("table.table-hover tbody tr")).to_have_count(25)
    page.locator(".pagination >> text=2").first.click()
    expect(page.locator("table.table-hover tbody tr").first).to_have_attribute("data-row", "29")  # rows 4–28 on the first page
    assert page.evaluate("window.sameDocument") is True
    assert page.errors == []
