"""The dashboards as users see them: who may open what, counts that lead to their measures,
the month picker, the briefing, and reads that stay on the summary tables."""

import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal.dashboards import services
from portal.dashboards.models import MeasureSummary
from tasks.models import Plan, Programme
from units.models import Region

from .conftest import measure_of, target_of, unit_named

pytestmark = pytest.mark.django_db

ZS = "zhongshan-2023-2027"
OCTOBER = "2026-10"


@pytest.fixture
def progress(reporting):
    """中山 1.1 behind (10 000 of 225 000 by October 2026: red) and 3.3 done this year."""
    new_jobs = measure_of(ZS, "1.1")
    reporting.report(new_jobs, unit_named("zhongshan", "市发展改革局"), date(2026, 1, 1),
                     {target_of(new_jobs, "urban_new_jobs"): 10000})
    posts = measure_of(ZS, "3.3")
    reporting.report(posts, unit_named("zhongshan", "团市委"), date(2026, 1, 1),
                     {target_of(posts, "traineeship_posts"): 3100, target_of(posts, "wings_internship_posts"): 2500})
    services.rollups_rebuild()
    return new_jobs, posts


def zs():
    return Region.objects.get(code="zhongshan")


def pages():
    plan = Plan.objects.get(slug=ZS)
    return [
        reverse("dashboards:overview"),
        reverse("dashboards:city", args=[zs().pk]),
        reverse("dashboards:programme", args=[Programme.objects.get(code="jobs").pk]),
        reverse("dashboards:plan", args=[plan.pk]),
        reverse("dashboards:unit", args=[unit_named("zhongshan", "市人力资源和社会保障局").pk]),
        reverse("dashboards:measure", args=[measure_of(ZS, "1.1").pk]),
        reverse("dashboards:measures") + f"?as_of={OCTOBER}&status=red&city={zs().pk}",
        reverse("dashboards:city_briefing", args=[zs().pk]),
        reverse("dashboards:programme_briefing", args=[Programme.objects.get(code="jobs").pk]),
    ]


@pytest.mark.parametrize("role", ["staff", "reviewer", "leader", "admin"])
def test_every_dashboard_renders_for_each_role_of_the_bureau(client, make_user, progress, role):
    client.force_login(make_user(f"zs_{role}", city="zhongshan", role=role))
    for url in pages():
        response = client.get(url)
        assert response.status_code == 200, url
    assert "驾驶舱" in client.get(reverse("home")).content.decode()  # in the navigation


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    for url in pages():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_citys_dashboards_answer_404(client, make_user):
    client.force_login(make_user("jm_leader_x", city="jiangmen", role="leader"))
    plan = Plan.objects.get(slug=ZS)
    for url in [
        reverse("dashboards:city", args=[zs().pk]),
        reverse("dashboards:city_briefing_xlsx", args=[zs().pk]),
        reverse("dashboards:plan", args=[plan.pk]),
        reverse("dashboards:unit", args=[unit_named("zhongshan", "市人力资源和社会保障局").pk]),
        reverse("dashboards:measure", args=[measure_of(ZS, "1.1").pk]),
        reverse("dashboards:measures") + f"?as_of={OCTOBER}&city={zs().pk}",
    ]:
        assert client.get(url).status_code == 404, url
    overview = client.get(reverse("dashboards:overview")).content.decode()
    assert "江门市" in overview and "中山市" not in overview
    programme = client.get(reverse("dashboards:programme", args=[Programme.objects.get(code="jobs").pk]))
    assert "中山" not in programme.content.decode()


