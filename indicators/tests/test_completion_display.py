"""Completion as leaders read it: capped at 100 %, with the real figure beside it, on the
report form, the measure page and the dashboards."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.services import report_approve, report_save_draft, report_submit
from portal.dashboards import services as dashboards
from portal.dashboards.templatetags.dashboards_tags import target_pct
from portal.templatetags.portal_tags import completion

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures
from .reporting_fixtures import report_input

BUREAU_NAME = "市人力资源和社会保障局"
# 1,000,000 个 against 60 个 a year: 1,666,666.7 %.
HUGE = Decimal(1_000_000)
CAPPED = "100%（实际 1,666,666.7%）"


def test_a_completion_up_to_100_shows_as_it_is_and_beyond_is_capped_with_the_real_figure():
    assert completion(Decimal("41.7")) == "41.7%"
    assert completion(Decimal("100.0")) == "100.0%"
    assert completion(Decimal("50000000.0")) == "100%（实际 50,000,000%）"
    assert completion(Decimal("120.5")) == "100%（实际 120.5%）"
    assert completion(None) == ""


def test_the_dashboards_target_completion_is_capped_the_same_way():
    assert target_pct(0.417) == "41.7%"
    assert target_pct(500000.0) == "100%（实际 50,000,000%）"
    assert target_pct(None) == "—"


@pytest.fixture
def approved_huge(measure, target, period, people, unit_of):
    staff = people["lead_staff"]
    report = report_save_draft(measure=measure, unit=unit_of(BUREAU_NAME), period=period, user=staff, revision=None,
                               data=report_input(target, HUGE, confirmed_doubts=frozenset({"1000000个 超过目标值 60个 的10倍"})))
    report = report_submit(report=report, user=staff, revision=report.revision)
    return report_approve(report=report, user=people["reviewer"])


@pytest.mark.django_db
def test_the_report_forms_figures_cap_the_completion(client, measure, target, period, people, unit_of):
    client.force_login(people["lead_staff"])
    preview = reverse("reporting:report_preview", args=[measure.pk, period.pk, unit_of(BUREAU_NAME).pk])
    body = client.post(preview, {f"value_{target.pk}": "100万"}).content.decode()
    assert CAPPED in body and "已达标" in body
    assert "1666666.7%" not in body
    assert "41.7%" in client.post(preview, {f"value_{target.pk}": "25"}).content.decode()


@pytest.mark.django_db
def test_the_report_and_measure_pages_cap_the_completion(client, measure, approved_huge, people):
    client.force_login(people["reviewer"])
    detail = client.get(reverse("reporting:report_detail", args=[approved_huge.pk])).content.decode()
    assert CAPPED in detail and "100万个" in detail
    page = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    assert CAPPED in page and "1666666.7%" not in page


@pytest.mark.django_db
def test_the_measure_dashboard_caps_the_completion(client, measure, approved_huge, people):
    dashboards.rollups_rebuild()
    client.force_login(people["leader"])
    body = client.get(reverse("dashboards:measure", args=[measure.pk])).content.decode()
    assert CAPPED in body
    assert "1666666.7%" not in body
