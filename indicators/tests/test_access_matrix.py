"""Every URL of the project × every kind of user: what each must get.

The URL patterns are enumerated from the resolver, so a new URL without a declared
expectation fails `test_every_url_has_a_declared_expectation`. Other apps may declare theirs
in `<app>/tests/access_matrix.py` (EXPECTATIONS and, for URL arguments, KWARGS: name →
function(world) → kwargs); they are merged here.

Expectations: a status code, or LOGIN (a redirect to the login page). Each persona's request
runs in a savepoint rolled back afterwards, so a write by one does not change what the next sees.
"""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indicators.models import Notification, Period
from indicators.services import report_save_draft, report_submit
from tasks.models import Measure
from units.models import Membership

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures
from .reporting_fixtures import report_input

pytestmark = pytest.mark.django_db

PERSONAS = ["admin", "lead_staff", "support_staff", "other_unit_staff", "other_city_staff", "reviewer", "leader", "anonymous"]
LOGIN = "login"
GET, POST = "GET", "POST"


def row(method: str, admin, lead_staff, support_staff, other_unit_staff, other_city_staff, reviewer, leader, anonymous=LOGIN):
    return method, dict(zip(PERSONAS, [admin, lead_staff, support_staff, other_unit_staff, other_city_staff, reviewer, leader, anonymous]))


def everyone(method: str, status, anonymous=LOGIN):
    return row(method, *([status] * 7), anonymous=anonymous)


# Objects of the matrix (see `world`): a 中山 measure led by the bureau with 团市委 in support;
# "lead_report" is the bureau's submitted report, "support_report" 团市委's draft with evidence.
EXPECTATIONS = {
    # portal
    "home": everyone(GET, 200),
    "plan_detail": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "measure_detail": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "login": everyone(GET, 200, anonymous=200),
    "logout": everyone(POST, LOGIN, anonymous=LOGIN),  # LOGOUT_REDIRECT_URL is the login page
    "set_language": everyone(POST, 302, anonymous=302),
    # reporting
    "reporting:my_tasks": everyone(GET, 200),
    "reporting:report_edit": row(GET, 403, 403, 200, 404, 404, 403, 403),
    "reporting:report_preview": row(POST, 403, 403, 200, 404, 404, 403, 403),
    "reporting:report_detail": row(GET, 200, 200, 200, 404, 404, 200, 200),
    "reporting:report_approve": row(POST, 403, 403, 404, 404, 404, 302, 403),
    "reporting:report_return": row(POST, 403, 403, 404, 404, 404, 302, 403),
    "reporting:report_correct": row(POST, 403, 302, 404, 404, 404, 403, 403),
    "reporting:evidence_download": row(GET, 200, 200, 200, 404, 404, 200, 200),
    "reporting:evidence_delete": row(POST, 403, 403, 302, 404, 404, 403, 403),
    # Admins: the reports no reviewer of their lead unit may approve (four eyes) come to them.
    "reporting:review_queue": row(GET, 200, 403, 403, 403, 403, 200, 403),
    "reporting:notifications": everyone(GET, 200),
    "reporting:notification_open": row(POST, 404, 302, 404, 404, 404, 404, 404),
    "reporting:notifications_read_all": everyone(POST, 302),
    "reporting:periods": row(GET, 200, 403, 403, 403, 403, 403, 403),
    "reporting:periods_create": row(POST, 302, 403, 403, 403, 404, 403, 403),
    "reporting:plan_reporting_from": row(POST, 302, 403, 403, 403, 404, 403, 403),
    "reporting:period_close": row(POST, 302, 403, 403, 403, 404, 403, 403),
    "reporting:period_reopen": row(POST, 302, 403, 403, 403, 404, 403, 403),
    "reporting:period_due_date": row(POST, 302, 403, 403, 403, 404, 403, 403),
    "reporting:period_remind": row(POST, 302, 403, 403, 403, 404, 403, 403),
}

