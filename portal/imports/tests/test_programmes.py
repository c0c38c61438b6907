"""专项 suggested, never a blocker (#11 item 2): the drafter's classifier per task, 未分类 as a
warning, the admin's choice per task or per section, the command's --programme fallback."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.samples import ledger_xlsx
from portal.imports.models import ImportJob
from portal.imports.programmes import suggest_programme
from tasks.models import Plan, Task
from units.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["序号", "任务", "工作措施", "责任单位", "完成时限"]
ROWS = [
    ["一、重点工作", None, None, None, None],
    ["1", "推进粤菜师傅培训", "开展粤菜师傅培训。", "市人社局", "2025年12月"],
    ["2", "扩大社保覆盖面", "推进全民参保。", "市人社局", "2025年12月"],
    ["二、其他工作", None, None, None, None],
    ["3", "完成交办事项", "按时完成上级交办的事项。", "市人社局", "2025年12月"],
]


def programmes(title: str) -> dict[str, str]:
    return dict(Task.objects.filter(plan__title=title).values_list("title", "programme__name"))


def test_the_classifier_says_when_it_has_nothing_to_go_on():
    assert suggest_programme("推进粤菜师傅培训") == "粤菜师傅"
    assert suggest_programme("完成交办事项", "", "按时完成。") is None


def test_a_ledger_without_programme_column_imports_with_suggestions_and_unclassified_as_a_warning():
    result = ledger_import(data=ledger_xlsx(ROWS, header=HEADER), filename="a.xlsx", title="专项建议",
                           city=Region.objects.get(code="jiangmen"), years=(2025, 2025))
    assert result.draft.problems == []
    assert any("完成交办事项" in str(w) and "未分类" in str(w) for w in result.draft.warnings)
    assert programmes("专项建议") == {"推进粤菜师傅培训": "粤菜师傅", "扩大社保覆盖面": "社会保障", "完成交办事项": "未分类"}


def test_the_command_applies_suggestions_with_programme_as_fallback(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_xlsx(ROWS, header=HEADER))
    out = StringIO()
    call_command("import_ledger", str(path), "--city", "江门", "--plan", "命令专项", "--years", "2025",
                 "--programme", "综合保障", stdout=out)
    assert "任务 3 项" in out.getvalue()
    assert programmes("命令专项") == {"推进粤菜师傅培训": "粤菜师傅", "扩大社保覆盖面": "社会保障", "完成交办事项": "综合保障"}


def test_an_admin_confirms_per_task_or_sets_a_whole_section(post):
    city = Region.objects.get(code="jiangmen")
    data = {"file": SimpleUploadedFile("台账.xlsx", ledger_xlsx(ROWS, header=HEADER)), "city": city.pk,
            "title": "页面专项", "years": "2025"}
    page = post(reverse("imports:index"), data).content.decode()
    assert 'id="programme-choice"' in page and "建议" in page and "未分类" in page
    job = ImportJob.objects.latest("pk")
    # Section 一 as a whole to 人才人事; task 3 on its own to 劳动关系.
    page = post(reverse("imports:job_programmes", args=[job.pk]),
                {"s1": "人才人事", "t1": "粤菜师傅", "t2": "社会保障", "s2": "", "t3": "劳动关系"}).content.decode()
    assert "错误 0" in page
    post(reverse("imports:job_confirm", args=[job.pk]), {})
    assert programmes("页面专项") == {"推进粤菜师傅培训": "人才人事", "扩大社保覆盖面": "人才人事", "完成交办事项": "劳动关系"}
    assert Plan.objects.get(title="页面专项").city == city
