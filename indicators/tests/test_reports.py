from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import ActualValue, Notification, ProgressReport
from indicators.services import (
    ReportConflict,
    ReportingError,
    period_close,
    report_approve,
    report_correct,
    report_return,
    report_save_draft,
    report_submit,
)
from tasks.signals import progress_changed

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures
from .reporting_fixtures import report_input

pytestmark = pytest.mark.django_db


def draft(measure, unit, period, user, target, value, revision=None, **extra):
    return report_save_draft(measure=measure, unit=unit, period=period, user=user,
                             data=report_input(target, value, **extra), revision=revision)


def submitted(measure, unit, period, user, target, value):
    report = draft(measure, unit, period, user, target, value)
    return report_submit(report=report, user=user, revision=report.revision)


def test_it_saves_a_draft_then_submits_it_and_tells_the_reviewer(measure, target, period, people, unit_of):
    staff = people["lead_staff"]
    report = draft(measure, unit_of("市人力资源和社会保障局"), period, staff, target, Decimal(12))
    assert report.state == "draft" and report.version == 1
    assert report.values.get().value == 12
    report = report_submit(report=report, user=staff, revision=report.revision)
    assert report.state == "submitted"
    note = Notification.objects.get(user=people["reviewer"])
    assert note.kind == "submitted" and "4.1" in note.title


def test_it_refuses_to_submit_without_narrative_or_value_naming_what_is_missing(measure, target, period, people, unit_of):
    staff = people["lead_staff"]
    report = draft(measure, unit_of("市人力资源和社会保障局"), period, staff, target, None, narrative="")
    with pytest.raises(ReportingError) as error:
        report_submit(report=report, user=staff, revision=report.revision)
    assert "进展情况" in str(error.value) and target.phrase in str(error.value)
    report.refresh_from_db()
    assert report.state == "draft"


def test_the_reviewer_returns_with_a_comment_the_staff_member_sees(client, measure, target, period, people, unit_of):
    report = submitted(measure, unit_of("市人力资源和社会保障局"), period, people["lead_staff"], target, Decimal(12))
    with pytest.raises(ReportingError):
        report_return(report=report, user=people["reviewer"], comment="  ")
    report_return(report=report, user=people["reviewer"], comment="请补充见习岗位清单")
    assert Notification.objects.get(user=people["lead_staff"], kind="returned").body == "请补充见习岗位清单"
    client.force_login(people["lead_staff"])
    body = client.get(reverse("reporting:report_edit", args=[measure.pk, period.pk, report.unit_id])).content.decode()
    assert "请补充见习岗位清单" in body


def test_an_approved_report_is_locked_and_a_correction_is_a_new_version(measure, target, period, people, unit_of, django_capture_on_commit_callbacks):
    bureau = unit_of("市人力资源和社会保障局")
    report = submitted(measure, bureau, period, people["lead_staff"], target, Decimal(12))
    received = []
    progress_changed.connect(lambda **kw: received.append(kw["measure_ids"]), weak=False, dispatch_uid="t1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report_approve(report=report, user=people["reviewer"])
    finally:
        progress_changed.disconnect(dispatch_uid="t1")
    assert received == [frozenset({measure.pk})]
    with pytest.raises(ReportingError, match="已通过审核"):
        draft(measure, bureau, period, people["lead_staff"], target, Decimal(99))
    correction = report_correct(report=report, user=people["lead_staff"])
    assert correction.version == 2 and correction.state == "draft"
    correction = draft(measure, bureau, period, people["lead_staff"], target, Decimal(15), revision=correction.revision)
    report.refresh_from_db()
    assert report.state == "approved" and report.values.get().value == 12  # untouched
    correction = report_submit(report=correction, user=people["lead_staff"], revision=correction.revision)
    report_approve(report=correction, user=people["reviewer"])
    counted = ActualValue.objects.filter(report__state="approved", report__measure=measure).order_by("-report__version").first()
    assert counted.value == 15


def test_the_second_of_two_people_editing_one_draft_is_refused_and_nothing_is_overwritten(measure, target, period, people, person, unit_of):
    bureau = unit_of("市人力资源和社会保障局")
    colleague = person("colleague")
    first = draft(measure, bureau, period, people["lead_staff"], target, Decimal(5))
    seen_revision = first.revision  # both open the draft at this revision
    draft(measure, bureau, period, colleague, target, Decimal(7), revision=seen_revision, narrative="同事的版本")
    with pytest.raises(ReportConflict, match="colleague"):
        draft(measure, bureau, period, people["lead_staff"], target, Decimal(9), revision=seen_revision)
    report = ProgressReport.objects.get(pk=first.pk)
    assert report.narrative == "同事的版本" and report.values.get().value == 7


def test_two_people_starting_the_same_new_report_the_second_is_refused(measure, target, period, people, person, unit_of):
    bureau = unit_of("市人力资源和社会保障局")
    draft(measure, bureau, period, person("colleague"), target, Decimal(7))
    with pytest.raises(ReportConflict):
        draft(measure, bureau, period, people["lead_staff"], target, Decimal(9), revision=None)
    assert ProgressReport.objects.get(measure=measure, period=period).values.get().value == 7


def test_the_conflict_is_shown_on_the_page_with_the_form_kept(client, measure, target, period, people, person, unit_of):
    bureau = unit_of("市人力资源和社会保障局")
    report = draft(measure, bureau, period, people["lead_staff"], target, Decimal(5))
    url = reverse("reporting:report_edit", args=[measure.pk, period.pk, bureau.pk])
    client.force_login(person("colleague"))
    form = {"revision": report.revision, "narrative": "我的版本", f"value_{target.pk}": "8", "action": "save"}
    assert client.post(url, form).status_code == 302
    client.force_login(people["lead_staff"])
    response = client.post(url, {**form, "narrative": "后来的版本", f"value_{target.pk}": "9"})
    assert response.status_code == 409
    assert "您的修改没有保存" in response.content.decode() and "后来的版本" in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).narrative == "我的版本"


