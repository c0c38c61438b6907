"""Review by the lead unit's reviewers: approve (the values count from then on) or return with a
comment."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.signals import notify_progress_changed
from units.models import Membership

from ..access import filers_of, reviews_report
from ..models import Notification, ProgressReport
from .errors import ReportingError
from .notifications import notify, report_title, unit_users
from .reports import with_history_user


def _check_review(report: ProgressReport, user) -> None:
    if not reviews_report(user, report):
        raise ReportingError(_("只有牵头单位的审核员可以审核这份报告。"))
    if report.state != ProgressReport.State.SUBMITTED:
        raise ReportingError(_("报告当前状态为“%(state)s”，不在待审核状态。") % {"state": report.get_state_display()})
    # Four eyes: not whoever saved or submitted this version, whatever roles he holds.
    if user.pk in filers_of(report):
        raise ReportingError(_("不能审核自己填报或提交的报告：须由另一位审核员审核。"))


def _notify_filers(report: ProgressReport, *, kind: str, title: str, body: str, reviewer) -> None:
    filers = unit_users([report.unit_id], Membership.Role.STAFF).exclude(pk=reviewer.pk)
    notify(filers, kind=kind, title=title, body=body,
            url=reverse("reporting:report_detail", args=[report.pk]), report=report)


@transaction.atomic
def report_approve(*, report: ProgressReport, user, comment: str = "") -> ProgressReport:
    """Approve a submitted report: it is locked, and its values now count."""
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related("measure__task", "unit", "period").get(pk=report.pk)
    _check_review(report, user)
    report.state = ProgressReport.State.APPROVED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment.strip()
    report.revision += 1
    with_history_user(report, user).save()
    _notify_filers(
        report, kind=Notification.Kind.APPROVED, reviewer=user,
        title=str(_("已通过：%(report)s") % {"report": report_title(report)}),
        body=report.review_comment,
    )
    # A correction approved here replaces an earlier version's figures: rollups recompute.
    notify_progress_changed([report.measure_id])
    return report


@transaction.atomic
def report_return(*, report: ProgressReport, user, comment: str) -> ProgressReport:
    """Send a submitted report back to its unit with the reviewer's comment."""
    comment = comment.strip()
    if not comment:
        raise ReportingError(_("退回时须填写审核意见，说明需要修改的地方。"))
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related("measure__task", "unit", "period").get(pk=report.pk)
    _check_review(report, user)
    report.state = ProgressReport.State.RETURNED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.revision += 1
    with_history_user(report, user).save()
    _notify_filers(
        report, kind=Notification.Kind.RETURNED, reviewer=user,
        title=str(_("已退回：%(report)s") % {"report": report_title(report)}),
        body=comment,
    )
    return report
