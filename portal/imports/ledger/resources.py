"""django-import-export resources for measures: the Django admin's import and export of
measures, one row per measure in the ledger's own columns.

The widgets render and read the ledger's cells (unit names, target phrases, deadlines) with the
same rules as the ledger reader. The admin import goes row by row through import-export and
suits corrections of a few measures; whole ledgers go through the ledger import (importing.py),
which normalises the layout first and writes in bulk.
"""

from __future__ import annotations

from django.db import transaction
from import_export import fields, widgets

from indicators.models import ActualValue, Target
from indicators.parsing import PlanContext, parse_targets
from tasks.models import Measure, Plan, Responsibility, Task
from tasks.signals import notify_progress_changed
from units.collectives import ensure_collective
from units.resources import FormulaSafeResource

from .export import target_cell
from .validate import DraftTarget, IndicatorCatalogue, UnitDirectory, parse_deadline, split_units
from .write import target_values


class UnitNamesWidget(widgets.Widget):
    """The units of one role on a measure, named in one cell and separated by 、."""

    def __init__(self, role: str, **kwargs):
        self.role = role
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs) -> list[str]:
        return split_units(str(value or ""))

    def render(self, value, obj=None, **kwargs) -> str:
        if obj is None:
            return ""
        return "、".join(r.unit.name for r in obj.responsibilities.all() if (r.role == "lead") == (self.role == "lead"))


class TargetPhrasesWidget(widgets.Widget):
    """A measure's targets as the phrases they were written in, one per line."""

    def clean(self, value, row=None, **kwargs) -> str:
        return str(value or "").strip()

    def render(self, value, obj=None, **kwargs) -> str:
        if obj is None:
            return ""
        plan = obj.task.plan
        return target_cell(list(obj.targets.all()), PlanContext(plan.year_start, plan.year_end))


class MeasureResource(FormulaSafeResource):
    plan = fields.Field(column_name="方案代码", readonly=True)
    code = fields.Field(column_name="序号", readonly=True)
    task = fields.Field(column_name="任务", readonly=True)
    text = fields.Field(attribute="text", column_name="工作措施")
    lead = fields.Field(column_name="牵头单位", widget=UnitNamesWidget("lead"), readonly=True)
    support = fields.Field(column_name="配合单位", widget=UnitNamesWidget("support"), readonly=True)
    targets = fields.Field(column_name="目标指标", widget=TargetPhrasesWidget(), readonly=True)
    deadline_text = fields.Field(attribute="deadline_text", column_name="完成时限")

    class Meta:
        model = Measure
        fields = ("plan", "code", "task", "text", "lead", "support", "targets", "deadline_text")
        import_id_fields = ()
        skip_unchanged = False
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._plans: dict[str, Plan] = {}
        self._units: dict[int, UnitDirectory] = {}
        self._catalogue: IndicatorCatalogue | None = None
        self._parsed: dict[int, dict] = {}

    def get_queryset(self):
        return Measure.objects.select_related("task__plan").prefetch_related(
            "responsibilities__unit", "targets"
        ).order_by("task__plan_id", "task__number", "seq")

    def dehydrate_plan(self, measure):
        return measure.task.plan.slug

    def dehydrate_code(self, measure):
        return measure.code

    def dehydrate_task(self, measure):
        return measure.task.title

    def dehydrate_lead(self, measure):
        return self.fields["lead"].widget.render(None, measure)

    def dehydrate_support(self, measure):
        return self.fields["support"].widget.render(None, measure)

    def dehydrate_targets(self, measure):
        return self.fields["targets"].widget.render(None, measure)

    # Import: a row names an existing task of a plan (方案代码 + 序号 "3.2"); the measure is
    # created or updated with its units, deadline and targets read by the ledger's rules.
    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)  # an exported formula text's apostrophe comes off
        slug, code = str(row.get("方案代码") or "").strip(), str(row.get("序号") or "").strip()
        plan = self._plans.get(slug) or Plan.objects.filter(slug=slug).select_related("city").first()
        if plan is None:
            raise ValueError(f"方案代码“{slug}”不存在")
        self._plans[slug] = plan
        number, _sep, seq = code.partition(".")
        if not (number.isdigit() and seq.isdigit()):
            raise ValueError(f"序号“{code}”应写作“任务序号.措施序号”，如 3.2")
        task = Task.objects.filter(plan=plan, number=int(number)).first()
        if task is None:
            raise ValueError(f"方案“{plan.title}”没有任务{number}：新增任务请用“导入台账”页面导入整个台账")
        units = self._units.setdefault(plan.city_id, UnitDirectory(plan.city))
        roles: dict[int, str] = {}
        for role, column in (("lead", "牵头单位"), ("support", "配合单位")):
            for name in split_units(str(row.get(column) or "")):
                resolved = units.resolve(name)
                if resolved is None:
                    raise ValueError(f"单位“{name}”不存在")
                for unit_id in resolved:
                    roles.setdefault(unit_id, role)
        if "lead" not in roles.values():
            raise ValueError("工作措施没有牵头单位")
        deadline, recurring = parse_deadline(str(row.get("完成时限") or ""), plan.year_start, plan.year_end)
        parsed = parse_targets(str(row.get("目标指标") or ""), PlanContext(plan.year_start, plan.year_end, deadline))
        if parsed.problems:
            raise ValueError("；".join(parsed.problems))
        self._catalogue = self._catalogue or IndicatorCatalogue()
        self._parsed[kwargs["row_number"]] = {
            "task": task,
            "seq": int(seq),
            "deadline": deadline,
            "recurring": recurring,
            "roles": roles,
            "targets": [target_values(DraftTarget(t, self._catalogue.match(t.phrase))) for t in parsed.targets],
        }
        self._current = self._parsed[kwargs["row_number"]]

    def get_instance(self, instance_loader, row):
        return Measure.objects.filter(task=self._current["task"], seq=self._current["seq"]).first()

    def import_instance(self, instance, row, **kwargs):
        parsed = self._parsed[kwargs["row_number"]]
        instance.task, instance.seq = parsed["task"], parsed["seq"]
        super().import_instance(instance, row, **kwargs)
        instance.deadline, instance.recurring = parsed["deadline"], parsed["recurring"]

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        parsed = self._parsed[kwargs["row_number"]]
        with transaction.atomic():
            current = {r.unit_id: r for r in instance.responsibilities.all()}
            units = self._units[instance.task.plan.city_id]
            for placeholder, (name, kind) in units.new_collectives.items():  # 各镇街, first used here
                collective = ensure_collective(instance.task.plan.city, name, kind)
                if placeholder in parsed["roles"]:
                    parsed["roles"][collective.pk] = parsed["roles"].pop(placeholder)
            for unit_id, role in parsed["roles"].items():
                if unit_id not in current:
                    Responsibility.objects.create(measure=instance, unit_id=unit_id, role=role)
                elif current[unit_id].role != role:
                    current[unit_id].role = role
                    current[unit_id].save()
            for unit_id, responsibility in current.items():
                if unit_id not in parsed["roles"]:
                    responsibility.delete()
            targets = {t.seq: t for t in instance.targets.all()}
            for seq, values in enumerate(parsed["targets"], start=1):
                target = targets.get(seq) or Target(measure=instance, seq=seq)
                if target.pk is None or any(getattr(target, k) != v for k, v in values.items()):
                    for name, value in values.items():
                        setattr(target, name, value)
                    target.save()
            for seq, target in targets.items():
                if seq > len(parsed["targets"]) and not ActualValue.objects.filter(target=target).exists():
                    target.delete()
            notify_progress_changed([instance.pk])
