"""A unit's progress report for a period: drafted (values, narrative, evidence), submitted for
review, and corrected after approval as a new version."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tasks.models import Measure, Responsibility
from units.access import scope_for
from units.models import Membership, Unit

from ..access import filers_of, responsible_roles, responsible_unit_ids
from ..evidence import EvidenceRefused, check_evidence_file
from ..figures import rate_of
from ..models import ActualValue, Evidence, Notification, Period, ProgressReport, Target, TargetKind
from .doubts import ValuesInDoubt, value_doubts
from .errors import ReportConflict, ReportingError
from .notifications import city_admins, notify, report_title, unit_users


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
    # The doubts (services.doubts) the filer was shown and confirmed, as their reasons read.
    confirmed_doubts: frozenset[str] = frozenset()


def fillable_targets(*, measure: Measure, period: Period, unit_id: int) -> list[Target]:
    """The targets a unit reports on in a period: those whose span meets the period.

    Support units add their contribution to additive targets and rates; a level (stock,
    ceiling) is the lead unit's to state.
    """
    is_lead = responsible_roles(measure).get(unit_id) == Responsibility.Role.LEAD
    return [
        t for t in measure.targets.all()
        if t.period_start <= period.end and t.period_end >= period.start
        and (is_lead or t.is_additive or t.kind == TargetKind.RATE)
    ]


def with_history_user(obj, user):
    """The object, its next save or delete written to its history as done by the user."""
    obj._history_user = user
    return obj


def _check_can_fill(user, measure: Measure, unit: Unit) -> None:
    staff_units = scope_for(user).unit_ids(Membership.Role.STAFF)
    if unit.pk not in staff_units or unit.pk not in responsible_unit_ids(measure):
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


def _period_value(target: Target, given: ValueInput) -> Decimal | None:
    if target.kind == TargetKind.RATE:
        return rate_of(given.numerator, given.denominator)
    return given.value


def _check_doubts(report: ProgressReport, period: Period, targets: list[Target], data: ReportInput,
                  existing: list[ActualValue]) -> dict[int, str]:
    """The doubts about the values given, once each is confirmed: in this form, or before
    (the stored value already carries the same reason). Raises ValuesInDoubt otherwise."""
    values = {t.pk: _period_value(t, data.values.get(t.pk) or ValueInput(t.pk)) for t in targets}
    doubts = value_doubts(targets=targets, unit_id=report.unit_id, period_start=period.start, values=values)
    stored = {v.target_id: v.doubt for v in existing}
    unconfirmed = {pk: reason for pk, reason in doubts.items()
                   if reason not in data.confirmed_doubts and stored.get(pk) != reason}
    if unconfirmed:
        raise ValuesInDoubt(doubts)
    return doubts


VALUE_FIELDS = ("value", "numerator", "denominator", "doubt")


def _write_values(report: ProgressReport, targets: list[Target], data: ReportInput, user, doubts: dict[int, str],
                  existing: list[ActualValue]) -> None:
    """The report's values as given: new ones inserted and changed ones updated in one query
    each, with their history rows in one more (as by the user); emptied ones deleted."""
    current_of = {v.target_id: v for v in existing}
    added, changed = [], []
    for target in targets:
        given = data.values.get(target.pk) or ValueInput(target.pk)
        current = current_of.get(target.pk)
        if given.empty:
            if current is not None:
                with_history_user(current, user).delete()
            continue
        fields = {"value": _period_value(target, given), "numerator": given.numerator,
                  "denominator": given.denominator, "doubt": doubts.get(target.pk, "")}
        if current is None:
            added.append(with_history_user(ActualValue(report=report, target=target, **fields), user))
        elif any(getattr(current, name) != fields[name] for name in fields):
            for name, new in fields.items():
                setattr(current, name, new)
            changed.append(with_history_user(current, user))
    if added:
        bulk_create_with_history(added, ActualValue, default_user=user)
    if changed:
        bulk_update_with_history(changed, ActualValue, list(VALUE_FIELDS), default_user=user)


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
    if someone saved in between, the save is refused and nothing is written. Implausible
    values are refused (ValuesInDoubt) until the filer confirms them, and keep the reason.
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
    existing = list(report.values.all()) if report.pk else []  # a new report has none yet
    doubts = _check_doubts(report, period, targets, data, existing)
    _check_room_for_evidence(report, user, files)
    report.narrative = data.narrative.strip()
    report.problems = data.problems.strip()
    report.next_steps = data.next_steps.strip()
    report.self_status = data.self_status
    report.state = ProgressReport.State.DRAFT
    report.updated_by = user
    report.revision += 1
    try:
        with transaction.atomic():
            with_history_user(report, user).save()
    except IntegrityError:
        # Two people created the same new report at once: the other one was first.
        raise ReportConflict(_("同一份报告刚刚已由其他人创建，您的内容没有保存。请重新打开报告，在最新内容上修改。")) from None
    _write_values(report, targets, data, user, doubts, existing)
    for file in files:
        evidence_add(report=report, user=user, file=file)
    return report


@transaction.atomic
def evidence_add(*, report: ProgressReport, user, file) -> Evidence:
    if not report.is_editable:
        raise ReportingError(_("只有草稿或退回的报告可以上传佐证材料。"))
    _check_room_for_evidence(report, user, [file])
    try:
        checked = check_evidence_file(file)
    except EvidenceRefused as exc:
        raise ReportingError(str(exc)) from None
    name = Path(file.name).name[:200]
    evidence = Evidence(report=report, name=name, kind=checked.kind, size=file.size, uploaded_by=user)
    evidence.file.save(f"{uuid.uuid4().hex}.{checked.extension}", file, save=False)
    evidence.save()
    return evidence


def _check_room_for_evidence(report: ProgressReport, user, files: list) -> None:
    """Refuse the whole batch before any of it is written to the disk: a refusal half-way
    would roll back the rows and leave the files already stored."""
    if not files:
        return
    present = report.evidence.count() if report.pk else 0
    if present + len(files) > settings.REPORTING_EVIDENCE_MAX_FILES:
        raise ReportingError(_("每份报告最多上传 %(n)s 个佐证材料。") % {"n": settings.REPORTING_EVIDENCE_MAX_FILES})
    # A correction's copies share their file with the original: each stored file counts once.
    stored = dict(Evidence.objects.filter(uploaded_by=user).values_list("file", "size"))
    quota = settings.REPORTING_EVIDENCE_QUOTA_BYTES
    if sum(stored.values()) + sum(f.size for f in files) > quota:
        raise ReportingError(
            _("您上传的佐证材料已有 %(used)s，再加这些文件将超过每人 %(quota)s 的上限；请删除不再需要的材料或联系管理员。")
            % {"used": filesizeformat(sum(stored.values())), "quota": filesizeformat(quota)}
        )


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user) -> None:
    if not evidence.report.is_editable:
        raise ReportingError(_("报告已提交或已通过，佐证材料不能删除。"))
    name, report_id = evidence.name, evidence.report_id
    evidence.delete()
    # The file's row is gone: the report's history says who removed which file, and when.
    report = ProgressReport.objects.select_for_update(of=("self",)).get(pk=report_id)
    report._change_reason = str(_("删除佐证材料“%(name)s”") % {"name": name})
    with_history_user(report, user).save(update_fields=["updated_at"])


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
    with_history_user(report, user).save()
    lead_units = report.measure.responsibilities.filter(role=Responsibility.Role.LEAD).values_list("unit_id", flat=True)
    reviewers = unit_users(lead_units, Membership.Role.REVIEWER).exclude(pk__in=filers_of(report))
    if not reviewers.exists():  # four eyes: the plan's admins review what its unit's only reviewer filed
        reviewers = city_admins(report.measure.task.plan.city_id).exclude(pk__in=filers_of(report))
    notify(
        reviewers,
        kind=Notification.Kind.SUBMITTED,
        title=str(_("待审核：%(report)s") % {"report": report_title(report)}),
        body=str(_("%(user)s 提交了报告，请审核。") % {"user": user.get_username()}),
        url=reverse("reporting:report_detail", args=[report.pk]),
        report=report,
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
            with_history_user(correction, user).save()
    except IntegrityError:
        raise ReportConflict(_("已有人开始更正这份报告，请刷新页面。")) from None
    for value in report.values.all():
        with_history_user(ActualValue(report=correction, target_id=value.target_id, value=value.value,
                              numerator=value.numerator, denominator=value.denominator, doubt=value.doubt), user).save()
    Evidence.objects.bulk_create(
        Evidence(report=correction, file=e.file.name, name=e.name, kind=e.kind, size=e.size,
                 uploaded_by=e.uploaded_by, uploaded_at=e.uploaded_at)
        for e in report.evidence.all()
    )
    return correction
