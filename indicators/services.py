"""Writes of the indicators app: the indicator catalogue, the results cities reported, and
progress reporting (periods, reports, review, reminders, notifications)."""

from __future__ import annotations

import csv
import uuid
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from tasks.models import Measure, Plan, Responsibility
from units.access import scope_for
from units.models import Membership, Region, Unit

from .evidence import EvidenceRefused, check_evidence_file
from .figures import rate_of
from .models import (
    ActualValue,
    Evidence,
    Indicator,
    IndicatorAlias,
    Notification,
    Period,
    ProgressReport,
    RecordedResult,
    Reminder,
    Target,
    TargetKind,
)
from .parsing import parse_result_value
from .signals import notify_progress_changed


class ReferenceDataError(Exception):
    pass


@transaction.atomic
def indicators_load_csv(*, paths: list[Path]) -> int:
    """Merge indicator files by code: a name may be claimed by one code only."""
    rows: dict[str, dict] = {}
    owner_of_name: dict[str, str] = {}
    for path in paths:
        for line, row in enumerate(csv.DictReader(path.open(encoding="utf-8")), start=2):
            code, name = row["代码"].strip(), row["名称"].strip()
            aliases = {a.strip() for a in (row.get("别名") or "").split("|") if a.strip()}
            merged = rows.setdefault(code, {"name": name, "unit": row["单位"].strip(), "aliases": set()})
            if merged["name"] != name:
                raise ReferenceDataError(f"{path.name} 第{line}行：指标代码{code}已用于“{merged['name']}”，不能再用于“{name}”")
            merged["aliases"] |= aliases
            for label in {name} | aliases:
                if owner_of_name.setdefault(label, code) != code:
                    raise ReferenceDataError(
                        f"{path.name} 第{line}行：名称“{label}”同时属于指标{owner_of_name[label]}和{code}"
                    )
    existing = {i.code: i for i in Indicator.objects.all()}
    created = 0
    for code, data in rows.items():
        indicator = existing.get(code)
        if indicator is None:
            indicator = Indicator.objects.create(code=code, name=data["name"], unit=data["unit"])
            created += 1
        elif (indicator.name, indicator.unit) != (data["name"], data["unit"]):
            indicator.name, indicator.unit = data["name"], data["unit"]
            indicator.save(update_fields=["name", "unit"])
        known = set(indicator.aliases.values_list("name", flat=True))
        IndicatorAlias.objects.bulk_create(
            [IndicatorAlias(name=alias, indicator=indicator) for alias in sorted(data["aliases"] - known - {data["name"]})]
        )
    return created


@transaction.atomic
def results_load_csv(*, path: Path, source_document: str = "") -> int:
    """Results a city reported (城市, 年份, 指标, 结果, 原文), one per indicator, city and year."""
    by_pk = Indicator.objects.in_bulk()
    indicators = {name: by_pk[pk] for name, pk in Indicator.objects.by_name().items()}
    cities: dict[str, Region] = {}
    seen: dict[tuple, int] = {}
    created = 0
    for line, row in enumerate(csv.DictReader(path.open(encoding="utf-8")), start=2):
        where = f"{path.name} 第{line}行"
        indicator = indicators.get(row["指标"].strip())
        if indicator is None:
            raise ReferenceDataError(f"{where}：指标“{row['指标']}”不存在")
        city_name = row["城市"].strip()
        if city_name not in cities:
            try:
                cities[city_name] = Region.objects.get_city(city_name)
            except Region.DoesNotExist:
                raise ReferenceDataError(f"{where}：城市“{city_name}”不存在") from None
        quantity = parse_result_value(row["结果"])
        if quantity is None:
            raise ReferenceDataError(f"{where}：结果“{row['结果']}”中没有数值和计量单位")
        key = (indicator.pk, city_name, int(row["年份"]))
        if key in seen:
            raise ReferenceDataError(f"{where}：与第{seen[key]}行重复（同一指标、城市和年份）")
        seen[key] = line
        _result, was_created = RecordedResult.objects.update_or_create(
            indicator=indicator,
            city=cities[city_name],
            year=int(row["年份"]),
            defaults={
                "value": quantity.value,
                "unit": quantity.unit,
                "phrase": row["原文"].strip(),
                "source_document": source_document,
            },
        )
        created += was_created
    return created


