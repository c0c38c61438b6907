"""The admins' import pages: upload, preview, mapping, confirm, progress, export; and who may."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from portal.imports import tasks
from portal.imports.ledger.samples import ledger_xlsx
from portal.imports.ledger.preview import LedgerPreview
from portal.imports.models import HeaderMapping, ImportJob
from tasks.models import Measure, Plan
from units.models import Unit, UnitAlias

pytestmark = pytest.mark.django_db

ROW = ["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会100场以上", "2025年12月", "就业创业"]


def upload(data: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def new_plan(rows, *, title="新导入方案", name="台账.xlsx", **kwargs) -> dict:
    return {"file": upload(ledger_xlsx(rows, **kwargs), name), "city": Plan.objects.get(slug="jiangmen-2020").city_id,
            "title": title, "years": "2025"}


def latest_job() -> ImportJob:
    return ImportJob.objects.latest("pk")


def test_an_admin_uploads_previews_and_confirms_a_ledger_into_a_new_plan(post, admin_client):
    page = post(reverse("imports:index"), new_plan([ROW])).content.decode()
    assert "新增 1" in page and "确认导入" in page
    page = admin_client.get(reverse("imports:job", args=[latest_job().pk]) + "?tab=all").content.decode()
    assert "开展招聘活动。" in page
    assert not Plan.objects.filter(title="新导入方案").exists()

    page = post(reverse("imports:job_confirm", args=[latest_job().pk]), {}).content.decode()
    assert "已导入：新增措施 1 项" in page
    plan = Plan.objects.get(title="新导入方案")
    assert (plan.year_start, plan.year_end) == (2025, 2025)
    assert latest_job().plan == plan and latest_job().status == "done"
    assert reverse("plan_detail", args=[plan.pk]) in page


def test_a_bad_file_writes_nothing_unless_the_admin_skips_the_bad_rows(post, admin_client):
    bad = ["2", "保民生", "落实补贴。", "", "", "2025年12月", "社会保障"]
    page = post(reverse("imports:index"), new_plan([ROW, bad])).content.decode()
    assert "D列（牵头单位）：工作措施没有责任单位" in page and "错误 1" in page
    job = latest_job()

    page = post(reverse("imports:job_confirm", args=[job.pk]), {}).content.decode()
    assert "文件有错误：请改正后重新上传" in page
    assert not Plan.objects.filter(title="新导入方案").exists()

    page = post(reverse("imports:job_confirm", args=[job.pk]), {"skip_bad_rows": "on"}).content.decode()
    assert "跳过有错误的行 1 行" in page
    assert list(Measure.objects.filter(task__plan__title="新导入方案").values_list("text", flat=True)) == ["开展招聘活动。"]


def test_an_unknown_unit_is_mapped_in_the_preview_and_remembered_as_an_alias(post):
    row = ["1", "稳就业", "开展招聘活动。", "人社局就业科", "", "2025年12月", "就业创业"]
    page = post(reverse("imports:index"), new_plan([row])).content.decode()
    assert "以下单位在系统中不存在" in page and "人社局就业科" in page
    job = latest_job()
    bureau = Unit.objects.get(region__code="jiangmen", name="市人力资源和社会保障局")

    page = post(reverse("imports:job_units", args=[job.pk]), {"u0": f"u{bureau.pk}"}).content.decode()
    assert "以下单位在系统中不存在" not in page and "错误 0" in page
    assert not UnitAlias.objects.filter(name="人社局就业科").exists()

    post(reverse("imports:job_confirm", args=[job.pk]), {})
    assert UnitAlias.objects.get(region__code="jiangmen", name="人社局就业科").unit == bureau


def test_a_unit_may_be_created_on_purpose(post):
    row = ["1", "稳就业", "开展招聘活动。", "江门市零工市场", "", "2025年12月", "就业创业"]
    post(reverse("imports:index"), new_plan([row]))
    job = latest_job()
    post(reverse("imports:job_units", args=[job.pk]), {"u0": "new:other"})
    post(reverse("imports:job_confirm", args=[job.pk]), {})
    assert Unit.objects.get(region__code="jiangmen", name="江门市零工市场").kind == "other"


def test_unknown_units_are_offered_their_closest_units_and_the_rest_created_at_once(post):
    rows = [["1", "稳就业", "开展招聘活动。", "台山市人民政府、测试一局、测试二镇", "", "2025年12月", "就业创业"]]
    page = post(reverse("imports:index"), new_plan(rows)).content.decode()
    taishan = Unit.objects.get(region__code="jiangmen", name="台山市")
    assert "最接近：台山市" in page
    assert f'<option value="u{taishan.pk}" selected>' in page  # the same name written another way
    job = latest_job()
    index = list(LedgerPreview.from_dict(job.preview).unknown_units).index("台山市人民政府")
    page = post(reverse("imports:job_units", args=[job.pk]),
                {f"u{index}": f"u{taishan.pk}", "create_rest": "1"}).content.decode()
    assert "确认导入时将新建江门市的 2 个单位：测试一局、测试二镇" in page and "错误 0" in page
    post(reverse("imports:job_confirm", args=[job.pk]), {})
    created = dict(Unit.objects.filter(region__code="jiangmen", name__startswith="测试").values_list("name", "kind"))
    assert created == {"测试一局": "bureau", "测试二镇": "town"}
    assert UnitAlias.objects.get(name="台山市人民政府").unit == taishan


def test_an_unrecognised_header_is_mapped_and_remembered_for_the_bureaus_next_file(post):
    header = ["序号", "任务", "举措内容", "牵头单位", "专项"]
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "就业创业"]]
    page = post(reverse("imports:index"), new_plan(rows, header=header)).content.decode()
    assert "以下列名未能识别" in page and "C列“举措内容”" in page
    job = latest_job()
    page = post(reverse("imports:job_headers", args=[job.pk]), {"h0": "measure"}).content.decode()
    assert "新增 1" in page
    post(reverse("imports:job_confirm", args=[job.pk]), {})
    assert HeaderMapping.objects.get(city__code="jiangmen", header="举措内容").field == "measure"

    page = post(reverse("imports:index"), new_plan(rows, header=header, title="第二个方案")).content.decode()
    assert "以下列名未能识别" not in page and "新增 1" in page


def test_several_sheets_with_data_let_the_admin_pick_one(post):
    other = {"2024年": [["序号", "任务", "工作措施", "牵头单位", "专项"], ["1", "旧任务", "旧措施。", "市人社局", "就业创业"]]}
    page = post(reverse("imports:index"), new_plan([ROW], extra_sheets=other)).content.decode()
    assert "请选择要导入的工作表" in page
    job = latest_job()
    assert job.status == "needs_sheet" and job.sheets == ["台账", "2024年"]
    page = post(reverse("imports:job_sheet", args=[job.pk]) + "?tab=all", {"sheet": "2024年"}).content.decode()
    assert "旧措施。" in page and "开展招聘活动。" not in page


def test_reimporting_a_seed_plans_export_through_the_page_changes_nothing(post, admin_client):
    plan = Plan.objects.get(slug="jiangmen-2020")
    data = admin_client.get(reverse("imports:plan_export", args=[plan.pk])).content
    page = post(reverse("imports:plan_import", args=[plan.pk]), {"file": upload(data)}).content.decode()
    assert "新增 0" in page and "更新 0" in page and "未变 54" in page  # 4 sections and 50 measures
    page = post(reverse("imports:job_confirm", args=[latest_job().pk]), {}).content.decode()
    assert "新增措施 0 项，更新 0 项，未变 50 项" in page


def test_an_unreadable_file_fails_with_its_reason(post):
    page = post(reverse("imports:index"), {**new_plan([ROW]), "file": upload(b"<html><table></table></html>", "a.xls")})
    assert "是网页（HTML）表格，不是真正的 Excel 文件" in page.content.decode()
    assert latest_job().status == "failed"


def test_a_file_over_the_limit_is_refused_at_upload(admin_client, settings):
    settings.IMPORTS_MAX_FILE_BYTES = 1000
    response = admin_client.post(reverse("imports:index"), new_plan([ROW]))
    assert response.status_code == 200
    assert "超过上限 0.0 MB：请拆分后分别导入" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_page_never_waits_for_the_job(admin_client, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.import_job_preview_task, "apply_async", lambda args, **options: queued.append(*args))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("imports:index"), new_plan([ROW]))
    job = latest_job()
    assert queued == [job.pk]  # handed to a worker
    page = admin_client.get(response["Location"]).content.decode()
    assert 'hx-get="%s"' % reverse("imports:job_progress", args=[job.pk]) in page
    assert "progress-bar-animated" in page
    progress = admin_client.get(reverse("imports:job_progress", args=[job.pk]))
    assert "HX-Refresh" not in progress

    tasks.import_job_preview_task(job.pk)  # what the worker does
    progress = admin_client.get(reverse("imports:job_progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"
    assert "新增 1" in admin_client.get(response["Location"]).content.decode()


def test_the_navigation_offers_the_import_to_admins_only(client, make_user):
    client.force_login(make_user("staff", city="jiangmen", role="staff"))
    assert "导入台账" not in client.get(reverse("home")).content.decode()
    client.force_login(make_user("admin2", city="jiangmen", role="admin"))
    assert reverse("imports:index") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "who, status",
    [
        (dict(city="jiangmen", role="admin"), 200),
        (dict(city="jiangmen", role="staff"), 403),  # same unit, not an admin
        (dict(city="jiangmen", unit="市住房和城乡建设局", role="staff"), 403),  # same city, other unit
        (dict(city="zhongshan", role="admin"), 404),  # another city's admin
        (dict(city=None), 404),
    ],
)
def test_only_admins_of_the_plans_city_may_import_into_it(client, make_user, who, status):
    client.force_login(make_user("someone", **who))
    plan = Plan.objects.get(slug="jiangmen-2020")
    assert client.get(reverse("imports:plan_import", args=[plan.pk])).status_code == status
    response = client.post(reverse("imports:plan_import", args=[plan.pk]), {"file": upload(ledger_xlsx([ROW]))})
    assert response.status_code == (302 if status == 200 else status)


@pytest.mark.parametrize(
    "who, status",
    [
        (dict(city="jiangmen", role="admin"), 200),
        (dict(city="jiangmen", role="leader"), 403),
        (dict(city="jiangmen", unit="市住房和城乡建设局", role="staff"), 403),
        (dict(city="zhongshan", role="admin"), 404),
    ],
)
def test_an_import_job_is_seen_by_admins_of_its_city_only(client, make_user, who, status, django_user_model):
    owner = make_user("owner", city="jiangmen", role="admin")
    job = ImportJob.objects.create(
        city=Plan.objects.get(slug="jiangmen-2020").city, plan_title="x", file_name="a.xlsx", content=b"x", size=1,
        created_by=owner,
    )
    client.force_login(make_user("someone", **who))
    for name in ("imports:job", "imports:job_progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == status
    assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code in {status, 403}


def test_the_import_index_is_for_admins(client, make_user):
    client.force_login(make_user("staff", city="jiangmen", role="staff"))
    assert client.get(reverse("imports:index")).status_code == 403
    client.logout()
    assert client.get(reverse("imports:index")).status_code == 302


@pytest.mark.parametrize(
    "who, status",
    [
        (dict(city="guangzhou", role="leader"), 200),
        (dict(city="guangzhou", unit="市委办公厅", role="staff"), 200),
        (dict(city="jiangmen", role="admin"), 404),
    ],
)
def test_anyone_who_sees_a_plan_may_export_its_ledger(client, make_user, who, status):
    client.force_login(make_user("someone", **who))
    plan = Plan.objects.get(slug="guangzhou-2024")
    response = client.get(reverse("imports:plan_export", args=[plan.pk]))
    assert response.status_code == status
    if status == 200:
        assert "attachment" in response["Content-Disposition"]
        sheet = load_workbook(BytesIO(response.content)).active
        assert plan.title in sheet["A1"].value


def test_a_job_that_breaks_says_so_on_its_page_instead_of_polling_forever(admin_client, make_user, monkeypatch):
    from portal.imports import services

    job = ImportJob.objects.create(
        city=Plan.objects.get(slug="jiangmen-2020").city, plan_title="x", file_name="a.xlsx",
        content=ledger_xlsx([ROW]), size=1, created_by=make_user("owner2", city="jiangmen", role="admin"),
    )

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "ledger_import", broken)
    with pytest.raises(RuntimeError):
        services.import_job_preview(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "系统错误" in job.error
    assert "HX-Refresh" in admin_client.get(reverse("imports:job_progress", args=[job.pk]))


def test_a_row_is_corrected_in_the_preview_its_task_programme_assigned_and_the_file_kept(post, admin_client):
    rows = [
        ["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会10场以上", "2025年12月", "就业"],  # no such 专项
        ["1", "稳就业", "落实补贴。", "市人社局", "", "2025年12月", "就业"],
    ]
    page = post(reverse("imports:index"), new_plan(rows)).content.decode()
    assert "专项“就业”不存在" in page and "错误 2" in page  # the task's rows
    job = latest_job()
    sent = bytes(job.content)

    form = admin_client.get(reverse("imports:job_row_edit", args=[job.pk, 4])).content.decode()
    assert "开展招聘活动。" in form and "举办招聘会10场以上" in form and 'value="就业创业"' in form
    page = post(
        reverse("imports:job_row_edit", args=[job.pk, 4]) + "?tab=all",
        {"task": "稳就业", "programme": "就业创业", "measure": "开展招聘活动。", "lead": "市人社局",
         "targets": "举办招聘会20场以上", "deadline": "2025年12月"},
    ).content.decode()
    assert "错误 0" in page and "有 2 行已在预览中修改" in page  # the 专项 goes to both rows of the task
    assert "举办招聘会20场以上" in page and "举办招聘会10场以上" not in page
    job.refresh_from_db()
    assert bytes(job.content) == sent

    post(reverse("imports:job_confirm", args=[job.pk]), {})
    task = Plan.objects.get(title="新导入方案").tasks.get()
    assert task.programme.name == "就业创业"
    assert [t.phrase for m in task.measures.all() for t in m.targets.all()] == ["举办招聘会20场以上"]


def test_corrections_are_undone_back_to_the_file(post):
    post(reverse("imports:index"), new_plan([ROW]))
    job = latest_job()
    page = post(
        reverse("imports:job_row_edit", args=[job.pk, 4]) + "?tab=all",
        {"task": "稳就业", "programme": "就业创业", "measure": "开展招聘活动（改）。", "lead": "市人社局",
         "targets": "", "deadline": "2025年12月"},
    ).content.decode()
    assert "开展招聘活动（改）。" in page and "有 1 行已在预览中修改" in page
    page = post(reverse("imports:job_undo_edits", args=[job.pk]) + "?tab=all", {}).content.decode()
    assert "开展招聘活动（改）。" not in page and "开展招聘活动。" in page and "已在预览中修改" not in page


def test_a_section_row_or_a_row_not_in_the_file_has_no_edit_page(post, admin_client):
    post(reverse("imports:index"), new_plan([ROW]))
    job = latest_job()
    assert admin_client.get(reverse("imports:job_row_edit", args=[job.pk, 99])).status_code == 404