# The apps built beside this one, declared from their code when this matrix was written:
# dashboards are read-only and city-wide (a unit's page for its own people, its city's
# leaders and admins); imports are for the city's admins (a plan's export for all who see it).
EXPECTATIONS.update({
    "dashboards:overview": everyone(GET, 200),
    "dashboards:city": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "dashboards:city_briefing": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "dashboards:city_briefing_xlsx": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "dashboards:city_briefing_docx": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "dashboards:programme": everyone(GET, 200),
    "dashboards:programme_briefing": everyone(GET, 200),
    "dashboards:programme_briefing_xlsx": everyone(GET, 200),
    "dashboards:programme_briefing_docx": everyone(GET, 200),
    "dashboards:plan": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "dashboards:unit": row(GET, 200, 200, 404, 404, 404, 200, 200),
    "dashboards:measure": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "dashboards:measures": everyone(GET, 200),
    "dashboards:thresholds": everyone(GET, 403),  # the province's admins only
    "imports:index": row(GET, 200, 403, 403, 403, 403, 403, 403),
    "imports:plan_import": row(GET, 200, 403, 403, 403, 404, 403, 403),
    "imports:plan_export": row(GET, 200, 200, 200, 200, 404, 200, 200),
    "imports:job": row(GET, 200, 403, 403, 403, 404, 403, 403),
    "imports:job_progress": row(GET, 200, 403, 403, 403, 404, 403, 403),
    # A job still queued takes no sheet, header, unit choice or confirmation, even from its admin.
    "imports:job_sheet": row(POST, 403, 403, 403, 403, 404, 403, 403),
    "imports:job_headers": row(POST, 403, 403, 403, 403, 404, 403, 403),
    "imports:job_units": row(POST, 403, 403, 403, 403, 404, 403, 403),
    "imports:job_units_suggested": row(POST, 403, 403, 403, 403, 404, 403, 403),
    "imports:job_results": row(POST, 403, 403, 403, 403, 404, 403, 403),
    "imports:job_row_edit": row(GET, 403, 403, 403, 403, 404, 403, 403),
    "imports:job_undo_edits": row(POST, 403, 403, 403, 403, 404, 403, 403),
    "imports:job_confirm": row(POST, 403, 403, 403, 403, 404, 403, 403),
    "drafting:draft": row(GET, 200, 403, 403, 403, 403, 403, 403),
})


def _import_job(w) -> dict:
    from portal.imports.models import ImportJob

    if "import_job" not in w:
        w["import_job"] = ImportJob.objects.create(
            city=w["plan"].city, plan=w["plan"], plan_title=w["plan"].title, file_name="台账.csv",
            content=b"x", size=1, created_by=w["people"]["admin"],
        )
    return {"pk": w["import_job"].pk}


