"""The plan-text page: a plan's text (pasted, .txt or .docx) drafted into the import preview,
or downloaded as an Excel draft; only for admins of the city."""

import io
from pathlib import Path

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.imports.models import ImportJob
from units.models import Region

PLANS = Path(__file__).resolve().parents[1] / "drafting" / "tests" / "data" / "plans"
URL = "/imports/draft/"
PLAN_TEXT = (
    "广州市人力资源和社会保障局2025年工作要点\n"
    "（一）稳就业。一是扩大就业。确保城镇新增就业24万人以上。开展职业技能培训10万人次以上。\n"
    "二是帮扶重点群体。2024年全市城镇新增就业25.3万人。建设高质量就业社区100个。\n"
)
pytestmark = pytest.mark.django_db


@pytest.fixture
def gz_admin(make_user):
    return make_user("gz_admin_t", city="guangzhou", role="admin")


def test_it_is_reached_from_the_navigation_by_admins_only(client, gz_admin, make_user):
    client.force_login(gz_admin)
    assert URL in client.get("/").content.decode()
    client.force_login(make_user("gz_staff_t", city="guangzhou", role="staff"))
    assert URL not in client.get("/").content.decode()


def test_pasted_text_opens_in_the_import_preview(client, gz_admin, django_capture_on_commit_callbacks):
    client.force_login(gz_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"text": PLAN_TEXT, "city": Region.objects.get(code="guangzhou").pk, "action": "preview"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:job", args=[job.pk])
    assert (job.plan_title, job.year_start, job.year_end) == ("广州市人力资源和社会保障局2025年工作要点", 2025, 2025)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    page = client.get(response["Location"] + "?tab=all").content.decode()  # every row on the second tab
    assert "3 项措施、3 个目标" in page  # the 2024 figure is a result, not a measure
    assert "确保城镇新增就业24万人以上" in page


def test_a_docx_draft_downloads_as_an_excel_ledger_with_its_results(client, gz_admin):
    document = docx.Document()
    for line in PLAN_TEXT.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    buffer.name = "要点.docx"
    client.force_login(gz_admin)
    response = client.post(
        URL, {"file": buffer, "city": Region.objects.get(code="guangzhou").pk, "years": "2025", "action": "download"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["工作台账", "已完成结果"]
    results = list(book["已完成结果"].iter_rows(min_row=2, values_only=True))
    assert [(row[1], row[3]) for row in results] == [("2024", "25.3万人")]
    assert not ImportJob.objects.exists()


def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_created(client, gz_admin):
    client.force_login(gz_admin)
    bad = io.BytesIO(b"not a zip")
    bad.name = "方案.docx"
    response = client.post(URL, {"file": bad, "city": Region.objects.get(code="guangzhou").pk, "action": "preview"})
    assert response.status_code == 200
    assert "“方案.docx”不是有效的 Word（.docx）文件" in response.content.decode()
    response = client.post(URL, {"city": Region.objects.get(code="guangzhou").pk, "action": "preview"})
    assert "请上传方案文件或粘贴方案正文" in response.content.decode()
    response = client.post(URL, {"text": "没有编号也没有年份的一段话", "city": Region.objects.get(code="guangzhou").pk})
    assert "无法从正文识别年度，请填写" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_seed_plan_file_drafts_into_a_preview_without_errors(client, gz_admin, django_capture_on_commit_callbacks):
    client.force_login(gz_admin)
    with (PLANS / "guangzhou-2024.txt").open("rb") as upload, django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"file": upload, "city": Region.objects.get(code="guangzhou").pk, "title": "广州2024草稿"})
    job = ImportJob.objects.get()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.preview["measure_count"] == 130 and job.preview["target_count"] == 20 and job.preview["problems"] == []


def test_only_admins_of_the_city_may_draft_into_it(client, make_user):
    guangzhou = Region.objects.get(code="guangzhou")
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # Staff of the same city, of another unit than the plan office: no admin, no page.
    client.force_login(make_user("gz_staff_other", city="guangzhou", unit="市委办公厅", role="staff"))
    assert client.get(URL).status_code == 403
    # An outsider, member of no unit.
    client.force_login(make_user("outsider", city=None))
    assert client.get(URL).status_code == 403
    # An admin of another city cannot choose Guangzhou.
    client.force_login(make_user("jm_admin_t", city="jiangmen", role="admin"))
    response = client.post(URL, {"text": PLAN_TEXT, "city": guangzhou.pk, "action": "preview"})
    assert response.status_code == 200 and "city" in response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_past_results_of_the_text_are_offered_in_the_preview_and_imported_on_confirm(
    client, gz_admin, django_capture_on_commit_callbacks
):
    from indicators.models import RecordedResult

    text = PLAN_TEXT + "三是稳岗位。2024年城镇登记失业率2.39%。2024年新建零工驿站30个。\n"
    client.force_login(gz_admin)
    guangzhou = Region.objects.get(code="guangzhou")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"text": text, "city": guangzhou.pk, "action": "preview"})
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "已完成结果：3 条" in page
    rows = {line["indicator_text"]: line for line in job_preview(job)["results"]}
    assert rows["城镇新增就业"]["status"] == "create" and rows["城镇新增就业"]["figure"] == "25.3万人"
    assert rows["城镇登记失业率"]["status"] == "create"
    assert rows["新建零工驿站"]["status"] == "skip"  # no such indicator: left out unless chosen

    # The admin leaves the unemployment rate out, and re-previews.
    form = {f"r{i}": line["indicator_name"] for i, line in enumerate(job_preview(job)["results"])}
    form["r1"] = ""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_results", args=[job.pk]), form)
    statuses = [line["status"] for line in job_preview(job)["results"]]
    assert statuses == ["create", "skip", "skip"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:job_confirm", args=[job.pk]), {})
    page = client.get(response["Location"]).content.decode()
    assert "已完成结果：新增 1 条，更新 0 条，未变 0 条。" in page
    recorded = RecordedResult.objects.get(city=guangzhou)
    assert (recorded.indicator.name, recorded.year, recorded.value) == ("城镇新增就业", 2024, 253000)


def test_an_indicator_name_not_in_the_list_is_refused_with_the_row_named(
    client, gz_admin, django_capture_on_commit_callbacks
):
    client.force_login(gz_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"text": PLAN_TEXT, "city": Region.objects.get(code="guangzhou").pk, "action": "preview"})
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:job_results", args=[job.pk]), {"r0": "新增就业岗位数"}, follow=True)
    assert "第2行：指标“新增就业岗位数”不存在，请从列表中选择" in response.content.decode()
    job.refresh_from_db()
    assert job.result_choices == {}