def test_a_closed_period_takes_no_draft_until_an_admin_reopens_it(measure, target, period, people, unit_of):
    from indicators.services import period_reopen

    period_close(period=period, user=people["admin"])
    with pytest.raises(ReportingError, match="已关闭"):
        draft(measure, unit_of("市人力资源和社会保障局"), period, people["lead_staff"], target, Decimal(1))
    with pytest.raises(ReportingError, match="原因"):
        period_reopen(period=period, user=people["admin"], reason="")
    period_reopen(period=period, user=people["admin"], reason="团市委补报一季度数据")
    draft(measure, unit_of("市人力资源和社会保障局"), period, people["lead_staff"], target, Decimal(1))
    record = period.history.order_by("-history_date").first()
    assert record.history_user == people["admin"] and "团市委补报一季度数据" in record.history_change_reason


def test_only_reviewers_of_the_lead_unit_approve_and_nobody_approves_his_own(measure, target, period, people, person, unit_of):
    report = submitted(measure, unit_of("团市委"), period, people["support_staff"], target, Decimal(3))
    for outsider in (people["leader"], people["support_staff"], person("support_reviewer", role="reviewer", unit="团市委")):
        with pytest.raises(ReportingError):
            report_approve(report=report, user=outsider)
    both = person("both", role="reviewer")
    from units.models import Membership

    Membership.objects.create(user=both, unit=unit_of("市人力资源和社会保障局"), role="staff")
    own = submitted(measure, unit_of("市人力资源和社会保障局"), period, both, target, Decimal(4))
    with pytest.raises(ReportingError, match="自己"):
        report_approve(report=own, user=both)
    report_approve(report=report, user=people["reviewer"])  # the support unit's, by the lead's reviewer


def test_support_units_file_their_contribution_and_the_figure_is_the_sum_of_approved_ones(client, measure, target, period, next_period, people, unit_of):
    bureau, league = unit_of("市人力资源和社会保障局"), unit_of("团市委")
    report_approve(report=submitted(measure, bureau, period, people["lead_staff"], target, Decimal(20)), user=people["reviewer"])
    report_approve(report=submitted(measure, league, period, people["support_staff"], target, Decimal(10)), user=people["reviewer"])
    submitted(measure, league, next_period, people["support_staff"], target, Decimal(40))  # not approved: does not count
    client.force_login(people["lead_staff"])
    # The form shows the cumulative figure with what one types: 20 + 10 approved + 15 typed.
    url = reverse("reporting:report_preview", args=[measure.pk, next_period.pk, bureau.pk])
    body = client.post(url, {f"value_{target.pk}": "15"}).content.decode()
    assert "45个" in body and "75.0%" in body
    page = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    assert "30个" in page  # the approved figure: 20 + 10, the pending 40 left out


