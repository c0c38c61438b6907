"""Access expectations of portal.imports' URLs, merged into indicators/tests/test_access_matrix.py.

Declared here so far: the plan-text page (portal.imports.drafting), admins of a city only.
"""

from indicators.tests.test_access_matrix import GET, row

EXPECTATIONS = {
    "drafting:draft": row(GET, 200, 403, 403, 403, 403, 403, 403),
}
KWARGS: dict = {}
