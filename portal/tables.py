import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tasks.models import Measure, Plan
from tasks.tables import PortalTable


class PlanTable(PortalTable):
    title = tables.Column(verbose_name=_("工作方案"), linkify=("plan_detail", {"pk": tables.A("pk")}))
    years_label = tables.Column(verbose_name=_("年度"), accessor="years_label", orderable=False)
    task_count = tables.Column(verbose_name=_("任务"))
    measure_count = tables.Column(verbose_name=_("措施"))
    target_count = tables.Column(verbose_name=_("目标"))

    class Meta(PortalTable.Meta):
        model = Plan
        fields = ("title", "years_label", "task_count", "measure_count", "target_count")
        orderable = False


def _width(name: str) -> dict:
    return {"th": {"class": name}}


class MeasureTable(PortalTable):
    code = tables.Column(
        verbose_name=_("序号"), accessor="code", orderable=False,
        linkify=("measure_detail", {"pk": tables.A("pk")}), attrs=_width("code"),
    )
    text = tables.Column(verbose_name=_("工作措施"), attrs=_width("text"))
    units = tables.TemplateColumn(
        template_name="portal/_measure_units.html", verbose_name=_("责任单位"), orderable=False, attrs=_width("units")
    )
    targets = tables.TemplateColumn(
        template_name="portal/_measure_targets.html", verbose_name=_("目标指标"), orderable=False,
        attrs=_width("targets"),
    )
    deadline_text = tables.Column(verbose_name=_("完成时限"), attrs=_width("deadline_text"))

    class Meta(PortalTable.Meta):
        model = Measure
        fields = ("code", "text", "units", "targets", "deadline_text")
        orderable = False

