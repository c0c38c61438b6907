"""A task's title, 专项 and section keep their history (#16.7): a re-import that renames a
task records it under the admin who confirmed it, the Django admin's edits under their
author; the measure page and the plan page show the old title and the new."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.samples import ledger_xlsx
from tasks.models import Measure, Task
from units.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["序号", "重点任务", "具体措施", "责任单位", "量化指标", "时间节点", "专项"]
TITLE = "任务留痕测试方案"


def _import(task_title: str, user) -> Task:
    rows = [["1", task_title, "开展招聘活动。", "市人社局", "", "2025年12月", "就业创业"]]
    ledger_import(data=ledger_xlsx(rows, header=HEADER), filename="ledger.xlsx", city=Region.objects.get(code="jiangmen"),
                  title=TITLE, years=(2025, 2025), user=user)
    return Task.objects.get(plan__title=TITLE, number=1)


def test_it_records_a_renamed_task_under_the_importing_admin_and_shows_it_on_measure_and_plan_pages(client, make_user):
    admin = make_user("jm_admin_h", role="admin")
    task = _import("稳就业", admin)
    task = _import("稳就业促创业", admin)
    changed = task.history.filter(history_type="~").get()
    assert (changed.title, changed.history_user) == ("稳就业促创业", admin)
    assert changed.prev_record.title == "稳就业"

    client.force_login(admin)
    measure = Measure.objects.get(task=task)
    page = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    history = page[page.index('id="history"'):]
    assert "任务：稳就业 → 稳就业促创业" in history and "jm_admin_h" in history
    plan_page = client.get(reverse("plan_detail", args=[task.plan_id])).content.decode()
    assert "任务：稳就业 → 稳就业促创业" in plan_page[plan_page.index('id="task-history"'):]


def test_a_task_renamed_in_the_django_admin_is_recorded_under_its_author(client, make_user):
    superuser = get_user_model().objects.create_superuser("root_h", password="pw-for-tests-x1")
    task = _import("稳就业", None)
    client.force_login(superuser)
    url = reverse("admin:tasks_task_change", args=[task.pk])
    response = client.post(url, {"plan": task.plan_id, "section": task.section_id or "", "number": task.number,
                                 "title": "稳就业（改）", "programme": task.programme_id})
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = task.history.first()
    assert (changed.history_type, changed.title, changed.history_user) == ("~", "稳就业（改）", superuser)
    page = client.get(reverse("admin:tasks_task_history", args=[task.pk])).content.decode()
    assert "稳就业（改）" in page and "root_h" in page
