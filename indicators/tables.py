import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tasks.models import Responsibility
from tasks.tables import PortalTable

from .models import Period, ProgressReport, period_label

STATE_BADGES = {
    None: "text-bg-light border",
    "draft": "text-bg-secondary",
    "submitted": "text-bg-info",
    "returned": "text-bg-warning",
    "approved": "text-bg-success",
}


def state_badge(state: str | None) -> str:
    label = dict(ProgressReport.State.choices).get(state, _("未填报"))
    return format_html('<span class="badge {} report-state">{}</span>', STATE_BADGES.get(state, ""), label)


class MyTaskTable(PortalTable):
    """我的任务: one row per measure and unit of the user, with the chosen period's report."""

    plan = tables.Column(verbose_name=_("工作方案"), accessor="measure__task__plan__title", order_by=("measure__task__plan_id",))
    code = tables.Column(
        verbose_name=_("序号"), accessor="measure__code", order_by=("measure__task__number", "measure__seq"),
        linkify=lambda record: reverse("measure_detail", args=[record.measure_id]),
    )
    measure = tables.Column(verbose_name=_("工作措施"), accessor="measure__text", orderable=False)
    programme = tables.Column(verbose_name=_("专项"), accessor="measure__task__programme__name")
    unit = tables.Column(verbose_name=_("单位"), accessor="acting_unit_name", order_by=("acting_unit_name",))
    role = tables.Column(verbose_name=_("职责"))
    period = tables.Column(verbose_name=_("周期"), accessor="period_start", order_by=("period_start",))
    period_due = tables.DateColumn(verbose_name=_("报送截止"), format="Y-m-d")
    report_state = tables.Column(verbose_name=_("本期状态"), empty_values=())
    overdue_count = tables.Column(verbose_name=_("逾期未报"))
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta(PortalTable.Meta):
        model = Responsibility
        fields = ("plan", "code", "measure", "programme", "unit", "role", "period", "period_due", "report_state",
                  "overdue_count", "actions")
        attrs = {"class": "table table-sm table-hover align-middle table-stack"}
        row_attrs = {"class": "task-row", "data-measure": lambda record: record.measure_id}

    def __init__(self, *args, fill_units=frozenset(), **kwargs):
        self.fill_units = fill_units
        super().__init__(*args, **kwargs)

    def render_plan(self, value):
        return value if len(value) <= 24 else value[:23] + "…"

    def render_measure(self, value):
        return value if len(value) <= 60 else value[:59] + "…"

    def render_period(self, value, record):
        return period_label(record.period_start, record.period_end)

    def value_period(self, value, record):
        return period_label(record.period_start, record.period_end) if record.period_start else ""

    def render_report_state(self, value, record):
        return state_badge(value)

    def value_report_state(self, value, record):
        return dict(ProgressReport.State.choices).get(value, _("未填报"))

    def value_period_due(self, value):
        return value  # a date in the workbook, not text

    def value_overdue_count(self, value):
        return int(value or 0)  # a number in the workbook, not the page's badge

    def render_overdue_count(self, value):
        if not value:
            return "0"
        return format_html('<span class="badge text-bg-danger overdue">{}</span>', value)

    def render_actions(self, record):
        if (record.period_id and record.acting_unit_id in self.fill_units
                and record.report_state not in {"submitted", "approved"} and record.period_open):
            url = reverse("reporting:report_edit", args=[record.measure_id, record.period_id, record.acting_unit_id])
            return format_html('<a class="btn btn-sm btn-primary fill" href="{}">{}</a>', url, _("填报"))
        if record.report_id:
            return format_html('<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
                               reverse("reporting:report_detail", args=[record.report_id]), _("查看"))
        return ""


class ReviewTable(PortalTable):
    period = tables.Column(verbose_name=_("周期"), accessor="period__start", order_by=("period__start",))
    plan = tables.Column(verbose_name=_("工作方案"), accessor="period__plan__title", orderable=False)
    code = tables.Column(verbose_name=_("序号"), accessor="measure__code", order_by=("measure__task__number", "measure__seq"))
    measure = tables.Column(verbose_name=_("工作措施"), accessor="measure__text", orderable=False)
    unit = tables.Column(verbose_name=_("填报单位"), accessor="unit__name")
    version = tables.Column(verbose_name=_("版本"))
    submitted_at = tables.DateTimeColumn(verbose_name=_("提交时间"), format="Y-m-d H:i")
    # The values the filer confirmed although they looked wrong (prefetched as doubtful_values).
    doubts = tables.TemplateColumn(template_name="reporting/_review_doubts.html", verbose_name=_("数值提示"),
                                   orderable=False, empty_values=())
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta(PortalTable.Meta):
        model = ProgressReport
        fields = ("period", "plan", "code", "measure", "unit", "version", "submitted_at", "doubts", "actions")
        attrs = {"class": "table table-sm table-hover align-middle table-stack"}
        row_attrs = {"class": lambda record: "review-row doubtful" if record.doubtful_values else "review-row"}

    def render_period(self, record):
        return record.period.label

    def render_plan(self, value):
        return value if len(value) <= 20 else value[:19] + "…"

    def render_measure(self, value):
        return value if len(value) <= 50 else value[:49] + "…"

    def render_actions(self, record):
        return format_html('<a class="btn btn-sm btn-primary review" href="{}">{}</a>',
                           reverse("reporting:report_detail", args=[record.pk]), _("审核"))


class PeriodTable(PortalTable):
    label = tables.Column(verbose_name=_("周期"), accessor="start", order_by=("start",))
    end = tables.DateColumn(verbose_name=_("结束"), format="Y-m-d")
    due_date = tables.TemplateColumn(template_name="reporting/_period_due.html", verbose_name=_("报送截止"), order_by=("due_date",))
    is_open = tables.TemplateColumn(template_name="reporting/_period_state.html", verbose_name=_("状态"), order_by=("is_open",))
    submitted = tables.Column(verbose_name=_("待审核"), orderable=False, empty_values=())
    approved = tables.Column(verbose_name=_("已通过"), orderable=False, empty_values=())
    missing = tables.Column(verbose_name=_("未报"), orderable=False, empty_values=())
    last_reminder = tables.DateTimeColumn(verbose_name=_("最近催办"), format="Y-m-d H:i", orderable=False)
    actions = tables.TemplateColumn(template_name="reporting/_period_actions.html", verbose_name="", orderable=False)

    class Meta(PortalTable.Meta):
        model = Period
        fields = ("label", "end", "due_date", "is_open", "submitted", "approved", "missing", "last_reminder", "actions")
        row_attrs = {"class": "period-row", "id": lambda record: f"period-{record.pk}"}

    def render_label(self, record):
        return record.label
