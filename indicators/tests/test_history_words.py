"""History in words: users and units by name, 是/否, numbers as the pages show them, field
labels in Chinese; and the pages' numbers without trailing zeros, 万 to two decimals."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.history import measure_history, report_history
from indicators.services import report_approve, report_save_draft, report_submit
from indicators.values import amount

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures
from .reporting_fixtures import report_input

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (Decimal("210418"), "人", "21.04万人"), (Decimal("225000.0000"), "人", "22.5万人"),
    (Decimal("1.0000"), "", "1"), (Decimal("2.5000"), "个", "2.5个"), (Decimal("33.3333"), "%", "33.33%"),
    (Decimal("120000000"), "元", "1.2亿元"),
])
def test_numbers_read_as_on_the_page(value, unit, shown):
    assert amount(value, unit) == shown


def _approved(measure, period, target, people, value):
    from indicators.services import ValuesInDoubt

    staff = people["lead_staff"]
    unit = staff.memberships.get().unit
    try:
        report = report_save_draft(measure=measure, unit=unit, period=period, user=staff,
                                   data=report_input(target, value), revision=None)
    except ValuesInDoubt as doubt:  # a big figure against 60 a year: the filer confirms it
        report = report_save_draft(measure=measure, unit=unit, period=period, user=staff, revision=None,
                                   data=report_input(target, value, confirmed_doubts=frozenset(doubt.doubts.values())))
    report = report_submit(report=report, user=staff, revision=report.revision)
    return report_approve(report=report, user=people["reviewer"])


def test_a_reports_history_names_the_reviewer_and_shows_numbers_as_on_the_page(measure, period, target, people):
    report = _approved(measure, period, target, people, Decimal("210418"))
    lines = [line for change in report_history(report) for line in change.changes]
    text = "\n".join(lines)
    assert "审核人：— → reviewer" in text
    assert "提交时间：—" in text  # a label in Chinese, not "submitted at"
    assert "实际值：21.04万" in text
    assert "210418.0000" not in text and "→ 3" not in text


def test_the_measure_page_history_says_yes_and_no_and_numbers_as_on_the_page(client, measure, period, target, people):
    report = _approved(measure, period, target, people, Decimal("1"))
    measure.recurring = not measure.recurring
    measure.save()
    changes = measure_history(measure, report_ids={report.pk})
    text = "\n".join(line for change in changes for line in change.changes)
    assert ("每年：否 → 是" in text) or ("每年：是 → 否" in text)
    assert "实际值：1" in text and "1.0000" not in text
    client.force_login(people["leader"])
    page = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    history = page[page.index('id="history"'):]
    assert "审核人：— → reviewer" in history
    assert "False" not in history and "True" not in history and ".0000" not in history
