"""督办单: issued by a city's supervisors to a measure's units; 签收 or 退回 (naming the right
unit); answered with a statement and evidence; closed by the supervisor. Unanswered notices are
repeated daily once past their date and escalated to the unit's leader after a delay."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.services.notifications import notify
from tasks.models import Measure
from units.models import Membership, Unit

from ..access import supervises
from ..models import Alert, Notice
from . import SupervisionError
from .common import attach, check_files, leaders_for, require, users_of

STAFF, REVIEWER = Membership.Role.STAFF, Membership.Role.REVIEWER


def _title(notice: Notice) -> str:
    return _("【%(level)s】%(code)s %(text)s") % {
        "level": notice.get_level_display(), "code": notice.measure.code, "text": notice.measure.text[:30]}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(8, 0)))


def _history_reason(notice: Notice, reason: str) -> None:
    notice._change_reason = reason


@transaction.atomic
def notices_issue(*, measure: Measure, units: list[Unit], level: str, request: str, answer_by: date, user,
                  today: date | None = None) -> list[Notice]:
    """One notice per unit; each unit's staff is told in the portal."""
    today = today or timezone.localdate()
    city_id = measure.task.plan.city_id
    require(supervises(user, city_id), _("只有本市的管理员或领导可以发出督办单。"))
    responsible = {r.unit_id for r in measure.responsibilities.all()}
    require(bool(units), _("请选择至少一个责任单位。"))
    require(all(u.pk in responsible for u in units), _("督办单只能发给本措施的责任单位。"))
    require(level in Notice.Level.values, _("督办级别无效。"))
    require(bool(request.strip()), _("请填写督办事项。"))
    require(answer_by >= today, _("答复期限不能早于今天。"))
    notices = []
    for unit in units:
        notice = Notice(measure=measure, unit=unit, city_id=city_id, level=level, request=request.strip(),
                        answer_by=answer_by, issued_by=user, next_nag_at=_day_start(answer_by + timedelta(days=1)))
        _history_reason(notice, _("发出督办单"))
        notice.save()
        notify(users_of([unit.pk], STAFF, REVIEWER), kind="reminder", title=_("督办单：") + _title(notice),
               body=notice.request, url=reverse("supervision:notice", args=[notice.pk]))
        notices.append(notice)
    return notices


def _transition(notice: Notice, allowed: set[str]) -> Notice:
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.state not in allowed:
        raise SupervisionError(_("督办单当前状态为“%(state)s”，不能进行此操作。") % {"state": locked.get_state_display()})
    return locked


@transaction.atomic
def notice_acknowledge(*, notice: Notice, user) -> Notice:
    notice = _transition(notice, {Notice.State.OPEN})
    notice.state, notice.acknowledged_by, notice.acknowledged_at = Notice.State.ACKNOWLEDGED, user, timezone.now()
    _history_reason(notice, _("签收"))
    notice.save()
    return notice


@transaction.atomic
def notice_return(*, notice: Notice, user, reason: str, suggested_unit: Unit | None = None) -> Notice:
    """Not ours: the reason is required, the right unit named where the unit knows it."""
    require(bool(reason.strip()), _("退回须说明理由。"))
    notice = _transition(notice, {Notice.State.OPEN, Notice.State.ACKNOWLEDGED})
    if suggested_unit is not None:
        require(suggested_unit.region_id == notice.unit.region_id or suggested_unit.region.parent_id == notice.city_id,
                _("建议承办单位须是本市的单位。"))
    notice.state, notice.return_reason, notice.suggested_unit = Notice.State.RETURNED, reason.strip(), suggested_unit
    notice.next_nag_at = None
    _history_reason(notice, _("退回：%(reason)s") % {"reason": reason.strip()[:80]})
    notice.save()
    notify([notice.issued_by], kind="returned", title=_("督办单被退回：") + _title(notice), body=reason,
           url=reverse("supervision:notice", args=[notice.pk]))
    return notice