def test_a_leader_reads_reports_but_every_write_answers_403(client, measure, target, period, people, unit_of):
    report = submitted(measure, unit_of("市人力资源和社会保障局"), period, people["lead_staff"], target, Decimal(12))
    client.force_login(people["leader"])
    assert client.get(reverse("reporting:report_detail", args=[report.pk])).status_code == 200
    assert client.post(reverse("reporting:report_approve", args=[report.pk])).status_code == 403
    assert client.get(reverse("reporting:report_edit", args=[measure.pk, period.pk, report.unit_id])).status_code == 403
    report.refresh_from_db()
    assert report.state == "submitted"


def test_a_rate_is_kept_as_numerator_and_denominator(people, person, unit_of, period):
    from datetime import date

    from indicators.models import Period
    from indicators.services import ValueInput, ReportInput
    from tasks.models import Measure

    rate_measure = Measure.objects.get(task__plan__slug="guangzhou-2024", task__number=5, seq=3)
    rate = rate_measure.targets.get()
    gz_period = Period.objects.get(plan=rate_measure.task.plan, start=date(2024, 3, 1))
    Period.objects.filter(pk=gz_period.pk).update(is_open=True)
    gz_period.refresh_from_db()
    staff = person("gz", city="guangzhou")
    bureau = unit_of("市人力资源和社会保障局", "guangzhou")
    with pytest.raises(ReportingError, match="分子和分母"):
        report_save_draft(measure=rate_measure, unit=bureau, period=gz_period, user=staff, revision=None,
                          data=ReportInput(narrative="x", values={rate.pk: ValueInput(rate.pk, numerator=Decimal(8))}))
    report = report_save_draft(measure=rate_measure, unit=bureau, period=gz_period, user=staff, revision=None,
                               data=ReportInput(narrative="x", values={rate.pk: ValueInput(rate.pk, numerator=Decimal(85), denominator=Decimal(100))}))
    value = report.values.get()
    assert (value.numerator, value.denominator, value.value) == (85, 100, Decimal("85.00"))


def test_a_measure_without_numbers_needs_a_self_assessed_status(people, person, unit_of):
    from datetime import date

    from indicators.models import Period
    from tasks.models import Measure

    plain = Measure.objects.filter(task__plan__slug="zhongshan-2023-2027", targets__isnull=True,
                                   responsibilities__unit__name="市人力资源和社会保障局",
                                   responsibilities__role="lead").first()
    period = Period.objects.get(plan=plain.task.plan, start=date(2024, 1, 1))
    Period.objects.filter(pk=period.pk).update(is_open=True)
    bureau = unit_of("市人力资源和社会保障局")
    staff = people["lead_staff"]
    report = report_save_draft(measure=plain, unit=bureau, period=period, user=staff, data=report_input(), revision=None)
    with pytest.raises(ReportingError, match="自评状态"):
        report_submit(report=report, user=staff, revision=report.revision)
    report = report_save_draft(measure=plain, unit=bureau, period=period, user=staff, revision=report.revision,
                               data=report_input(self_status="on_track"))
    assert report_submit(report=report, user=staff, revision=report.revision).get_self_status_display() == "正常推进"


def test_a_late_correction_of_an_earlier_period_changes_the_later_cumulative_figure(client, measure, target, period, next_period, people, unit_of):
    bureau = unit_of("市人力资源和社会保障局")
    first = submitted(measure, bureau, period, people["lead_staff"], target, Decimal(20))
    report_approve(report=first, user=people["reviewer"])
    preview = reverse("reporting:report_preview", args=[measure.pk, next_period.pk, bureau.pk])
    client.force_login(people["lead_staff"])
    assert "30个" in client.post(preview, {f"value_{target.pk}": "10"}).content.decode()  # 20 + 10
    correction = report_correct(report=first, user=people["lead_staff"])
    correction = draft(measure, bureau, period, people["lead_staff"], target, Decimal(35), revision=correction.revision)
    assert "30个" in client.post(preview, {f"value_{target.pk}": "10"}).content.decode()  # not approved yet
    report_approve(report=report_submit(report=correction, user=people["lead_staff"], revision=correction.revision),
                   user=people["reviewer"])
    assert "45个" in client.post(preview, {f"value_{target.pk}": "10"}).content.decode()  # 35 + 10
