"""Plan texts past what the request drafts in time go to a job (#16.5), with a page that
follows it to the import preview, to the download, or to its failure; a broker outage leaves
the job queued for the sweep; a message sent twice drafts once."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.imports import draft_jobs
from portal.imports.models import DraftJob, ImportJob
from portal.tests.workers import celery_conf
from units.models import Region

from .test_jobs import refusing_broker

pytestmark = pytest.mark.django_db

URL = "/imports/draft/"


def long_text(sections: int = 30) -> str:
    lines = ["广州市人力资源和社会保障局2025年工作要点"]
    for n in range(1, sections + 1):
        lines.append(f"{n}.稳就业第{n}项。举办招聘会{n}场以上。开展职业技能培训{n}00人次以上。")
    return "\n".join(lines) + "\n"


@pytest.fixture
def gz_admin(make_user):
    return make_user("gz_admin_j", city="guangzhou", role="admin")


@pytest.fixture
def short_limit(settings):
    settings.DRAFTING_MAX_CHARACTERS = 500


def _post(client, text, **extra):
    return client.post(URL, {"text": text, "city": Region.objects.get(code="guangzhou").pk, "years": "2025", **extra})


def test_a_long_text_is_drafted_by_a_job_and_opens_in_the_import_preview(
        client, gz_admin, short_limit, django_capture_on_commit_callbacks):
    client.force_login(gz_admin)
    text = long_text()
    assert len(text) > 500
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, text, action="preview")
    job = DraftJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("drafting:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == DraftJob.Status.DONE and job.import_job is not None and job.text == ""
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.get(response["Location"])
    assert opened.status_code == 302 and opened["Location"] == reverse("imports:job", args=[job.import_job_id])
    imported = ImportJob.objects.get(pk=job.import_job_id)
    assert imported.status == ImportJob.Status.PREVIEWED and imported.created_by == gz_admin
    assert "30 项措施" in client.get(opened["Location"]).content.decode() or imported.preview


def test_a_long_text_to_download_is_offered_on_the_job_page(client, gz_admin, short_limit, django_capture_on_commit_callbacks):
    client.force_login(gz_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, long_text(), action="download")
    job = DraftJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'id="draft-download"' in page and not ImportJob.objects.exists()
    download = client.get(reverse("drafting:job_download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert any("举办招聘会30场以上" in str(cell.value) for row in sheet.iter_rows() for cell in row)


def test_a_draft_that_breaks_fails_on_its_page_with_the_reason(client, gz_admin, short_limit, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise ValueError("无法识别的结构")

    monkeypatch.setattr(draft_jobs, "draft_from_text", broken)
    client.force_login(gz_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, long_text())
    page = client.get(response["Location"]).content.decode()
    assert DraftJob.objects.get().status == DraftJob.Status.FAILED
    assert "生成失败：无法识别的结构" in page and 'id="job-error"' in page and "重新提交" in page


def test_the_job_limit_still_refuses_what_no_job_should_take(client, gz_admin, settings):
    settings.DRAFTING_MAX_CHARACTERS, settings.DRAFTING_JOB_MAX_CHARACTERS = 100, 500
    client.force_login(gz_admin)
    page = _post(client, long_text()).content.decode()
    assert "粘贴的正文超过 500 字" in page and not DraftJob.objects.exists()


def test_with_the_broker_down_the_job_waits_and_the_sweep_sends_it_once_it_is_back(
        client, gz_admin, short_limit, django_capture_on_commit_callbacks):
    client.force_login(gz_admin)
    with refusing_broker():
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(client, long_text(), action="download")
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "排队中，服务恢复后自动继续" in page and 'hx-get="/imports/draft/jobs/' in page
    job = DraftJob.objects.get()
    assert job.status == DraftJob.Status.QUEUED
    DraftJob.objects.filter(pk=job.pk).update(enqueued_at=None)
    with celery_conf(task_always_eager=True):
        assert draft_jobs.draft_jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == DraftJob.Status.DONE and job.attempts == 1
    assert draft_jobs.draft_job_run(job_id=job.pk) is None  # sent again: claimed once only
    progress = client.get(reverse("drafting:job_progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"