@transaction.atomic
def notice_reissue(*, notice: Notice, user, unit: Unit) -> Notice:
    """A returned notice sent on to the unit named (or another one), as a new notice."""
    require(supervises(user, notice.city_id), _("只有本市的管理员或领导可以转办督办单。"))
    require(notice.state == Notice.State.RETURNED, _("只有已退回的督办单可以转办。"))
    if not notice.measure.responsibilities.filter(unit=unit).exists():
        require(unit.region_id == notice.unit.region_id, _("转办单位须是本市的单位。"))
    new = Notice(measure=notice.measure, unit=unit, city_id=notice.city_id, level=notice.level, request=notice.request,
                 answer_by=max(notice.answer_by, timezone.localdate()), issued_by=user, reissued_from=notice,
                 next_nag_at=_day_start(max(notice.answer_by, timezone.localdate()) + timedelta(days=1)))
    _history_reason(new, _("转办自 %(unit)s") % {"unit": notice.unit.name})
    new.save()
    notify(users_of([unit.pk], STAFF, REVIEWER), kind="reminder", title=_("督办单：") + _title(new), body=new.request,
           url=reverse("supervision:notice", args=[new.pk]))
    return new


@transaction.atomic
def notice_answer(*, notice: Notice, user, answer: str, files=()) -> Notice:
    require(bool(answer.strip()), _("请填写答复内容。"))
    files = check_files(files)
    notice = _transition(notice, {Notice.State.OPEN, Notice.State.ACKNOWLEDGED})
    now = timezone.now()
    if notice.acknowledged_at is None:  # answering is acknowledging
        notice.acknowledged_by, notice.acknowledged_at = user, now
    notice.state, notice.answer, notice.answered_by, notice.answered_at = Notice.State.ANSWERED, answer.strip(), user, now
    notice.next_nag_at = None
    _history_reason(notice, _("答复"))
    notice.save()
    attach(files, user=user, notice=notice)
    notify([notice.issued_by], kind="submitted", title=_("督办单已答复：") + _title(notice), body=notice.answer[:300],
           url=reverse("supervision:notice", args=[notice.pk]))
    return notice


@transaction.atomic
def notice_close(*, notice: Notice, user) -> Notice:
    require(supervises(user, notice.city_id), _("只有本市的管理员或领导可以办结督办单。"))
    notice = _transition(notice, {Notice.State.ANSWERED})
    notice.state, notice.closed_at = Notice.State.CLOSED, timezone.now()
    _history_reason(notice, _("办结"))
    notice.save()
    return notice


def notices_remind(*, now: datetime | None = None) -> dict:
    """The daily repeat of unanswered notices past their date, and their escalation to the
    unit's leader `SUPERVISION_ESCALATE_AFTER_DAYS` after it. Each notice is claimed with a
    compare-and-swap on `next_nag_at`, so two runs never repeat it twice; what is to be said
    becomes an Alert, sent by the alert job (quiet hours, channels, once)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    delay = timedelta(days=settings.SUPERVISION_ESCALATE_AFTER_DAYS)
    repeated = escalated = 0
    due = Notice.objects.filter(state__in=[Notice.State.OPEN, Notice.State.ACKNOWLEDGED], next_nag_at__lte=now)
    for notice in due.select_related("measure__task", "unit"):
        claimed = Notice.objects.filter(pk=notice.pk, next_nag_at=notice.next_nag_at).update(
            next_nag_at=_day_start(today + timedelta(days=1)))
        if claimed != 1:
            continue  # another run has it
        days_late = (today - notice.answer_by).days
        _alert(notice, Alert.Kind.NOTICE_REPEAT, f"notice-repeat:{notice.pk}:{today.isoformat()}",
               _("督办单已逾期 %(n)s 天未答复：") % {"n": days_late} + _title(notice), to_leader=False)
        repeated += 1
        if notice.escalated_at is None and today >= notice.answer_by + delay:
            Notice.objects.filter(pk=notice.pk).update(escalated_at=now)
            _alert(notice, Alert.Kind.NOTICE_ESCALATED, f"notice-escalated:{notice.pk}",
                   _("督办单逾期未答复，报请领导督促：") + _title(notice), to_leader=True)
            escalated += 1
    return {"repeated": repeated, "escalated": escalated}


def _alert(notice: Notice, kind: str, key: str, title: str, *, to_leader: bool) -> None:
    Alert.objects.get_or_create(key=key, defaults=dict(
        kind=kind, measure=notice.measure, unit=notice.unit, notice=notice, city_id=notice.city_id,
        title=title[:200], body=notice.request, to_leader=to_leader))


__all__ = ["leaders_for"]
