"""Values as people type them (indicators.values) and the report form that reads them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.forms import ReportForm
from indicators.models import ActualValue
from indicators.values import TypedNumberField, ValueRefused, read_value

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures


@pytest.mark.parametrize(
    ("typed", "unit", "value"),
    [
        ("1万", "人", Decimal(10000)),
        ("3.5万人", "人", Decimal(35000)),
        ("1.2亿元", "元", Decimal(120_000_000)),
        ("8万元", "元", Decimal(80000)),
        ("12%", "%", Decimal(12)),
        ("12％", "%", Decimal(12)),
        ("12.5", "%", Decimal("12.5")),
        ("1,200", "人", Decimal(1200)),
        ("1，200人", "人", Decimal(1200)),
        ("１２００", "人", Decimal(1200)),
        ("３．５万", "人", Decimal(35000)),
        ("30个", "个", Decimal(30)),
        ("五万人", "人", Decimal(50000)),
        ("三百五十家", "家", Decimal(350)),
        ("2000名", "人", Decimal(2000)),  # 名 counts people
        ("1200人次", "人次", Decimal(1200)),
        ("0.5个百分点", "百分点", Decimal("0.5")),
        ("6月", "月", Decimal(6)),
        (" 25 ", "个", Decimal(25)),
        ("0", "人", Decimal(0)),
        ("60", "个", Decimal(60)),
    ],
)
def test_it_reads_a_value_as_people_type_it_in_the_targets_unit(typed, unit, value):
    assert read_value(typed, unit) == value


def test_nothing_typed_is_no_value():
    assert read_value("", "人") is None
    assert read_value("   ", "人") is None
    assert read_value(None, "人") is None


@pytest.mark.parametrize(
    ("typed", "unit", "named"),
    [("30个", "人", "个"), ("5万人次", "人", "人次"), ("1200人", "人次", "人"), ("12%", "人", "%"), ("3万元", "人", "元")],
)
def test_a_value_in_another_unit_is_refused_naming_the_unit_expected(typed, unit, named):
    with pytest.raises(ValueRefused) as refused:
        read_value(typed, unit)
    message = str(refused.value)
    assert f"请填写以“{unit}”为单位的数值" in message
    assert f"“{named}”" in message


@pytest.mark.parametrize("typed", ["abc", "万", "一些", "1万2", "12..5", "1e5"])
def test_garbage_is_refused_with_what_to_type(typed):
    with pytest.raises(ValueRefused) as refused:
        read_value(typed, "人")
    assert "无法识别" in str(refused.value) and "请填写以“人”为单位的数值" in str(refused.value)


def test_negative_and_over_precise_values_are_refused():
    with pytest.raises(ValueRefused, match="不能为负数"):
        read_value("-3", "人")
    with pytest.raises(ValueRefused, match="4位小数"):
        read_value("1.23456", "人")
    with pytest.raises(ValueRefused, match="位数过多"):
        read_value("10000000000000000", "人")


def test_a_rates_numerator_takes_any_count_but_not_a_percentage():
    assert read_value("1.5万", "") == Decimal(15000)
    assert read_value("300人", "") == Decimal(300)
    with pytest.raises(ValueRefused, match="不带“%”"):
        read_value("30%", "")


def test_the_field_is_a_decimal_keypad_text_input_showing_values_without_trailing_zeros():
    field = TypedNumberField(unit="人", required=False)
    html = field.widget.render("v", field.prepare_value(Decimal("10000.0000")))
    assert 'inputmode="decimal"' in html and 'type="text"' in html
    assert 'value="10000"' in html
    assert 'value="1"' in field.widget.render("v", field.prepare_value(Decimal("1.0000")))
    assert 'value="2.5"' in field.widget.render("v", field.prepare_value(Decimal("2.5000")))
    assert field.clean("3.5万") == Decimal(35000)


@pytest.mark.django_db
def test_the_report_form_reads_1_wan_and_refuses_the_wrong_unit_by_name(target):
    form = ReportForm({"narrative": "见习", f"value_{target.pk}": "1万"}, targets=[target])
    assert form.is_valid(), form.errors
    assert form.to_input().values[target.pk].value == Decimal(10000)
    form = ReportForm({"narrative": "见习", f"value_{target.pk}": "30人"}, targets=[target])
    assert not form.is_valid()
    assert "请填写以“个”为单位的数值" in form.errors[f"value_{target.pk}"][0]


@pytest.mark.django_db
def test_a_saved_1_wan_is_10000_in_the_database_and_shows_as_10000(client, measure, target, period, people, unit_of):
    client.force_login(people["lead_staff"])
    url = reverse("reporting:report_edit", args=[measure.pk, period.pk, unit_of("市人力资源和社会保障局").pk])
    response = client.post(url, {"narrative": "见习岗位", f"value_{target.pk}": "1万", "action": "save",
                                 "confirm_doubts": "on", "doubts_shown": ""})
    # 10000 against 60 a year is implausible: the form asks first, and nothing is saved.
    assert response.status_code == 200
    assert not ActualValue.objects.filter(target=target).exists()
    shown = response.context["form"]["doubts_shown"].value()
    response = client.post(url, {"narrative": "见习岗位", f"value_{target.pk}": "1万", "action": "save",
                                 "confirm_doubts": "on", "doubts_shown": shown})
    assert response.status_code == 302
    assert ActualValue.objects.get(target=target).value == Decimal(10000)
    body = client.get(url).content.decode()
    assert f'name="value_{target.pk}" value="10000"' in body
    assert "10000.0000" not in body


@pytest.mark.django_db
def test_a_value_in_the_wrong_unit_comes_back_with_the_unit_and_nothing_saved(client, measure, target, period, people, unit_of):
    client.force_login(people["lead_staff"])
    url = reverse("reporting:report_edit", args=[measure.pk, period.pk, unit_of("市人力资源和社会保障局").pk])
    body = client.post(url, {"narrative": "见习", f"value_{target.pk}": "25人次", "action": "save"}).content.decode()
    assert "请填写以“个”为单位的数值" in body and "25人次" in body
    assert not ActualValue.objects.filter(target=target).exists()
    body = client.post(url, {"narrative": "见习", f"value_{target.pk}": "25个", "action": "save"}, follow=True).content.decode()
    assert ActualValue.objects.get(target=target).value == 25
    assert "草稿已保存" in body
