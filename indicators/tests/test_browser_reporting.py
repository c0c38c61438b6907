"""The month's work in Debian's chromium: staff fills and submits a report, the reviewer
returns it with a comment, staff fixes and resubmits, the reviewer approves, and the
measure page shows the approved values and the history. Then an admin closes, reopens and
chases a period."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect

from indicators.models import Period, ProgressReport
from tasks.models import Measure, Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    measure = Measure.objects.get(task__plan__slug="zhongshan-2023-2027", task__number=4, seq=1)
    # Open 2024 Q1 whatever today's date, so that the test does not age with the plan, and
    # start the measure from no report (the demo may add sample progress for the dashboards).
    # The seed plan, loaded while under way, reports from the quarter that is now: let it
    # report from its start, so that 2024 Q1 is chased like any other period.
    Period.objects.filter(plan=measure.task.plan, start=date(2024, 1, 1)).update(is_open=True)
    Plan.objects.filter(pk=measure.task.plan_id).update(reporting_from=None)
    ProgressReport.objects.filter(measure=measure).delete()
    q1 = Period.objects.get(plan=measure.task.plan, start=date(2024, 1, 1))
    bureau = measure.responsibilities.get(role="lead").unit_id
    ids = {"measure": measure.pk, "plan": measure.task.plan_id,
           "fill_q1": reverse("reporting:report_edit", args=[measure.pk, q1.pk, bureau])}
    # Playwright's sync API runs in greenlets with their own context: close this context's
    # connection here, or it outlives the test and blocks dropping the test database.
    connections.close_all()
    return ids


def watched_page(browser):
    """A new page, and the list its script errors go to."""
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")
    expect(page.locator("#current-user")).to_contain_text(username)


def log_out(page) -> None:
    page.click("nav button:has-text('退出')")
    expect(page.locator("#id_username")).to_be_visible()


def test_a_report_goes_from_staff_to_reviewer_and_back_until_approved(live_server, demo, browser):
    base = live_server.url
    page, errors = watched_page(browser)

    # Staff: 我的任务 → the measure's row for 2024 Q1 → fill, watch the figures, submit.
    log_in(page, base, "zs_staff")
    page.click("nav >> text=我的任务")
    page.select_option("#id_month", "2024-02")
    page.select_option("#id_plan", str(demo["plan"]))
    page.click("#task-filter button[type=submit]")
    row = page.locator(f"tr.task-row[data-measure='{demo['measure']}']")
    expect(row).to_contain_text("2024年第1季度")
    expect(row).to_contain_text("未填报")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename == "my-tasks.xlsx"
    row.locator("a.fill").click()
    expect(page.locator("h1")).to_contain_text("2024年第1季度")
    page.wait_for_load_state("load")  # htmx, loaded at the end of the page, listens from here on
    value = page.locator("#targets input.typed-number")
    value.fill("25")
    figure = page.locator("#figures tr.figure-row").first
    expect(figure.locator(".cumulative")).to_have_text("25个")  # 60 个 a year: 41.7 %
    expect(figure.locator(".completion")).to_contain_text("41.7%")
    page.fill("#id_narrative", "一季度募集青年见习岗位25个。")
    page.fill("#id_problems", "部分企业积极性不高。")
    page.fill("#id_next_steps", "二季度走访重点企业。")
    page.set_input_files("#id_evidence", files=[{"name": "见习岗位清单.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#submit-report")
    expect(page.locator("#report-state")).to_have_text("已提交")
    expect(page.locator("main")).to_contain_text("见习岗位清单.pdf")
    log_out(page)

    # Reviewer: the queue → the report → return with a comment.
    log_in(page, base, "zs_reviewer")
    expect(page.locator("nav")).to_contain_text("通知（1）")
    page.click("nav >> text=审核")
    page.locator("tr.review-row", has_text="4.1").locator("a.review").click()
    page.fill("#id_comment", "请补充见习岗位的企业名单。")
    page.click("#return")
    expect(page.locator(".alert-success")).to_contain_text("已退回")
    log_out(page)

    # Staff: the notification → the comment → fix and resubmit.
    log_in(page, base, "zs_staff")
    page.click("nav >> text=/通知（\\d+）/")
    page.locator(".notification", has_text="已退回").locator("button").click()
    expect(page.locator("#review-comment")).to_contain_text("请补充见习岗位的企业名单。")
    page.click("#edit-report")
    expect(page.locator("#review-comment")).to_contain_text("请补充见习岗位的企业名单。")
    expect(page.locator("#targets input.typed-number")).to_be_visible()
    page.wait_for_load_state("load")
    page.locator("#targets input.typed-number").fill("30")
    expect(page.locator("#figures tr.figure-row .cumulative").first).to_have_text("30个")
    page.fill("#id_narrative", "一季度募集青年见习岗位30个，企业名单见附件。")
    page.click("#submit-report")
    expect(page.locator("#report-state")).to_have_text("已提交")
    log_out(page)

    # Reviewer: approve.
    log_in(page, base, "zs_reviewer")
    page.click("nav >> text=审核")
    page.locator("tr.review-row", has_text="4.1").locator("a.review").click()
    expect(page.locator("#narrative")).to_contain_text("企业名单见附件")
    page.click("#approve")
    expect(page.locator(".alert-success")).to_contain_text("已通过")

    # The measure page: the approved value and the history of it all.
    page.goto(f"{base}/measures/{demo['measure']}/")
    approved = page.locator("#approved-values tr.approved-report")
    expect(approved).to_have_count(1)
    expect(approved).to_contain_text("2024年第1季度")
    expect(approved).to_contain_text("30个")
    history = page.locator("#history")
    expect(history).to_contain_text("zs_reviewer")
    expect(history).to_contain_text("zs_staff")
    expect(history).to_contain_text("已退回 → 草稿")
    expect(history).to_contain_text("已提交 → 已通过")
    expect(history).to_contain_text("系统导入")  # the ledger import, a bulk write
    assert errors == []


def test_staff_types_1_wan_confirms_the_doubt_and_the_reviewer_sees_it(live_server, demo, browser):
    base = live_server.url
    page, errors = watched_page(browser)
    log_in(page, base, "zs_staff")
    page.goto(f"{base}{demo['fill_q1']}")  # 2024 Q1, the bureau's form
    page.wait_for_load_state("load")
    value = page.locator("#targets input.typed-number")
    expect(value).to_have_attribute("inputmode", "decimal")
    value.fill("1万")
    figure = page.locator("#figures tr.figure-row").first
    expect(figure.locator(".cumulative")).to_have_text("1万个")
    expect(figure.locator(".completion")).to_contain_text("100%（实际 16,666.7%）")
    expect(figure.locator(".doubt")).to_contain_text("超过目标值 60个 的10倍")  # warned while typing
    page.fill("#id_narrative", "一季度募集见习岗位1万个。")
    page.click("#save-draft")
    # 10 000 against 60 a year: the form asks before it saves anything.
    expect(page.locator("#doubts")).to_contain_text("10000个 超过目标值 60个 的10倍")
    expect(page.locator("#report-state")).to_have_text("未填报")
    page.check("#id_confirm_doubts")
    page.click("#save-draft")
    expect(page.locator(".alert-success")).to_contain_text("草稿已保存")
    expect(page.locator("#targets input.typed-number")).to_have_value("10000")
    expect(page.locator("#targets .doubt")).to_contain_text("数值存疑")
    page.click("#submit-report")
    expect(page.locator("#report-state")).to_have_text("已提交")
    log_out(page)

    log_in(page, base, "zs_reviewer")
    page.click("nav >> text=审核")
    row = page.locator("tr.review-row", has_text="4.1")
    expect(row).to_contain_text("数值存疑")
    expect(row).to_contain_text("10000个 超过目标值 60个 的10倍")
    row.locator("a.review").click()
    expect(page.locator("#report-values")).to_contain_text("1万个")
    expect(page.locator("#report-values .doubt")).to_contain_text("超过目标值")
    expect(page.locator("#report-history")).to_contain_text("存疑原因：10000个 超过目标值 60个 的10倍")
    assert errors == []


def test_an_admin_closes_reopens_and_chases_a_period(live_server, demo, browser):
    base = live_server.url
    page = browser.new_page()
    log_in(page, base, "admin")
    page.click("nav >> text=填报周期")
    page.select_option("#plan-select", str(demo["plan"]))
    period_row = page.locator("tr.period-row", has_text="2024年第1季度")
    period_row.locator("button.close-period").click()
    expect(page.locator(".alert-success")).to_contain_text("已关闭")
    period_row = page.locator("tr.period-row", has_text="2024年第1季度")
    expect(period_row.locator(".period-state")).to_have_text("已关闭")
    period_row.locator("input[name=reason]").fill("团市委补报一季度数据")
    period_row.locator("button.reopen-period").click()
    expect(page.locator(".alert-success")).to_contain_text("已重新开放")
    page.locator("tr.period-row", has_text="2024年第1季度").locator("button.remind").click()
    expect(page.locator(".alert-success")).to_contain_text("已催办")
    log_out(page)

    log_in(page, base, "zs_staff")
    page.click("nav >> text=/通知（\\d+）/")
    expect(page.locator(".notification").first).to_contain_text("管理员提醒")
    page.locator(".notification").first.locator("button").click()
    expect(page.locator("h1")).to_have_text("我的任务")