# ---------------------------------------------------------------------------------------
# Progress reporting: periods, reports, review, reminders, notifications.
# ---------------------------------------------------------------------------------------


class ReportingError(Exception):
    """A refused reporting action; the message is for the user, in his language."""


class ReportConflict(ReportingError):
    """Someone else saved the report since the user opened it: nothing was overwritten."""


@dataclass(frozen=True)
class ValueInput:
    target_id: int
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def empty(self) -> bool:
        return self.value is None and self.numerator is None and self.denominator is None


@dataclass(frozen=True)
class ReportInput:
    narrative: str = ""
    problems: str = ""
    next_steps: str = ""
    self_status: str = ""
    values: dict[int, ValueInput] = field(default_factory=dict)


@dataclass
class ReminderSummary:
    due_soon: int = 0
    late: int = 0
    escalated: int = 0
    manual: int = 0
    notifications: int = 0
    emails: int = 0


def _month_end(day: date) -> date:
    return date(day.year, day.month, monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_due_date(end: date, due_day: int | None = None) -> date:
    """The day reports are due: by default the 5th of the month after the period."""
    due_day = due_day or settings.REPORTING_DUE_DAY
    first = _add_months(end.replace(day=1), 1)
    return first.replace(day=min(due_day, monthrange(first.year, first.month)[1]))


@transaction.atomic
def periods_create_for_plan(*, plan: Plan, due_day: int | None = None, today: date | None = None) -> int:
    """Create the plan's reporting periods (months, or quarters where the plan says so).

    Running again creates only what is missing. A plan already over gets its periods closed:
    nobody files for 2020 by accident, and an admin can still reopen one, with a reason.
    """
    today = today or timezone.localdate()
    step = 3 if plan.frequency == Plan.Frequency.QUARTERLY else 1
    existing = set(plan.periods.values_list("start", flat=True))
    over = plan.year_end < today.year
    periods = []
    start = date(plan.year_start, 1, 1)
    while start.year <= plan.year_end:
        end = _month_end(_add_months(start, step - 1))
        if start not in existing:
            periods.append(
                Period(plan=plan, start=start, end=end, due_date=period_due_date(end, due_day),
                       is_open=not over, closed_at=timezone.now() if over else None)
            )
        start = _add_months(start, step)
    bulk_create_with_history(
        periods, Period, default_change_reason=str(_("方案已结束，周期创建时关闭") if over else _("创建周期"))
    )
    return len(periods)


@transaction.atomic
def period_close(*, period: Period, user) -> Period:
    period = Period.objects.select_for_update(of=("self",)).get(pk=period.pk)
    if not period.is_open:
        raise ReportingError(_("%(period)s 已经关闭。") % {"period": period.label})
    period.is_open = False
    period.closed_at = timezone.now()
    period._history_user = user
    period._change_reason = str(_("关闭"))
    period.save(update_fields=["is_open", "closed_at"])
    return period


@transaction.atomic
def period_reopen(*, period: Period, user, reason: str) -> Period:
    """Reopen a closed period; the reason and the admin are kept in the period's history."""
    reason = reason.strip()
    if not reason:
        raise ReportingError(_("重新开放周期须填写原因。"))
    period = Period.objects.select_for_update(of=("self",)).get(pk=period.pk)
    if period.is_open:
        raise ReportingError(_("%(period)s 已经是开放状态。") % {"period": period.label})
    period.is_open = True
    period._history_user = user
    period._change_reason = str(_("重新开放：%(reason)s") % {"reason": reason})[:100]
    period.save(update_fields=["is_open"])
    return period


@transaction.atomic
def period_set_due_date(*, period: Period, user, due_date: date) -> Period:
    if due_date < period.end:
        raise ReportingError(_("报送截止日期不能早于周期结束日（%(end)s）。") % {"end": period.end})
    period._history_user = user
    period._change_reason = str(_("修改报送截止日期"))
    period.due_date = due_date
    period.save(update_fields=["due_date"])
    return period


def fillable_targets(*, measure: Measure, period: Period, unit_id: int) -> list[Target]:
    """The targets a unit reports on in a period: those whose span meets the period.

    Support units add their contribution to additive targets and rates; a level (stock,
    ceiling) is the lead unit's to state.
    """
    is_lead = any(r.unit_id == unit_id and r.role == Responsibility.Role.LEAD for r in measure.responsibilities.all())
    return [
        t for t in measure.targets.all()
        if t.period_start <= period.end and t.period_end >= period.start
        and (is_lead or t.is_additive or t.kind == TargetKind.RATE)
    ]


def _set_user(obj, user):
    obj._history_user = user
    return obj


def _check_can_fill(user, measure: Measure, unit: Unit) -> None:
    staff_units = scope_for(user).unit_ids(Membership.Role.STAFF)
    if unit.pk not in staff_units or not measure.responsibilities.filter(unit=unit).exists():
        raise ReportingError(_("您不是“%(unit)s”的填报员，不能填报该单位的报告。") % {"unit": unit.name})


def _check_period_takes_reports(period: Period, today: date) -> None:
    # The state in the database, not the caller's copy: an admin may have just closed it.
    period.is_open, period.start = Period.objects.values_list("is_open", "start").get(pk=period.pk)
    if not period.is_open:
        raise ReportingError(_("%(period)s 已关闭，不能再填报或修改；如确需补报，请联系管理员重新开放。") % {"period": period.label})
    if period.start > today:
        raise ReportingError(_("%(period)s 尚未开始，不能填报。") % {"period": period.label})


def _conflict(report: ProgressReport) -> ReportConflict:
    who = report.updated_by or report.created_by
    return ReportConflict(
        _("这份报告已被 %(user)s 于 %(time)s 修改，您的修改没有保存，以免覆盖对方的内容。请重新打开报告，在最新内容上修改。")
        % {"user": who.get_username() if who else "—", "time": timezone.localtime(report.updated_at).strftime("%Y-%m-%d %H:%M:%S")}
    )


def _write_values(report: ProgressReport, targets: list[Target], data: ReportInput, user) -> None:
    existing = {v.target_id: v for v in report.values.all()}
    for target in targets:
        given = data.values.get(target.pk) or ValueInput(target.pk)
        current = existing.get(target.pk)
        if given.empty:
            if current is not None:
                _set_user(current, user).delete()
            continue
        value = given.value
        if target.kind == TargetKind.RATE:
            value = rate_of(given.numerator, given.denominator)
        fields = {"value": value, "numerator": given.numerator, "denominator": given.denominator}
        if current is None:
            _set_user(ActualValue(report=report, target=target, **fields), user).save()
        elif any(getattr(current, name) != fields[name] for name in fields):
            for name, new in fields.items():
                setattr(current, name, new)
            _set_user(current, user).save()


def _check_values(targets: list[Target], data: ReportInput) -> None:
    """Values that cannot be right, refused with the target they belong to."""
    problems = []
    for target in targets:
        given = data.values.get(target.pk)
        if given is None:
            continue
        for number in (given.value, given.numerator, given.denominator):
            if number is not None and number < 0:
                problems.append(_("目标“%(target)s”：数值不能为负数。") % {"target": target.phrase})
                break
        if target.kind == TargetKind.RATE and (given.numerator is None) != (given.denominator is None):
            problems.append(_("目标“%(target)s”：比率须同时填写分子和分母。") % {"target": target.phrase})
        elif target.kind == TargetKind.RATE and given.denominator == 0:
            problems.append(_("目标“%(target)s”：分母须大于0。") % {"target": target.phrase})
        elif target.kind == TargetKind.RATE and given.numerator is not None and given.numerator > given.denominator:
            problems.append(_("目标“%(target)s”：分子不能大于分母。") % {"target": target.phrase})
    if problems:
        raise ReportingError(" ".join(str(p) for p in problems))


@transaction.atomic
def report_save_draft(
    *,
    measure: Measure,
    unit: Unit,
    period: Period,
    user,
    data: ReportInput,
    revision: int | None,
    files: Iterable = (),
    today: date | None = None,
) -> ProgressReport:
    """Save the unit's report for the period as a draft.

    `revision` is the report's revision the user's form was built from (None for a new one):
    if someone saved in between, the save is refused and nothing is written.
    """
    today = today or timezone.localdate()
    _check_can_fill(user, measure, unit)
    _check_period_takes_reports(period, today)
    targets = fillable_targets(measure=measure, period=period, unit_id=unit.pk)
    _check_values(targets, data)
    if data.self_status and data.self_status not in ProgressReport.SelfStatus.values:
        raise ReportingError(_("自评状态无效。"))
    files = list(files)
    for file in files:  # every file judged before anything is written, to the disk included
        try:
            check_evidence_file(file)
        except EvidenceRefused as exc:
            raise ReportingError(str(exc)) from None
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .filter(measure=measure, unit=unit, period=period)
        .exclude(state=ProgressReport.State.APPROVED)
        .first()
    )
    if report is None:
        if revision is not None:
            # The version the user was editing has since been submitted or approved.
            latest = ProgressReport.objects.filter(measure=measure, unit=unit, period=period).order_by("-version").first()
            raise _conflict(latest) if latest else ReportConflict(_("报告已不存在，请重新打开。"))
        if ProgressReport.objects.filter(measure=measure, unit=unit, period=period).exists():
            raise ReportingError(_("本期报告已通过审核，已锁定；如需更正，请在报告页点击“更正”生成新版本。"))
        report = ProgressReport(measure=measure, unit=unit, period=period, version=1, created_by=user)
    else:
        if report.state == ProgressReport.State.SUBMITTED:
            raise ReportingError(_("报告已提交，正在等待审核，不能修改。"))
        if revision != report.revision:
            raise _conflict(report)
    report.narrative = data.narrative.strip()
    report.problems = data.problems.strip()
    report.next_steps = data.next_steps.strip()
    report.self_status = data.self_status
    report.state = ProgressReport.State.DRAFT
    report.updated_by = user
    report.revision += 1
    try:
        with transaction.atomic():
            _set_user(report, user).save()
    except IntegrityError:
        # Two people created the same new report at once: the other one was first.
        raise ReportConflict(_("同一份报告刚刚已由其他人创建，您的内容没有保存。请重新打开报告，在最新内容上修改。")) from None
    _write_values(report, targets, data, user)
    for file in files:
        evidence_add(report=report, user=user, file=file)
    return report


