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


def test_an_admin_drafts_a_ledger_from_pasted_text_into_the_preview(live_server, demo, browser):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")
    page.click("nav >> text=方案生成台账")
    expect(page.locator("h1")).to_have_text("由方案文本生成台账")

    page.select_option("#id_city", label="广州市")
    page.click("text=生成并预览")  # no text yet
    expect(page.locator(".alert-danger")).to_contain_text("请上传方案文件或粘贴方案正文")

    page.fill("#id_text", PLAN_TEXT)
    page.click("text=生成并预览")
    expect(page.locator("#job-target")).to_contain_text("广州市人力资源和社会保障局2025年工作要点")
    expect(page.locator("#preview-counts")).to_contain_text("3 项措施、3 个目标")
    assert "确保城镇新增就业24万人以上" in page.inner_text("main")
    assert errors == []
