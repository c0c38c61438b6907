"""The preview a person can work through (#13.5): the summary and only the rows that need the
admin on the first tab, grouped by problem; every row on the second, 25 a page; bulk actions;
corrections answered with the page's body for htmx to swap in place."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.imports.attention import preview_attention, problem_kind
from portal.imports.ledger.preview import LedgerPreview
from portal.imports.models import ImportJob
from portal.imports.tests.ledgers import hundred_row_ledger
from tasks.models import Plan
from units.models import Unit

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def job(post) -> ImportJob:
    city = Plan.objects.get(slug="jiangmen-2020").city_id
    post(reverse("imports:index"), {"file": SimpleUploadedFile("百行台账.xlsx", hundred_row_ledger()), "city": city,
                                    "title": "百行台账", "years": "2025"})
    return ImportJob.objects.latest("pk")


def rows_on(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr[^>]* id="row-(\d+)"', page)]


def test_it_groups_problems_by_kind():
    assert problem_kind("D列（牵头单位）：单位“台山市人民政府”不存在，请先对应到已有单位或新建")[0] == "unit"
    assert problem_kind("E列（目标指标）：“约100人”中的“约100”是约数")[0] == "field:目标指标"
    assert problem_kind("所属任务（第4行）有错误，整条任务不能导入")[0] == "task"
    assert problem_kind("看不懂这一行")[0] == "other"


def test_the_first_tab_sums_up_and_lists_only_the_rows_that_need_the_admin(job, admin_client):
    attention = preview_attention(LedgerPreview.from_dict(job.preview))
    assert (attention.units_to_map, attention.units_with_suggestion, attention.unclassified_tasks) == (2, 2, 5)
    assert len(attention.qualitative_rows) == 20
    assert [(group.key, len(group.rows)) for group in attention.error_groups] == [("unit", 40), ("field:目标指标", 2)]

    page = admin_client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "新增 62" in page and "错误 42" in page
    assert "单位待对应 2 个（2 个有建议）" in page and "未分类任务 5 项" in page and "定性目标 20 条" in page
    assert page.count('class="attention-row"') == 8 + 2  # a group shows 8 rows, the rest a click away
    assert "其余 32 行见“全部行”" in page
    assert rows_on(page) == []  # the full list is on the second tab
    assert "促进高校毕业生就业第1项措施。" not in page  # a good row needs nothing
    section = re.search(r'data-section="s4".*?</form>', page, re.S).group(0)
    assert section.count("task-unclassified") == 5


def test_every_row_is_on_the_second_tab_25_a_page_or_one_group_of_them(job, admin_client):
    url = reverse("imports:job", args=[job.pk])
    assert rows_on(admin_client.get(url + "?tab=all").content.decode()) == list(range(4, 29))
    assert len(rows_on(admin_client.get(url + "?tab=all&page=5").content.decode())) == 4  # 100 measures, 4 sections
    bad_targets = admin_client.get(url + "?tab=all&problem=field:目标指标").content.decode()
    assert len(rows_on(bad_targets)) == 2
    qualitative = admin_client.get(url + "?tab=all&problem=qualitative").content.decode()
    assert len(rows_on(qualitative)) == 20


def test_every_suggested_unit_is_mapped_in_one_click(job, post):
    page = post(reverse("imports:job_units_suggested", args=[job.pk]), {}).content.decode()
    job.refresh_from_db()
    units = {name: Unit.objects.get(pk=choice["unit_id"]).name for name, choice in job.unit_choices.items()}
    assert units == {"台山市人民政府": "台山市", "开平市人民政府": "开平市"}
    assert "错误 2" in page and 'id="unit-mapping"' not in page


def test_a_section_gets_one_programme_and_htmx_gets_the_body_to_swap(job, admin_client, django_capture_on_commit_callbacks):
    url = reverse("imports:job_programmes", args=[job.pk]) + "?tab=attention"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"s4": "综合保障"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="job-body"') and "<html" not in body
    assert response["HX-Push-Url"] == reverse("imports:job", args=[job.pk]) + "?tab=attention"

    # The re-preview ran once the request committed; the polled bar then hands over the body.
    progress = admin_client.get(reverse("imports:job_progress", args=[job.pk]), **HTMX)
    assert (progress["HX-Retarget"], progress["HX-Reswap"]) == ("#job-body", "outerHTML")
    assert "未分类任务" not in progress.content.decode() and "有 25 行已在预览中修改" in progress.content.decode()
    tasks = LedgerPreview.from_dict(ImportJob.objects.get(pk=job.pk).preview).tasks
    assert {t["programme"] for t in tasks if t["section_seq"] == 4} == {"综合保障"}


def test_a_row_opens_for_correction_in_the_page_and_stays_there_until_it_is_valid(job, admin_client):
    url = reverse("imports:job_row_edit", args=[job.pk, 6]) + "?tab=all&page=1"
    opened = admin_client.get(url, **HTMX)
    assert opened["HX-Retarget"] == "#row-editor" and opened["HX-Push-Url"] == "false"
    form = opened.content.decode()
    assert 'id="row-edit-card"' in form and "<html" not in form and f'action="{url.replace("&", "&amp;")}"' in form
    invalid = admin_client.post(url, {"measure": "", "lead": "市人社局"}, **HTMX)
    assert invalid["HX-Retarget"] == "#row-editor"
    assert "invalid-feedback" in invalid.content.decode()
    assert admin_client.get(url).content.decode().count("<html") == 1  # without htmx, its own page