def job_preview(job: ImportJob) -> dict:
    job.refresh_from_db()
    return job.preview


SUMMARY_TEXT = (
    "广州市人力资源和社会保障局2024年工作总结\n"
    "一、就业形势保持稳定\n全市城镇新增就业25.3万人，帮扶失业人员再就业6.2万人。\n"
    "二、技能培训成效明显\n开展职业技能培训12万人次。\n"
)


def test_a_year_end_summary_is_said_to_be_one_and_its_figures_are_offered_as_results(client, gz_admin):
    client.force_login(gz_admin)
    city = Region.objects.get(code="guangzhou").pk
    page = client.post(URL, {"text": SUMMARY_TEXT, "city": city, "years": "2024", "action": "preview"}).content.decode()
    assert "这是一份工作总结" in page and "没有生成目标" in page
    assert "25.3万人" in page and "12万人次" in page
    assert not ImportJob.objects.exists()
    response = client.post(URL, {"text": SUMMARY_TEXT, "city": city, "years": "2024", "action": "download"})
    book = load_workbook(io.BytesIO(response.content))
    results = [(row[1], row[3]) for row in book["已完成结果"].iter_rows(min_row=2, values_only=True)]
    assert results == [("2024", "25.3万人"), ("2024", "6.2万人"), ("2024", "12万人次")]
    ledger = [row for row in book["工作台账"].iter_rows(values_only=True) if any(row)]
    assert ledger[-1][0] == "序号"  # the header, and no measure under it


def test_a_text_in_traditional_characters_says_it_was_converted(client, gz_admin, django_capture_on_commit_callbacks):
    client.force_login(gz_admin)
    text = "廣州市人力資源和社會保障局2025年工作要點\n（一）穩就業。一是擴大就業。確保城鎮新增就業24萬人以上。\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"text": text, "city": Region.objects.get(code="guangzhou").pk, "action": "preview"})
    page = client.get(response["Location"] + "?tab=all").content.decode()
    assert "已转换为简体字" in page
    assert "确保城镇新增就业24万人以上" in page
