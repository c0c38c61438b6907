"""Access expectations of the API's routes, merged into indicators/tests/test_access_matrix.py
(the matrix logs each persona in with a session; the same routes with tokens, and the
report writes with every persona's token: test_access.py).

Anonymous calls answer 401 (a token is asked for). Reports follow the API's own rule —
approved ones, the caller's own units' and those waiting for his review — so the bureau's
submitted report is its own people's and its reviewer's, not yet the leader's or the admin's.
"""

from indicators.models import RecordedResult
from indicators.tests.test_access_matrix import GET, LOGIN, POST, everyone, row

A = 401  # anonymous, on the API


def _token(w) -> dict:
    from portal.api.services import api_token_issue

    if "api_token" not in w:
        w["api_token"] = api_token_issue(user=w["people"]["lead_staff"], name="t", days=30,
                                         issued_by=w["people"]["admin"]).token
    return {"pk": w["api_token"].pk}


def _result(w) -> dict:
    return {"pk": RecordedResult.objects.filter(city_id=w["plan"].city_id).values_list("pk", flat=True).first()}


EXPECTATIONS = {
    "api:schema": everyone(GET, 200, anonymous=A),
    "api:docs": everyone(GET, 200, anonymous=A),
    "api:plan-list": everyone(GET, 200, anonymous=A),
    "api:plan-detail": row(GET, 200, 200, 200, 200, 404, 200, 200, anonymous=A),
    "api:task-list": everyone(GET, 200, anonymous=A),
    "api:task-detail": row(GET, 200, 200, 200, 200, 404, 200, 200, anonymous=A),
    "api:measure-list": everyone(GET, 200, anonymous=A),
    "api:measure-detail": row(GET, 200, 200, 200, 200, 404, 200, 200, anonymous=A),
    "api:indicator-list": everyone(GET, 200, anonymous=A),
    "api:indicator-detail": everyone(GET, 200, anonymous=A),
    "api:period-list": everyone(GET, 200, anonymous=A),
    "api:period-detail": row(GET, 200, 200, 200, 200, 404, 200, 200, anonymous=A),
    "api:result-list": everyone(GET, 200, anonymous=A),
    "api:result-detail": row(GET, 200, 200, 200, 200, 404, 200, 200, anonymous=A),
    "api:report-list": everyone(GET, 200, anonymous=A),
    "api:report-detail": row(GET, 404, 200, 404, 404, 404, 200, 404, anonymous=A),
    # An empty body: the lead unit's staff may submit, and is told the revision is missing.
    "api:report-submit": row(POST, 403, 400, 404, 404, 404, 403, 403, anonymous=A),
    "api:report-approve": row(POST, 403, 403, 404, 404, 404, 200, 403, anonymous=A),
    "api:report-return": row(POST, 403, 403, 404, 404, 404, 400, 403, anonymous=A),  # a return needs a comment
    "api:dashboard_cities": everyone(GET, 200, anonymous=A),
    "api:dashboard_city": row(GET, 200, 200, 200, 200, 404, 200, 200, anonymous=A),
    "api:dashboard_programme": everyone(GET, 200, anonymous=A),
    "api:dashboard_plan": row(GET, 200, 200, 200, 200, 404, 200, 200, anonymous=A),
    "api:dashboard_unit": row(GET, 200, 200, 404, 404, 404, 200, 200, anonymous=A),
    "api:tokens": row(GET, 200, 403, 403, 403, 403, 403, 403, anonymous=LOGIN),
    "api:token_revoke": row(POST, 302, 403, 403, 403, 403, 403, 403, anonymous=LOGIN),
}

KWARGS = {
    "api:plan-detail": lambda w: {"pk": w["plan"].pk},
    "api:task-detail": lambda w: {"pk": w["measure"].task_id},
    "api:measure-detail": lambda w: {"pk": w["measure"].pk},
    "api:indicator-detail": lambda w: {"pk": w["measure"].targets.get().indicator_id},
    "api:period-detail": lambda w: {"pk": w["period"].pk},
    "api:result-detail": _result,
    "api:report-detail": lambda w: {"pk": w["lead_report"].pk},
    "api:report-submit": lambda w: {"pk": w["lead_report"].pk},
    "api:report-approve": lambda w: {"pk": w["lead_report"].pk},
    "api:report-return": lambda w: {"pk": w["lead_report"].pk},
    "api:dashboard_city": lambda w: {"pk": w["plan"].city_id},
    "api:dashboard_programme": lambda w: {"pk": w["measure"].task.programme_id},
    "api:dashboard_plan": lambda w: {"pk": w["plan"].pk},
    "api:dashboard_unit": lambda w: {"pk": w["lead_report"].unit_id},
    "api:token_revoke": _token,
}
