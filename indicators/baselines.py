from collections.abc import Iterable

from .models import RecordedResult, Target


def baselines_for(targets: Iterable[Target], city_id: int) -> dict[int, RecordedResult]:
    """For each target with an indicator, the city's latest reported result before its period.

    One query for all the targets of a page.
    """
    targets = [t for t in targets if t.indicator_id]
    if not targets:
        return {}
    results: dict[int, list[RecordedResult]] = {}
    for result in RecordedResult.objects.filter(
        city_id=city_id, indicator_id__in={t.indicator_id for t in targets}
    ).order_by("year"):
        results.setdefault(result.indicator_id, []).append(result)
    baselines = {}
    for target in targets:
        earlier = [r for r in results.get(target.indicator_id, []) if r.year < target.period_start.year]
        if earlier:
            baselines[target.pk] = earlier[-1]
    return baselines
