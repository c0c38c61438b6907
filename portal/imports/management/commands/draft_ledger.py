"""Draft a ledger from a plan's text: manage.py draft_ledger PATH --city CITY --out FILE.xlsx"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.models import Indicator
from portal.imports.drafting import (
    PlanFileError,
    draft_from_text,
    draft_to_sheet,
    draft_to_xlsx,
    guess_years,
    read_plan_file,
)
from portal.imports.ledger.validate import validate_ledger
from units.models import Region


class Command(BaseCommand):
    help = "由工作方案文本（.txt/.docx）生成工作台账草稿（.xlsx，含“已完成结果”工作表）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="方案文本文件（.txt 或 .docx）")
        parser.add_argument("--city", required=True, help="城市（代码或名称，如 guangzhou、广州）")
        parser.add_argument("--out", required=True, help="输出的台账文件（.xlsx）")
        parser.add_argument("--year-start", type=int, help="起始年（默认从文本识别）")
        parser.add_argument("--year-end", type=int, help="结束年（默认从文本识别）")
        parser.add_argument("--title", default="", help="方案标题（默认从文本识别）")

    def handle(self, *args, path, city, out, year_start=None, year_end=None, title="", **options):
        region = _city(city)
        if not Path(out).suffix.lower() == ".xlsx":
            raise CommandError(f"输出文件“{out}”应以 .xlsx 结尾")
        try:
            text = read_plan_file(path)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件“{path}”") from exc
        except PlanFileError as exc:
            raise CommandError(str(exc)) from exc
        if year_start is None or year_end is None:
            guessed = guess_years(text)
            if guessed is None:
                raise CommandError("无法从文本识别方案年份，请用 --year-start 和 --year-end 指定")
            year_start = year_start if year_start is not None else guessed[0]
            year_end = year_end if year_end is not None else max(guessed[1], year_start)
        if year_end < year_start:
            raise CommandError(f"结束年 {year_end} 早于起始年 {year_start}")
        names = tuple(Indicator.objects.values_list("name", flat=True))
        draft = draft_from_text(
            text, city=region.name, year_start=year_start, year_end=year_end, indicator_names=names, title=title
        )
        if not draft.measures:
            raise CommandError(
                f"文件“{Path(path).name}”中没有识别出任务或措施：方案应有（一）、一、或 1. / 一是 等编号，或以句号分句的正文"
            )
        Path(out).write_bytes(draft_to_xlsx(draft))
        checked = validate_ledger(draft_to_sheet(draft), city=region, year_start=year_start, year_end=year_end)

        period = str(year_start) if year_start == year_end else f"{year_start}—{year_end}"
        self.stdout.write(
            f"{draft.title}（{region.name}，{period}年）：{len(draft.sections)} 个部分、{len(draft.tasks)} 项任务、"
            f"{len(draft.measures)} 项措施、{len(draft.targets)} 个目标、{len(draft.results)} 个已完成结果"
        )
        for unit_name, places in checked.unknown_units.items():
            self.stdout.write(f"  待对应的单位：{unit_name}（{len(places)} 处）")
        for skipped in draft.skipped:
            self.stdout.write(f"  请核对：“{skipped.text}”——{skipped.reason}（{skipped.sentence}）")
        self.stdout.write(self.style.SUCCESS(f"已写入 {out}：请核对后通过台账导入"))


def _city(value: str) -> Region:
    try:
        return Region.objects.get_city(value)
    except Region.DoesNotExist:
        known = "、".join(Region.objects.cities().values_list("name", flat=True))
        raise CommandError(f"城市“{value}”不存在（已有：{known}）") from None
