"""What the measure page shows of progress: the approved values, the reports in the works
the viewer may read, where he can file, and the measure's whole history."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from units.models import Unit

from .access import fill_units
from .figures import TargetSpec, approved_rows, progress
from .history import measure_history
from .models import Period, ProgressReport


def measure_progress_context(user, measure, targets) -> dict:
    today = timezone.localdate()
    approved = list(
        ProgressReport.objects.filter(measure=measure, state=ProgressReport.State.APPROVED)
        .select_related("unit", "period", "reviewed_by").prefetch_related("values")
        .order_by("-period__start", "unit__name", "-version")
    )
    counting_ids = set()
    seen = set()
    for report in approved:  # newest version first within each (unit, period)
        key = (report.unit_id, report.period_id)
        if key not in seen:
            seen.add(key)
            counting_ids.add(report.pk)
    for report in approved:
        report.counts = report.pk in counting_ids
        values = {v.target_id: v for v in report.values.all()}
        report.value_cells = [(t, values.get(t.pk)) for t in targets]

    rows = approved_rows(targets, up_to=today)
    latest_start = max((r.period_start for r in rows), default=None)
    for target in targets:
        target.progress = progress(TargetSpec.of(target), rows, as_of=latest_start) if latest_start else None

    visible = ProgressReport.objects.visible_to(user).filter(measure=measure)
    visible_ids = set(visible.values_list("pk", flat=True))
    in_works = list(
        visible.exclude(state=ProgressReport.State.APPROVED).select_related("unit", "period").order_by("-period__start", "unit__name")
    )
    readable_approved = visible_ids & {r.pk for r in approved}
    for report in approved:
        report.readable = report.pk in readable_approved

    fill = []
    units = fill_units(user, measure)
    current = Period.objects.filter(plan_id=measure.task.plan_id, start__lte=today, end__gte=today, is_open=True).first()
    if units and current:
        for unit in Unit.objects.filter(pk__in=units).order_by("name"):  # his own, or his towns of 各镇街
            fill.append((unit, current, reverse("reporting:report_edit", args=[measure.pk, current.pk, unit.pk])))
    return {
        "approved_reports": approved,
        "reports_in_works": in_works,
        "fill_links": fill,
        "history": measure_history(measure, report_ids=visible_ids),
    }
