"""Collective names (各镇街, 各区, 各县（市、区）) stay collective, end to end: one responsibility
on the ledger and on the export; each town of the city sees the measure in 我的任务, files its
own report and nobody else's; the rollups count the measure under every town, as if each were
named; a town created later answers for it too."""

from datetime import date
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from indicators.access import responsible_unit_ids
from indicators.models import Period
from indicators.services import reminders
from indicators.services.reports import ReportingError, report_save_draft
from indicators.tests.reporting_fixtures import report_input
from portal.dashboards import services as rollups
from portal.dashboards.models import UnitSummary
from portal.imports.ledger.export import COLUMNS, ledger_export
from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.samples import ledger_xlsx
from tasks.models import Measure, Plan, Responsibility
from units.models import Membership, Region, Unit

pytestmark = pytest.mark.django_db

HEADER = ["序号", "任务", "工作措施", "牵头单位", "配合单位", "目标指标", "完成时限"]
TITLE = "统称测试方案"
ROWS = [
    ["1", "扩大见习规模", "募集见习岗位。", "市人社局", "各镇街", "全年募集见习岗位500个以上", "2025年12月"],
    ["2", "办好技能竞赛", "组织镇街选拔赛。", "市人社局", "各镇（街）、市财政局", "", "2025年12月"],
    ["3", "稳定重点群体", "开展入户走访。", "市人社局", "市民政局", "", "2025年12月"],
]


def zhongshan() -> Region:
    return Region.objects.get(code="zhongshan")


def run(rows=ROWS, **options):
    return ledger_import(data=ledger_xlsx(rows, header=HEADER), filename="统称.xlsx", city=zhongshan(), title=TITLE,
                         years=(2025, 2025), **options)


def measures() -> list[Measure]:
    return list(Measure.objects.filter(task__plan__title=TITLE).order_by("task__number", "seq"))


def town(name: str) -> Unit:
    return Unit.objects.get(region=zhongshan(), name=name, kind="town")


def staff_of(unit: Unit, username: str):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests")
    Membership.objects.create(user=user, unit=unit, role="staff")
    return user


def test_a_collective_is_one_responsibility_and_the_export_writes_its_name_back():
    result = run()
    assert result.draft.problems == []
    first, second, third = measures()
    assert [(r.unit.name, r.unit.kind) for r in first.responsibilities.filter(role="support")] == [("各镇街", "collective")]
    assert sorted(r.unit.name for r in second.responsibilities.filter(role="support")) == ["各镇（街）", "市财政局"]
    assert Responsibility.objects.filter(measure__task__plan__title=TITLE).count() == 7  # not 7 - 2 + 2 × 23
    # Each spelling is the city's collective of its own name, made once, of towns.
    assert dict(Unit.objects.filter(region=zhongshan(), kind="collective").values_list("name", "member_kind")) == {
        "各镇街": "town", "各镇（街）": "town"
    }
    # The towns answer for it all the same.
    towns = set(Unit.objects.filter(region=zhongshan(), kind="town").values_list("pk", flat=True))
    assert len(towns) == 23 and towns <= responsible_unit_ids(first)
    assert not towns & responsible_unit_ids(third)

    sheet = load_workbook(BytesIO(ledger_export(Plan.objects.get(title=TITLE)))).active
    support = COLUMNS.index("配合单位") + 1
    cells = [row[support - 1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[2]]
    assert cells == ["各镇街", "各镇（街）、市财政局", "市民政局"]


def test_an_unchanged_reimport_and_the_exported_file_change_nothing():
    run()
    again = run()
    assert not again.summary.changed
    plan = Plan.objects.get(title=TITLE)
    exported = ledger_import(data=ledger_export(plan), filename="export.xlsx", city=plan.city, title=TITLE)
    assert not exported.summary.changed
    assert Unit.objects.filter(region=zhongshan(), kind="collective", name="各镇街").count() == 1


def test_a_district_collective_stands_for_the_citys_districts():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "各县（市、区）", "", "2025年12月"]]
    ledger_import(data=ledger_xlsx(rows, header=HEADER), filename="jm.xlsx", city=Region.objects.get(code="jiangmen"),
                  title=TITLE, years=(2025, 2025))
    measure = Measure.objects.get(task__plan__title=TITLE)
    collective = measure.responsibilities.get(role="support").unit
    assert (collective.name, collective.member_kind) == ("各县（市、区）", "district")
    districts = set(Unit.objects.filter(region__code="jiangmen", kind="district").values_list("pk", flat=True))
    assert districts and responsible_unit_ids(measure) - {measure.responsibilities.get(role="lead").unit_id} == districts


