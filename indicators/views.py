"""Progress reporting pages: 我的任务, the report form, review, notifications, periods."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from tasks.models import Measure, Plan, Responsibility
from tasks.ratelimit import rate_limited
from tasks.tables import PortalTableExport
from units.access import scope_for
from units.models import Membership

from . import access
from .evidence import CONTENT_TYPES
from .figures import TargetSpec, ValueRow, approved_rows, progress, rate_of
from .filters import MyTaskFilter, ReviewFilter, answered_by
from .forms import PeriodDueDateForm, PeriodReopenForm, PlanReportingFromForm, ReportForm, ReviewForm
from .history import report_history
from .models import ActualValue, Notification, Period, ProgressReport
from .services import (
    ReportConflict,
    ReportingError,
    ValuesInDoubt,
    evidence_delete,
    fillable_targets,
    missing_reports,
    notification_mark_read,
    notifications_mark_all_read,
    period_close,
    period_reopen,
    period_set_due_date,
    periods_create_for_plan,
    reminder_send_manual,
    report_approve,
    report_correct,
    report_return,
    report_save_draft,
    report_submit,
    value_doubts,
)
from .tables import MyTaskTable, PeriodTable, ReviewTable

STAFF, REVIEWER = Membership.Role.STAFF, Membership.Role.REVIEWER


# --- 我的任务 -----------------------------------------------------------------------------


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    rows = (
        answered_by(scope, STAFF, REVIEWER).filter(measure__in=Measure.objects.visible_to(request.user))
        .select_related("measure__task__plan", "measure__task__programme", "unit")
        .order_by("measure__task__plan_id", "measure__task__number", "measure__seq", "unit__name")
    )
    filterset = MyTaskFilter(request.GET, queryset=rows, request=request)
    table = MyTaskTable(filterset.qs, fill_units=scope.unit_ids(STAFF))
    export_format = request.GET.get("_export")
    if PortalTableExport.is_valid_format(export_format):
        RequestConfig(request, paginate=False).configure(table)
        as_of = _("截至%(month)s · 导出于 %(at)s") % {
            "month": f"{filterset.day.year}年{filterset.day.month}月", "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
        exporter = PortalTableExport(export_format, table, dataset_kwargs={"title": _("我的任务")}, as_of=as_of)
        return exporter.response(f"my-tasks.{export_format}")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(request, "reporting/my_tasks.html", {"filter": filterset, "table": table})


# --- The report form ----------------------------------------------------------------------


def _figures(measure, targets, period, unit_id: int, typed: dict) -> list[dict]:
    """Per target: the typed value, the figure with it (cumulative sum, combined rate or
    level) and the completion, over the approved values of the other units and periods."""
    approved = [r for r in approved_rows(targets, up_to=period.start) if not (r.unit_id == unit_id and r.period_id == period.pk)]
    lead = unit_id in access.lead_unit_ids(measure)
    figures = []
    for target in targets:
        value, numerator, denominator = typed.get(target.pk, (None, None, None))
        rows = list(approved)
        if value is not None or numerator is not None:
            rows.append(ValueRow(target.pk, unit_id, period.pk, period.start, 10**6, value, numerator, denominator, lead))
        figures.append({"target": target, "typed": value, "progress": progress(TargetSpec.of(target), rows, as_of=period.start)})
    return figures


def _typed_values(form: ReportForm) -> dict:
    """What the user has typed so far, even if another field of the form is not valid yet."""
    typed = {}
    for target in form.targets:
        def number(name):
            field = form.fields.get(f"{name}_{target.pk}")
            if field is None:
                return None
            try:
                return field.clean(form.data.get(f"{name}_{target.pk}"))
            except Exception:  # noqa: BLE001 - a half-typed number shows no figure
                return None
        numerator, denominator = number("num"), number("den")
        value = number("value")
        if numerator is not None and denominator:
            value = rate_of(numerator, denominator)
        typed[target.pk] = (value, numerator, denominator)
    return typed


def _stored_values(report: ProgressReport | None) -> dict:
    if report is None:
        return {}
    return {v.target_id: (v.value, v.numerator, v.denominator) for v in report.values.all()}


@login_required
@rate_limited("save")
def report_edit(request: HttpRequest, measure_id: int, period_id: int, unit_id: int) -> HttpResponse:
    measure, period, unit = access.get_fill_context_for_user(request.user, measure_id, period_id, unit_id)
    versions = list(
        ProgressReport.objects.filter(measure=measure, unit=unit, period=period)
        .select_related("reviewed_by", "updated_by", "created_by").prefetch_related("values", "evidence")
        .order_by("-version")
    )
    latest = versions[0] if versions else None
    if request.method == "GET" and latest and not latest.is_editable:
        return redirect("reporting:report_detail", latest.pk)
    report = latest if latest and latest.is_editable else None
    targets = fillable_targets(measure=measure, period=period, unit_id=unit.pk)
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, targets=targets)
        if form.is_valid():
            action = request.POST.get("action", "save")
            try:
                with transaction.atomic():
                    saved = report_save_draft(
                        measure=measure, unit=unit, period=period, user=request.user, data=form.to_input(),
                        revision=form.cleaned_data["revision"], files=form.cleaned_data["evidence"],
                    )
                    if action == "submit":
                        saved = report_submit(report=saved, user=request.user, revision=saved.revision)
            except ReportConflict as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValuesInDoubt as exc:
                form.show_doubts(exc.doubts)
                form.add_error(None, str(exc))
            except ReportingError as exc:
                form.add_error(None, str(exc))
            else:
                if action == "submit":
                    messages.success(request, _("报告已提交，等待牵头单位审核。"))
                    return redirect("reporting:report_detail", saved.pk)
                messages.success(request, _("草稿已保存。"))
                return redirect("reporting:report_edit", measure.pk, period.pk, unit.pk)
        typed = _typed_values(form)
    else:
        form = ReportForm(targets=targets, report=report)
        typed = _stored_values(report)
    context = {
        "measure": measure, "period": period, "unit": unit, "report": report, "form": form,
        "figures": _figures(measure, targets, period, unit.pk, typed), "versions": versions,
        "is_lead": unit.pk in access.lead_unit_ids(measure),
        "takes_reports": period.is_open and period.start <= timezone.localdate(),
        "has_targets": bool(list(measure.targets.all())),
    }
    return render(request, "reporting/report_form.html", context, status=status)


@login_required
@require_POST
def report_preview(request: HttpRequest, measure_id: int, period_id: int, unit_id: int) -> HttpResponse:
    """htmx: the cumulative figure, the completion and any doubt as the user types."""
    measure, period, unit = access.get_fill_context_for_user(request.user, measure_id, period_id, unit_id)
    targets = fillable_targets(measure=measure, period=period, unit_id=unit.pk)
    typed = _typed_values(ReportForm(request.POST, targets=targets))
    figures = _figures(measure, targets, period, unit.pk, typed)
    # Doubts as one types, before the save asks to confirm them.
    doubts = value_doubts(targets=targets, unit_id=unit.pk, period_start=period.start,
                          values={pk: value for pk, (value, _num, _den) in typed.items()})
    for figure in figures:
        figure["doubt"] = doubts.get(figure["target"].pk, "")
    # oob: the live figure beside each input follows too (the whole table sits below them).
    return render(request, "reporting/_figures.html", {"figures": figures, "oob": True})


# --- One report: read, review, correct ---------------------------------------------------


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    measure, period = report.measure, report.period
    targets = [t for t in measure.targets.all() if t.period_start <= period.end and t.period_end >= period.start]
    versions = list(
        ProgressReport.objects.filter(measure=measure, unit=report.unit, period=period)
        .select_related("reviewed_by", "created_by").order_by("-version")
    )
    is_latest = versions[0].pk == report.pk
    today = timezone.localdate()
    can_fill = access.can_fill(request.user, measure, report.unit_id)
    values = {v.target_id: v for v in report.values.all()}
    context = {
        "report": report, "measure": measure, "period": period,
        "value_rows": [(t, values.get(t.pk)) for t in targets],
        "doubtful": sum(1 for v in values.values() if v.doubt),
        "figures": _figures(measure, targets, period, report.unit_id, _stored_values(report)) if report.state == ProgressReport.State.APPROVED else [],
        "evidence": list(report.evidence.all()),
        "versions": versions,
        "history": report_history(report),
        "can_review": report.state == ProgressReport.State.SUBMITTED and access.reviews_report(request.user, report)
        and request.user.pk not in access.filers_of(report),
        "can_edit": can_fill and report.is_editable and period.is_open,
        "can_correct": can_fill and is_latest and report.state == ProgressReport.State.APPROVED and period.is_open and period.start <= today,
        "review_form": ReviewForm(),
    }
    return render(request, "reporting/report_detail.html", context)


def _review(request: HttpRequest, pk: int, decide, done: str) -> HttpResponse:
    """Approve or return a submitted report, with the reviewer's comment."""
    report = access.get_report_for_user(request.user, pk, action="review")
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        decide(report=report, user=request.user, comment=form.cleaned_data.get("comment", ""))
    except ReportingError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:report_detail", report.pk)
    messages.success(request, done)
    return redirect("reporting:review_queue")


