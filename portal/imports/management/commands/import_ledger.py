"""Import a ledger (工作台账) file into a plan, for scripted loads:

    manage.py import_ledger PATH --city 江门 --plan "江门市…2025年工作要点" --years 2025 [--dry-run]

Prints the preview summary; exits non-zero with the list of errors when the file is bad.
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.imports.ledger.importing import LedgerFileError, LedgerImportError, UnitChoice, ledger_import
from portal.imports.ledger.preview import STATUS_LABELS
from portal.imports.ledger.province import city_names, rows_without_city
from portal.imports.ledger.read import FIELD_LABELS, HEADER_SYNONYMS, IGNORE, LedgerLimits, normalise_header, read_ledger_bytes
from portal.imports.ledger.results import RESULT_STATUS_LABELS
from portal.imports.ledger.validate import UnitDirectory
from portal.imports.models import RememberedCorrection
from tasks.models import Plan, Programme
from units.matching import guess_unit_kind
from units.models import Region, Unit


def parse_years(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-—–~至]\s*(\d{4}))?\s*", text or "")
    if not match:
        raise CommandError(f"--years 应写作 2025 或 2023-2027，而不是“{text}”")
    start = int(match.group(1))
    return start, int(match.group(2) or start)


def parse_header_option(text: str) -> tuple[str, str]:
    """列名=字段: 字段 is a field name (measure, lead …) or its label (工作措施); empty to ignore."""
    header, sep, target = text.partition("=")
    if not sep or not header.strip():
        raise CommandError(f"--header 应写作“列名=字段”，而不是“{text}”")
    target = target.strip()
    by_label = {label: name for name, label in FIELD_LABELS.items()}
    if target and target not in HEADER_SYNONYMS:
        if target not in by_label:
            raise CommandError(f"--header “{text}”：字段应为 {'、'.join(FIELD_LABELS.values())} 之一")
        target = by_label[target]
    return normalise_header(header), target or IGNORE


def parse_map_unit(text: str, directory: UnitDirectory, *, strict: bool = True) -> tuple[str, int | None]:
    """名称=单位: the name as the ledger writes it, and the city's unit (name or alias) it means.
    Not strict (a provincial file): a unit some city does not have maps nothing there."""
    name, sep, unit = text.partition("=")
    if not sep or not name.strip() or not unit.strip():
        raise CommandError(f"--map-unit 应写作“名称=单位”，而不是“{text}”")
    found = directory.resolve(unit.strip())
    if not found or len(found) != 1:
        if not strict:
            return name.strip(), None
        raise CommandError(f"--map-unit “{text}”：本市没有名为“{unit.strip()}”的单位")
    return name.strip(), found[0]


class Command(BaseCommand):
    help = "从 Excel（.xlsx/.xls）或 CSV 工作台账导入一个工作方案；先打印预览，文件有错误时列出错误并以非零状态退出"

    def add_arguments(self, parser):
        parser.add_argument("path", help="台账文件")
        parser.add_argument("--city", help="城市：名称或代码，如 江门 或 jiangmen；全省的方案写 广东省。"
                            "文件有“城市”列时不用写：按该列分为各市的方案")
        parser.add_argument("--plan", required=True, help="工作方案标题；已有同名方案时导入到该方案")
        parser.add_argument("--years", help="新建方案的年度：2025 或 2023-2027（已有方案沿用其年度）")
        parser.add_argument("--sheet", default="", help="工作表名称（文件中有多个台账工作表时必填）")
        parser.add_argument("--programme", default="", help="台账没有“专项”列时，任务归入的专项")
        parser.add_argument("--header", action="append", default=[], metavar="列名=字段",
                            help="把不认识的列名对应到字段，如 --header 举措=工作措施；字段留空则忽略该列")
        parser.add_argument("--split-on", default="", metavar="列名",
                            help="按这一列分为各市的方案（文件的“城市/地市”列不必写）")
        parser.add_argument("--map-unit", action="append", default=[], metavar="名称=单位",
                            help="把台账中不认识的单位名称对应到本市已有单位（记为别名），可重复")
        parser.add_argument("--create-units", action="store_true",
                            help="其余不认识的单位全部新建为本市的单位（类型按名称判断）")
        parser.add_argument("--skip-bad-rows", action="store_true", help="跳过有错误的行，只导入正确的行")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")

    def handle(self, *args, path, city, plan, years, sheet, programme, header, split_on, map_unit, create_units,
               skip_bad_rows, dry_run, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件 {path}")
        default_programme = None
        if programme:
            default_programme = Programme.objects.filter(name=programme).first()
            if default_programme is None:
                raise CommandError(f"专项“{programme}”不存在")
        header_mapping = dict(parse_header_option(text) for text in header)
        if split_on:
            header_mapping[normalise_header(split_on)] = "city"
        base = {
            "data": file.read_bytes(),
            "filename": file.name,
            "title": plan,
            "years": parse_years(years) if years else None,
            "sheet_name": sheet,
            "header_mapping": header_mapping,
            "default_programme": default_programme,
        }
        try:
            parts = self.parts(base, city)
            prepared = [self.prepare(base, region, rows, map_unit, create_units, len(parts) > 1) for region, rows in parts]
            several = len(parts) > 1
            problems = [
                line for options, preview in prepared for line in self.errors(preview, options["city"].name if several else "")
            ]
            if problems and not skip_bad_rows:
                raise CommandError("\n".join([f"文件有 {len(problems)} 处错误，未写入任何数据："] + problems))
            if dry_run:
                self.stdout.write("（预览，未写入）")
                return
            with transaction.atomic():  # a provincial file: every city's plan, or none
                for options, _preview in prepared:
                    self.print_summary(ledger_import(**options, skip_bad_rows=skip_bad_rows))
        except (LedgerFileError, LedgerImportError) as exc:
            raise CommandError(str(exc)) from exc

    def parts(self, base: dict, city: str | None) -> list[tuple[Region, str | None]]:
        """The plans the file makes: one for --city, or one per city a provincial file names."""
        ledger_file = read_ledger_bytes(base["data"], filename=base["filename"], header_mapping=base["header_mapping"],
                                        limits=LedgerLimits.from_settings())
        base["ledger_file"] = ledger_file  # read once, for every city's previews and imports
        sheet = ledger_file.sheet(base["sheet_name"])
        names = city_names(sheet)
        if not names:
            if not city:
                raise CommandError("请用 --city 指定城市（文件中没有“城市”列）")
            try:
                return [(Region.objects.get_plan_region(city), None)]
            except Region.DoesNotExist:
                raise CommandError(f"城市“{city}”不存在") from None
        if missing := rows_without_city(sheet):
            raise CommandError(f"文件按“城市”列分为各市的方案，但第{'、'.join(map(str, missing[:10]))}行没有填写城市")
        parts = []
        for name in names:
            try:
                parts.append((Region.objects.get_plan_region(name), name))
            except Region.DoesNotExist:
                raise CommandError(f"“城市”列中的“{name}”不是广东省的地级市") from None
        self.stdout.write(f"按“城市”列分为 {len(parts)} 个城市的方案：" + "、".join(r.name for r, _n in parts))
        return parts

    def prepare(self, base: dict, region: Region, rows: str | None, map_unit: list[str], create: bool, several: bool):
        """One city's import options (its unit choices made) and its preview, printed."""
        if several:
            self.stdout.write(f"【{region.name}】")
        options = {
            **base, "city": region, "city_rows": rows,
            # The corrections admins made in the plan's earlier previews apply here too.
            "remembered": RememberedCorrection.for_plan(Plan.objects.filter(city=region, title=base["title"]).first()),
        }
        directory = UnitDirectory(region)
        mapped = dict(parse_map_unit(text, directory, strict=not several) for text in map_unit)
        mapped = {name: pk for name, pk in mapped.items() if pk}
        # Validated once: the unit choices are made before, and the import writes this draft.
        result = ledger_import(**options, dry_run=True,
                               choose_units=lambda names: self.unit_choices(names, mapped, create))
        options["validated"] = result
        self.print_preview(result.preview)
        return options, result.preview

    def errors(self, preview, city: str) -> list[str]:
        lines = [f"  {city + '：' if city else ''}{problem}" for problem in preview.problems]
        if preview.problems and preview.unknown_headers:
            lines.append("不认识的列名（可用 --header 列名=字段 对应）："
                         + "、".join(f"{letter}列“{text}”" for letter, text in preview.unknown_headers))
        return lines

    def print_summary(self, result) -> None:
        summary = result.summary
        self.stdout.write(self.style.SUCCESS(
            f"已导入“{result.plan.title}”：新增措施 {summary.created['measures']} 项、"
            f"更新 {summary.updated['measures']} 项、未变 {summary.unchanged['measures']} 项；"
            f"目标新增 {summary.created['targets']}、更新 {summary.updated['targets']}（{result.plan.city.name}）"
        ))
        if summary.results:
            self.stdout.write(
                f"已完成结果：新增 {summary.results['created']} 条、更新 {summary.results['updated']} 条、"
                f"未变 {summary.results['unchanged']} 条"
            )
        if summary.skipped_rows:
            self.stdout.write(f"跳过有错误的行 {summary.skipped_rows} 行")

    def unit_choices(self, unknown: list[str], mapped: dict[str, int], create: bool) -> dict[str, UnitChoice]:
        """--map-unit for the names given, --create-units for the rest; says what it does."""
        choices = {}
        names = {unit_id: name for unit_id, name in Unit.objects.filter(pk__in=mapped.values()).values_list("pk", "name")}
        for name, unit_id in mapped.items():
            if name in unknown:
                choices[name] = UnitChoice(unit_id=unit_id)
                self.stdout.write(f"对应单位：{name} → {names[unit_id]}")
        created = [name for name in unknown if name not in choices] if create else []
        for name in created:
            choices[name] = UnitChoice(create_kind=guess_unit_kind(name))
        if created:
            labels = dict(Unit.Kind.choices)
            self.stdout.write(f"新建单位 {len(created)} 个：" + "、".join(
                f"{name}（{labels[choices[name].create_kind]}）" for name in created
            ))
        return choices

    def print_preview(self, preview) -> None:
        write = self.stdout.write
        for notice in preview.notices:
            write(f"注意：{notice}")
        counts = preview.counts
        write(f"工作表“{preview.sheet}”：{preview.measure_count} 项措施、{preview.target_count} 个目标")
        write(f"任务 {preview.task_count} 项（{preview.task_layout}）：")
        for line in preview.first_tasks:
            write(f"  {line}")
        if preview.task_count > len(preview.first_tasks):
            write(f"  …… 另有 {preview.task_count - len(preview.first_tasks)} 项任务")
        write("预览：" + "，".join(f"{label} {counts[status]} 行" for status, label in STATUS_LABELS.items()))
        if preview.missing_measures:
            write(f"文件中没有、但方案中仍有的措施 {len(preview.missing_measures)} 项（不会删除）：")
            for line in preview.missing_measures:
                write(f"  {line}")
        if preview.unknown_units:
            write("不认识的单位（可用 --map-unit 名称=单位 对应，或 --create-units 新建）：")
            for name in preview.unknown_units:
                suggested = [label for _pk, label in preview.unit_suggestions.get(name, [])]
                write(f"  {name}" + (f"：最接近 {'、'.join(suggested)}" if suggested else ""))
        if preview.results:
            counts = preview.result_counts
            write("已完成结果：" + "，".join(f"{label} {counts[status]} 条" for status, label in RESULT_STATUS_LABELS.items()))
            for line in preview.results:
                if line.status == "skip" and line.note:
                    write(f"  第{line.row}行不导入：{line.note}")
        for warning in preview.warnings:
            write(f"提示：{warning}")
