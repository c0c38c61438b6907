"""督办单, 销号 and 延期 through their services and pages, on 中山 4.1 (the bureau leads,
团市委 supports)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from indicators.models import Notification
from indicators.services import ReportingError, report_save_draft
from indicators.tests.reporting_fixtures import report_input
from portal.supervision.models import Alert, Closure, Extension, Notice
from portal.supervision.services import SupervisionError
from portal.supervision.services.closing import closure_apply, closure_check, closure_decide
from portal.supervision.services.extensions import extension_apply, extension_decide
from portal.supervision.services.notices import (notice_acknowledge, notice_answer, notice_close, notice_reissue,
                                                 notice_return, notices_issue, notices_remind)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def bureau(unit_of):
    return unit_of("市人力资源和社会保障局")


@pytest.fixture
def issued(measure, bureau, people):
    return notices_issue(measure=measure, units=[bureau], level="listed", request="说明滞后原因",
                         answer_by=timezone.localdate() + timedelta(days=5), user=people["leader"])[0]


def test_it_issues_a_notice_to_the_unit_and_tells_its_staff(issued, people):
    assert issued.state == "open" and issued.level == "listed"
    assert Notification.objects.filter(user=people["lead_staff"], url=reverse("supervision:notice", args=[issued.pk])).exists()
    assert not Notification.objects.filter(user=people["support_staff"]).exists()


def test_only_supervisors_issue_and_only_to_responsible_units(measure, bureau, unit_of, people):
    with pytest.raises(SupervisionError):
        notices_issue(measure=measure, units=[bureau], level="remind", request="x", answer_by=timezone.localdate(),
                      user=people["lead_staff"])
    with pytest.raises(SupervisionError):
        notices_issue(measure=measure, units=[unit_of("市财政局")], level="remind", request="x",
                      answer_by=timezone.localdate(), user=people["admin"])


def test_the_unit_acknowledges_then_answers_with_evidence_and_the_leader_closes(issued, people):
    notice = notice_acknowledge(notice=issued, user=people["lead_staff"])
    assert notice.state == "acknowledged" and notice.acknowledged_by == people["lead_staff"]
    notice = notice_answer(notice=notice, user=people["lead_staff"], answer="已整改",
                           files=[SimpleUploadedFile("整改.pdf", PDF)])
    assert notice.state == "answered" and notice.attachments.get().kind == "pdf"
    with pytest.raises(SupervisionError):
        notice_acknowledge(notice=notice, user=people["lead_staff"])
    notice = notice_close(notice=notice, user=people["leader"])
    assert notice.state == "closed"
    reasons = list(notice.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["发出督办单", "签收", "答复", "办结"]


def test_a_file_that_is_not_evidence_is_refused_and_nothing_changes(issued, people):
    with pytest.raises(SupervisionError, match="不是允许的类型"):
        notice_answer(notice=issued, user=people["lead_staff"], answer="x", files=[SimpleUploadedFile("a.pdf", b"MZ...")])
    issued.refresh_from_db()
    assert issued.state == "open"


def test_a_return_names_the_right_unit_and_the_supervisor_reissues_it(issued, people, unit_of):
    with pytest.raises(SupervisionError):
        notice_return(notice=issued, user=people["lead_staff"], reason=" ")
    league = unit_of("团市委")
    notice = notice_return(notice=issued, user=people["lead_staff"], reason="非我局职责", suggested_unit=league)
    assert notice.state == "returned" and notice.suggested_unit == league
    new = notice_reissue(notice=notice, user=people["admin"], unit=league)
    assert new.unit == league and new.reissued_from == notice and new.state == "open"


def test_an_unanswered_notice_is_repeated_daily_and_escalated_once(issued, people):
    Notice.objects.filter(pk=issued.pk).update(answer_by=timezone.localdate() - timedelta(days=4),
                                               next_nag_at=timezone.now() - timedelta(hours=1))
    assert notices_remind() == {"repeated": 1, "escalated": 1}
    assert notices_remind() == {"repeated": 0, "escalated": 0}  # claimed until tomorrow
    tomorrow = timezone.now() + timedelta(days=1, hours=1)
    assert notices_remind(now=tomorrow) == {"repeated": 1, "escalated": 0}
    kinds = sorted(Alert.objects.filter(notice=issued).values_list("kind", flat=True))
    assert kinds == ["notice_escalated", "notice_repeat", "notice_repeat"]
    assert Alert.objects.get(kind="notice_escalated").to_leader


def test_the_city_page_lists_overdue_notices_first_and_hides_other_units_ones(client, issued, measure, bureau, people):
    late = notices_issue(measure=measure, units=[bureau], level="remind", request="早该答复",
                         answer_by=timezone.localdate(), user=people["admin"])[0]
    Notice.objects.filter(pk=late.pk).update(answer_by=timezone.localdate() - timedelta(days=1))
    client.force_login(people["leader"])
    page = client.get(reverse("supervision:city", args=[measure.task.plan.city_id])).content.decode()
    assert page.index(f'/supervision/notices/{late.pk}/') < page.index(f'/supervision/notices/{issued.pk}/')
    client.force_login(people["support_staff"])
    page = client.get(reverse("supervision:city", args=[measure.task.plan.city_id])).content.decode()
    assert f"/supervision/notices/{issued.pk}/" not in page
    assert client.get(reverse("supervision:notice", args=[issued.pk])).status_code == 404


def test_the_measure_page_shows_every_step(client, issued, measure, people):
    notice_acknowledge(notice=issued, user=people["lead_staff"])
    client.force_login(people["leader"])
    page = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    assert 'id="supervision-history"' in page and "签收" in page and "发出督办单" in page
    assert 'id="issue-notice"' in page


def _met(monkeypatch, value):
    monkeypatch.setattr("portal.supervision.services.closing.targets_met", lambda m: value)


def test_closing_goes_applicant_reviewer_leader_and_stops_reports(measure, bureau, period, target, people, monkeypatch):
    _met(monkeypatch, False)
    with pytest.raises(SupervisionError, match="说明理由"):
        closure_apply(measure=measure, unit=bureau, user=people["lead_staff"], statement="已完成")
    closure = closure_apply(measure=measure, unit=bureau, user=people["lead_staff"], statement="已完成",
                            unmet_reason="指标口径调整", files=[SimpleUploadedFile("总结.pdf", PDF)])
    assert not closure.targets_met
    with pytest.raises(SupervisionError):
        closure_decide(closure=closure, user=people["leader"], approve=True)  # not yet checked
    closure = closure_check(closure=closure, user=people["reviewer"], approve=True)
    assert closure.state == "checked"
    closure = closure_decide(closure=closure, user=people["leader"], approve=True, comment="同意")
    assert closure.state == "closed"
    with pytest.raises(ReportingError, match="已销号"):
        report_save_draft(measure=measure, unit=bureau, period=period, user=people["lead_staff"],
                          data=report_input(target, Decimal(1)), revision=None)


def test_a_leader_sends_a_closing_back_with_a_reason_and_the_unit_applies_again(measure, bureau, people, monkeypatch):
    _met(monkeypatch, None)
    closure = closure_apply(measure=measure, unit=bureau, user=people["lead_staff"], statement="已完成")
    closure = closure_check(closure=closure, user=people["reviewer"], approve=True)
    with pytest.raises(SupervisionError):
        closure_decide(closure=closure, user=people["leader"], approve=False)
    closure = closure_decide(closure=closure, user=people["leader"], approve=False, comment="佐证不足")
    assert closure.state == "returned"
    again = closure_apply(measure=measure, unit=bureau, user=people["lead_staff"], statement="补充佐证")
    assert again.state == "submitted"
    with pytest.raises(SupervisionError):
        closure_apply(measure=measure, unit=bureau, user=people["support_staff"], statement="x")


def test_an_extension_is_filed_before_the_deadline_and_moves_it_with_history(measure, bureau, people):
    today = date(2024, 6, 1)
    measure.deadline, measure.deadline_text = date(2024, 6, 30), "2024年6月底前"
    measure.save()
    with pytest.raises(SupervisionError, match="已过完成时限"):
        extension_apply(measure=measure, unit=bureau, user=people["lead_staff"], requested_deadline=date(2024, 9, 30),
                        reason="疫情", today=date(2024, 7, 1))
    extension = extension_apply(measure=measure, unit=bureau, user=people["lead_staff"],
                                requested_deadline=date(2024, 9, 30), reason="场地未落实", today=today)
    extension.measure = measure
    extension = extension_decide(extension=extension, user=people["leader"], approve=True)
    measure.refresh_from_db()
    assert measure.deadline == date(2024, 9, 30) and "原2024年6月底前" in measure.deadline_text
    assert extension.original_deadline == date(2024, 6, 30)
    assert measure.history.first().history_change_reason == "批准延期至 2024-09-30"
    assert Extension.objects.get().state == "approved"


def test_pages_run_the_chain(client, measure, bureau, people, monkeypatch):
    _met(monkeypatch, None)
    client.force_login(people["leader"])
    response = client.post(reverse("supervision:notice_new", args=[measure.pk]), {
        "units": [str(bureau.pk)], "level": "supervise", "request": "请答复",
        "answer_by": (timezone.localdate() + timedelta(days=3)).isoformat()})
    notice = Notice.objects.get()
    assert response.status_code == 302
    client.force_login(people["lead_staff"])
    client.post(reverse("supervision:notice_acknowledge", args=[notice.pk]))
    client.post(reverse("supervision:notice_answer", args=[notice.pk]),
                {"answer": "已办理", "files": [SimpleUploadedFile("a.pdf", PDF)]})
    notice.refresh_from_db()
    assert notice.state == "answered" and notice.attachments.count() == 1
    client.post(reverse("supervision:closure_new", args=[measure.pk]), {"statement": "完成"})
    closure = Closure.objects.get()
    client.force_login(people["reviewer"])
    client.post(reverse("supervision:closure_check", args=[closure.pk]), {"approve": "1"})
    client.force_login(people["leader"])
    client.post(reverse("supervision:closure_decide", args=[closure.pk]), {"approve": "1"})
    closure.refresh_from_db()
    assert closure.state == "closed"
    assert "本措施已销号" in client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