KWARGS = {
    "plan_detail": lambda w: {"pk": w["plan"].pk},
    "measure_detail": lambda w: {"pk": w["measure"].pk},
    "reporting:report_edit": lambda w: {"measure_id": w["measure"].pk, "period_id": w["period"].pk, "unit_id": w["support_unit"].pk},
    "reporting:report_preview": lambda w: {"measure_id": w["measure"].pk, "period_id": w["period"].pk, "unit_id": w["support_unit"].pk},
    "reporting:report_detail": lambda w: {"pk": w["support_report"].pk},
    "reporting:report_approve": lambda w: {"pk": w["lead_report"].pk},
    "reporting:report_return": lambda w: {"pk": w["lead_report"].pk},
    "reporting:report_correct": lambda w: {"pk": w["lead_report"].pk},
    "reporting:evidence_download": lambda w: {"pk": w["evidence"].pk},
    "reporting:evidence_delete": lambda w: {"pk": w["evidence"].pk},
    "reporting:notification_open": lambda w: {"pk": w["notification"].pk},
    "reporting:periods_create": lambda w: {"plan_id": w["plan"].pk},
    "reporting:plan_reporting_from": lambda w: {"plan_id": w["plan"].pk},
    "reporting:period_close": lambda w: {"pk": w["period"].pk},
    "reporting:period_reopen": lambda w: {"pk": w["period"].pk},
    "reporting:period_due_date": lambda w: {"pk": w["period"].pk},
    "reporting:period_remind": lambda w: {"pk": w["period"].pk},
    "dashboards:city": lambda w: {"pk": w["plan"].city_id},
    "dashboards:city_briefing": lambda w: {"pk": w["plan"].city_id},
    "dashboards:city_briefing_xlsx": lambda w: {"pk": w["plan"].city_id},
    "dashboards:city_briefing_docx": lambda w: {"pk": w["plan"].city_id},
    "dashboards:programme": lambda w: {"pk": w["measure"].task.programme_id},
    "dashboards:programme_briefing": lambda w: {"pk": w["measure"].task.programme_id},
    "dashboards:programme_briefing_xlsx": lambda w: {"pk": w["measure"].task.programme_id},
    "dashboards:programme_briefing_docx": lambda w: {"pk": w["measure"].task.programme_id},
    "dashboards:plan": lambda w: {"pk": w["plan"].pk},
    "dashboards:unit": lambda w: {"pk": w["lead_report"].unit_id},
    "dashboards:measure": lambda w: {"pk": w["measure"].pk},
    "imports:plan_import": lambda w: {"pk": w["plan"].pk},
    "imports:plan_export": lambda w: {"pk": w["plan"].pk},
    "imports:job": _import_job,
    "imports:job_progress": _import_job,
    "imports:job_sheet": _import_job,
    "imports:job_headers": _import_job,
    "imports:job_units": _import_job,
    "imports:job_units_suggested": _import_job,
    "imports:job_results": _import_job,
    "imports:job_row_edit": lambda w: {**_import_job(w), "row": 4},
    "imports:job_undo_edits": _import_job,
    "imports:job_confirm": _import_job,
}

# The Django admin: every one of its views is wrapped in admin_view (is_staff required);
# none of the personas is staff, so each is sent to the admin's login. Checked on a sample.
ADMIN_SAMPLE = ["admin:index", "admin:indicators_progressreport_changelist", "admin:tasks_measure_changelist"]


def _merge_other_apps():
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.access_matrix")
        except ModuleNotFoundError:
            continue
        EXPECTATIONS.update(getattr(module, "EXPECTATIONS", {}))
        KWARGS.update(getattr(module, "KWARGS", {}))


_merge_other_apps()


