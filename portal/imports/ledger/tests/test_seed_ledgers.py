"""The four seed plans, loaded from fixtures/ledgers/*.xlsx by load_demo through the ledger
reader (once per test database, see conftest.py). The counts were taken from the documents
in ../shared/seeds by the rules of docs/ledger-format.md."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from indicators.models import Indicator, RecordedResult, Target
from tasks.models import Measure, Plan, Responsibility, Section, Task
from units.models import Region, Unit, UnitAlias

pytestmark = pytest.mark.django_db

# slug: (sections, tasks, measures, targets)
SEED_COUNTS = {
    # 000: 二、2020年工作思路 — (一)–(四); 14 一是/二是 items; one measure per action sentence;
    # 一所技师学院, 2个培训基地, 2个大师工作室.
    "jiangmen-2020": (4, 14, 50, 3),
    # 002: 八、2022年工作计划 — (一)–(四); one task per action sentence; 就业率达90%以上.
    "zhongshan-2022": (4, 28, 28, 1),
    # 004: the appendix 工作台账 — 19 tasks in the plan's three actions plus 保障措施, 49 measure
    # paragraphs; 4 主要目标 and 13 targets of the tasks' text.
    "zhongshan-2023-2027": (4, 19, 49, 17),
    # 003: (一)–(八); 34 一是/二是 items plus 总体目标 of (三); 20 numeric targets.
    "guangzhou-2024": (8, 35, 130, 20),
}


def counts(plan: Plan) -> tuple[int, int, int, int]:
    return (
        Section.objects.filter(plan=plan).count(),
        Task.objects.filter(plan=plan).count(),
        Measure.objects.filter(task__plan=plan).count(),
        Target.objects.filter(measure__task__plan=plan).count(),
    )


@pytest.mark.parametrize("slug", SEED_COUNTS)
def test_it_loads_each_seed_plan_with_the_counts_of_its_document(slug):
    assert counts(Plan.objects.get(slug=slug)) == SEED_COUNTS[slug]


def test_it_assigns_every_task_a_programme_and_every_measure_a_lead_unit():
    assert not Task.objects.filter(programme__isnull=True).exists()
    measures = Measure.objects.count()
    led = Responsibility.objects.filter(role="lead").values("measure").distinct().count()
    assert led == measures


def test_loading_twice_creates_nothing_new():
    models = [Region, Unit, UnitAlias, Plan, Section, Task, Measure, Responsibility, Target, Indicator, RecordedResult]
    before = {model.__name__: model.objects.count() for model in models}
    history_before = Measure.history.count()
    call_command("load_demo", "--no-accounts", stdout=StringIO())
    assert {model.__name__: model.objects.count() for model in models} == before
    assert Measure.history.count() == history_before


def test_a_unit_named_by_its_alias_is_the_same_unit():
    zhongshan = Region.objects.get(code="zhongshan")
    bureau = Unit.objects.get(region=zhongshan, name="市人力资源和社会保障局")
    assert UnitAlias.objects.get(region=zhongshan, name="市人社局").unit == bureau
    # The 2023–2027 appendix writes 市人力资源社会保障局; its measures are the bureau's.
    task_8 = Measure.objects.get(task__plan__slug="zhongshan-2023-2027", task__number=8, seq=1)
    assert list(task_8.responsibilities.values_list("unit", "role")) == [(bureau.pk, "lead")]
    assert Unit.objects.filter(region=zhongshan, name__contains="人力资源").count() == 1


def test_a_collective_name_is_one_responsibility_that_each_town_answers_for():
    from indicators.access import responsible_unit_ids

    measure = Measure.objects.get(task__plan__slug="zhongshan-2023-2027", task__number=1, seq=1)
    towns = Unit.objects.filter(region__code="zhongshan", kind="town")
    assert towns.count() == 23
    collective = measure.responsibilities.get(role="support", unit__kind="collective").unit
    assert (collective.name, collective.member_kind) == ("各镇街", "town")
    assert not measure.responsibilities.filter(unit__kind="town").exists()
    assert set(towns.values_list("pk", flat=True)) <= responsible_unit_ids(measure)
    # One responsibility per name on the ledger, not one per town.
    assert Responsibility.objects.filter(measure__task__plan__slug="zhongshan-2023-2027").count() < 150


def test_targets_are_normalised_to_base_units():
    plan = "zhongshan-2023-2027"
    new_jobs = Target.objects.get(measure__task__plan__slug=plan, indicator__code="urban_new_jobs")
    assert (new_jobs.value, new_jobs.unit, new_jobs.kind) == (Decimal("225000"), "人", "flow_cumulative")
    workshops = Target.objects.get(measure__task__plan__slug=plan, indicator__code="beautiful_workshops")
    assert (workshops.kind, workshops.value, workshops.value_max) == ("range", 1, 2)
    cuisine = Target.objects.get(measure__task__plan__slug=plan, indicator__code="cuisine_training")
    assert (cuisine.unit, cuisine.kind) == ("人次", "flow_annual")
    training = Target.objects.get(measure__task__plan__slug="guangzhou-2024", indicator__code="skills_training")
    assert (training.value, training.unit) == (Decimal("100000"), "人次")


def test_every_seed_target_keeps_its_source_phrase_and_an_indicator():
    assert not Target.objects.filter(phrase="").exists()
    assert not Target.objects.filter(indicator__isnull=True).exists()


def test_it_records_the_results_the_seeds_report():
    jiangmen_jobs = RecordedResult.objects.get(city__code="jiangmen", indicator__code="urban_new_jobs", year=2019)
    assert (jiangmen_jobs.value, jiangmen_jobs.unit) == (Decimal("47118"), "人")
    zhongshan_rate = RecordedResult.objects.get(
        city__code="zhongshan", indicator__code="unemployment_rate", year=2021
    )
    assert (zhongshan_rate.value, zhongshan_rate.unit) == (Decimal("2.51"), "%")
    assert RecordedResult.objects.filter(city__code="jiangmen", year=2022).count() > 40


def test_the_same_indicator_is_shared_across_cities():
    cities = set(
        Target.objects.filter(indicator__code="cuisine_training").values_list(
            "measure__task__plan__city__code", flat=True
        )
    )
    assert cities == {"zhongshan", "guangzhou"}
    assert RecordedResult.objects.filter(indicator__code="urban_new_jobs").values("city").distinct().count() == 2
