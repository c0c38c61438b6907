"""Remembered corrections (#11 item 6): row edits and 专项 choices made in a preview and
imported are applied again when the plan's ledger is uploaded again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.imports.ledger.preview import LedgerPreview
from portal.imports.ledger.samples import ledger_xlsx
from portal.imports.models import ImportJob, RememberedCorrection
from tasks.models import Measure, Plan
from units.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["序号", "任务", "工作措施", "责任单位", "目标指标", "完成时限"]
ROWS = [
    ["1", "完成交办事项", "按时完成上级交办的事项。", "市人社局", "", "2025年12月"],
    ["2", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会10场", "2025年12月"],  # no 以上: fine as is
    ["3", "保民生", "落实补贴。", "市人社局", "", "2025年12月"],
]
TITLE = "记住修改方案"


def upload(post, rows) -> LedgerPreview:
    city = Region.objects.get(code="jiangmen")
    data = {"file": SimpleUploadedFile("台账.xlsx", ledger_xlsx(rows, header=HEADER)), "city": city.pk,
            "title": TITLE, "years": "2025"}
    post(reverse("imports:index"), data)
    return LedgerPreview.from_dict(ImportJob.objects.latest("pk").preview)


def test_an_unchanged_reupload_applies_the_corrections_again_and_has_nothing_to_do(post):
    upload(post, ROWS)
    job = ImportJob.objects.latest("pk")
    post(reverse("imports:job_programmes", args=[job.pk]), {"s0": "", "t1": "综合保障", "t2": "就业创业", "t3": "社会保障"})
    post(reverse("imports:job_row_edit", args=[job.pk, 5]),
         {"task": "稳就业", "programme": "就业创业", "measure": "开展专场招聘活动。", "lead": "市人社局",
          "targets": "举办招聘会20场以上", "deadline": "2025年12月"})
    post(reverse("imports:job_confirm", args=[job.pk]), {})
    plan = Plan.objects.get(title=TITLE)
    assert RememberedCorrection.objects.filter(plan=plan).count() == 3
    assert Measure.objects.get(task__plan=plan, task__number=2).text == "开展专场招聘活动。"

    again = upload(post, ROWS)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 3, "error": 0}
    assert again.remembered_rows == 3 and again.edited_rows == 0

    # A corrected file: a row added on top moves the others; they keep their corrections.
    moved = upload(post, [["0", "新任务", "新的措施。", "市人社局", "", "2025年12月"]] + ROWS)
    assert moved.remembered_rows == 3
    assert [r.text for r in moved.rows if r.kind == "measure"][2] == "开展专场招聘活动。"
