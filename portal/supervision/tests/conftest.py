from indicators.tests.reporting_fixtures import *  # noqa: F401,F403 - the reporting fixtures
