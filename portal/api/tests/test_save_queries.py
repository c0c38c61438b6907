"""A report's save costs the same number of queries whatever the number of its targets:
values and their history rows are written in bulk, the measure's units and targets read
once (the month-end peak, #15)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import ActualValue, Target
from indicators.tests.reporting_fixtures import BUREAU

pytestmark = pytest.mark.django_db


def add_targets(measure, like: Target, n: int) -> list[Target]:
    return [Target.objects.create(measure=measure, seq=like.seq + 1 + i, kind="flow_annual", comparator="gte",
                                  value=Decimal(50), unit="个", period_start=like.period_start,
                                  period_end=like.period_end, phrase=f"新增目标{i + 1}")
            for i in range(n)]


def body(measure, period, unit, targets, value, revision=None):
    return {"measure": measure.pk, "unit": unit.pk, "period": period.pk, "revision": revision, "narrative": "进展",
            "values": [{"target": t.pk, "value": str(value)} for t in targets]}


def queries_of(client, payload) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("api:report-list"), payload, format="json")
    assert response.status_code in (200, 201), response.json()
    return len(captured), response.json()


def test_a_save_does_not_cost_more_queries_with_more_targets(api, measure, period, unit_of, target, no_broker,
                                                              django_assert_max_num_queries):
    unit = unit_of(BUREAU)
    one, saved = queries_of(api("lead_staff"), body(measure, period, unit, [target], 12))
    # The same save again, a value changed: the update path.
    one_again, _saved = queries_of(api("lead_staff"), body(measure, period, unit, [target], 13, saved["revision"]))
    ActualValue.objects.filter(report_id=saved["id"]).delete()
    from indicators.models import ProgressReport

    ProgressReport.objects.filter(pk=saved["id"]).delete()

    targets = [target, *add_targets(measure, target, 7)]
    client = api("lead_staff")
    with django_assert_max_num_queries(one):
        created = client.post(reverse("api:report-list"), body(measure, period, unit, targets, 12), format="json")
    assert created.status_code == 201, created.json()
    with django_assert_max_num_queries(one_again):
        updated = client.post(reverse("api:report-list"),
                              body(measure, period, unit, targets, 13, created.json()["revision"]), format="json")
    assert updated.status_code == 200, updated.json()
    values = ActualValue.objects.filter(report_id=updated.json()["id"])
    assert sorted(values.values_list("target_id", "value")) == sorted((t.pk, Decimal(13)) for t in targets)
    # Every value's history as before: created, then changed, by the filer.
    for value in values:
        assert list(value.history.order_by("history_date").values_list("history_type", "value", "history_user__username")) \
            == [("+", Decimal(12), "lead_staff"), ("~", Decimal(13), "lead_staff")]
    assert one <= 30 and one_again <= 30
