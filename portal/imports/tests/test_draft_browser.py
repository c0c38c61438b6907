"""An admin pastes a plan's text and lands on the import preview of its draft, in Debian's chromium."""

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN_TEXT = """广州市人力资源和社会保障局2025年工作要点
（一）稳就业。一是扩大就业。确保城镇新增就业24万人以上。开展职业技能培训10万人次以上。
二是帮扶重点群体。2024年全市城镇新增就业25.3万人。建设高质量就业社区100个。"""


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    connections.close_all()  # see portal/tests/test_browser.py


def test_an_admin_drafts_a_ledger_from_pasted_text_into_the_preview(live_server, admin_page):
    page = admin_page
    page.click("nav >> text=方案生成台账")
    expect(page.locator("h1")).to_have_text("由方案文本生成台账")

    page.select_option("#id_city", label="广州市")
    page.click("text=生成并预览")  # no text yet
    expect(page.locator(".alert-danger")).to_contain_text("请上传方案文件或粘贴方案正文")

    page.fill("#id_text", PLAN_TEXT)
    page.click("text=生成并预览")
    expect(page.locator("#job-target")).to_contain_text("广州市人力资源和社会保障局2025年工作要点")
    expect(page.locator("#preview-counts")).to_contain_text("3 项措施、3 个目标")
    page.click("#tab-all")  # every row is on the second tab
    expect(page.locator("main")).to_contain_text("确保城镇新增就业24万人以上")
    assert page.errors == []


def test_the_past_results_of_a_drafted_text_become_the_baselines_of_its_targets(live_server, admin_page):
    """2024年…城镇新增就业25.3万人 is offered in the preview; confirmed, it stands beside the
    plan's 城镇新增就业 target as its baseline."""
    page = admin_page
    page.goto(f"{live_server.url}/imports/draft/")
    page.select_option("#id_city", label="广州市")
    page.fill("#id_text", PLAN_TEXT + "\n三是稳岗位。2024年新建零工驿站30个。")
    page.click("text=生成并预览")

    results = page.locator("#results-table")
    jobs_row = results.locator("tr", has_text="25.3万人")
    expect(jobs_row.locator("input")).to_have_value("城镇新增就业")
    expect(jobs_row).to_contain_text("新增")
    stations = results.locator("tr", has_text="30个")
    expect(stations).to_contain_text("不导入")
    expect(stations).to_contain_text("指标库中没有")

    page.click("#confirm-import")
    expect(page.locator("#import-done")).to_contain_text("已完成结果：新增 1 条")
    page.click("#open-plan")
    target = page.locator("li.target", has_text="城镇新增就业")
    expect(target.locator(".baseline")).to_contain_text("基数：2024年 25.3万人")
    assert page.errors == []


def test_an_admin_corrects_a_drafted_row_and_assigns_its_programme_in_the_preview(live_server, admin_page):
    page = admin_page
    page.goto(f"{live_server.url}/imports/draft/")
    page.select_option("#id_city", label="广州市")
    page.fill("#id_text", PLAN_TEXT)
    page.click("text=生成并预览")

    page.click("#tab-all")
    first = page.locator("tr", has_text="确保城镇新增就业24万人以上").first
    expect(first).to_contain_text("就业创业")  # the 专项 the draft suggests
    first.locator("text=修改").click()
    expect(page.locator("#row-edit-card")).to_contain_text("修改工作表“工作台账”")  # opened in the page (htmx)
    expect(page.locator("#id_targets")).to_have_value("确保城镇新增就业24万人以上")
    page.fill("#id_targets", "城镇新增就业25万人以上")
    page.select_option("#id_programme", label="人才人事")
    page.click("text=保存并重新预览")

    expect(page.locator("#edited-rows")).to_contain_text("已在预览中修改")
    edited = page.locator("tr", has_text="城镇新增就业25万人以上").first
    expect(edited).to_contain_text("人才人事")
    expect(edited).to_contain_text("已在预览中修改")
    page.click("#confirm-import")
    expect(page.locator("#import-done")).to_be_visible()
    page.click("#open-plan")
    expect(page.locator("main")).to_contain_text("≥ 25万人")
    assert page.errors == []
