"""The API's reads: what each person gets, filters, cursor pages, the dashboards' figures,
and the schema and its docs page (vendored, Chinese first)."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from indicators.models import ProgressReport
from indicators.services import report_approve, report_save_draft, report_submit
from indicators.tests.reporting_fixtures import BUREAU, report_input
from portal.dashboards.models import CitySummary
from portal.dashboards.services import rollups_recompute_measures
from tasks.models import Measure

pytestmark = pytest.mark.django_db


def test_lists_come_in_cursor_pages_that_do_not_overlap(api, measure):
    client = api("leader")
    url = reverse("api:measure-list") + f"?plan={measure.task.plan_id}&page_size=5"
    first = client.get(url).json()
    assert len(first["results"]) == 5 and first["next"] and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    ids = [m["id"] for m in first["results"]], [m["id"] for m in second["results"]]
    assert not set(ids[0]) & set(ids[1]) and max(ids[0]) < min(ids[1])


def test_measures_come_with_their_units_and_targets_and_filter_by_plan_and_unit(api, measure, unit_of):
    client = api("leader")
    league = unit_of("团市委")
    rows = client.get(reverse("api:measure-list") + f"?unit={league.pk}&page_size=500").json()["results"]
    assert rows and all(any(r["unit"] == league.pk for r in m["responsibilities"]) for m in rows)
    one = client.get(reverse("api:measure-detail", args=[measure.pk])).json()
    assert one["code"] == "4.1" and one["targets"][0]["kind"] == "flow_annual"
    assert {r["unit_name"] for r in one["responsibilities"]} == {BUREAU, "团市委"}
    plan_rows = client.get(reverse("api:measure-list") + f"?plan={measure.task.plan_id}&page_size=500").json()["results"]
    assert len(plan_rows) == Measure.objects.filter(task__plan=measure.task.plan).count()


def test_reports_are_the_approved_ones_or_the_callers_own(api, measure, period, unit_of, target, people):
    bureau = unit_of(BUREAU)
    draft = report_save_draft(measure=measure, unit=bureau, period=period, user=people["lead_staff"],
                              data=report_input(target, Decimal(5)), revision=None)
    url = reverse("api:report-list") + f"?measure={measure.pk}"
    assert draft.pk in {r["id"] for r in api("lead_staff").get(url).json()["results"]}
    assert draft.pk not in {r["id"] for r in api("leader").get(url).json()["results"]}
    submitted = report_submit(report=draft, user=people["lead_staff"], revision=draft.revision)
    report_approve(report=submitted, user=people["reviewer"])
    leader_sees = api("leader").get(url).json()["results"]
    assert [r["id"] for r in leader_sees] == [draft.pk] and leader_sees[0]["values"][0]["value"] == "5.0000"
    assert api("other_city_staff").get(url).json()["results"] == []
    states = api("leader").get(reverse("api:report-list") + "?state=draft").json()["results"]
    assert all(r["state"] == "draft" for r in states)
    assert not ProgressReport.objects.filter(pk__in=[r["id"] for r in states]).exclude(state="approved").exists()


def test_the_city_dashboard_gives_the_summary_tables_figures_for_a_month(api, measure):
    rollups_recompute_measures(measure_ids=list(Measure.objects.filter(task__plan=measure.task.plan).values_list("pk", flat=True)))
    city_id = measure.task.plan.city_id
    client = api("leader")
    latest = client.get(reverse("api:dashboard_city", args=[city_id])).json()
    assert latest["months"] and latest["as_of"] in latest["months"]  # by default the last month over
    wanted = latest["months"][0]
    board = client.get(reverse("api:dashboard_city", args=[city_id]) + f"?as_of={wanted}").json()
    stored = CitySummary.objects.get(city_id=city_id, as_of__year=int(wanted[:4]), as_of__month=int(wanted[5:]))
    assert board["as_of"] == wanted and board["tally"]["total"] == stored.total
    assert board["tally"]["red"] == stored.n_red and board["plans"]
    assert client.get(reverse("api:dashboard_city", args=[city_id]) + "?as_of=2025-13").status_code == 400
    cities = client.get(reverse("api:dashboard_cities")).json()["cities"]
    assert [c["city"] for c in cities] == [city_id]
    plan = client.get(reverse("api:dashboard_plan", args=[measure.task.plan_id])).json()
    assert any(m["measure"] == measure.pk for t in plan["tasks"] for m in t["measures"])


def test_the_schema_and_its_docs_are_served_with_vendored_assets_chinese_first(client, people):
    client.force_login(people["leader"])
    schema = client.get(reverse("api:schema") + "?format=json").json()
    assert schema["info"]["title"] == "工作方案督办平台 数据接口"
    assert "/api/reports/{id}/approve/" in schema["paths"] and "bearerToken" in schema["components"]["securitySchemes"]
    english = client.get(reverse("api:schema") + "?format=json&lang=en").json()
    assert english["info"]["title"] == "Work-plan portal API"
    assert english["paths"]["/api/reports/{id}/approve/"]["post"]["summary"] == "Approve"
    docs = client.get(reverse("api:docs")).content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_periods_and_results_are_those_of_the_users_cities(api, measure):
    periods = api("other_city_staff").get(reverse("api:period-list") + f"?plan={measure.task.plan_id}").json()
    assert periods["results"] == []
    own = api("leader").get(reverse("api:period-list") + f"?plan={measure.task.plan_id}&start_after=2024-01-01").json()
    assert own["results"] and all(p["start"] >= str(date(2024, 1, 1)) for p in own["results"])
    results = api("leader").get(reverse("api:result-list")).json()["results"]
    assert results and {r["city"] for r in results} == {measure.task.plan.city_id}
