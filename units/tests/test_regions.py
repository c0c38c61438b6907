"""Every Guangdong city and the province (#11 item 10): reference data with division codes,
the load_regions command, plans of a new city and of the province, province users' scope."""

from io import StringIO

import pytest
from django.core.management import call_command

from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.samples import ledger_xlsx
from tasks.models import Plan, Responsibility
from units.access import scope_for
from units.models import Membership, Region, Unit

pytestmark = pytest.mark.django_db

HEADER = ["序号", "任务", "工作措施", "责任单位", "目标指标", "完成时限"]


def test_the_province_and_its_21_cities_are_there_with_their_division_codes():
    province = Region.objects.get(code="guangdong")
    cities = Region.objects.cities()
    assert province.division_code == "440000" and cities.count() == 21
    assert set(cities.values_list("parent", flat=True)) == {province.pk}
    foshan = Region.objects.get_city("佛山")
    assert foshan.division_code == "440600"
    assert sorted(Region.objects.filter(parent=foshan).values_list("name", flat=True)) == [
        "三水区", "南海区", "禅城区", "顺德区", "高明区"
    ]
    assert Region.objects.get(name="台山市").division_code == "440781"
    for city in cities:
        assert Unit.objects.filter(region=city, name="市人力资源和社会保障局").exists(), city.name


def test_load_regions_is_safe_to_run_again():
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert "21 个地级市" in out.getvalue() and "新增 0 个" in out.getvalue()


def test_a_plan_of_a_new_city_imports_with_its_bureau_known_by_its_aliases():
    rows = [["1", "稳就业", "开展招聘活动。", "佛山市人社局、南海区人民政府", "举办招聘会10场以上", "2025年12月"]]
    result = ledger_import(data=ledger_xlsx(rows, header=HEADER), filename="f.xlsx", title="佛山测试方案",
                           city=Region.objects.get_city("佛山"), years=(2025, 2025))
    assert result.draft.problems == []
    names = set(Responsibility.objects.filter(measure__task__plan__title="佛山测试方案").values_list("unit__name", flat=True))
    assert names == {"市人力资源和社会保障局", "南海区"}


def test_the_command_imports_a_province_plan(tmp_path):
    path = tmp_path / "全省.xlsx"
    path.write_bytes(ledger_xlsx([["1", "统筹全省就业", "部署全省就业工作。", "省人社厅", "", "2025年12月"]], header=HEADER))
    out = StringIO()
    call_command("import_ledger", str(path), "--city", "广东省", "--plan", "全省命令方案", "--years", "2025", stdout=out)
    assert Plan.objects.get(title="全省命令方案").city.code == "guangdong"


def test_a_province_plan_imports_and_province_users_see_every_city(make_user):
    province = Region.objects.get(code="guangdong")
    rows = [["1", "统筹全省就业", "部署全省就业工作。", "省人社厅", "城镇新增就业110万人以上", "2025年12月"]]
    ledger_import(data=ledger_xlsx(rows, header=HEADER), filename="p.xlsx", title="全省测试方案", city=province,
                  years=(2025, 2025))
    assert Plan.objects.get(title="全省测试方案").city == province

    for role in ("admin", "leader"):
        user = make_user(f"gd_{role}", city=None)
        Membership.objects.create(user=user, unit=Unit.objects.get(region=province, name="省人力资源和社会保障厅"), role=role)
        scope = scope_for(user)
        assert all(scope.sees_city(city.pk) for city in Region.objects.cities())
        assert Plan.objects.visible_to(user).count() == Plan.objects.count()
    assert scope_for(user).is_admin_of(Region.objects.get_city("惠州").pk) is False  # the leader
