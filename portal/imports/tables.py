import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.templatetags.portal_tags import STATUS_STYLES
from tasks.tables import PortalTable

from .ledger.preview import STATUS_LABELS
from .models import ImportJob


class ImportJobTable(PortalTable):
    file_name = tables.Column(verbose_name=_("文件"), linkify=("imports:job", {"pk": tables.A("pk")}))
    city = tables.Column(verbose_name=_("城市"))
    plan_title = tables.Column(verbose_name=_("工作方案"))
    status = tables.Column(verbose_name=_("状态"))
    created_at = tables.DateTimeColumn(verbose_name=_("上传时间"), format="Y-m-d H:i")

    class Meta(PortalTable.Meta):
        model = ImportJob
        fields = ("file_name", "city", "plan_title", "status", "created_at")
        orderable = False


def row_edit_link(job_id: int, row: int, query: str = "") -> str:
    """修改: with htmx the row's form opens above the list (#row-editor), without it its own page."""
    url = reverse("imports:job_row_edit", args=[job_id, row]) + (f"?{query}" if query else "")
    return format_html(
        '<a class="btn btn-outline-secondary btn-sm text-nowrap row-edit" href="{}" hx-get="{}" hx-target="#row-editor"'
        ' hx-swap="innerHTML show:#row-editor:top" hx-push-url="false">{}</a>', url, url, _("修改"),
    )


class PreviewRowTable(PortalTable):
    """The preview, one spreadsheet row a line: what would happen to it, and why not."""

    row = tables.Column(verbose_name=_("行"), accessor="row")
    code = tables.Column(verbose_name=_("序号"), accessor="code")
    status = tables.Column(verbose_name=_("结果"), accessor="status")
    text = tables.Column(verbose_name=_("工作措施 / 章节"), accessor="text")
    units = tables.Column(verbose_name=_("责任单位"), accessor="units")
    targets = tables.Column(verbose_name=_("目标指标"), accessor="targets")
    deadline = tables.Column(verbose_name=_("完成时限"), accessor="deadline")
    programme = tables.Column(verbose_name=_("专项"), accessor="programme")
    notes = tables.Column(verbose_name=_("说明"), accessor="problems", empty_values=())
    edit = tables.Column(verbose_name="", accessor="row", empty_values=())

    class Meta(PortalTable.Meta):
        orderable = False
        row_attrs = {
            "class": lambda record: f"preview-{record.status}",
            "data-row": lambda record: record.row,
            "id": lambda record: f"row-{record.row}",
        }

    def __init__(self, *args, job=None, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.job, self.query = job, query

    def render_edit(self, value, record):
        if record.kind != "measure" or self.job is None:
            return ""
        return row_edit_link(self.job.pk, value, self.query)

    def render_status(self, value):
        return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_STYLES[value], STATUS_LABELS[value])

    def render_text(self, value, record):
        if record.kind == "section":
            return format_html("<strong>{}</strong>", value)
        return value

    def render_programme(self, value, record):
        if record.programme_suggested:
            return format_html('{} <span class="badge text-bg-light" title="{}">{}</span>', value,
                               _("文件中没有专项，这是按任务内容建议的，可在上方“专项”中确认或改选"), _("建议"))
        return value

    def render_targets(self, value):
        return format_html_join("", "<div>{}</div>", ((t,) for t in value))

    def render_notes(self, value, record):
        edited = format_html('<div class="text-info">{}</div>', _("已在预览中修改")) if record.edited else ""
        return format_html("{}{}", edited, self._notes(value, record))

    def _notes(self, value, record):
        if value:
            return format_html_join("", '<div class="text-danger">{}</div>', ((p,) for p in value))
        if record.changes:
            return _("变更：") + "、".join(record.changes)
        return ""
