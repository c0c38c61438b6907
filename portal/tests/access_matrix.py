"""Access expectations of the portal's own URLs beyond the pages, merged into
indicators/tests/test_access_matrix.py: the load balancer's probes answer everyone."""

from indicators.tests.test_access_matrix import GET, everyone

EXPECTATIONS = {
    "healthz": everyone(GET, 200, anonymous=200),
    "readyz": everyone(GET, 200, anonymous=200),
}
KWARGS: dict = {}
