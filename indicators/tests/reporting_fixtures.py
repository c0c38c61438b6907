"""Fixtures of the reporting tests: one measure of 中山's 2023—2027 plan led by the bureau
with one support unit (4.1: 60 个 every year, 团市委 supporting), one of its periods, and the
people around it."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from indicators.models import Period
from indicators.services import ReportInput, ValueInput
from tasks.models import Measure, Plan
from units.models import Membership, Unit

BUREAU = "市人力资源和社会保障局"
SUPPORT = "团市委"
OTHER = "市财政局"


@pytest.fixture
def measure(db):
    return Measure.objects.get(task__plan__slug="zhongshan-2023-2027", task__number=4, seq=1)


@pytest.fixture
def target(measure):
    return measure.targets.get()


@pytest.fixture
def period(measure):
    """2024 Q1, open whatever today's date (a plan over would have its periods closed, and the
    seed plan, loaded while under way, reports from the quarter that is now)."""
    period = Period.objects.get(plan=measure.task.plan, start=date(2024, 1, 1))
    Period.objects.filter(plan=measure.task.plan).update(is_open=True)
    Plan.objects.filter(pk=measure.task.plan_id).update(reporting_from=None)
    period.refresh_from_db()
    return period


@pytest.fixture
def next_period(period):
    return Period.objects.get(plan=period.plan, start=date(2024, 4, 1))


@pytest.fixture
def unit_of(db):
    def get(name: str, city: str = "zhongshan") -> Unit:
        return Unit.objects.get(region__code=city, name=name)

    return get


@pytest.fixture
def person(db, unit_of):
    """person("name", role, unit name, city) → a user with that one membership."""

    def make(username: str, role: str = "staff", unit: str = BUREAU, city: str = "zhongshan"):
        # No password: tests log in with force_login, and hashing one costs a third of a second.
        user = get_user_model().objects.create_user(username=username, password=None, email=f"{username}@example.org")
        Membership.objects.create(user=user, unit=unit_of(unit, city), role=role)
        return user

    return make


@pytest.fixture
def people(person, db):
    """The cast of the access tests."""
    admin = get_user_model().objects.create_user(username="city_admin", password=None)
    Membership.objects.create(user=admin, unit=Unit.objects.get(region__code="zhongshan", name=BUREAU), role="admin")
    return {
        "admin": admin,
        "lead_staff": person("lead_staff"),
        "support_staff": person("support_staff", unit=SUPPORT),
        "other_unit_staff": person("other_unit_staff", unit=OTHER),
        "other_city_staff": person("other_city_staff", city="jiangmen"),
        "reviewer": person("reviewer", role="reviewer"),
        "leader": person("leader", role="leader"),
    }


def report_input(target=None, value=None, narrative="完成就业见习岗位募集", **extra) -> ReportInput:
    values = {target.pk: ValueInput(target.pk, value=value)} if target is not None else {}
    return ReportInput(narrative=narrative, values=values, **extra)