def test_each_town_sees_the_measure_and_files_its_own_report_only(client):
    run()
    first, _second, third = measures()
    plan = first.task.plan
    period, _created = Period.objects.get_or_create(
        plan=plan, start=date(2025, 1, 1), defaults={"end": date(2025, 1, 31), "due_date": date(2025, 2, 5)}
    )
    Period.objects.filter(pk=period.pk).update(is_open=True)  # a past month: created closed with the plan
    shiqi, dongqu = town("石岐街道"), town("东区街道")
    staff = staff_of(shiqi, "shiqi_staff")
    client.force_login(staff)

    page = client.get(reverse("reporting:my_tasks"), {"month": "2025-01"}).content.decode()
    assert first.text in page and third.text not in page
    assert "石岐街道（各镇街）" in page
    assert reverse("reporting:report_edit", args=[first.pk, period.pk, shiqi.pk]) in page

    assert client.get(reverse("reporting:report_edit", args=[first.pk, period.pk, shiqi.pk])).status_code == 200
    # Another town's report, the collective itself, a measure the towns have no part in.
    assert client.get(reverse("reporting:report_edit", args=[first.pk, period.pk, dongqu.pk])).status_code in (403, 404)
    collective = first.responsibilities.get(role="support").unit_id
    assert client.get(reverse("reporting:report_edit", args=[first.pk, period.pk, collective])).status_code == 404
    assert client.get(reverse("reporting:report_edit", args=[third.pk, period.pk, shiqi.pk])).status_code == 404

    target = first.targets.get()
    report = report_save_draft(measure=first, unit=shiqi, period=period, user=staff,
                               data=report_input(target, 120), revision=None, today=date(2025, 1, 20))
    assert report.unit == shiqi
    with pytest.raises(ReportingError):
        report_save_draft(measure=first, unit=dongqu, period=period, user=staff,
                          data=report_input(target, 120), revision=None, today=date(2025, 1, 20))


def test_reminders_chase_each_town_of_a_collective():
    run()
    first = measures()[0]
    period, _created = Period.objects.get_or_create(
        plan=first.task.plan, start=date(2025, 1, 1), defaults={"end": date(2025, 1, 31), "due_date": date(2025, 2, 5)}
    )
    missing = reminders.missing_reports(periods=[period])
    units = {unit for measure, unit, _period in missing if measure == first.pk}
    assert set(Unit.objects.filter(region=zhongshan(), kind="town").values_list("pk", flat=True)) <= units
    assert not Unit.objects.filter(pk__in=units, kind="collective").exists()


def test_rollups_count_the_measure_under_every_town_and_a_town_created_later():
    run()
    rollups.rollups_rebuild(today=date(2025, 6, 15))
    shiqi = town("石岐街道")
    counted = UnitSummary.objects.filter(unit=shiqi).order_by("-as_of").first()
    assert counted is not None and counted.total >= 2  # 1 and 2, through 各镇街 and 各镇（街）
    assert not UnitSummary.objects.filter(unit__kind="collective").exists()

    newcomer = Unit.objects.create(region=zhongshan(), name="新设街道", kind="town")
    assert newcomer.pk in responsible_unit_ids(measures()[0])
    rollups.rollups_rebuild(today=date(2025, 6, 15))
    assert UnitSummary.objects.filter(unit=newcomer).order_by("-as_of").first().total == counted.total
