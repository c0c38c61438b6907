"""催办: the daily job finds missing and late reports, reminds the units' staff in the portal
and by mail, escalates to the lead unit's reviewers, and says each thing once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from indicators.models import Notification, Period, Reminder
from indicators.services import reminder_send_manual, reminders_send, report_save_draft, report_submit, ReportingError
from indicators.tasks import reminders_send_task

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures
from .reporting_fixtures import report_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_period(period):
    """Keep one open period (2024 Q1, due 2024-04-05) so that the counts are the test's own."""
    Period.objects.exclude(pk=period.pk).update(is_open=False)
    return period


def test_it_reminds_of_reports_due_soon_once(only_period, measure, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        summary = reminders_send(today=date(2024, 4, 3))
    assert summary.due_soon > 0 and summary.late == 0 and summary.escalated == 0
    note = Notification.objects.get(user=people["support_staff"])
    assert "即将到期" in note.title and "团市委" in note.body and "2024年第1季度" in note.body
    assert any(m.to == ["support_staff@example.org"] for m in mail.outbox)
    assert reminders_send(today=date(2024, 4, 4)).due_soon == 0  # already told


def test_it_tells_late_units_then_escalates_to_the_reviewer_after_the_delay(only_period, measure, target, people, unit_of, settings):
    settings.REPORTING_ESCALATE_AFTER_DAYS = 5
    report = report_save_draft(measure=measure, unit=unit_of("市人力资源和社会保障局"), period=only_period,
                               user=people["lead_staff"], data=report_input(target, Decimal(60)), revision=None,
                               today=date(2024, 3, 1))
    report_submit(report=report, user=people["lead_staff"], revision=report.revision, today=date(2024, 3, 1))
    summary = reminders_send(today=date(2024, 4, 6))
    assert summary.late > 0 and summary.escalated == 0
    assert not Reminder.objects.filter(measure=measure, unit__name="市人力资源和社会保障局").exists()  # it reported
    assert Reminder.objects.filter(measure=measure, unit__name="团市委", kind="late").exists()
    assert "已逾期" in Notification.objects.get(user=people["support_staff"]).title
    assert not Notification.objects.filter(user=people["reviewer"], kind="escalation").exists()
    summary = reminders_send(today=date(2024, 4, 5) + timedelta(days=6))
    assert summary.escalated > 0 and summary.late == 0
    escalation = Notification.objects.get(user=people["reviewer"], kind="escalation")
    assert "团市委 · 2024年第1季度" in escalation.body


def test_a_closed_period_is_not_chased(only_period, people):
    Period.objects.filter(pk=only_period.pk).update(is_open=False)
    assert reminders_send(today=date(2024, 4, 20)).late == 0


def test_an_admin_sends_a_reminder_by_hand_and_others_may_not(only_period, people):
    summary = reminder_send_manual(period=only_period, user=people["admin"])
    assert summary.manual > 0
    assert "管理员提醒" in Notification.objects.get(user=people["support_staff"]).title
    assert Reminder.objects.filter(kind="manual", sent_by=people["admin"]).count() == summary.manual
    with pytest.raises(ReportingError):
        reminder_send_manual(period=only_period, user=people["reviewer"])


def test_the_beat_job_runs_the_service_and_is_scheduled(settings, only_period):
    assert settings.CELERY_BEAT_SCHEDULE["reporting-reminders"]["task"] == "indicators.tasks.reminders_send_task"
    result = reminders_send_task.apply().get()
    assert set(result) >= {"due_soon", "late", "escalated", "notifications", "emails"}


def test_staff_reach_the_overdue_list_from_the_reminder(client, only_period, people):
    reminders_send(today=date(2024, 4, 20))
    client.force_login(people["support_staff"])
    note = Notification.objects.get(user=people["support_staff"])
    response = client.post(reverse("reporting:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("reporting:my_tasks") + "?status=overdue"
