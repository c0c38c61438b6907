"""Implausible values (indicators.services.doubts): the four rules, the filer's confirmation,
and what the reviewer sees of it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import ActualValue, Target, TargetKind
from indicators.services import report_approve, report_save_draft, report_submit
from indicators.services.doubts import ValuesInDoubt, doubts_about

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures
from .reporting_fixtures import report_input

pytestmark = pytest.mark.django_db

BUREAU_NAME = "市人力资源和社会保障局"


def spec(kind=TargetKind.FLOW_ANNUAL, value="60", unit="个", comparator="gte", value_max=None) -> Target:
    return Target(kind=kind, comparator=comparator, value=Decimal(value), unit=unit,
                  value_max=Decimal(value_max) if value_max else None,
                  period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), phrase="…")


def test_over_ten_times_the_target_is_doubted():
    assert doubts_about(spec(), Decimal(1_000_000), last_approved=None) == ["1000000个 超过目标值 60个 的10倍"]
    assert doubts_about(spec(), Decimal(600), last_approved=None) == []  # 10× is possible
    # A range is judged against its upper end: 建立1-2个美丽工坊, 21 is doubted, 20 is not.
    assert doubts_about(spec(TargetKind.RANGE, "1", comparator="between", value_max="2"), Decimal(21), last_approved=None)
    assert not doubts_about(spec(TargetKind.RANGE, "1", comparator="between", value_max="2"), Decimal(20), last_approved=None)


def test_a_stock_below_its_last_approved_level_is_doubted():
    stock = spec(TargetKind.STOCK, "1200000", "人")
    assert doubts_about(stock, Decimal(1_100_000), last_approved=Decimal(1_150_000)) == [
        "累计水平 1100000人 低于上期已通过的 1150000人"]
    assert doubts_about(stock, Decimal(1_160_000), last_approved=Decimal(1_150_000)) == []
    # A per-period flow may well fall from one period to the next.
    assert doubts_about(spec(), Decimal(5), last_approved=Decimal(20)) == []


def test_a_percentage_over_100_is_doubted():
    ceiling = spec(TargetKind.CEILING, "3.2", "%", comparator="lte")
    assert doubts_about(ceiling, Decimal(320), last_approved=None)[-1] == "比率 320% 超过100%"
    rate = spec(TargetKind.STOCK, "95", "%")
    assert doubts_about(rate, Decimal("100.5"), last_approved=None) == ["比率 100.5% 超过100%"]
    assert doubts_about(rate, Decimal(100), last_approved=None) == []


def test_over_five_times_the_last_approved_period_is_doubted():
    assert doubts_about(spec(value="600"), Decimal(120), last_approved=Decimal(20)) == [
        "120个 是上期已通过数值 20个 的6倍（超过5倍）"]
    assert doubts_about(spec(value="600"), Decimal(100), last_approved=Decimal(20)) == []
    assert doubts_about(spec(value="600"), Decimal(100), last_approved=Decimal(0)) == []  # from nothing


def test_ordinary_values_raise_no_doubt():
    assert doubts_about(spec(), Decimal(25), last_approved=None) == []
    assert doubts_about(spec(), Decimal(25), last_approved=Decimal(20)) == []
    assert doubts_about(spec(), None, last_approved=Decimal(20)) == []
    assert doubts_about(spec(TargetKind.STOCK, "1200000", "人"), Decimal(1_180_000), last_approved=Decimal(1_150_000)) == []
    assert doubts_about(spec(TargetKind.CEILING, "3.2", "%", comparator="lte"), Decimal("3.1"), last_approved=Decimal("3.0")) == []


def _approved(measure, unit, period, staff, reviewer, target, value):
    report = report_save_draft(measure=measure, unit=unit, period=period, user=staff,
                               data=report_input(target, Decimal(value)), revision=None)
    report = report_submit(report=report, user=staff, revision=report.revision)
    return report_approve(report=report, user=reviewer)


def test_the_service_refuses_an_unconfirmed_jump_from_the_last_approved_period(measure, target, period, next_period, people, unit_of):
    bureau, staff = unit_of(BUREAU_NAME), people["lead_staff"]
    _approved(measure, bureau, period, staff, people["reviewer"], target, 8)
    with pytest.raises(ValuesInDoubt) as doubted:
        report_save_draft(measure=measure, unit=bureau, period=next_period, user=staff,
                          data=report_input(target, Decimal(50)), revision=None)
    assert doubted.value.doubts == {target.pk: "50个 是上期已通过数值 8个 的6.2倍（超过5倍）"}
    assert not ActualValue.objects.filter(report__period=next_period).exists()
    # Confirmed, it is saved with the reason; the same value saved again needs no new tick.
    report = report_save_draft(measure=measure, unit=bureau, period=next_period, user=staff, revision=None,
                               data=report_input(target, Decimal(50), confirmed_doubts=frozenset(doubted.value.doubts.values())))
    assert report.values.get().doubt == "50个 是上期已通过数值 8个 的6.2倍（超过5倍）"
    report = report_save_draft(measure=measure, unit=bureau, period=next_period, user=staff, revision=report.revision,
                               data=report_input(target, Decimal(50), narrative="补充说明"))
    assert report.values.get().doubt
    # Put right, the doubt goes.
    report = report_save_draft(measure=measure, unit=bureau, period=next_period, user=staff, revision=report.revision,
                               data=report_input(target, Decimal(12)))
    assert report.values.get().doubt == ""


def _form_url(measure, period, unit):
    return reverse("reporting:report_edit", args=[measure.pk, period.pk, unit.pk])


def test_the_form_shows_the_reasons_and_saves_only_once_the_box_is_ticked(client, measure, target, period, people, unit_of):
    client.force_login(people["lead_staff"])
    url = _form_url(measure, period, unit_of(BUREAU_NAME))
    data = {"narrative": "见习", f"value_{target.pk}": "1000000", "action": "submit"}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="doubts"' in body and "1000000个 超过目标值 60个 的10倍" in body
    assert "数值无误，确认提交" in body and 'name="confirm_doubts"' in body and "checked" not in body
    assert not ActualValue.objects.exists()
    # Ticked with a value changed since the reasons were shown: the new value is judged afresh.
    shown = response.context["form"]["doubts_shown"].value()
    body = client.post(url, {**data, f"value_{target.pk}": "900000", "confirm_doubts": "on", "doubts_shown": shown}).content.decode()
    assert "900000个 超过目标值 60个 的10倍" in body and not ActualValue.objects.exists()
    shown = "1000000个 超过目标值 60个 的10倍"
    response = client.post(url, {**data, "confirm_doubts": "on", "doubts_shown": shown})
    assert response.status_code == 302
    assert ActualValue.objects.get().doubt == shown


def test_the_figures_beside_the_form_warn_while_one_types(client, measure, target, period, people, unit_of):
    client.force_login(people["lead_staff"])
    preview = reverse("reporting:report_preview", args=[measure.pk, period.pk, unit_of(BUREAU_NAME).pk])
    body = client.post(preview, {f"value_{target.pk}": "1万"}).content.decode()
    assert "数值存疑" in body and "10000个 超过目标值 60个 的10倍" in body
    assert "数值存疑" not in client.post(preview, {f"value_{target.pk}": "25"}).content.decode()


def test_an_ordinary_value_saves_without_a_question(client, measure, target, period, people, unit_of):
    client.force_login(people["lead_staff"])
    response = client.post(_form_url(measure, period, unit_of(BUREAU_NAME)),
                           {"narrative": "见习", f"value_{target.pk}": "25", "action": "save"})
    assert response.status_code == 302
    assert ActualValue.objects.get().doubt == ""


def test_the_reviewer_sees_the_doubt_in_the_queue_on_the_report_and_in_its_history(client, measure, target, period, people, unit_of):
    staff, bureau = people["lead_staff"], unit_of(BUREAU_NAME)
    reason = "1000000个 超过目标值 60个 的10倍"
    report = report_save_draft(measure=measure, unit=bureau, period=period, user=staff, revision=None,
                               data=report_input(target, Decimal(1_000_000), confirmed_doubts=frozenset({reason})))
    report_submit(report=report, user=staff, revision=report.revision)
    ordinary = report_save_draft(measure=measure, unit=unit_of("团市委"), period=period, user=people["support_staff"],
                                 data=report_input(target, Decimal(5)), revision=None)
    report_submit(report=ordinary, user=people["support_staff"], revision=ordinary.revision)
    client.force_login(people["reviewer"])

    queue = client.get(reverse("reporting:review_queue")).content.decode()
    assert queue.count("review-row doubtful") == 1
    assert "数值存疑" in queue and reason in queue

    detail = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    values = detail.split('id="report-values"')[1].split("</table>")[0]
    assert "数值存疑" in values and reason in values
    assert "填报人已确认无误" in detail
    history = detail.split('id="report-history"')[1].split("</ul>")[0]
    assert f"存疑原因：{reason}" in history and "lead_staff" in history

    other = client.get(reverse("reporting:report_detail", args=[ordinary.pk])).content.decode()
    assert "数值存疑" not in other
    # The measure's change log keeps it too.
    assert f"存疑原因：{reason}" in client.get(reverse("measure_detail", args=[measure.pk])).content.decode()


def test_a_correction_keeps_the_confirmed_doubt(measure, target, period, people, unit_of):
    from indicators.services import report_correct

    staff, reason = people["lead_staff"], "1000000个 超过目标值 60个 的10倍"
    report = report_save_draft(measure=measure, unit=unit_of(BUREAU_NAME), period=period, user=staff, revision=None,
                               data=report_input(target, Decimal(1_000_000), confirmed_doubts=frozenset({reason})))
    report = report_approve(report=report_submit(report=report, user=staff, revision=report.revision), user=people["reviewer"])
    assert report_correct(report=report, user=staff).values.get().doubt == reason
