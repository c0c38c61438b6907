"""The reporting pages as their users see them: 我的任务, the review queue, notifications,
periods, one report, and the measure page with its approved values and history."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from indicators.models import Period
from indicators.services import report_approve, report_return, report_save_draft, report_submit

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures
from .reporting_fixtures import report_input

pytestmark = pytest.mark.django_db


def submit(measure, unit, period, user, target, value):
    report = report_save_draft(measure=measure, unit=unit, period=period, user=user,
                               data=report_input(target, Decimal(value)), revision=None)
    return report_submit(report=report, user=user, revision=report.revision)


def test_my_tasks_lists_the_units_measures_with_the_periods_state(client, measure, target, period, people, unit_of):
    submit(measure, unit_of("团市委"), period, people["support_staff"], target, 3)
    client.force_login(people["support_staff"])
    body = client.get(reverse("reporting:my_tasks"), {"month": "2024-02"}).content.decode()
    assert "2024年第1季度" in body and "团市委" in body
    assert "已提交" in body
    # Filtering by status keeps only the rows in that state.
    body = client.get(reverse("reporting:my_tasks"), {"month": "2024-02", "status": "missing"}).content.decode()
    assert 'data-measure="%d"' % measure.pk not in body


def test_my_tasks_shows_what_is_overdue(client, measure, period, people):
    client.force_login(people["support_staff"])
    body = client.get(reverse("reporting:my_tasks"), {"status": "overdue"}).content.decode()
    # Every open quarter of 2023–2027 past its due date counts while nothing is submitted.
    assert 'data-measure="%d"' % measure.pk in body
    assert "badge text-bg-danger overdue" in body


def test_my_tasks_filters_by_plan_and_programme_and_sorts(client, measure, period, people):
    client.force_login(people["lead_staff"])
    plan = measure.task.plan
    response = client.get(reverse("reporting:my_tasks"), {"plan": plan.pk, "programme": measure.task.programme_id, "sort": "-code"})
    assert response.status_code == 200
    rows = response.context["table"].rows
    assert all(r.record.measure.task.plan_id == plan.pk for r in rows)
    codes = [(r.record.measure.task.number, r.record.measure.seq) for r in rows]
    assert codes == sorted(codes, reverse=True)


def test_my_tasks_exports_to_excel(client, measure, period, people):
    client.force_login(people["support_staff"])
    response = client.get(reverse("reporting:my_tasks"), {"month": "2024-02", "_export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]  # under the title and the as-of line
    assert "工作措施" in header and "本期状态" in header
    values = [c.value for row in sheet.iter_rows(min_row=4) for c in row]
    assert "团市委" in values and "2024年第1季度" in values and "未填报" in values


def test_the_reviewer_sees_his_queue_and_not_another_citys(client, measure, target, period, people, person, unit_of):
    report = submit(measure, unit_of("团市委"), period, people["support_staff"], target, 3)
    client.force_login(people["reviewer"])
    body = client.get(reverse("reporting:review_queue")).content.decode()
    assert reverse("reporting:report_detail", args=[report.pk]) in body
    client.force_login(person("jm_reviewer", role="reviewer", city="jiangmen"))
    assert reverse("reporting:report_detail", args=[report.pk]) not in client.get(reverse("reporting:review_queue")).content.decode()
    client.force_login(people["lead_staff"])
    assert client.get(reverse("reporting:review_queue")).status_code == 403


def test_notifications_count_unread_in_the_navigation_and_open_marks_read(client, measure, target, period, people, unit_of):
    report = submit(measure, unit_of("团市委"), period, people["support_staff"], target, 3)
    report_return(report=report, user=people["reviewer"], comment="数据口径不对")
    client.force_login(people["support_staff"])
    body = client.get(reverse("home")).content.decode()
    assert "通知（1）" in body
    page = client.get(reverse("reporting:notifications")).content.decode()
    assert "数据口径不对" in page
    note = people["support_staff"].notifications.get()
    response = client.post(reverse("reporting:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("reporting:report_detail", args=[report.pk])
    assert "通知（1）" not in client.get(reverse("home")).content.decode()


def test_the_measure_page_shows_approved_values_and_the_full_history(client, measure, target, period, people, unit_of):
    report = submit(measure, unit_of("市人力资源和社会保障局"), period, people["lead_staff"], target, 12)
    report_approve(report=report, user=people["reviewer"])
    client.force_login(people["leader"])
    body = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    assert "已通过的进度报告" in body and "12个" in body
    # History: the import (no user: 系统导入), the report by its filer and its reviewer, the value.
    assert "系统导入" in body and "lead_staff" in body and "reviewer" in body
    assert "状态：已提交 → 已通过" in body
    assert "实际值" in body


def test_the_periods_page_lets_an_admin_close_reopen_and_remind(client, measure, period, people):
    client.force_login(people["admin"])
    url = reverse("reporting:periods")
    body = client.get(url, {"plan": measure.task.plan_id}).content.decode()
    assert "2024年第1季度" in body
    client.post(reverse("reporting:period_close", args=[period.pk]))
    assert not Period.objects.get(pk=period.pk).is_open
    response = client.post(reverse("reporting:period_reopen", args=[period.pk]), {"reason": ""}, follow=True)
    assert "须填写原因" in response.content.decode()
    client.post(reverse("reporting:period_reopen", args=[period.pk]), {"reason": "补报"})
    assert Period.objects.get(pk=period.pk).is_open
    response = client.post(reverse("reporting:period_remind", args=[period.pk]), follow=True)
    assert "已催办" in response.content.decode()
    response = client.post(reverse("reporting:period_due_date", args=[period.pk]), {"due_date": "2024-04-10"}, follow=True)
    assert Period.objects.get(pk=period.pk).due_date == date(2024, 4, 10)
    client.force_login(people["lead_staff"])
    assert client.get(url).status_code == 403
    assert client.post(reverse("reporting:period_close", args=[period.pk])).status_code == 403


def test_the_navigation_offers_each_role_its_pages(client, people):
    def nav(persona):
        client.force_login(people[persona])
        return client.get(reverse("home")).content.decode()

    staff, reviewer, admin, leader = nav("lead_staff"), nav("reviewer"), nav("admin"), nav("leader")
    assert "我的任务" in staff and "审核" not in staff and "我的措施" not in staff
    assert ">审核<" in reviewer and "我的任务" in reviewer
    assert "填报周期" in admin and "填报周期" not in staff
    assert "我的任务" not in leader and "通知" in leader