@transaction.atomic
def evidence_add(*, report: ProgressReport, user, file) -> Evidence:
    if not report.is_editable:
        raise ReportingError(_("只有草稿或退回的报告可以上传佐证材料。"))
    if report.evidence.count() >= settings.REPORTING_EVIDENCE_MAX_FILES:
        raise ReportingError(_("每份报告最多上传 %(n)s 个佐证材料。") % {"n": settings.REPORTING_EVIDENCE_MAX_FILES})
    try:
        checked = check_evidence_file(file)
    except EvidenceRefused as exc:
        raise ReportingError(str(exc)) from None
    name = Path(file.name).name[:200]
    evidence = Evidence(report=report, name=name, kind=checked.kind, size=file.size, uploaded_by=user)
    evidence.file.save(f"{uuid.uuid4().hex}.{checked.extension}", file, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user) -> None:
    if not evidence.report.is_editable:
        raise ReportingError(_("报告已提交或已通过，佐证材料不能删除。"))
    evidence.delete()


def _check_complete(report: ProgressReport, targets: list[Target]) -> None:
    problems = []
    if not report.narrative:
        problems.append(_("请填写“进展情况”。"))
    values = {v.target_id: v for v in report.values.all()}
    for target in targets:
        if values.get(target.pk) is None or values[target.pk].value is None:
            problems.append(_("目标“%(target)s”：请填写本期数值（没有进展请填0）。") % {"target": target.phrase})
    if not report.measure.targets.exists() and not report.self_status:
        problems.append(_("本措施没有量化目标，请选择“自评状态”。"))
    if problems:
        raise ReportingError(" ".join(str(p) for p in problems))


