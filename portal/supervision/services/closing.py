"""销号: the lead unit applies (办结申请) with a statement and evidence, the lead unit's
reviewer checks it, the city's leader signs it off (已销号) or sends it back with a reason.
With numeric targets the application needs them met, or a reason the leader accepts by
signing off. A closed measure takes no more reports."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.access import reviews
from indicators.models import ProgressReport
from indicators.services import ReportingError
from indicators.services.notifications import notify
from portal.dashboards.models import MeasureSummary, Status, TargetSeries
from tasks.models import Measure
from tasks.signals import notify_progress_changed
from units.models import Membership, Unit

from ..access import files_for, leads_city
from ..models import Closure
from . import SupervisionError
from .common import attach, check_files, leaders_for, require, users_of


def measure_is_closed(measure_id: int) -> bool:
    return Closure.objects.filter(measure_id=measure_id, state=Closure.State.CLOSED).exists()


def refuse_reports_of_closed_measures(sender, instance: ProgressReport, **kwargs) -> None:
    """pre_save of every report: a draft or a submission on a closed measure is refused (an
    approval of what was submitted before the closing still goes through)."""
    if instance.state in {ProgressReport.State.DRAFT, ProgressReport.State.SUBMITTED} and measure_is_closed(instance.measure_id):
        raise ReportingError(_("该措施已销号，不再接受进度报告。"))


def targets_met(measure: Measure) -> bool | None:
    """None without numeric targets; else whether the rollup has every target done."""
    target_ids = list(measure.targets.values_list("pk", flat=True))
    if not target_ids:
        return None
    series = {s.target_id: s for s in TargetSeries.objects.filter(target_id__in=target_ids).select_related("target")}
    if len(series) < len(target_ids):
        return False
    latest = MeasureSummary.objects.filter(measure=measure).order_by("-as_of").values_list("status", flat=True).first()
    if latest == Status.DONE:
        return True
    return all(s.point_at(s.last_as_of) is not None and s.point_at(s.last_as_of).status == Status.DONE
               for s in series.values())


@transaction.atomic
def closure_apply(*, measure: Measure, unit: Unit, user, statement: str, unmet_reason: str = "", files=()) -> Closure:
    require(files_for(user, unit.pk) and measure.responsibilities.filter(unit=unit, role="lead").exists(),
            _("只有牵头单位可以提出办结申请。"))
    require(not Closure.objects.filter(measure=measure, state__in=[Closure.State.SUBMITTED, Closure.State.CHECKED,
                                                                    Closure.State.CLOSED]).exists(),
            _("该措施已有办结申请或已销号。"))
    require(bool(statement.strip()), _("请填写完成情况说明。"))
    met = targets_met(measure)
    if met is False:
        require(bool(unmet_reason.strip()), _("目标尚未全部达标：请说明理由，由领导审定。"))
    files = check_files(files)
    closure = Closure(measure=measure, unit=unit, applied_by=user, statement=statement.strip(),
                      unmet_reason=unmet_reason.strip(), targets_met=met is not False)
    closure._change_reason = _("办结申请")
    closure.save()
    attach(files, user=user, closure=closure)
    reviewers = users_of({r.unit_id for r in measure.responsibilities.all() if r.role == "lead"}, Membership.Role.REVIEWER)
    notify(reviewers, kind="submitted", title=_("办结申请待审核：%(code)s") % {"code": measure.code},
           url=reverse("supervision:closure", args=[closure.pk]))
    return closure


def _locked(closure: Closure, state: str) -> Closure:
    locked = Closure.objects.select_for_update().get(pk=closure.pk)
    if locked.state != state:
        raise SupervisionError(_("办结申请当前状态为“%(s)s”，不能进行此操作。") % {"s": locked.get_state_display()})
    locked.measure = closure.measure
    return locked


@transaction.atomic
def closure_check(*, closure: Closure, user, approve: bool, comment: str = "") -> Closure:
    """The reviewer's check: passes it to the leader, or returns it with a comment."""
    require(reviews(user, closure.measure), _("只有牵头单位的审核员可以审核办结申请。"))
    closure = _locked(closure, Closure.State.SUBMITTED)
    require(closure.applied_by_id != user.pk, _("申请人不能审核自己的申请。"))
    if not approve:
        require(bool(comment.strip()), _("退回须说明理由。"))
    closure.checked_by, closure.checked_at, closure.comment = user, timezone.now(), comment.strip()
    closure.state = Closure.State.CHECKED if approve else Closure.State.RETURNED
    closure._change_reason = _("审核通过") if approve else _("审核退回：%(c)s") % {"c": comment.strip()[:80]}
    closure.save()
    if approve:
        notify(leaders_for(None, closure.measure.task.plan.city_id), kind="submitted",
               title=_("办结申请待审定：%(code)s") % {"code": closure.measure.code},
               url=reverse("supervision:closure", args=[closure.pk]))
    else:
        notify([closure.applied_by], kind="returned", title=_("办结申请被退回：%(code)s") % {"code": closure.measure.code},
               body=comment, url=reverse("supervision:closure", args=[closure.pk]))
    return closure


@transaction.atomic
def closure_decide(*, closure: Closure, user, approve: bool, comment: str = "") -> Closure:
    """The leader's sign-off (已销号) — accepting the stated reason where targets are unmet —
    or a return with a reason."""
    require(leads_city(user, closure.measure.task.plan.city_id), _("只有本市领导可以审定销号。"))
    closure = _locked(closure, Closure.State.CHECKED)
    if not approve:
        require(bool(comment.strip()), _("退回须说明理由。"))
    closure.decided_by, closure.decided_at = user, timezone.now()
    closure.comment = comment.strip() or closure.comment
    closure.state = Closure.State.CLOSED if approve else Closure.State.RETURNED
    closure._change_reason = _("已销号") if approve else _("领导退回：%(c)s") % {"c": comment.strip()[:80]}
    closure.save()
    notify([closure.applied_by], kind="approved" if approve else "returned",
           title=(_("已销号：%(code)s") if approve else _("销号申请被退回：%(code)s")) % {"code": closure.measure.code},
           body=comment, url=reverse("supervision:closure", args=[closure.pk]))
    if approve:
        notify_progress_changed([closure.measure_id])
        # The units' scores change with a closing (按时销号 …): scored again now, not at night
        # only; if the broker is down the nightly run still catches up.
        measure_id = closure.measure_id
        transaction.on_commit(lambda: _rescore(measure_id))
    return closure


def _rescore(measure_id: int) -> None:
    from portal.celery import enqueue

    from ..tasks import scores_for_measure_task

    enqueue(scores_for_measure_task, measure_id)
