"""Evidence files: judged by content, never by name; size limited; downloaded only by those
who may read the report."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.evidence import EvidenceRefused, check_evidence_file
from indicators.models import Evidence
from indicators.services import ReportingError, report_save_draft

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures
from .reporting_fixtures import report_input

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, kind",
    [("通知.pdf", PDF, "pdf"), ("scan.bin", PDF, "pdf"), ("照片.png", PNG, "png"),
     ("台账.xlsx", office("xl/workbook.xml"), "xlsx"), ("材料.docx", office("word/document.xml"), "docx")],
)
def test_it_takes_a_file_for_what_its_content_is(name, content, kind):
    assert check_evidence_file(SimpleUploadedFile(name, content)).kind == kind


@pytest.mark.parametrize(
    "name, content",
    [("报告.pdf", EXE), ("表格.xlsx", office("evil/payload.xml")), ("空.pdf", b""), ("page.pdf", b"<html><script>")],
    ids=["program-named-pdf", "zip-not-office", "empty", "html-named-pdf"],
)
def test_it_refuses_a_file_whose_content_is_not_allowed_naming_it(name, content):
    with pytest.raises(EvidenceRefused, match=name):
        check_evidence_file(SimpleUploadedFile(name, content))


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.REPORTING_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(EvidenceRefused, match="超过上限"):
        check_evidence_file(SimpleUploadedFile("big.pdf", PDF + b"0" * 1000))


def test_a_refused_file_saves_nothing_of_the_report(measure, target, period, people, unit_of, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ReportingError, match="报告.pdf"):
        report_save_draft(measure=measure, unit=unit_of("市人力资源和社会保障局"), period=period, user=people["lead_staff"],
                          data=report_input(target, Decimal(1)), revision=None,
                          files=[SimpleUploadedFile("报告.pdf", EXE)])
    assert not measure.reports.exists()


def test_uploaded_evidence_is_stored_under_its_real_type_and_downloaded_by_readers_only(client, measure, target, period, people, unit_of, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["lead_staff"])
    url = reverse("reporting:report_edit", args=[measure.pk, period.pk, unit_of("市人力资源和社会保障局").pk])
    response = client.post(url, {"narrative": "见习", f"value_{target.pk}": "3", "action": "save",
                                 "evidence": [SimpleUploadedFile("扫描件.bin", PDF), SimpleUploadedFile("表.xlsx", office("xl/workbook.xml"))]})
    assert response.status_code == 302
    evidence = Evidence.objects.get(name="扫描件.bin")
    assert evidence.kind == "pdf" and evidence.file.name.endswith(".pdf")
    download = reverse("reporting:evidence_download", args=[evidence.pk])
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    for outsider in ("other_unit_staff", "other_city_staff"):
        client.force_login(people[outsider])
        assert client.get(download).status_code == 404
    client.force_login(people["reviewer"])
    assert client.get(download).status_code == 200


def test_the_form_shows_a_refused_file_by_name_and_keeps_the_draft_unsaved(client, measure, target, period, people, unit_of, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["lead_staff"])
    url = reverse("reporting:report_edit", args=[measure.pk, period.pk, unit_of("市人力资源和社会保障局").pk])
    response = client.post(url, {"narrative": "见习", "action": "save", "evidence": [SimpleUploadedFile("报告.pdf", EXE)]})
    assert response.status_code == 200
    assert "报告.pdf" in response.content.decode() and "按文件内容判断类型" in response.content.decode()
    assert not measure.reports.exists()


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_a_batch_over_the_files_limit_is_refused_and_leaves_nothing_on_disk(measure, target, period, people, unit_of,
                                                                           tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    files = [SimpleUploadedFile(f"通知{i}.pdf", PDF) for i in range(settings.REPORTING_EVIDENCE_MAX_FILES + 1)]
    with pytest.raises(ReportingError, match="每份报告最多上传 10 个佐证材料"):
        report_save_draft(measure=measure, unit=unit_of("市人力资源和社会保障局"), period=period, user=people["lead_staff"],
                          data=report_input(target, Decimal(1)), revision=None, files=files)
    assert not measure.reports.exists() and not Evidence.objects.exists()
    assert files_under(tmp_path) == []


def test_each_user_has_a_quota_of_evidence_and_a_refusal_leaves_nothing_on_disk(client, measure, target, period,
                                                                               people, unit_of, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.REPORTING_EVIDENCE_QUOTA_BYTES = len(PDF) * 2
    client.force_login(people["lead_staff"])
    url = reverse("reporting:report_edit", args=[measure.pk, period.pk, unit_of("市人力资源和社会保障局").pk])
    form = {"narrative": "见习", f"value_{target.pk}": "3", "action": "save"}
    response = client.post(url, {**form, "evidence": [SimpleUploadedFile("一.pdf", PDF), SimpleUploadedFile("二.pdf", PDF)]})
    assert response.status_code == 302 and len(files_under(tmp_path)) == 2
    report = measure.reports.get()
    response = client.post(url, {**form, "revision": report.revision, "evidence": [SimpleUploadedFile("三.pdf", PDF)]})
    assert response.status_code == 200 and "将超过每人" in response.content.decode()
    assert len(files_under(tmp_path)) == 2 and report.evidence.count() == 2


def test_a_deleted_evidence_file_leaves_its_trace_in_the_reports_history(client, measure, target, period, people,
                                                                        unit_of, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    report = report_save_draft(measure=measure, unit=unit_of("市人力资源和社会保障局"), period=period, user=people["lead_staff"],
                               data=report_input(target, Decimal(1)), revision=None,
                               files=[SimpleUploadedFile("会议纪要.pdf", PDF)])
    client.force_login(people["lead_staff"])
    client.post(reverse("reporting:evidence_delete", args=[report.evidence.get().pk]))
    assert not report.evidence.exists()
    latest = report.history.latest("history_date")
    assert latest.history_user == people["lead_staff"] and latest.history_change_reason == "删除佐证材料“会议纪要.pdf”"
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert "删除佐证材料“会议纪要.pdf”" in page.split('id="report-history"')[1]