def _unit_users(unit_ids: Iterable[int], role: str):
    User = get_user_model()
    return User.objects.filter(
        is_active=True, memberships__unit_id__in=list(unit_ids), memberships__role=role
    ).distinct()


def _notify(users, *, kind: str, title: str, body: str = "", url: str = "", report=None) -> int:
    rows = [Notification(user=u, kind=kind, title=title[:200], body=body, url=url, report=report) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def _report_title(report: ProgressReport) -> str:
    return f"{report.measure.code} {report.measure.text[:30]} · {report.unit.name} · {report.period.label}"


@transaction.atomic
def report_submit(*, report: ProgressReport, user, revision: int, today: date | None = None) -> ProgressReport:
    """Submit a draft (or a returned report) for review by the lead unit's reviewers."""
    today = today or timezone.localdate()
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related(
        "measure__task__plan", "unit", "period", "updated_by", "created_by"
    ).get(pk=report.pk)
    _check_can_fill(user, report.measure, report.unit)
    _check_period_takes_reports(report.period, today)
    if not report.is_editable:
        raise ReportingError(_("报告当前状态为“%(state)s”，不能提交。") % {"state": report.get_state_display()})
    if revision != report.revision:
        raise _conflict(report)
    _check_complete(report, fillable_targets(measure=report.measure, period=report.period, unit_id=report.unit_id))
    report.state = ProgressReport.State.SUBMITTED
    report.submitted_at = timezone.now()
    report.updated_by = user
    report.revision += 1
    _set_user(report, user).save()
    lead_units = report.measure.responsibilities.filter(role=Responsibility.Role.LEAD).values_list("unit_id", flat=True)
    _notify(
        _unit_users(lead_units, Membership.Role.REVIEWER).exclude(pk=user.pk),
        kind=Notification.Kind.SUBMITTED,
        title=str(_("待审核：%(report)s") % {"report": _report_title(report)}),
        body=str(_("%(user)s 提交了报告，请审核。") % {"user": user.get_username()}),
        url=reverse("reporting:report_detail", args=[report.pk]),
        report=report,
    )
    return report


def _check_review(report: ProgressReport, user) -> None:
    reviewer_units = scope_for(user).unit_ids(Membership.Role.REVIEWER)
    if not report.measure.responsibilities.filter(role=Responsibility.Role.LEAD, unit_id__in=reviewer_units).exists():
        raise ReportingError(_("只有牵头单位的审核员可以审核这份报告。"))
    if report.state != ProgressReport.State.SUBMITTED:
        raise ReportingError(_("报告当前状态为“%(state)s”，不在待审核状态。") % {"state": report.get_state_display()})
    if user.pk in {report.updated_by_id, report.created_by_id}:
        raise ReportingError(_("不能审核自己填报的报告。"))


def _notify_filers(report: ProgressReport, *, kind: str, title: str, body: str, reviewer) -> None:
    filers = _unit_users([report.unit_id], Membership.Role.STAFF).exclude(pk=reviewer.pk)
    _notify(filers, kind=kind, title=title, body=body,
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
    _set_user(report, user).save()
    _notify_filers(
        report, kind=Notification.Kind.APPROVED, reviewer=user,
        title=str(_("已通过：%(report)s") % {"report": _report_title(report)}),
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
    _set_user(report, user).save()
    _notify_filers(
        report, kind=Notification.Kind.RETURNED, reviewer=user,
        title=str(_("已退回：%(report)s") % {"report": _report_title(report)}),
        body=comment,
    )
    return report


@transaction.atomic
def report_correct(*, report: ProgressReport, user, today: date | None = None) -> ProgressReport:
    """Start a correction of an approved report: a new draft version with the same content.

    The approved version stays as it is and keeps counting until the correction is approved.
    """
    today = today or timezone.localdate()
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related("measure", "unit", "period").get(pk=report.pk)
    _check_can_fill(user, report.measure, report.unit)
    _check_period_takes_reports(report.period, today)
    siblings = ProgressReport.objects.filter(measure_id=report.measure_id, unit_id=report.unit_id, period_id=report.period_id)
    if report.state != ProgressReport.State.APPROVED or siblings.filter(version__gt=report.version).exists():
        raise ReportingError(_("只能更正最新的已通过版本；已有更正版本在办理中。"))
    correction = ProgressReport(
        measure_id=report.measure_id, unit_id=report.unit_id, period_id=report.period_id,
        version=report.version + 1, narrative=report.narrative, problems=report.problems,
        next_steps=report.next_steps, self_status=report.self_status, created_by=user, updated_by=user, revision=1,
    )
    try:
        with transaction.atomic():
            _set_user(correction, user).save()
    except IntegrityError:
        raise ReportConflict(_("已有人开始更正这份报告，请刷新页面。")) from None
    for value in report.values.all():
        _set_user(ActualValue(report=correction, target_id=value.target_id, value=value.value,
                              numerator=value.numerator, denominator=value.denominator), user).save()
    Evidence.objects.bulk_create(
        Evidence(report=correction, file=e.file.name, name=e.name, kind=e.kind, size=e.size,
                 uploaded_by=e.uploaded_by, uploaded_at=e.uploaded_at)
        for e in report.evidence.all()
    )
    return correction


@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.user_id != user.pk:
        raise ReportingError(_("这不是您的通知。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def missing_reports(*, periods: Iterable[Period], unit_ids: Iterable[int] | None = None) -> list[tuple[int, int, Period]]:
    """(measure id, unit id, period) of every report expected and not yet submitted.

    Each responsible unit (lead and support) reports on each measure of the plan every
    period; a report counts as in once it is submitted (or approved).
    """
    periods = list(periods)
    if not periods:
        return []
    responsibilities = Responsibility.objects.filter(measure__task__plan_id__in={p.plan_id for p in periods})
    if unit_ids is not None:
        responsibilities = responsibilities.filter(unit_id__in=list(unit_ids))
    by_plan: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for measure_id, unit_id, plan_id in responsibilities.values_list("measure_id", "unit_id", "measure__task__plan_id"):
        by_plan[plan_id].append((measure_id, unit_id))
    done = set(
        ProgressReport.objects.filter(
            period__in=periods, state__in=[ProgressReport.State.SUBMITTED, ProgressReport.State.APPROVED]
        ).values_list("measure_id", "unit_id", "period_id")
    )
    return [
        (measure_id, unit_id, period)
        for period in periods
        for measure_id, unit_id in by_plan[period.plan_id]
        if (measure_id, unit_id, period.pk) not in done
    ]


def _send_reminder_mail(users, subject: str, body: str) -> int:
    """Mail after the commit, so that a rolled-back run sends nothing."""
    messages = [(subject, body, None, [u.email]) for u in users if u.email]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(messages)


def _remind_units(items: list[tuple[int, int, Period]], *, kind: str, summary: ReminderSummary, sender=None) -> None:
    """One notification (and one mail) per staff member, listing his units' missing reports."""
    by_unit: dict[int, list[tuple[int, Period]]] = defaultdict(list)
    for measure_id, unit_id, period in items:
        by_unit[unit_id].append((measure_id, period))
    per_user: dict[int, list] = defaultdict(list)
    users = {}
    for membership in Membership.objects.filter(
        unit_id__in=by_unit, role=Membership.Role.STAFF, user__is_active=True
    ).select_related("user", "unit"):
        users[membership.user_id] = membership.user
        per_user[membership.user_id].extend((membership.unit, period) for _m, period in by_unit[membership.unit_id])
    url = reverse("reporting:my_tasks") + "?status=overdue"
    for user_id, rows in per_user.items():
        counts = defaultdict(int)
        for unit, period in rows:
            counts[(unit.name, period.label, period.due_date)] += 1
        lines = [
            str(_("%(unit)s · %(period)s：%(n)s 项未报（截止 %(due)s）") % {"unit": u, "period": p, "n": n, "due": d})
            for (u, p, d), n in sorted(counts.items(), key=lambda item: item[0][2])
        ]
        title = {
            Reminder.Kind.DUE_SOON: _("催办：%(n)s 项报告即将到期"),
            Reminder.Kind.LATE: _("催办：%(n)s 项报告已逾期"),
            Reminder.Kind.MANUAL: _("催办：管理员提醒您报送 %(n)s 项报告"),
        }[kind] % {"n": len(rows)}
        body = "\n".join(lines)
        summary.notifications += _notify([users[user_id]], kind=Notification.Kind.REMINDER, title=str(title), body=body, url=url)
        summary.emails += _send_reminder_mail([users[user_id]], str(title), body)


def _escalate(items: list[tuple[int, int, Period]], summary: ReminderSummary) -> None:
    """Tell the reviewers of the lead units which reports are long overdue."""
    leads: dict[int, set[int]] = defaultdict(set)
    for measure_id, unit_id in Responsibility.objects.filter(
        measure_id__in={m for m, _u, _p in items}, role=Responsibility.Role.LEAD
    ).values_list("measure_id", "unit_id"):
        leads[measure_id].add(unit_id)
    unit_names = dict(Unit.objects.filter(pk__in={u for _m, u, _p in items}).values_list("pk", "name"))
    per_lead: dict[int, list[str]] = defaultdict(list)
    for measure_id, unit_id, period in items:
        for lead in leads[measure_id]:
            per_lead[lead].append(f"{unit_names[unit_id]} · {period.label}")
    for lead, rows in per_lead.items():
        reviewers = list(_unit_users([lead], Membership.Role.REVIEWER))
        counts = defaultdict(int)
        for row in rows:
            counts[row] += 1
        title = str(_("逾期提醒：%(n)s 项报告逾期 %(days)s 天以上仍未报送")
                    % {"n": len(rows), "days": settings.REPORTING_ESCALATE_AFTER_DAYS})
        body = "\n".join(f"{row}：{n}" for row, n in sorted(counts.items()))
        summary.notifications += _notify(reviewers, kind=Notification.Kind.ESCALATION, title=title, body=body,
                                         url=reverse("reporting:review_queue"))
        summary.emails += _send_reminder_mail(reviewers, title, body)


@transaction.atomic
def reminders_send(*, today: date | None = None) -> ReminderSummary:
    """The daily job: remind units of reports due soon or late, escalate long-late ones.

    Each (measure, unit, period) gets each kind of automatic reminder once; notifications
    are grouped so that a staff member gets one message per run, not one per report.
    """
    today = today or timezone.localdate()
    summary = ReminderSummary()
    periods = Period.objects.filter(
        is_open=True, start__lte=today,
        due_date__lte=today + timedelta(days=settings.REPORTING_REMIND_DAYS_BEFORE_DUE),
    ).select_related("plan")
    missing = missing_reports(periods=periods)
    if not missing:
        return summary
    sent = set(
        Reminder.objects.filter(period__in=periods).exclude(kind=Reminder.Kind.MANUAL)
        .values_list("measure_id", "unit_id", "period_id", "kind")
    )
    escalate_after = timedelta(days=settings.REPORTING_ESCALATE_AFTER_DAYS)
    new: dict[str, list] = defaultdict(list)
    for measure_id, unit_id, period in missing:
        kinds = [Reminder.Kind.LATE] if today > period.due_date else [Reminder.Kind.DUE_SOON]
        if today > period.due_date + escalate_after:
            kinds.append(Reminder.Kind.ESCALATED)
        for kind in kinds:
            if (measure_id, unit_id, period.pk, kind) not in sent:
                new[kind].append((measure_id, unit_id, period))
    Reminder.objects.bulk_create(
        Reminder(measure_id=m, unit_id=u, period=p, kind=kind) for kind, items in new.items() for m, u, p in items
    )
    summary.due_soon = len(new[Reminder.Kind.DUE_SOON])
    summary.late = len(new[Reminder.Kind.LATE])
    summary.escalated = len(new[Reminder.Kind.ESCALATED])
    for kind in (Reminder.Kind.DUE_SOON, Reminder.Kind.LATE):
        if new[kind]:
            _remind_units(new[kind], kind=kind, summary=summary)
    if new[Reminder.Kind.ESCALATED]:
        _escalate(new[Reminder.Kind.ESCALATED], summary)
    return summary


@transaction.atomic
def reminder_send_manual(*, period: Period, user, unit_ids: Iterable[int] | None = None) -> ReminderSummary:
    """An admin's reminder (催办) to every unit whose report for the period is not in."""
    if not scope_for(user).is_admin_of(period.plan.city_id):
        raise ReportingError(_("只有本市管理员可以发送催办。"))
    summary = ReminderSummary()
    missing = missing_reports(periods=[period], unit_ids=unit_ids)
    if not missing:
        return summary
    Reminder.objects.bulk_create(
        Reminder(measure_id=m, unit_id=u, period=p, kind=Reminder.Kind.MANUAL, sent_by=user) for m, u, p in missing
    )
    summary.manual = len(missing)
    _remind_units(missing, kind=Reminder.Kind.MANUAL, summary=summary)
    return summary
