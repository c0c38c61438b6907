"""Sample progress for the demo: only on running plans, always marked, never mixed with the
results the cities published."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import ActualValue, ProgressReport, RecordedResult
from portal.dashboards import services
from portal.dashboards.models import CitySummary, SampleReport
from portal.dashboards.sample import SAMPLE_NARRATIVE, sample_progress_load
from units.models import Region

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 28)


@pytest.fixture
def bureau_people(make_user):
    """The 中山 bureau's staff and reviewer, who write and approve the sample reports."""
    return make_user("zs_writer", city="zhongshan", role="staff"), make_user("zs_checker", city="zhongshan", role="reviewer")


def published():
    return sorted(RecordedResult.objects.values_list("indicator_id", "city_id", "year", "value", "unit"))


def test_it_fills_the_running_plan_only_and_marks_every_report(bureau_people):
    results = published()
    made = sample_progress_load(today=TODAY)
    assert made.plans == 1  # 中山 2023—2027; the 2020, 2022 and 2024 plans are over
    reports = ProgressReport.objects.filter(sample_marker__isnull=False)
    assert reports.count() == made.reports == 49 * 15  # 49 measures × 15 quarters up to 2026 Q3
    assert set(reports.values_list("measure__task__plan__slug", flat=True)) == {"zhongshan-2023-2027"}
    assert set(reports.values_list("state", flat=True)) == {"approved"}
    assert set(reports.values_list("narrative", flat=True)) == {SAMPLE_NARRATIVE}
    assert ActualValue.objects.filter(report__sample_marker__isnull=False).count() == made.values > 0
    assert published() == results  # the published results are untouched
    assert sample_progress_load(today=TODAY).reports == 0  # running it again adds nothing
    assert SampleReport.objects.count() == made.reports


def test_without_the_bureaus_people_there_is_no_sample(make_user):
    assert sample_progress_load(today=TODAY).reports == 0


def test_sample_figures_are_flagged_on_the_dashboards(client, bureau_people, make_user):
    sample_progress_load(today=TODAY)
    services.rollups_rebuild()
    city = Region.objects.get(code="zhongshan")
    summary = CitySummary.objects.get(city=city, as_of=date(2026, 9, 30))
    assert summary.has_sample and summary.total == 49
    client.force_login(make_user("zs_leader_s", city="zhongshan", role="leader"))
    body = client.get(reverse("dashboards:city", args=[city.pk]) + "?as_of=2026-09").content.decode()
    assert 'id="sample-banner"' in body and "示例数据" in body
    # A month before the plan, with no sample in it, carries no banner.
    body = client.get(reverse("dashboards:city", args=[city.pk]) + "?as_of=2022-12").content.decode()
    assert 'id="sample-banner"' not in body


def test_load_demo_can_leave_the_sample_out(capsys):
    call_command("load_demo", "--no-sample-progress")
    assert not SampleReport.objects.exists()
    assert "示例进度数据" not in capsys.readouterr().out