def _patterns(resolvers=None, namespace=""):
    """(full name, pattern) of every URL pattern; full name None for unnamed ones."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), entry, namespace


def test_every_url_has_a_declared_expectation():
    undeclared = []
    for name, pattern, namespace in _patterns():
        if namespace.startswith("admin:"):
            continue  # the admin site, checked as a whole below
        if name is None:
            undeclared.append(f"(unnamed) {pattern.pattern}")
        elif name not in EXPECTATIONS:
            undeclared.append(name)
        elif pattern.pattern.converters and name not in KWARGS:
            undeclared.append(f"{name} (no KWARGS to build its URL)")
    assert not undeclared, "URLs without a declared access expectation: " + ", ".join(undeclared)


@pytest.fixture
def world(measure, target, period, people, unit_of, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    bureau, league = unit_of("市人力资源和社会保障局"), unit_of("团市委")
    lead_report = report_save_draft(measure=measure, unit=bureau, period=period, user=people["lead_staff"],
                                    data=report_input(target, Decimal(12)), revision=None)
    lead_report = report_submit(report=lead_report, user=people["lead_staff"], revision=lead_report.revision)
    support_report = report_save_draft(
        measure=measure, unit=league, period=period, user=people["support_staff"], data=report_input(target, Decimal(3)),
        revision=None, files=[SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    notification = Notification.objects.create(user=people["lead_staff"], kind="approved", title="t", url="/")
    return {
        "measure": measure, "plan": measure.task.plan, "period": period, "support_unit": league,
        "lead_report": lead_report, "support_report": support_report,
        "evidence": support_report.evidence.get(), "notification": notification, "people": people,
    }


def _request(client, method: str, url: str):
    data = {"language": "zh-hans", "next": "/"} if "i18n" in url else {}
    return client.get(url) if method == GET else client.post(url, data)


def _outcome(response) -> int | str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_access(client, world, name):
    method, expected = EXPECTATIONS[name]
    url = reverse(name, kwargs=KWARGS[name](world) if name in KWARGS else None)
    got = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(world["people"][persona])
        with transaction.atomic():
            got[persona] = _outcome(_request(client, method, url))
            transaction.set_rollback(True)
    assert got == expected, f"{method} {url}"


@pytest.mark.parametrize("name", ADMIN_SAMPLE)
def test_the_admin_site_is_for_django_staff_only(client, world, name):
    url = reverse(name)
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(world["people"][persona])
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], persona


def test_an_id_of_another_citys_objects_answers_404_for_a_staff_member(client, world, people):
    """The same pages with a 广州 measure and period: a 中山 staff member finds nothing."""
    gz_measure = Measure.objects.get(task__plan__slug="guangzhou-2024", task__number=4, seq=1)
    gz_period = Period.objects.get(plan=gz_measure.task.plan, start=date(2024, 1, 1))
    unit_id = gz_measure.responsibilities.get().unit_id
    client.force_login(people["lead_staff"])
    for url in (reverse("measure_detail", args=[gz_measure.pk]),
                reverse("reporting:report_edit", args=[gz_measure.pk, gz_period.pk, unit_id])):
        assert client.get(url).status_code == 404, url
    # A 中山 period under a 广州 measure does not exist either.
    assert client.get(reverse("reporting:report_edit", args=[gz_measure.pk, world["period"].pk, unit_id])).status_code == 404


def test_four_eyes_no_filer_approves_and_a_unit_whose_only_reviewer_filed_sends_it_to_the_admin(
    client, measure, target, period, person, unit_of
):
    """A user holding the staff and the reviewer role corrects the numbers of a colleague's
    draft, the colleague submits:
    he may not approve them; he is his unit's only reviewer, so the plan's admin does."""
    bureau = unit_of("市人力资源和社会保障局")
    both = person("staff_and_reviewer")
    Membership.objects.create(user=both, unit=bureau, role="reviewer")
    colleague, admin = person("colleague"), person("zs_admin", role="admin")
    report = report_save_draft(measure=measure, unit=bureau, period=period, user=colleague,
                               data=report_input(target, Decimal(10)), revision=None)
    report = report_save_draft(measure=measure, unit=bureau, period=period, user=both,
                               data=report_input(target, Decimal(12)), revision=report.revision)
    report = report_submit(report=report, user=colleague, revision=report.revision)
    detail = reverse("reporting:report_detail", args=[report.pk])

    client.force_login(both)
    assert detail not in client.get(reverse("reporting:review_queue")).content.decode()
    page = client.post(reverse("reporting:report_approve", args=[report.pk]), follow=True).content.decode()
    assert "不能审核自己填报或提交的报告" in page
    report.refresh_from_db()
    assert report.state == "submitted"

    client.force_login(admin)
    assert Notification.objects.filter(user=admin, report=report, kind="submitted").exists()
    assert detail in client.get(reverse("reporting:review_queue")).content.decode()
    assert client.post(reverse("reporting:report_approve", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert (report.state, report.reviewed_by) == ("approved", admin)


def test_an_admin_does_not_review_where_the_unit_has_a_reviewer_who_did_not_file(client, world, people):
    client.force_login(people["admin"])
    assert reverse("reporting:report_detail", args=[world["lead_report"].pk]) not in client.get(
        reverse("reporting:review_queue")).content.decode()
