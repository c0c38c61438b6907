"""Access expectations of portal.imports' URLs, merged into indicators/tests/test_access_matrix.py.

Declared here so far: the plan-text page (portal.imports.drafting), admins of a city only;
the 专项 choice of an import job, as its other choices.
"""

from indicators.tests.test_access_matrix import GET, POST, _import_job, row

EXPECTATIONS = {
    "drafting:draft": row(GET, 200, 403, 403, 403, 403, 403, 403),
    "imports:job_programmes": row(POST, 403, 403, 403, 403, 404, 403, 403),
}
KWARGS: dict = {"imports:job_programmes": _import_job}
