"""Done when: the whole loop in Debian's chromium on the demo data — a leader issues a 督办单
from the dashboard, the unit acknowledges and answers it, a webhook receives the warning, the
measure is closed through 销号, and the unit's score changes as the rules say."""

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from portal.supervision.models import Notice, Rule, Scheme, ScoreSummary, Webhook
from portal.supervision.services.alerts import alerts_dispatch
from portal.supervision.services.notices import notices_remind
from portal.supervision.tasks import deliver_task
from portal.supervision.tests.test_webhooks import Robot
from tasks.models import Measure, Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BUREAU = "市人力资源和社会保障局"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    connections.close_all()


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")


def test_the_whole_supervision_loop(live_server, demo, browser):
    base = live_server.url
    robot = Robot()
    plan = Plan.objects.get(slug="zhongshan-2023-2027")
    Webhook.objects.create(city=plan.city, name="中山督办群", format="wecom", url=robot.url)
    today = timezone.localdate()
    scheme = Scheme.objects.create(city=plan.city, plan=plan, year=today.year, name="年度考核", base=Decimal(100))
    Rule.objects.create(scheme=scheme, kind="closed_on_time", points=Decimal(5))
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The admin computes the scores of this month: the baseline.
    _login(page, base, "admin")
    page.goto(f"{base}/supervision/schemes/{scheme.pk}/ranking/?month={today:%Y-%m}")
    page.click("#compute")
    row = page.locator(f'#ranking tr[data-unit="{BUREAU}"] td.score')
    before = Decimal(row.inner_text())

    # A leader issues a 督办单 from the city dashboard's lagging list.
    _login(page, base, "zs_leader")
    page.click("nav >> text=驾驶舱")
    page.click("#cities >> text=中山市")
    lagging = page.locator(f'#lagging-measures tbody tr:has(strong:text-is("{BUREAU}")) a.issue-notice').first
    lagging.click()
    expect(page.locator("h1")).to_have_text("发出督办单")
    page.select_option("#id_level", "listed")
    page.click("#supervision-form button[type=submit]")
    expect(page.locator("#notice-state")).to_have_text("待签收")
    notice = Notice.objects.get()
    assert notice.level == "listed" and notice.unit.name == BUREAU
    # Its deadline this year, so that closing it now is closing it on time.
    Measure.objects.filter(pk=notice.measure_id).update(deadline=date(today.year, 12, 31))

    # Unanswered past its date: the reminder job repeats it and the webhook receives the warning.
    Notice.objects.filter(pk=notice.pk).update(answer_by=today - timedelta(days=1),
                                               next_nag_at=timezone.now() - timedelta(minutes=1))
    assert notices_remind()["repeated"] == 1
    noon = timezone.make_aware(datetime.combine(today, time(12, 0)))
    assert alerts_dispatch(now=noon, enqueue=lambda pk: deliver_task.apply(args=[pk])) == 1
    assert len(robot.received) == 1
    assert "督办单已逾期" in json.loads(robot.received[0][2])["markdown"]["content"]

    # The unit acknowledges and answers it.
    _login(page, base, "zs_staff")
    page.click('a.nav-link:text-is("督办")')
    page.click(f"#notices a[href='/supervision/notices/{notice.pk}/']")
    page.click("#acknowledge")
    expect(page.locator("#notice-state")).to_have_text("已签收")
    page.fill("#id_answer", "已制定整改方案，本月底前完成。")
    page.click("#answer-submit")
    expect(page.locator("#notice-state")).to_have_text("已答复")

    # 销号: the lead unit applies, the reviewer checks, the leader signs off.
    page.click(f"a[href='/measures/{notice.measure_id}/']")
    page.click("#apply-closure")
    page.fill("#id_statement", "措施已全部完成。")
    page.fill("#id_unmet_reason", "指标按省口径调整，已完成省下达任务。")
    page.click("#supervision-form button[type=submit]")
    expect(page.locator("#closure-state")).to_have_text("待审核")
    closure_url = page.url
    _login(page, base, "zs_reviewer")
    page.goto(closure_url)
    page.click("#approve")
    expect(page.locator("#closure-state")).to_have_text("待领导审定")
    _login(page, base, "zs_leader")
    page.goto(closure_url)
    page.click("#approve")
    expect(page.locator("#closure-state")).to_have_text("已销号")
    page.goto(f"{base}/measures/{notice.measure_id}/")
    expect(page.locator("#measure-closed")).to_be_visible()
    expect(page.locator("#supervision-history")).to_contain_text("已销号")

    # The score: +5 for a measure closed on time, and the drill-down says why.
    _login(page, base, "admin")
    page.goto(f"{base}/supervision/schemes/{scheme.pk}/ranking/?month={today:%Y-%m}")
    page.click("#compute")
    expect(page.locator(f'#ranking tr[data-unit="{BUREAU}"] td.score')).to_have_text(str(before + 5))
    page.click(f'#ranking tr[data-unit="{BUREAU}"] a')
    expect(page.locator("#items")).to_contain_text("按时销号")
    assert ScoreSummary.objects.filter(scheme=scheme).count() >= 1
    robot.close()
    assert errors == []
