"""Files leaders forward: the briefing workbook holds numbers as numbers (percentages with a %
format), its title and as-of date on top, a frozen header; the Word 工作进展情况通报 says the
dashboard's figures, headings and rows."""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from portal.dashboards import briefing, reads
from units.models import Region

from .test_views import OCTOBER, progress  # noqa: F401 - progress is a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(client, make_user):
    client.force_login(make_user("zs_leader_files", city="zhongshan", role="leader"))
    return client


def test_the_briefing_workbook_holds_numbers_and_percentages_as_numbers(leader, progress):  # noqa: F811
    zs = Region.objects.get(code="zhongshan")
    response = leader.get(reverse("dashboards:city_briefing_xlsx", args=[zs.pk]) + f"?as_of={OCTOBER}")
    sheet = load_workbook(io.BytesIO(response.content))["总体情况"]
    assert sheet["A1"].value == "中山市工作方案进度简报" and "截至 2026年10月" in sheet["A2"].value
    header = next(r for r in range(1, 6) if sheet.cell(r, 1).value == "范围")
    assert sheet.freeze_panes == f"A{header + 1}"
    counts = [sheet.cell(header + 1, c).value for c in range(2, 8)]
    assert all(isinstance(v, int) for v in counts)
    completion = sheet.cell(header + 1, 8)
    assert isinstance(completion.value, float) and 0 <= completion.value <= 1
    assert completion.number_format == "0.0%"
    assert sheet.column_dimensions["A"].width >= 8


def test_the_word_briefing_says_the_dashboards_figures(leader, progress):  # noqa: F811
    zs = Region.objects.get(code="zhongshan")
    city_page = leader.get(reverse("dashboards:city", args=[zs.pk]) + f"?as_of={OCTOBER}").content.decode()
    assert reverse("dashboards:city_briefing_docx", args=[zs.pk]) in city_page  # beside 简报（打印） and 导出 Excel
    response = leader.get(reverse("dashboards:city_briefing_docx", args=[zs.pk]) + f"?as_of={OCTOBER}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert ".docx" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == ["中山市工作进展情况通报", "一、总体情况", "二、工作方案", "三、专项", "四、滞后单位", "五、滞后措施"]

    board = reads.city_dashboard(zs, reads.parse_month(OCTOBER), limit=None)
    summary = board.summary
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"共有工作措施 {summary.total} 项" in text
    assert f"滞后 {summary.count('red')} 项" in text and f"逾期 {summary.count('overdue')} 项" in text
    brief = briefing.city_briefing(board)
    lagging = doc.tables[-1]
    assert [c.text for c in lagging.rows[0].cells] == [str(h) for h in brief.tables[-1].headers] + ["存在问题"]
    assert [[c.text for c in row.cells][:7] for row in lagging.rows[1:]] == \
        [[str(v) for v in row] for row in brief.tables[-1].rows]
    assert any("市发展改革局" in c.text for row in doc.tables[3].rows for c in row.cells)  # 滞后单位


def test_the_my_tasks_workbook_holds_no_html_and_counts_as_numbers(client, make_user):
    client.force_login(make_user("zs_staff_files", city="zhongshan"))
    response = client.get(reverse("reporting:my_tasks") + "?_export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]  # under the title and as-of line
    header = rows[0]
    overdue = header.index("逾期未报")
    assert rows[1:] and all(isinstance(row[overdue], int) for row in rows[1:])
    assert not any("<span" in str(v) for row in rows for v in row)


def test_the_word_briefing_shows_the_status_chart_as_a_picture(leader, progress):  # noqa: F811
    """One bar a status in the dashboard's colours: exactly the statuses the dashboard counts."""
    from PIL import Image

    from portal.dashboards.briefing_chart import cjk_font
    from portal.dashboards.charts import COLORS

    zs = Region.objects.get(code="zhongshan")
    response = leader.get(reverse("dashboards:city_briefing_docx", args=[zs.pk]) + f"?as_of={OCTOBER}")
    doc = Document(io.BytesIO(response.content))
    assert len(doc.inline_shapes) == 1 and "图1 工作措施状态分布" in [p.text for p in doc.paragraphs]
    embed = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    picture = Image.open(io.BytesIO(doc.part.related_parts[embed].blob))
    assert picture.format == "PNG" and picture.width >= 1200  # sharp enough to print
    pixels = {picture.convert("RGB").getpixel((x, y)) for x in range(0, picture.width, 5) for y in range(0, picture.height, 5)}
    drawn = {status for status, colour in COLORS.items() if tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5)) in pixels}
    summary = reads.city_dashboard(zs, reads.parse_month(OCTOBER), limit=None).summary
    assert drawn == {status for status in COLORS if summary.count(status)}
    assert "CJK" in cjk_font(15).getname()[0]  # Chinese labels, not boxes (fonts-noto-cjk)
