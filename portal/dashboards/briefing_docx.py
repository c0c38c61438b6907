"""The briefing as a Word document leaders forward: 工作进展情况通报 for the chosen month — the
title, 总体情况 in words and figures, then each table of the briefing (per 专项, lagging units,
lagging measures with the problems their units stated). The same Briefing as the printable page
and the workbook, so the three never disagree."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Cm, Pt

from indicators.models import ProgressReport

from . import rollups
from .briefing import LABELS, Briefing
from .briefing_chart import status_chart_png
from .templatetags.dashboards_tags import month

NUMERALS = "一二三四五六七八九十"


def status_counts(brief: Briefing) -> list[tuple[str, int]]:
    """(status, measures) over the first table: the city, or the cities of a programme."""
    first = brief.tables[0]
    n = len(rollups.STATUSES)
    counts = [sum(row[1 + i] for row in first.rows if isinstance(row[1 + i], int)) for i in range(n)]
    return list(zip(rollups.STATUSES, counts))


def overall_sentence(brief: Briefing) -> str:
    """The figures of the first table (the city, or the cities of a programme) in one sentence."""
    first = brief.tables[0]
    n = len(rollups.STATUSES)
    counts = [c for _s, c in status_counts(brief)]
    completion = first.rows[0][1 + n] if len(first.rows) == 1 else None
    parts = "、".join(f"{LABELS[s]} {c} 项" for s, c in zip(rollups.STATUSES, counts))
    text = _("截至%(month)s，共有工作措施 %(total)s 项，其中%(parts)s") % {
        "month": month(brief.as_of), "total": sum(counts), "parts": parts}
    if completion not in (None, "—"):
        text += _("，平均完成率 %(completion)s") % {"completion": completion}
    return text + "。"


def _problems(lagging_measures) -> dict[int, str]:
    """The problems (存在问题) the units stated in their latest approved reports."""
    stated: dict[int, list[str]] = {}
    reports = ProgressReport.objects.filter(
        measure_id__in=[row.measure_id for row in lagging_measures], state=ProgressReport.State.APPROVED
    ).exclude(problems="").select_related("unit").order_by("measure_id", "unit_id", "-period__start", "-version")
    seen = set()
    for report in reports:
        if (report.measure_id, report.unit_id) not in seen:
            seen.add((report.measure_id, report.unit_id))
            stated.setdefault(report.measure_id, []).append(f"{report.unit.name}：{report.problems}")
    return {pk: "；".join(lines) for pk, lines in stated.items()}


def document_bytes(brief: Briefing, lagging_measures=(), scores=()) -> bytes:
    """`scores`: the units' rankings of the city's 考核评分 schemes (SchemeScores), when any."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(brief.report_title, level=0)
    doc.add_paragraph(_("截至 %(month)s · 生成于 %(at)s") % {
        "month": month(brief.as_of), "at": brief.generated_at.strftime("%Y-%m-%d %H:%M")})
    if brief.sample:
        doc.add_paragraph(_("含示例数据：演示系统自动生成的模拟进度，并非各单位真实填报。"))
    doc.add_heading(_("一、总体情况"), level=1)
    doc.add_paragraph(overall_sentence(brief))
    counts = status_counts(brief)
    if any(n for _status, n in counts):  # the dashboard's status chart, as a picture
        chart = status_chart_png(counts, title=_("各状态工作措施数（%(month)s）") % {"month": month(brief.as_of)})
        doc.add_picture(io.BytesIO(chart), width=Cm(15))
        doc.add_paragraph(_("图1 工作措施状态分布"), style="Caption")
    problems = _problems(lagging_measures)
    for index, table in enumerate(brief.tables):
        if index:  # the first table is 总体情况's own
            doc.add_heading(f"{NUMERALS[index % 10]}、{table.name}", level=1)
        if table.note:
            doc.add_paragraph(table.note)
        lagging = table is brief.tables[-1] and lagging_measures
        headers = table.headers + ([_("存在问题")] if lagging else [])
        grid = doc.add_table(rows=1, cols=len(headers))
        grid.style = "Table Grid"
        for cell, header in zip(grid.rows[0].cells, headers):
            cell.text = str(header)
        for number, row in enumerate(table.rows):
            cells = grid.add_row().cells
            values = [str(v) for v in row]
            if lagging:
                values.append(problems.get(lagging_measures[number].measure_id, "—"))
            for cell, value in zip(cells, values):
                cell.text = value
        if not table.rows:
            doc.add_paragraph(_("无"))
    if scores:
        doc.add_heading(f"{NUMERALS[len(brief.tables) % 10]}、{_('考核评分')}", level=1)
        for ranking in scores:
            doc.add_paragraph(_("%(name)s（截至 %(month)s）") % {"name": ranking.scheme.name, "month": month(ranking.as_of)})
            grid = doc.add_table(rows=1, cols=4)
            grid.style = "Table Grid"
            for cell, header in zip(grid.rows[0].cells, [_("名次"), _("单位"), _("得分"), _("等次")]):
                cell.text = str(header)
            for row in ranking.rows:
                for cell, value in zip(grid.add_row().cells, [row.rank, row.unit.name, f"{row.score:.2f}", row.grade]):
                    cell.text = str(value)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
