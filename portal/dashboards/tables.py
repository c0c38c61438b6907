import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tasks.tables import PortalTable

from .models import MeasureSummary
from .templatetags.dashboards_tags import pct, status_badge


class MeasureStatusTable(PortalTable):
    """The measures behind a status count (rows of MeasureSummary)."""

    plan = tables.Column(verbose_name=_("工作方案"), accessor="plan__title", orderable=False,
                         linkify=lambda record: reverse("dashboards:plan", args=[record.plan_id]))
    code = tables.Column(verbose_name=_("序号"), accessor="measure_id", orderable=False)
    text = tables.Column(verbose_name=_("工作措施"), accessor="measure__text", orderable=False,
                         linkify=lambda record: reverse("dashboards:measure", args=[record.measure_id]))
    status = tables.Column(verbose_name=_("状态"), orderable=False)
    completion = tables.Column(verbose_name=_("完成率"), accessor="completion_sum", orderable=False)
    lateness = tables.Column(verbose_name=_("落后于时序"), orderable=False)

    class Meta(PortalTable.Meta):
        model = MeasureSummary
        fields = ("plan", "code", "text", "status", "completion", "lateness")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "measure-list"}
        empty_text = _("没有符合条件的措施。")

    def render_code(self, record):
        return f"{record.task.number}.{record.measure.seq}"

    def render_text(self, value, record):
        text = value if len(value) <= 80 else value[:80] + "…"
        return f"{text}（示例数据）" if record.has_sample else text

    def render_status(self, record):
        return status_badge(record.status)

    def render_completion(self, record):
        return pct(record.completion)

    def render_lateness(self, value):
        return pct(value) if value and value > 0 else "—"
