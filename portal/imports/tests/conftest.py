import pytest

from portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def eager_jobs():
    """Run the import jobs in process, as the embedded setup does, whatever broker CI set:
    the pages' tests follow a job through to its end (queued on commit, run, shown)."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def admin_page(live_server, demo, browser):
    """A page of Debian's chromium logged in as the demo's admin (after the test module's demo
    data is loaded); page.errors collects the page's JavaScript errors."""
    page = browser.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")
    return page


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("jm_admin", city="jiangmen", role="admin"))
    return client


@pytest.fixture
def post(admin_client, eager_jobs, django_capture_on_commit_callbacks):
    """POST as the 江门 admin, running the jobs queued on commit; returns the page redirected to."""

    def send(url, data, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, data, **kwargs)
        assert response.status_code == 302, response.content.decode()[:2000]
        return admin_client.get(response["Location"])

    return send
