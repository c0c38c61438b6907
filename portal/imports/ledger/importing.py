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
from units.collectives import ensure_collective
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
from .validate import LedgerDraft, UnitDirectory, split_units, validate_ledger
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
    unit_choices: dict[str, UnitChoice] | None = None  # the choices the draft was validated with


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
    ledger_file: LedgerFile | None = None,  # the file already read (a command importing it city by city)
    # Called with the unit names the file uses and the city does not know, before validating:
    # the choices it returns are made with the admin's (the command's --map-unit / --create-units).
    choose_units: Callable[[list[str]], dict[str, UnitChoice]] | None = None,
    # A dry run of this same import: its draft is written as it stands, not validated again.
    validated: LedgerImport | None = None,
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
    if validated is not None and not dry_run:
        return _write(validated, city=city, plan=plan, title=title, years=(year_start, year_end),
                      unit_choices=validated.unit_choices or {}, skip_bad_rows=skip_bad_rows, user=user, slug=slug,
                      frequency=frequency, source_document=source_document, filename=filename, report=report)
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
    unit_choices = dict(unit_choices or {})
    if choose_units is not None:
        unknown = unknown_unit_names(sheet, UnitDirectory(city, _overrides(unit_choices)))
        unit_choices.update(choose_units(unknown) if unknown else {})
    _check_unit_choices(city, unit_choices)
    # Units to be created have no id yet: each stands in with a negative one until written.
    overrides = _overrides(unit_choices)

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

    draft = validate(overrides)
    if dry_run:
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
        return LedgerImport(draft, None, preview, ledger_file, sheet, plan, results, row_keys, unit_choices)

    # Results a city reported (a results sheet) are written with the ledger, or nothing is.
    results = check_results(ledger_file.result_sheets, city=city, choices=result_choices)
    validated = LedgerImport(draft, None, None, ledger_file, sheet, plan, results, row_keys, unit_choices)
    return _write(validated, city=city, plan=plan, title=title, years=(year_start, year_end), unit_choices=unit_choices,
                  skip_bad_rows=skip_bad_rows, user=user, slug=slug, frequency=frequency,
                  source_document=source_document, filename=filename, report=report)


def _write(validated: LedgerImport, *, city: Region, plan: Plan | None, title: str, years: tuple[int, int],
           unit_choices: dict[str, UnitChoice], skip_bad_rows: bool, user, slug: str, frequency: str,
           source_document: str, filename: str, report: Progress) -> LedgerImport:
    """Write a validated draft in one transaction: the unit choices made, the new units put in
    for their placeholders, then the plan. Validated once, outside the transaction, so that
    a job's progress can be seen meanwhile; a bad file writes nothing unless skip_bad_rows."""
    draft, results = validated.draft, validated.results
    if (not results.ok or not draft.ok) and not skip_bad_rows:
        return validated
    report("写入数据库", 0.9)
    year_start, year_end = years
    with transaction.atomic():
        created = _apply_unit_choices(city, unit_choices)
        _create_collectives(city, draft, created)
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
    return replace(validated, summary=summary, plan=plan)


def unknown_unit_names(sheet: LedgerSheet, units: UnitDirectory) -> list[str]:
    """The unit names of the sheet's measure rows the directory does not know, in file order."""
    names: dict[str, None] = {}
    for row in sheet.rows:
        if row.get("measure"):
            for name in (*split_units(row.get("lead")), *split_units(row.get("support"))):
                if name not in names and units.resolve(name) is None:
                    names[name] = None
    return list(names)


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
        if not choice.unit_id and (choice.create_kind not in Unit.Kind.values or choice.create_kind == Unit.Kind.COLLECTIVE):
            raise LedgerImportError(f"新建单位“{name}”需要选择单位类型")


def _overrides(choices: dict[str, UnitChoice]) -> dict[str, int]:
    """The unit each chosen name stands for while validating: a unit to be created has no id
    yet and stands in with a negative one (in the order of the names)."""
    return {name: choice.unit_id or -index for index, (name, choice) in enumerate(sorted(choices.items()), start=1)}


def _apply_unit_choices(city: Region, choices: dict[str, UnitChoice]) -> dict[int, int]:
    """A mapped name becomes an alias of the unit in the city; a created unit is created.
    Returns the created units' ids by their placeholders (see _overrides)."""
    created = {}
    for placeholder, (name, choice) in zip(_overrides(choices).values(), sorted(choices.items())):
        name = name.strip()
        if choice.unit_id:
            unit = Unit.objects.get(pk=choice.unit_id)
            if UnitDirectory.key(unit.name) != UnitDirectory.key(name):
                UnitAlias.objects.update_or_create(region=city, name=name, defaults={"unit": unit})
        else:
            unit, _new = Unit.objects.get_or_create(region=city, name=name, defaults={"kind": choice.create_kind})
            created[placeholder] = unit.pk
    return created


def _create_collectives(city: Region, draft: LedgerDraft, created: dict[int, int]) -> None:
    """The collective names (各镇街) the city uses for the first time become its collective
    units; the draft's measures name them, and the units just created, instead of their
    placeholders."""
    created = dict(created)
    for placeholder, (name, kind) in draft.new_collectives.items():
        created[placeholder] = ensure_collective(city, name, kind).pk
    if not created:
        return
    for measure in draft.measures:
        measure.lead_ids = [created.get(uid, uid) for uid in measure.lead_ids]
        measure.support_ids = [created.get(uid, uid) for uid in measure.support_ids]
    draft.new_collectives = {}


def _city_regions(city: Region):
    return Region.objects.filter(pk=city.pk) | Region.objects.filter(parent=city)