def test_a_unit_dashboard_is_for_the_unit_and_the_citys_leaders_not_another_unit(client, make_user, progress):
    bureau = unit_named("zhongshan", "市人力资源和社会保障局")
    url = reverse("dashboards:unit", args=[bureau.pk])
    client.force_login(make_user("zs_bureau_staff", city="zhongshan", role="staff"))
    assert client.get(url).status_code == 200
    client.force_login(make_user("zs_other_staff", city="zhongshan", unit="市发展改革局", role="staff"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("dashboards:measures") + f"?as_of={OCTOBER}&unit={bureau.pk}").status_code == 404
    # The same user sees the city's dashboard and a measure of the bureau, as on the plan page.
    assert client.get(reverse("dashboards:city", args=[zs().pk])).status_code == 200
    assert client.get(reverse("dashboards:measure", args=[measure_of(ZS, "2.1").pk])).status_code == 200
    client.force_login(make_user("zs_boss", city="zhongshan", unit="市发展改革局", role="leader"))
    assert client.get(url).status_code == 200


def test_a_red_count_on_the_city_dashboard_opens_exactly_the_red_measures(client, make_user, progress):
    new_jobs, _posts = progress
    client.force_login(make_user("zs_leader_x", city="zhongshan", role="leader"))
    body = client.get(reverse("dashboards:city", args=[zs().pk]) + f"?as_of={OCTOBER}").content.decode()
    link = re.search(r'data-status="red"><a class="status-count status-red" href="([^"]+)"[^>]*>(\d+)</a>', body)
    red = MeasureSummary.objects.filter(city=zs(), as_of=date(2026, 10, 31), status="red")
    assert int(link.group(2)) == red.count() >= 1
    listing = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    table = listing[listing.index('id="measure-list"'):]
    rows = re.findall(r'<span class="badge status-badge status-(\w+)">', table)
    assert rows == ["red"] * red.count()
    assert new_jobs.text[:20] in listing


def test_the_month_picker_shows_an_earlier_month_and_refuses_nonsense(client, make_user, progress):
    client.force_login(make_user("zs_leader_y", city="zhongshan", role="leader"))
    url = reverse("dashboards:city", args=[zs().pk])
    assert "截至 2024年12月" in client.get(url + "?as_of=2024-12").content.decode()
    response = client.get(url + "?as_of=2024-13", follow=True)
    assert "日期“2024-13”无效" in response.content.decode()
    listing = client.get(reverse("dashboards:measures") + "?as_of=abc")
    assert listing.status_code == 400 and "月份“abc”无效" in listing.content.decode()


def test_the_plan_view_shows_the_task_tree_with_lights(client, make_user, progress):
    client.force_login(make_user("zs_leader_z", city="zhongshan", role="leader"))
    body = client.get(reverse("dashboards:plan", args=[Plan.objects.get(slug=ZS).pk]) + f"?as_of={OCTOBER}").content.decode()
    task_one = body[body.index('id="task-1"'):body.index('id="task-2"')]
    assert 'class="light status-red"' in task_one  # 1.1 is behind, so is its task
    task_three = body[body.index('id="task-3"'):body.index('id="task-4"')]
    assert 'class="light status-done"' in task_three


def test_the_programme_dashboard_compares_cities_on_the_same_indicator(client, make_user, progress):
    client.force_login(make_user("prov_leader", city="guangdong", unit="省人力资源和社会保障厅", role="leader"))
    jobs = Programme.objects.get(code="jobs")
    body = client.get(reverse("dashboards:programme", args=[jobs.pk]) + f"?as_of={OCTOBER}").content.decode()
    row = body[body.index("<th class=\"fw-semibold\">城镇新增就业</th>"):]
    row = row[:row.index("</tr>")]
    assert "全市城镇新增就业累计22.5万人以上" in row  # 中山's target, at October 2026
    assert "确保实现城镇新增就业24万人以上" in row  # 广州's, as its 2024 plan ended
    assert "2019年 4.71万人" in row and "2021年 5.73万人" in row  # results the cities published


def test_dashboards_read_the_summary_tables_only_and_a_fixed_number_of_queries(client, make_user, progress, reporting,
                                                                            settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # count the queries of a full render every time
    client.force_login(make_user("zs_leader_q", city="zhongshan", role="leader"))
    url = reverse("dashboards:city", args=[zs().pk]) + f"?as_of={OCTOBER}"
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    sql = " ".join(q["sql"] for q in first.captured_queries)
    assert "indicators_actualvalue" not in sql and "indicators_progressreport" not in sql
    # Many more values behind the page: the same queries.
    measure = measure_of(ZS, "5.2")
    for month in (1, 4, 7):
        reporting.report(measure, unit_named("zhongshan", "市人力资源和社会保障局"), date(2026, month, 1),
                         {target_of(measure, "recruitment_events"): 20})
    services.rollups_rebuild()
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second.captured_queries) == len(first.captured_queries)


def test_a_dashboard_is_served_from_the_cache_until_the_figures_change(client, make_user, progress, reporting):
    client.force_login(make_user("zs_leader_c", city="zhongshan", role="leader"))
    url = reverse("dashboards:city", args=[zs().pk]) + f"?as_of={OCTOBER}"
    def main(response):  # the page without its per-request CSRF tokens
        body = response.content.decode()
        return body[body.index("<main"):]

    first = main(client.get(url))
    with CaptureQueriesContext(connection) as cached:
        second = main(client.get(url))
    assert second == first
    assert not any("dashboards_citysummary" in q["sql"] for q in cached.captured_queries)
    new_jobs, _posts = progress
    reporting.report(new_jobs, unit_named("zhongshan", "市发展改革局"), date(2026, 4, 1),
                     {target_of(new_jobs, "urban_new_jobs"): 200000})
    services.rollups_recompute_measures(measure_ids=[new_jobs.pk])  # a job ran: a new version
    assert main(client.get(url)) != first


def test_the_briefing_exports_a_workbook_and_a_printable_page_listing_the_laggards(client, make_user, progress):
    new_jobs, _posts = progress
    client.force_login(make_user("zs_leader_b", city="zhongshan", role="leader"))
    response = client.get(reverse("dashboards:city_briefing_xlsx", args=[zs().pk]) + f"?as_of={OCTOBER}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["总体情况", "工作方案", "专项", "滞后单位", "滞后措施"]
    measures = [[c.value for c in row] for row in book["滞后措施"].iter_rows()]
    assert any(row[2] == new_jobs.text and row[4] == "滞后" for row in measures)
    units = [row[0].value for row in book["滞后单位"].iter_rows()]
    assert "市发展改革局" in units and "三乡镇" in units  # lead and support of 1.1
    page = client.get(reverse("dashboards:city_briefing", args=[zs().pk]) + f"?as_of={OCTOBER}").content.decode()
    assert "中山市工作方案进度简报" in page and "data-print" in page and "市发展改革局" in page
    assert "截至 2026年10月" in page


def test_the_measure_page_links_to_its_chart_of_actuals_target_and_trajectory(client, make_user, progress):
    new_jobs, _posts = progress
    client.force_login(make_user("zs_staff_c", city="zhongshan", role="staff"))
    detail = client.get(reverse("measure_detail", args=[new_jobs.pk])).content.decode()
    chart_url = reverse("dashboards:measure", args=[new_jobs.pk])
    assert chart_url in detail
    body = client.get(chart_url).content.decode()
    target = target_of(new_jobs, "urban_new_jobs")
    spec = json.loads(re.search(rf'<script id="target-{target.pk}-data" type="application/json">(.*?)</script>', body).group(1))
    actual, trajectory = spec["option"]["series"]
    assert (actual["name"], trajectory["name"]) == ("实际完成", "时序目标")
    assert actual["markLine"]["data"][0]["yAxis"] == 225000
    assert actual["data"][-2] == 10000  # October 2026 (the running month comes last)


def test_the_thresholds_page_is_for_the_provinces_admins_and_refuses_bad_input(client, make_user):
    url = reverse("dashboards:thresholds")
    client.force_login(make_user("zs_admin_t", city="zhongshan", role="admin"))
    assert client.get(url).status_code == 403
    client.force_login(make_user("prov_admin_t", city="guangdong", unit="省人力资源和社会保障厅", role="admin"))
    assert client.get(url).status_code == 200
    response = client.post(url, {"green_ratio": "0.80", "amber_ratio": "0.90"})
    assert "黄灯系数不能大于绿灯系数" in response.content.decode()
    from portal.dashboards.models import DirtyScope, StatusThresholds

    assert not StatusThresholds.objects.exists() and not DirtyScope.objects.filter(kind="all").exists()


def test_each_threshold_change_is_kept_with_who_made_it_and_shown_on_the_page(client, make_user):
    url = reverse("dashboards:thresholds")
    client.force_login(make_user("prov_admin_h", city="guangdong", unit="省人力资源和社会保障厅", role="admin"))
    client.post(url, {"green_ratio": "1.00", "amber_ratio": "0.70"})
    client.post(url, {"green_ratio": "0.95", "amber_ratio": "0.75"})
    from portal.dashboards.models import StatusThresholds

    changes = StatusThresholds.objects.get().history.order_by("history_date")
    assert [(c.green_ratio, c.amber_ratio, c.history_user.username) for c in changes] == [
        (Decimal("1.00"), Decimal("0.70"), "prov_admin_h"), (Decimal("0.95"), Decimal("0.75"), "prov_admin_h")]
    table = client.get(url).content.decode().split('id="threshold-history"')[1]
    assert "prov_admin_h" in table and "0.70" in table and "0.75" in table