@login_required
@require_POST
def report_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, report_approve, _("报告已通过审核。"))


@login_required
@require_POST
def report_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, report_return, _("报告已退回填报单位。"))


@login_required
@require_POST
def report_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk, action="edit")
    try:
        correction = report_correct(report=report, user=request.user)
    except ReportingError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:report_detail", report.pk)
    messages.info(request, _("已生成更正版本（第%(v)s版），修改后请重新提交审核；原已通过版本在新版本通过前继续有效。") % {"v": correction.version})
    return redirect("reporting:report_edit", correction.measure_id, correction.period_id, correction.unit_id)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_evidence_for_user(request.user, pk)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name,
                            content_type=CONTENT_TYPES.get(evidence.kind, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_evidence_for_user(request.user, pk, action="edit")
    report = evidence.report
    try:
        evidence_delete(evidence=evidence, user=request.user)
    except ReportingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已删除佐证材料“%(name)s”。") % {"name": evidence.name})
    return redirect("reporting:report_edit", report.measure_id, report.period_id, report.unit_id)


# --- Review queue ------------------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.unit_ids(REVIEWER) and Membership.Role.ADMIN not in scope.roles:  # admins: reports no reviewer may approve
        raise PermissionDenied
    reports = (
        ProgressReport.objects.reviewable_by(request.user)
        .select_related("measure__task", "unit", "period__plan")
        .prefetch_related(Prefetch("values", queryset=ActualValue.objects.exclude(doubt="").select_related("target"),
                                   to_attr="doubtful_values"))
        .order_by("submitted_at")
    )
    filterset = ReviewFilter(request.GET, queryset=reports, request=request)
    table = ReviewTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(request, "reporting/review_queue.html", {"filter": filterset, "table": table})


# --- Notifications -----------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        items = items.unread()
    return render(request, "reporting/notifications.html", {"items": items[:200], "only_unread": bool(request.GET.get("unread"))})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = access.get_notification_for_user(request.user, pk)
    notification_mark_read(notification=notification, user=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("reporting:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("reporting:notifications")


# --- Periods and reminders (admins) -------------------------------------------------------


def _admin_plans(user):
    scope = scope_for(user)
    plans = Plan.objects.visible_to(user).select_related("city").order_by("city_id", "-year_start")
    return [p for p in plans if scope.is_admin_of(p.city_id)]


@login_required
def periods(request: HttpRequest) -> HttpResponse:
    plans = _admin_plans(request.user)
    if not plans:
        raise PermissionDenied
    chosen = next((p for p in plans if str(p.pk) == request.GET.get("plan")), plans[0])
    rows = list(
        chosen.periods.annotate(
            submitted=Count("reports", filter=Q(reports__state=ProgressReport.State.SUBMITTED)),
            approved=Count("reports", filter=Q(reports__state=ProgressReport.State.APPROVED)),
            last_reminder=Max("reminders__sent_at"),
        ).order_by("start")
    )
    today = timezone.localdate()
    missing = defaultdict(int)
    for _m, _u, period in missing_reports(periods=[p for p in rows if p.start <= today]):
        missing[period.pk] += 1
    for row in rows:
        row.missing = missing[row.pk] if row.start <= today else None
    table = PeriodTable(rows)
    RequestConfig(request, paginate={"per_page": 24}).configure(table)
    return render(request, "reporting/periods.html", {"plans": plans, "plan": chosen, "table": table,
                                                      "reopen_form": PeriodReopenForm(), "today": today,
                                                      "reporting_from_form": PlanReportingFromForm(
                                                          initial={"reporting_from": chosen.reporting_from})})


def _back_to_periods(period: Period) -> HttpResponse:
    return redirect(f"{reverse('reporting:periods')}?plan={period.plan_id}#period-{period.pk}")


@login_required
@require_POST
def periods_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_admin(request.user, plan_id)
    created = periods_create_for_plan(plan=plan)
    messages.success(request, _("已为“%(plan)s”新建 %(n)s 个填报周期。") % {"plan": plan.title, "n": created})
    return redirect(f"{reverse('reporting:periods')}?plan={plan.pk}")


@login_required
@require_POST
def plan_reporting_from(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The first month to report: the plan's signal closes the periods before it."""
    plan = access.get_plan_for_admin(request.user, plan_id)
    form = PlanReportingFromForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择有效的月份。"))
    else:
        month = form.cleaned_data["reporting_from"]
        plan.reporting_from = month.replace(day=1) if month else None
        plan.save(update_fields=["reporting_from"])
        if month:
            messages.success(request, _("“%(plan)s”自 %(month)s 起填报，此前的周期已关闭。")
                             % {"plan": plan.title, "month": f"{month:%Y年%-m月}"})
        else:
            messages.success(request, _("“%(plan)s”自方案起始月份起填报。") % {"plan": plan.title})
    return redirect(f"{reverse('reporting:periods')}?plan={plan.pk}")


@login_required
@require_POST
def period_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period_for_admin(request.user, pk)
    try:
        period_close(period=period, user=request.user)
    except ReportingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(period)s 已关闭。") % {"period": period.label})
    return _back_to_periods(period)


@login_required
@require_POST
def period_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period_for_admin(request.user, pk)
    form = PeriodReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ReportingError(_("重新开放周期须填写原因。"))
        period_reopen(period=period, user=request.user, reason=form.cleaned_data["reason"])
    except ReportingError as exc:
        messages.error(request, f"{period.label}：{exc}")
    else:
        messages.success(request, _("%(period)s 已重新开放，原因已记录。") % {"period": period.label})
    return _back_to_periods(period)


@login_required
@require_POST
def period_due_date_view(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period_for_admin(request.user, pk)
    form = PeriodDueDateForm(request.POST)
    try:
        if not form.is_valid():
            raise ReportingError(_("请输入有效的日期。"))
        period_set_due_date(period=period, user=request.user, due_date=form.cleaned_data["due_date"])
    except ReportingError as exc:
        messages.error(request, f"{period.label}：{exc}")
    else:
        messages.success(request, _("%(period)s 的报送截止日期已改为 %(due)s。") % {"period": period.label, "due": period.due_date})
    return _back_to_periods(period)


@login_required
@require_POST
def period_remind(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period_for_admin(request.user, pk)
    try:
        summary = reminder_send_manual(period=period, user=request.user)
    except ReportingError as exc:
        messages.error(request, str(exc))
    else:
        if summary.manual:
            messages.success(request, _("已催办 %(period)s 未报的 %(n)s 项报告，通知 %(users)s 人。")
                             % {"period": period.label, "n": summary.manual, "users": summary.notifications})
        else:
            messages.info(request, _("%(period)s 没有未报的报告。") % {"period": period.label})
    return _back_to_periods(period)

