"""Shared fixtures: the real seed ledgers loaded once per test database, users per role,
and a Playwright browser on Debian's chromium."""

import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from units.models import Membership, Region, Unit

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BUREAU = "市人力资源和社会保障局"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "worker: starts a real celery worker on Redis against the test database (transactional)"
    )


def pytest_collection_modifyitems(config, items):
    """Tests with a real worker and tests on a live server flush the database when they end:
    run them last (the browser tests at the very end), so the seeds loaded once for the
    others stay in place."""
    items.sort(key=lambda item: (item.get_closest_marker("browser") is not None,
                                 item.get_closest_marker("worker") is not None))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", "--no-accounts", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture
def make_user(db):
    def make(username: str, *, city: str | None = "jiangmen", unit: str = BUREAU, role: str = "staff", **extra):
        user = get_user_model().objects.create_user(username=username, password="pw-for-tests", **extra)
        if city:
            region = Region.objects.get(code=city)
            unit_obj = Unit.objects.get(region=region, name=unit)
            Membership.objects.create(user=user, unit=unit_obj, role=role)
        return user

    return make


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()

