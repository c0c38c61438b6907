"""Leaders' briefing: a city's or a programme's dashboard as tables, rendered either as a
printable page or as an Excel workbook (one sheet per table) — one source for both."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import rollups
from .models import Status
from portal.templatetags.portal_tags import amount

from .templatetags.dashboards_tags import month, pct, target_pct

LABELS = dict(Status.choices)
FILLS = {
    Status.DONE: "CFE2FF", Status.GREEN: "D1E7DD", Status.AMBER: "FFF3CD", Status.RED: "F8D7DA",
    Status.OVERDUE: "E4C1BF", Status.NO_DATA: "E9ECEF",
}


@dataclass
class BriefTable:
    name: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    status_column: int | None = None  # coloured by status in the workbook
    note: str = ""


@dataclass
class Briefing:
    title: str
    as_of: date | None
    sample: bool
    tables: list[BriefTable]
    generated_at: object = field(default_factory=timezone.localtime)
    report_title: str = ""  # the Word document's: …工作进展情况通报

    @property
    def filename(self) -> str:
        return f"{self.title}-{self.as_of:%Y-%m}.xlsx" if self.as_of else f"{self.title}.xlsx"


class Share:
    """A fraction shown as a percentage: 57.2% on the page and in Word, the number 0.572 with
    a % format in the workbook (a leader's formulas add it up)."""

    def __init__(self, value: float, text=pct):
        self.value, self.text = float(value), text(value)

    def __str__(self) -> str:
        return self.text


def share(value, text=pct):
    return "—" if value is None or value == "" else Share(value, text)


def _counts(tally) -> list:
    if tally is None:
        return [0] * len(rollups.STATUSES) + ["—"]
    return [tally.count(s) for s in rollups.STATUSES] + [share(tally.completion)]


def _status_headers() -> list[str]:
    return [str(LABELS[s]) for s in rollups.STATUSES] + [_("平均完成率")]


def _units(measure_summary) -> str:
    responsibilities = measure_summary.measure.responsibilities.all()
    lead = "、".join(r.unit.name for r in responsibilities if r.role == "lead")
    support = "、".join(r.unit.name for r in responsibilities if r.role != "lead")
    return lead + (f"（{_('配合')}：{support}）" if support else "")


def _lagging_measures_table(rows) -> BriefTable:
    table = BriefTable(
        _("滞后措施"),
        [_("工作方案"), _("序号"), _("工作措施"), _("责任单位"), _("状态"), _("完成率"), _("落后于时序")],
        status_column=4,
        note=_("状态为滞后或逾期的措施，按严重程度和落后幅度排列。"),
    )
    for row in rows:
        table.rows.append([
            row.plan.title, f"{row.task.number}.{row.measure.seq}",
            row.measure.text + (f"（{_('示例数据')}）" if row.has_sample else ""),
            _units(row), str(LABELS[row.status]), share(row.completion),
            share(row.lateness) if row.lateness and row.lateness > 0 else "—",
        ])
    return table


def city_briefing(board) -> Briefing:
    city = board.city
    title = _("%(city)s工作方案进度简报") % {"city": city.name}
    overview = BriefTable(_("总体情况"), [_("范围")] + _status_headers())
    overview.rows.append([city.name] + _counts(board.summary))
    plans = BriefTable(_("工作方案"), [_("工作方案"), _("时序进度")] + _status_headers())
    for s in board.plans:
        plans.rows.append([s.plan.title, share(s.time_elapsed)] + _counts(s))
    programmes = BriefTable(_("专项"), [_("专项")] + _status_headers())
    for s in board.programmes:
        name = s.programme.name if s.programme.parent_id is None else f"　{s.programme.name}"
        programmes.rows.append([name] + _counts(s))
    units = BriefTable(_("滞后单位"), [_("责任单位"), _("逾期"), _("滞后"), _("措施总数"), _("平均完成率")],
                       note=_("有滞后或逾期措施的责任单位（牵头或配合），按逾期、滞后数排列。"))
    for s in board.lagging_units:
        units.rows.append([s.unit.name, s.n_overdue, s.n_red, s.total, share(s.completion)])
    sample = bool(board.summary and board.summary.has_sample)
    return Briefing(title, board.as_of, sample,
                    [overview, plans, programmes, units, _lagging_measures_table(board.lagging_measures)],
                    report_title=_("%(city)s工作进展情况通报") % {"city": city.name})


def programme_briefing(board) -> Briefing:
    title = _("%(programme)s专项进度简报") % {"programme": board.programme.name}
    cities = BriefTable(_("各市对比"), [_("城市")] + _status_headers())
    for city, s in board.rows:
        cities.rows.append([city.name] + _counts(s))
    indicators = BriefTable(
        _("同一指标各市对比"), [_("指标"), _("城市"), _("工作方案"), _("目标"), _("实际完成"), _("完成率"), _("状态"), _("已公布结果")],
        status_column=6, note=_("实际完成为已审核通过的填报数；已公布结果为各市公开文件中的数据，二者分列，不相混合。"),
    )
    names = {c.pk: c.name for c in board.cities}
    for comparison in board.comparisons:
        for city_id in sorted(set(comparison.cells) | set(comparison.results)):
            published = "；".join(f"{r.year}年 {amount(r.value, r.unit)}" for r in comparison.results.get(city_id, []))
            cells = comparison.cells.get(city_id) or [None]
            for row in cells:
                if row is None:
                    indicators.rows.append([comparison.indicator.name, names.get(city_id, ""), "—", "—", "—", "—", "—", published])
                    continue
                point = row.point
                actual = "—" if point.actual is None else amount(point.actual, row.target.unit)
                indicators.rows.append([
                    comparison.indicator.name, names.get(city_id, ""), f"{row.plan.title}（{month(point.as_of)}）",
                    row.target.phrase, actual + (f"（{_('示例数据')}）" if point.sample else ""),
                    share(point.completion, target_pct), str(LABELS[point.status]), published,
                ])
    sample = any(s is not None and s.has_sample for _c, s in board.rows)
    return Briefing(title, board.as_of, sample, [cities, indicators, _lagging_measures_table(board.lagging_measures)],
                    report_title=_("%(programme)s专项工作进展情况通报") % {"programme": board.programme.name})


def _safe(value):
    """Text that Excel would take for a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def workbook_bytes(brief: Briefing) -> bytes:
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in brief.tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append([brief.title])
        sheet["A1"].font = Font(bold=True, size=14)
        subtitle = _("截至 %(month)s · 生成于 %(at)s") % {
            "month": month(brief.as_of), "at": brief.generated_at.strftime("%Y-%m-%d %H:%M")}
        if brief.sample:
            subtitle += " · " + _("含示例数据（演示用，非真实填报）")
        sheet.append([subtitle])
        if table.note:
            sheet.append([table.note])
        sheet.append(table.headers)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append([v.value if isinstance(v, Share) else _safe(v) for v in row])
            for column, v in enumerate(row, start=1):
                if isinstance(v, Share):
                    sheet.cell(sheet.max_row, column).number_format = "0.0%"
            if table.status_column is not None:
                status = next((s for s, label in LABELS.items() if str(label) == row[table.status_column]), None)
                if status:
                    sheet.cell(sheet.max_row, table.status_column + 1).fill = PatternFill("solid", fgColor=FILLS[status])
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
        for index, header in enumerate(table.headers, start=1):
            width = max([len(str(header))] + [len(str(r[index - 1])) for r in table.rows[:200]]) + 2
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width * 1.6, 8), 60)
            for cell in sheet[get_column_letter(index)][header_row:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def content_disposition(brief: Briefing, ext: str = "xlsx") -> str:
    name = brief.filename.removesuffix(".xlsx") + f".{ext}"
    return f"attachment; filename=\"briefing.{ext}\"; filename*=UTF-8''{quote(name)}"
