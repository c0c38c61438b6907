"""The change log (留痕) of a measure: its own edits, its targets', its responsibilities', its
reports' and their values', merged and newest first — who, when, what changed from what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import Measure, Responsibility, Task
from units.models import Unit

from .models import ActualValue, Period, ProgressReport, Target
from .values import amount

SKIP = {"id", "history_id", "history_date", "history_user", "history_user_id", "history_type",
        "history_change_reason", "updated_at", "revision", "created_at", "updated_by", "created_by"}
ACTIONS = {"+": _("新建"), "~": _("修改"), "-": _("删除")}


@dataclass
class Change:
    when: datetime
    who: str
    what: str
    action: str
    changes: list[str] = field(default_factory=list)
    reason: str = ""


def _short(value, limit: int = 60) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Fields whose model gives no Chinese name of their own.
LABELS = {"reviewed_by": _("审核人"), "reviewed_at": _("审核时间"), "submitted_at": _("提交时间"),
          "report": _("报告"), "target": _("目标"), "measure": _("工作措施"), "unit": _("单位")}


def _fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in SKIP and f.attname not in SKIP]


def _label(model_field) -> str:
    name = str(model_field.verbose_name)
    return str(LABELS.get(model_field.name, name)) if name == model_field.name.replace("_", " ") else name


def _display(model_field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, Decimal):
        return amount(value)  # as on the page: 1, 21.04万 — not 1.0000, 210418.0000
    if model_field.choices:
        return _short(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return _short(names.get((model_field.related_model, value), value))
    return _short(value)


def _name_of(obj) -> str:
    get_full_name = getattr(obj, "get_full_name", None)
    return (get_full_name() or obj.get_username()) if get_full_name else str(obj)


def _name_relations(records: list, fields: list, names: dict) -> None:
    """Names of the users, units … the records point to and `names` lacks, one query a model."""
    wanted: dict = {}
    for f in fields:
        if f.is_relation:
            ids = {getattr(r, f.attname) for r in records} - {None}
            wanted.setdefault(f.related_model, set()).update(i for i in ids if (f.related_model, i) not in names)
    for model, ids in wanted.items():
        if ids:
            names.update({(model, pk): _name_of(obj) for pk, obj in model._default_manager.in_bulk(ids).items()})


def _diffs(records, model, names: dict, label, only_ids=None) -> list[Change]:
    """Consecutive records of each object compared field by field (no query per record)."""
    fields = _fields(model)
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    _name_relations(records, fields, names)
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    changes = []
    for object_id, versions in by_object.items():
        if only_ids is not None and object_id not in only_ids:
            continue
        previous = None
        for record in versions:
            lines = []
            if record.history_type == "~" and previous is not None:
                for f in fields:
                    old, new = getattr(previous, f.attname), getattr(record, f.attname)
                    if old != new:
                        lines.append(f"{_label(f)}：{_display(f, old, names)} → {_display(f, new, names)}")
                if not lines and not record.history_change_reason:
                    previous = record
                    continue  # a save that changed nothing shown and says nothing
            elif record.history_type == "+":
                lines = [f"{_label(f)}：{_display(f, getattr(record, f.attname), names)}" for f in fields
                         if getattr(record, f.attname) not in (None, "") and not f.is_relation
                         and not isinstance(getattr(record, f.attname), datetime)][:6]
            user = record.history_user
            changes.append(Change(
                when=record.history_date,
                who=user.get_username() if user else _("系统导入"),
                what=label(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=lines,
                reason=record.history_change_reason or "",
            ))
            previous = record
    return changes


def report_history(report: ProgressReport, *, limit: int = 60) -> list[Change]:
    """What was recorded about one report and its values (a doubted value's reason
    included), newest first."""
    report_records = list(report.history.select_related("history_user"))
    value_records = list(ActualValue.history.filter(report_id=report.pk).select_related("history_user"))
    names: dict = {(Target, pk): phrase for pk, phrase in Target.objects.filter(
        pk__in={v.target_id for v in value_records}).values_list("pk", "phrase")}
    names[(Unit, report.unit_id)] = report.unit.name
    names[(Period, report.period_id)] = report.period.label
    changes = _diffs(report_records, ProgressReport, names, lambda r: _("报告"))
    changes += _diffs(value_records, ActualValue, names, lambda v: _("实际值 %(target)s") % {
        "target": _short(names.get((Target, v.target_id), v.target_id), 24)})
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def measure_history(measure: Measure, *, report_ids: set[int], limit: int = 300) -> list[Change]:
    """Everything recorded about a measure. Reports (and their values) only where listed in
    `report_ids` — those the viewer may read."""
    report_records = list(ProgressReport.history.filter(measure_id=measure.pk, id__in=report_ids).select_related("history_user"))
    value_records = list(ActualValue.history.filter(report_id__in=report_ids).select_related("history_user"))
    target_records = list(Target.history.filter(measure_id=measure.pk).select_related("history_user"))
    resp_records = list(Responsibility.history.filter(measure_id=measure.pk).select_related("history_user"))
    unit_ids = {r.unit_id for r in resp_records} | {r.unit_id for r in report_records}
    period_ids = {r.period_id for r in report_records}
    names: dict = {(Unit, pk): name for pk, name in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")}
    periods = {p.pk: p for p in Period.objects.filter(pk__in=period_ids)}
    names.update({(Period, pk): p.label for pk, p in periods.items()})
    phrases = {t.id: t.phrase for t in target_records}
    names.update({(Target, pk): phrase for pk, phrase in phrases.items()})
    reports = {r.id: r for r in report_records}

    def report_label(r) -> str:
        period = periods.get(r.period_id)
        return _("报告 %(unit)s · %(period)s · 第%(v)s版") % {
            "unit": names.get((Unit, r.unit_id), r.unit_id), "period": period.label if period else "", "v": r.version}

    def value_label(v) -> str:
        report = reports.get(v.report_id)
        where = report_label(report) if report else ""
        return _("实际值 %(target)s（%(where)s）") % {"target": _short(phrases.get(v.target_id, v.target_id), 24), "where": where}

    changes = []
    changes += _diffs(measure.history.select_related("history_user"), Measure, names, lambda r: _("工作措施"))
    task_records = list(Task.history.filter(id=measure.task_id).select_related("history_user"))
    changes += _diffs(task_records, Task, names, lambda r: _("任务 %(number)s") % {"number": r.number})
    changes += _diffs(target_records, Target, names, lambda r: _("目标 %(phrase)s") % {"phrase": _short(r.phrase, 30)})
    changes += _diffs(resp_records, Responsibility, names,
                      lambda r: _("责任单位 %(unit)s") % {"unit": names.get((Unit, r.unit_id), r.unit_id)})
    changes += _diffs(report_records, ProgressReport, names, report_label)
    changes += _diffs(value_records, ActualValue, names, value_label)
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]



def plan_task_history(plan, *, limit: int = 100) -> list[Change]:
    """The changes of a plan's tasks (a title, a 专项, a section), newest first: the plan
    page's record of what its tasks were called before."""
    records = list(Task.history.filter(plan_id=plan.pk).select_related("history_user"))
    changes = [c for c in _diffs(records, Task, {}, lambda r: _("任务 %(number)s") % {"number": r.number})
               if c.action != ACTIONS["+"]]
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
