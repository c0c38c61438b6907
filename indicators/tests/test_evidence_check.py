"""evidence_check, the restore's proof that the files came back with the rows."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from indicators.models import Evidence, ProgressReport

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures

pytestmark = pytest.mark.django_db


def test_it_names_an_evidence_row_whose_file_is_missing_or_cut_short(measure, period, people, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    staff = people["lead_staff"]
    report = ProgressReport.objects.create(measure=measure, unit=staff.memberships.get().unit, period=period, created_by=staff)
    kept = Evidence(report=report, name="a.pdf", kind="pdf", size=12, uploaded_by=staff)
    kept.file.save("a.pdf", ContentFile(b"%PDF-1.4 abc"), save=False)
    kept.save()
    call_command("evidence_check")
    assert "个佐证材料的文件都在" in capsys.readouterr().out

    Evidence.objects.create(report=report, file="evidence/gone.pdf", name="gone.pdf", kind="pdf", size=3, uploaded_by=staff)
    Evidence.objects.filter(pk=kept.pk).update(size=999)
    with pytest.raises(CommandError, match="2 个文件缺失或不完整"):
        call_command("evidence_check")
    out = capsys.readouterr().out
    assert "evidence/gone.pdf 不存在" in out and "记录为 999 字节" in out
