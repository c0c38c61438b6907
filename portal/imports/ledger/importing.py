"""One ledger file into one plan: read, validate, preview or write.

The one entry point of every import: the admins' page (through its Celery job), the
`import_ledger` command and `load_demo`. A dry run returns the preview; a real run applies the
admin's unit choices, validates again and writes, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from portal.memory import garbage_collection_paused
from tasks.models import Plan, Programme
from units.matching import suggest_units
from units.models import Region, Unit, UnitAlias

from .edits import apply_cell_edits, remembered_edits, row_key
from .preview import LedgerPreview, ledger_preview
from .province import city_names, rows_of_city
from .read import (
    LedgerFile,
    LedgerFileError,
    LedgerLimits,
    LedgerSheet,
    SheetChoiceRequired,
    read_ledger_bytes,
)
from .results import ResultsCheck, check_results, results_write
from .validate import LedgerDraft, UnitDirectory, validate_ledger
from .write import ImportSummary, ledger_write

__all__ = [
    "LedgerFileError",
    "LedgerImport",
    "LedgerImportError",
    "SheetChoiceRequired",
    "UnitChoice",
    "ledger_import",
    "ledger_import_file",
]

Progress = Callable[[str, float], None]  # what is being done, share done (0–1)


class LedgerImportError(Exception):
    """The import cannot go ahead for a reason outside the file (the plan's years, a unit choice)."""


@dataclass(frozen=True)
class UnitChoice:
    """What the admin decided for a unit name the ledger uses and the portal does not know."""

    unit_id: int | None = None  # the existing unit it means (remembered as an alias in the city)
    create_kind: str = ""  # or: create a unit of this kind in the city, on purpose

    def as_dict(self) -> dict:
        return {"unit_id": self.unit_id, "create_kind": self.create_kind}


@dataclass
class LedgerImport:
    draft: LedgerDraft
    summary: ImportSummary | None
    preview: LedgerPreview | None = None
    file: LedgerFile | None = None
    sheet: LedgerSheet | None = None
    plan: Plan | None = None
    results: ResultsCheck | None = None
    row_keys: dict[str, str] | None = None  # sheet!row → what the file held there (read.row_key)


def plan_years(*, city: Region, title: str, years: tuple[int, int] | None) -> tuple[Plan | None, int, int]:
    """An existing plan keeps its years; a new one needs them."""
    plan = Plan.objects.filter(city=city, title=title).first()
    if plan is not None:
        if years and tuple(years) != (plan.year_start, plan.year_end):
            raise LedgerImportError(
                f"工作方案“{title}”已存在，年度为{plan.years_label}，与给出的{years[0]}—{years[1]}不符"
            )
        return plan, plan.year_start, plan.year_end
    if not years:
        raise LedgerImportError(
            f"{city.name}还没有名为“{title}”的工作方案：新建方案需要给出年度（如 2025，或 2023-2027）"
        )
    if years[1] < years[0]:
        raise LedgerImportError(f"年度 {years[0]}—{years[1]} 的结束年早于起始年")
    return None, years[0], years[1]


def ledger_import(**options) -> LedgerImport:
    """Preview (dry_run) or import one ledger file into the plan of that title in the city.

    Raises LedgerFileError when the file cannot be read as a ledger (SheetChoiceRequired when
    several sheets hold data and none is named) and LedgerImportError when the plan needs
    years or a unit choice is not allowed. A file with problems writes nothing unless
    skip_bad_rows, in which case only its good rows are written.
    """
    with garbage_collection_paused():
        return _ledger_import(**options)


def _ledger_import(
    *,
    data: bytes,
    filename: str,
    city: Region,
    title: str,
    years: tuple[int, int] | None = None,
    sheet_name: str = "",
    header_mapping: dict[str, str] | None = None,
    unit_choices: dict[str, UnitChoice] | None = None,
    result_choices: dict[str, int] | None = None,
    cell_edits: dict[str, dict[str, str]] | None = None,
    remembered: dict[str, dict[str, str]] | None = None,
    city_rows: str | None = None,
    ledger_file: LedgerFile | None = None,  # the file already read (a command validating it several times)
    skip_bad_rows: bool = False,
    dry_run: bool = False,
    user=None,
    default_programme: Programme | None = None,
    slug: str = "",
    frequency: str = Plan.Frequency.MONTHLY,
    source_document: str = "",
    limits: LedgerLimits | None = None,
    on_progress: Progress | None = None,
) -> LedgerImport:
    report = on_progress or (lambda _label, _share: None)
    plan, year_start, year_end = plan_years(city=city, title=title, years=years)
    report("读取文件", 0)
    if ledger_file is None:
        ledger_file = read_ledger_bytes(
            data,
            filename=filename,
            header_mapping=header_mapping,
            limits=limits or LedgerLimits.from_settings(),
            on_progress=lambda done, total: report("读取文件", 0.5 * done / total if total else 0.25),
        )
    sheet = ledger_file.sheet(sheet_name)
    others: list[str] = []
    if city_rows is None and (names := city_names(sheet)):
        # A provincial ledger imported for one city (the page): that city's rows only.
        own = [name for name in names if name.removesuffix("市") == city.name.removesuffix("市")]
        others = [name for name in names if name not in own]
        city_rows = own[0] if own else ""
    if city_rows is not None:
        sheet = rows_of_city(sheet, city_rows)  # one city's part of a provincial ledger
    # The rows' identities as the file has them, before any correction is laid over them.
    row_keys = {f"{sheet.name}!{row.number}": row_key(row) for row in sheet.rows} if remembered or cell_edits else {}
    earlier = remembered_edits(sheet, remembered or {})
    cell_edits = cell_edits or {}
    # This preview's corrections go over the remembered ones, field by field.
    cell_edits = {key: {**earlier.get(key, {}), **cell_edits.get(key, {})} for key in {*earlier, *cell_edits}}
    if cell_edits:
        # The rows the corrections touch are copied first: a file read once may be validated
        # again (the command's preview, then its import) and must stay as it was sent.
        sheet = replace(sheet, rows=[
            replace(row, cells=dict(row.cells)) if f"{sheet.name}!{row.number}" in cell_edits else row for row in sheet.rows
        ])
    edited_rows = apply_cell_edits(sheet, cell_edits) if cell_edits else set()
    remembered_rows = {int(key.rsplit("!", 1)[1]) for key in earlier}
    unit_choices = unit_choices or {}
    _check_unit_choices(city, unit_choices)

    def validate(overrides=None) -> LedgerDraft:
        return validate_ledger(
            sheet,
            city=city,
            year_start=year_start,
            year_end=year_end,
            default_programme=default_programme,
            unit_overrides=overrides,
            on_progress=lambda done, total: report("校验", 0.5 + 0.4 * done / max(total, 1)),
        )

    if dry_run:
        # Units to be created have no id yet: each stands in with a negative one.
        overrides = {}
        for index, (name, choice) in enumerate(sorted(unit_choices.items()), start=1):
            overrides[name] = choice.unit_id if choice.unit_id else -index
        draft = validate(overrides)
        report("比对现有数据", 0.9)
        results = check_results(ledger_file.result_sheets, city=city, choices=result_choices)
        preview = ledger_preview(
            draft, plan=plan, sheet=sheet, ledger_file=ledger_file, results=results, edited_rows=edited_rows
        )
        preview.unit_suggestions = suggest_units(city, list(draft.unknown_units))
        preview.remembered_rows = len(remembered_rows)
        if others:
            preview.notices.append(
                f"文件按“城市”列含多个城市的行：这里只导入{city.name}的行，其余（{'、'.join(others)}）不导入；"
                "分市一次导入请用 manage.py import_ledger（不写 --city）"
            )
        preview.edited_rows = len(edited_rows - remembered_rows)
        report("完成", 1)
        return LedgerImport(draft, None, preview, ledger_file, sheet, plan, results, row_keys)

    # Results a city reported (a results sheet) are written with the ledger, or nothing is.
    results = check_results(ledger_file.result_sheets, city=city, choices=result_choices)
    if not results.ok and not skip_bad_rows:
        return LedgerImport(validate(), None, None, ledger_file, sheet, plan, results)
    if not unit_choices:
        # Validate outside the transaction, so that a job's progress can be seen meanwhile.
        draft = validate()
        if not draft.ok and not skip_bad_rows:
            return LedgerImport(draft, None, None, ledger_file, sheet, plan, results)
    report("写入数据库", 0.9)
    with transaction.atomic():
        if unit_choices:
            _apply_unit_choices(city, unit_choices)
            draft = validate()
            if not draft.ok and not skip_bad_rows:
                transaction.set_rollback(True)  # the unit choices go too: nothing is written
                return LedgerImport(draft, None, None, ledger_file, sheet, plan, results)
        if plan is not None:
            # Two imports into one plan would each compare with what the other is writing:
            # the second waits for the first to commit, then compares with its result.
            plan = Plan.objects.select_for_update().get(pk=plan.pk)
        else:
            plan = Plan.objects.create(
                city=city,
                title=title,
                slug=slug or _unique_slug(city, year_start, year_end, title),
                year_start=year_start,
                year_end=year_end,
                frequency=frequency,
                source_document=source_document,
            )
        summary = ledger_write(draft=draft.without_bad_rows() if skip_bad_rows else draft, plan=plan, user=user)
        summary.results = results_write(results.lines, city=city, source_document=source_document or filename)
    report("完成", 1)
    return LedgerImport(draft, summary, None, ledger_file, sheet, plan, results, row_keys)


def ledger_import_file(
    *,
    path: Path,
    city: Region,
    title: str,
    year_start: int,
    year_end: int,
    sheet_name: str = "",
    dry_run: bool = False,
    **options,
) -> LedgerImport:
    """Read, validate and (unless dry_run or invalid) write one ledger file into a plan."""
    path = Path(path)
    return ledger_import(
        data=path.read_bytes(),
        filename=path.name,
        city=city,
        title=title,
        years=(year_start, year_end),
        sheet_name=sheet_name,
        dry_run=dry_run,
        **options,
    )


def _unique_slug(city: Region, year_start: int, year_end: int, title: str) -> str:
    base = slugify(f"{city.code}-{year_start}-{year_end}", allow_unicode=False)[:50]
    slug, n = base, 1
    while Plan.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_unit_choices(city: Region, choices: dict[str, UnitChoice]) -> None:
    allowed = set(Unit.objects.filter(region__in=_city_regions(city)).values_list("pk", flat=True))
    for name, choice in choices.items():
        if choice.unit_id and choice.unit_id not in allowed:
            raise LedgerImportError(f"“{name}”只能对应到{city.name}的单位")
        if not choice.unit_id and choice.create_kind not in Unit.Kind.values:
            raise LedgerImportError(f"新建单位“{name}”需要选择单位类型")


def _apply_unit_choices(city: Region, choices: dict[str, UnitChoice]) -> None:
    """A mapped name becomes an alias of the unit in the city; a created unit is created."""
    for name, choice in choices.items():
        name = name.strip()
        if choice.unit_id:
            unit = Unit.objects.get(pk=choice.unit_id)
            if UnitDirectory.key(unit.name) != UnitDirectory.key(name):
                UnitAlias.objects.update_or_create(region=city, name=name, defaults={"unit": unit})
        else:
            Unit.objects.get_or_create(region=city, name=name, defaults={"kind": choice.create_kind})


def _city_regions(city: Region):
    return Region.objects.filter(pk=city.pk) | Region.objects.filter(parent=city)
