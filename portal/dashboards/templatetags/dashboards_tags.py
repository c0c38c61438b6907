import functools
from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.templatetags.portal_tags import amount, completion

from ..models import Status

register = template.Library()

LABELS = dict(Status.choices)


@register.filter
def status_label(status: str) -> str:
    return LABELS.get(status, "")


@register.simple_tag
def status_badge(status: str) -> str:
    return format_html('<span class="badge status-badge status-{}">{}</span>', status, LABELS.get(status, ""))


@register.filter
def pct(value) -> str:
    """0.5724 → 57.2%; None → —."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def target_pct(value) -> str:
    """One target's completion (a fraction, uncapped): 0.572 → 57.2%; 500000 → 100%（实际
    50,000,000%）. A tally's completion is a mean of capped ones: `pct`."""
    if value is None or value == "":
        return "—"
    return completion((Decimal(str(value)) * 100).quantize(Decimal("0.1")))


@register.filter
def month(value) -> str:
    if not value:
        return "—"
    return _("%(year)s年%(month)s月") % {"year": value.year, "month": value.month}


@register.simple_tag
def month_param(value) -> str:
    return f"{value:%Y-%m}" if value else ""


@register.simple_tag
def measures_url(as_of, status: str = "", **filters) -> str:
    from ..reads import measures_link

    return measures_link(as_of, status, **filters)


@register.simple_tag
def count_link(tally, status: str, as_of, **filters) -> str:
    """A count of measures in one status, linked to the list of those measures."""
    from ..reads import Cell

    return Cell(status, tally.count(status) if tally is not None else 0, measures_url(as_of, status, **filters))


@register.simple_tag
def counts_row(tally) -> str:
    """The cells of a tally row (see reads.with_cells) and its mean completion, as <td>s."""
    cells = "".join(f'<td class="text-end">{cell.__html__()}</td>' for cell in tally.cells)
    return mark_safe(f'{cells}<td class="text-end">{pct(tally.completion)}</td>')


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def statuses():
    return list(Status)


@register.filter
def get_count(tally, status: str) -> int:
    return tally.count(status) if tally is not None else 0


# --- long lists, rendered in Python: a plan or a unit can have hundreds of measures, and
# the template engine spends most of a page's time on them ---


@functools.lru_cache(maxsize=1)
def _measure_url_prefix() -> str:
    return reverse("dashboards:measure", args=[0]).removesuffix("0/")


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _sample_badge(sample: bool) -> str:
    return f' <span class="badge sample-flag">{escape(_("示例数据"))}</span>' if sample else ""


@register.simple_tag
def measure_items(task) -> str:
    """The <li>s of a task's measures, each with its light (plan view)."""
    prefix = _measure_url_prefix()
    parts = []
    for m in task.measure_list:
        summary = m.summary
        status = summary.status if summary else Status.NO_DATA
        completion = summary.completion if summary else None
        parts.append(
            f'<li class="list-group-item py-1"><span class="light status-{status}" title="{escape(LABELS[status])}"></span> '
            f'<a href="{prefix}{m.pk}/">{task.number}.{m.seq}</a> {escape(_short(m.text, 90))}'
            + (f' <span class="text-muted">· {pct(completion)}</span>' if completion is not None else "")
            + _sample_badge(bool(summary and summary.has_sample)) + "</li>"
        )
    return mark_safe("".join(parts))


@register.simple_tag
def ranking_rows(rows) -> str:
    """The <tr>s of a unit's lateness ranking."""
    prefix = _measure_url_prefix()
    lead, support = escape(_("牵头")), escape(_("配合"))
    parts = []
    for index, row in enumerate(rows, start=1):
        lateness = pct(row.lateness) if row.lateness and row.lateness > 0 else "—"
        parts.append(
            f"<tr><td>{index}</td><td>{status_badge(row.status)}</td>"
            f'<td class="small">{escape(_short(row.plan.title, 20))}</td><td>{row.task.number}.{row.measure.seq}</td>'
            f'<td><a href="{prefix}{row.measure_id}/">{escape(_short(row.measure.text, 60))}</a>'
            f"{_sample_badge(row.has_sample)}</td><td>{lead if row.role == 'lead' else support}</td>"
            f'<td class="text-end">{pct(row.completion)}</td><td class="text-end">{lateness}</td></tr>'
        )
    return mark_safe("".join(parts))


@register.simple_tag
def comparison_rows(board) -> str:
    """The <tr>s of the programme dashboard's indicator comparison: one row per indicator,
    a cell per city with its targets' figures, then the results the city published."""
    published = escape(_("已公布"))
    parts = []
    for comparison in board.comparisons:
        cells = []
        for city in board.cities:
            lines = []
            for row in comparison.cells.get(city.pk, ()):
                point, plan = row.point, row.plan
                years = f"{plan.year_start}" if plan.year_end == plan.year_start else f"{plan.year_start}—{plan.year_end}"
                actual = "—" if point.actual is None else amount(point.actual, row.target.unit)
                lines.append(
                    f'<div class="mb-1"><div>{escape(_short(row.target.phrase, 40))}</div>'
                    f"<div>{status_badge(point.status)} {escape(actual)} · {escape(target_pct(point.completion))} "
                    f'<span class="text-muted">（{years}，{escape(month(point.as_of))}）</span>'
                    f"{_sample_badge(point.sample)}</div></div>"
                )
            results = comparison.results.get(city.pk, ())
            if results:
                listed = "；".join(f"{r.year}年 {escape(amount(r.value, r.unit))}" for r in results)
                lines.append(f'<div class="text-muted">{published}：{listed}</div>')
            cells.append(f'<td class="small">{"".join(lines)}</td>')
        parts.append(f'<tr class="indicator"><th class="fw-semibold">{escape(comparison.indicator.name)}</th>{"".join(cells)}</tr>')
    return mark_safe("".join(parts))
