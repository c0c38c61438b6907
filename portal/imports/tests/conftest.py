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
