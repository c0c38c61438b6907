"""督办 from the dashboards (#14): "red two periods" found as the rule says, the bulk issue
for them (once), the 督办 link only for those who may issue although the body is cached for
all, and the units' scores in the city's Word briefing."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from indicators.models import Period
from portal.dashboards.models import MeasureSummary, Status
from portal.dashboards.services import rollups_recompute_measures
from portal.supervision.links import issue_links
from portal.supervision.models import Notice, Rule, Scheme
from portal.supervision.services.alerts import measures_red_twice
from portal.supervision.services.scoring import scheme_compute
from tasks.models import Measure, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def zs_plan():
    return Plan.objects.get(slug="zhongshan-2023-2027")


@pytest.fixture
def last_two(zs_plan):
    """The month ends of the plan's last two periods ended by today, latest first."""
    from portal.dashboards.rollups import month_end

    ends = Period.objects.filter(plan=zs_plan, end__lt=timezone.localdate()).order_by("-end").values_list("end", flat=True)[:3]
    return [month_end(end) for end in ends]


@pytest.fixture
def three(zs_plan):
    measures = list(Measure.objects.filter(task__plan=zs_plan, responsibilities__role="lead").distinct().order_by("pk")[:3])
    rollups_recompute_measures(measure_ids=[m.pk for m in measures])
    MeasureSummary.objects.filter(measure__in=measures).update(status=Status.GREEN)
    return measures


def _red(measure, months):
    assert MeasureSummary.objects.filter(measure=measure, as_of__in=months).update(status=Status.RED) == len(months)


def test_red_two_periods_means_red_at_the_end_of_each_of_the_last_two(zs_plan, last_two, three):
    twice, latest_only, earlier = three
    _red(twice, last_two[:2])
    _red(latest_only, last_two[:1])
    _red(earlier, last_two[1:3])  # red twice, but not in the last two periods
    found = measures_red_twice(zs_plan.city_id)
    assert set(found) == {twice.pk}
    assert found[twice.pk] == (last_two[1], last_two[0])


def test_the_bulk_issue_sends_one_notice_to_each_lead_unit_of_those_measures_once(client, zs_plan, last_two, three, people):
    twice = three[0]
    _red(twice, last_two[:2])
    client.force_login(people["leader"])
    url = reverse("supervision:bulk_issue", args=[zs_plan.city_id])
    assert client.post(url).status_code == 302
    leads = set(twice.responsibilities.filter(role="lead").values_list("unit_id", flat=True))
    notices = Notice.objects.filter(measure__task__plan=zs_plan)
    assert set(notices.values_list("measure_id", flat=True)) == {twice.pk}
    assert set(notices.values_list("unit_id", flat=True)) == leads
    assert set(notices.values_list("level", flat=True)) == {Notice.Level.SUPERVISE}
    client.post(url)  # still pending: not issued again
    assert notices.count() == len(leads)
    client.force_login(people["lead_staff"])
    assert client.post(url).status_code == 403


def test_the_issue_link_is_put_in_for_those_who_may_issue_only(people, zs_plan):
    body = f"<td>x<!--issue-notice:7:{zs_plan.city_id}--></td>"
    assert reverse("supervision:notice_new", args=[7]) in issue_links(body, people["leader"])
    assert issue_links(body, people["lead_staff"]) == "<td>x</td>"
    assert issue_links(body, people["other_city_staff"]) == "<td>x</td>"


def test_the_cached_city_dashboard_shows_the_link_to_the_leader_and_not_to_staff(client, settings, zs_plan, last_two,
                                                                                  three, people):
    settings.DASHBOARD_CACHE_SECONDS = 600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "links"}}
    twice = three[0]
    _red(twice, last_two[:2])
    MeasureSummary.objects.filter(measure=twice).update(status=Status.RED)
    url = reverse("dashboards:city", args=[zs_plan.city_id]) + f"?as_of={last_two[0]:%Y-%m}"
    link = reverse("supervision:notice_new", args=[twice.pk])
    client.force_login(people["leader"])
    assert link in client.get(url).content.decode()
    for viewer in ("lead_staff", "reviewer"):  # the same cached body, no link for them
        client.force_login(people[viewer])
        page = client.get(url).content.decode()
        assert link not in page and "issue-notice" not in page


def test_the_city_word_briefing_carries_the_units_scores(client, zs_plan, people, unit_of):
    year = timezone.localdate().year
    scheme = Scheme.objects.create(city=zs_plan.city, plan=zs_plan, year=year, name="年度考核方案", base=Decimal(100))
    Rule.objects.create(scheme=scheme, kind=Rule.Kind.OVERDUE_MEASURE, points=Decimal(-1))
    as_of = timezone.localdate().replace(day=1)
    summaries = scheme_compute(scheme=scheme, as_of=as_of)
    assert summaries
    client.force_login(people["leader"])
    response = client.get(reverse("dashboards:city_briefing_docx", args=[zs_plan.city_id]))
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "考核评分" in text and "年度考核方案" in text
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    best = min(summaries, key=lambda s: s.rank)
    assert best.unit.name in cells and f"{best.score:.2f}" in cells


def test_a_city_without_a_scheme_has_no_scores_section(client, zs_plan, people):
    client.force_login(people["leader"])
    response = client.get(reverse("dashboards:city_briefing_docx", args=[zs_plan.city_id]))
    assert "考核评分" not in "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
