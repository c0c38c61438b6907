"""Reports through the API: the same services as the pages, so the same history, locks,
conflicts, doubts and rollups; every persona's token on each write."""

import pytest
from django.urls import reverse

from indicators.models import ProgressReport
from indicators.services import report_save_draft, report_submit
from indicators.tests.reporting_fixtures import BUREAU, SUPPORT, report_input
from portal.dashboards.models import DirtyScope

pytestmark = pytest.mark.django_db

PERSONAS = ["admin", "lead_staff", "support_staff", "other_unit_staff", "other_city_staff", "reviewer", "leader"]


@pytest.fixture
def draft_body(measure, period, unit_of, target):
    def body(value=12, *, unit=BUREAU, revision=None, **extra):
        return {"measure": measure.pk, "unit": unit_of(unit).pk, "period": period.pk, "revision": revision,
                "narrative": "募集见习岗位", "values": [{"target": target.pk, "value": str(value)}], **extra}

    return body


def test_staff_save_and_submit_then_a_reviewer_approves_and_the_rollups_hear_of_it(
        api, draft_body, people, target, no_broker, django_capture_on_commit_callbacks):
    staff, reviewer = api("lead_staff"), api("reviewer")
    created = staff.post(reverse("api:report-list"), draft_body(), format="json")
    assert created.status_code == 201, created.json()
    report = created.json()
    assert report["state"] == "draft" and report["values"][0]["value"] == "12.0000"

    stale = staff.post(reverse("api:report-submit", args=[report["id"]]), {"revision": report["revision"] - 1}, format="json")
    assert stale.status_code == 409 and "修改" in stale.json()["detail"]
    submitted = staff.post(reverse("api:report-submit", args=[report["id"]]), {"revision": report["revision"]}, format="json")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"

    with django_capture_on_commit_callbacks(execute=True):
        approved = reviewer.post(reverse("api:report-approve", args=[report["id"]]), {"comment": "同意"}, format="json")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert DirtyScope.objects.filter(kind="measure", object_id=target.measure_id).exists()

    saved = ProgressReport.objects.get(pk=report["id"])
    history = list(saved.history.order_by("history_date").values_list("state", "history_user__username"))
    assert history == [("draft", "lead_staff"), ("submitted", "lead_staff"), ("approved", "reviewer")]
    # Approved is locked: a new save is refused, as on the page.
    again = staff.post(reverse("api:report-list"), draft_body(20), format="json")
    assert again.status_code == 400 and "锁定" in again.json()["detail"]


def test_a_save_on_a_stale_revision_is_refused_with_409_and_overwrites_nothing(api, draft_body):
    first = api("lead_staff").post(reverse("api:report-list"), draft_body(12), format="json").json()
    ok = api("lead_staff").post(reverse("api:report-list"), draft_body(13, revision=first["revision"]), format="json")
    assert ok.status_code == 200
    late = api("lead_staff").post(reverse("api:report-list"), draft_body(99, revision=first["revision"]), format="json")
    assert late.status_code == 409
    assert ProgressReport.objects.get(pk=first["id"]).values.get().value == 13


def test_a_doubtful_value_is_refused_until_confirmed(api, draft_body):
    client = api("lead_staff")
    doubted = client.post(reverse("api:report-list"), draft_body(5000), format="json")
    assert doubted.status_code == 422
    reasons = list(doubted.json()["doubts"].values())
    assert reasons
    confirmed = client.post(reverse("api:report-list"), draft_body(5000, confirmed_doubts=reasons), format="json")
    assert confirmed.status_code == 201
    assert confirmed.json()["values"][0]["doubt"] == reasons[0]


def test_a_target_not_of_the_report_and_a_wrong_body_are_refused(api, draft_body, target):
    body = draft_body()
    body["values"].append({"target": target.pk + 100000, "value": "1"})
    assert api("lead_staff").post(reverse("api:report-list"), body, format="json").status_code == 400
    assert api("lead_staff").post(reverse("api:report-list"), {"measure": "x"}, format="json").status_code == 400


def test_save_and_submit_in_one_call_stand_or_fall_together(api, draft_body):
    response = api("lead_staff").post(reverse("api:report-list"), {**draft_body(), "narrative": "", "submit": True},
                                      format="json")
    assert response.status_code == 400 and "进展情况" in response.json()["detail"]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("persona, expected", [
    ("admin", 403), ("lead_staff", 403), ("support_staff", 201), ("other_unit_staff", 404),
    ("other_city_staff", 404), ("reviewer", 403), ("leader", 403),
])
def test_only_a_units_own_staff_saves_its_report(api, draft_body, persona, expected):
    """The support unit's report (团市委): its own staff, nobody else — 403 or 404 as on the report page."""
    response = api(persona).post(reverse("api:report-list"), draft_body(3, unit=SUPPORT), format="json")
    assert response.status_code == expected, response.json()


@pytest.mark.parametrize("persona, approve, give_back", [
    ("admin", 403, 403), ("lead_staff", 403, 403), ("support_staff", 404, 404), ("other_unit_staff", 404, 404),
    ("other_city_staff", 404, 404), ("reviewer", 200, 200), ("leader", 403, 403),
])
def test_only_the_lead_units_reviewer_approves_or_returns(api, measure, period, unit_of, target, people,
                                                          persona, approve, give_back):
    def submitted():
        report = report_save_draft(measure=measure, unit=unit_of(BUREAU), period=period, user=people["lead_staff"],
                                   data=report_input(target, 12), revision=None)
        return report_submit(report=report, user=people["lead_staff"], revision=report.revision)

    report = submitted()
    client = api(persona)
    assert client.post(reverse("api:report-approve", args=[report.pk]), {}, format="json").status_code == approve
    ProgressReport.objects.filter(pk=report.pk).delete()
    report = submitted()
    response = client.post(reverse("api:report-return", args=[report.pk]), {"comment": "请补充佐证"}, format="json")
    assert response.status_code == give_back


def test_a_filer_cannot_approve_his_own_report(api, measure, period, unit_of, target, person):
    both = person("both_roles")
    both.memberships.create(unit=unit_of(BUREAU), role="reviewer")
    report = report_save_draft(measure=measure, unit=unit_of(BUREAU), period=period, user=both,
                               data=report_input(target, 12), revision=None)
    report = report_submit(report=report, user=both, revision=report.revision)
    response = api(both).post(reverse("api:report-approve", args=[report.pk]), {}, format="json")
    assert response.status_code == 400 and "自己" in response.json()["detail"]
