"""A streaming reader of .xlsx worksheets, for large ledgers.

openpyxl builds an object per shared string and per cell; a ledger of 20,000 measures holds
some 60,000 strings and 160,000 cells, which takes it seconds. This reader streams the few
parts a ledger needs (workbook, relationships, styles for date formats, shared strings,
worksheets) through the standard library's expat parser and keeps plain strings. It reads
what Excel saved for each cell (for a formula, its cached result) and says which formula
cells have none. read.py falls back to openpyxl for a workbook this reader cannot follow.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import column_index_from_string, range_boundaries

REL_TYPE_WORKSHEET = "/worksheet"
_COLUMNS: dict[str, int] = {}
EPOCH_1900 = datetime(1899, 12, 30)
EPOCH_1904 = datetime(1904, 1, 1)


class UnsupportedWorkbook(Exception):
    """A layout this reader does not follow; the caller reads the file with openpyxl."""


_LOCAL_NAMES: dict[str, str] = {}


def _column_of(ref: str) -> int:
    """B12 → 2, looked up once per column letters."""
    letters = ref.rstrip("0123456789")
    column = _COLUMNS.get(letters)
    if column is None:
        column = _COLUMNS[letters] = column_index_from_string(letters)
    return column


def _local(tag: str) -> str:
    """The tag without its namespace (transitional or strict OOXML), looked up once per tag."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = _LOCAL_NAMES[tag] = tag.rpartition("}")[2]
    return name


def _attr(element, name: str) -> str | None:
    """An attribute by local name (r:id is namespaced, ref is not)."""
    value = element.get(name)
    if value is not None:
        return value
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


class XlsxBook:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        names = set(archive.namelist())
        self.sheets = self._sheets(names)
        self.date1904 = False
        self.shared = self._shared_strings(names)
        self.date_styles = self._date_styles(names)

    def _sheets(self, names: set[str]) -> list[tuple[str, str]]:
        rels = {}
        with self.archive.open("xl/_rels/workbook.xml.rels") as source:
            for _event, element in iterparse(source):
                if _local(element.tag) == "Relationship" and (element.get("Type") or "").endswith(REL_TYPE_WORKSHEET):
                    target = element.get("Target") or ""
                    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                    rels[element.get("Id")] = path
        sheets = []
        with self.archive.open("xl/workbook.xml") as source:
            for _event, element in iterparse(source):
                tag = _local(element.tag)
                if tag == "workbookPr" and element.get("date1904") in {"1", "true"}:
                    self.date1904 = True
                elif tag == "sheet":
                    path = rels.get(_attr(element, "id"))
                    if path:  # chart sheets and dialog sheets have no worksheet part
                        if path not in names:
                            raise UnsupportedWorkbook(path)
                        sheets.append((element.get("name") or "", path))
        return sheets

    def _shared_strings(self, names: set[str]) -> list[str]:
        if "xl/sharedStrings.xml" not in names:
            return []
        strings = []
        with self.archive.open("xl/sharedStrings.xml") as source:
            for _event, element in iterparse(source):
                if _local(element.tag) == "si":
                    strings.append(_string_item(element))
                    element.clear()
        return strings

    def _date_styles(self, names: set[str]) -> set[int]:
        if "xl/styles.xml" not in names:
            return set()
        custom: dict[int, str] = {}
        xf_formats: list[int] = []
        with self.archive.open("xl/styles.xml") as source:
            in_cell_xfs = False
            for event, element in iterparse(source, events=("start", "end")):
                tag = _local(element.tag)
                if tag == "cellXfs":
                    in_cell_xfs = event == "start"
                elif event == "end" and tag == "numFmt":
                    custom[int(element.get("numFmtId", "0"))] = element.get("formatCode") or ""
                elif event == "end" and tag == "xf" and in_cell_xfs:
                    xf_formats.append(int(element.get("numFmtId", "0")))
        dates = set()
        for index, fmt_id in enumerate(xf_formats):
            code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, ""))
            if code and is_date_format(code):
                dates.add(index)
        return dates

    def rows(self, path: str, max_columns: int) -> Iterator[tuple[int, dict[int, tuple[str, object]]]]:
        """(row number, {column: (kind, value)}) for each row; kind is value, formula or error.
        After the last row, self.merges holds the sheet's merged ranges."""
        self.merges: list[tuple[int, int, int, int]] = []
        self.expected_rows = 0
        row_number = 0
        with self.archive.open(path) as source:
            for element in _elements(source):
                tag = _local(element.tag)
                if tag == "row":
                    row_number = int(element.get("r") or row_number + 1)
                    cells: dict[int, tuple[str, object]] = {}
                    column = 0
                    ns = element.tag[: -len("row")]
                    cell_tag, value_tag, formula_tag, inline_tag = ns + "c", ns + "v", ns + "f", ns + "is"
                    for cell in element:
                        if cell.tag != cell_tag:
                            continue
                        ref = cell.get("r")
                        column = _column_of(ref) if ref else column + 1
                        if column > max_columns:
                            continue
                        kind = cell.get("t", "n")
                        if kind == "s":  # the common case: a shared string
                            value = cell.findtext(value_tag)
                            if value:
                                cells[column] = ("value", self.shared[int(value)])
                                continue
                        found = self._cell(cell, kind, value_tag, formula_tag, inline_tag)
                        if found is not None:
                            cells[column] = found
                    element.clear()
                    yield row_number, cells
                elif tag == "dimension":
                    try:
                        self.expected_rows = range_boundaries(element.get("ref") or "")[3] or 0
                    except (ValueError, TypeError):
                        pass
                elif tag == "mergeCell":
                    self.merges.append(range_boundaries(element.get("ref")))
                elif tag == "sheetData":
                    element.clear()

    def _cell(self, cell, kind: str, value_tag: str, formula_tag: str, inline_tag: str) -> tuple[str, object] | None:
        value = cell.findtext(value_tag) or None  # <v/>, as openpyxl writes a formula, is no value
        formula = cell.find(formula_tag)
        inline = cell.find(inline_tag)
        if inline is not None:
            inline = _string_item(inline)
        if formula is not None:
            formula = formula.text or "…"
        if kind == "inlineStr":
            return ("value", inline) if inline else None
        if value is None:
            return ("formula", "=" + formula) if formula is not None else None
        if kind == "s":
            return "value", self.shared[int(value)]
        if kind in {"str", "d"}:
            return "value", value
        if kind == "b":
            return "value", value in {"1", "true"}
        if kind == "e":
            return "error", value
        number = float(value) if any(ch in value for ch in ".eE") else int(value)
        if int(cell.get("s") or 0) in self.date_styles:
            try:
                return "value", (EPOCH_1904 if self.date1904 else EPOCH_1900) + timedelta(days=number)
            except OverflowError:
                return "error", "#VALUE!"
        return "value", number


def _elements(source):
    """The finished elements of a worksheet, from the standard library's expat parser (with
    C lookups on its elements, quicker here than lxml, whose elements are Python proxies)."""
    for _event, element in iterparse(source):
        yield element


def _string_item(element) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>s (phonetic hints left out)."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            for run_part in child:
                if _local(run_part.tag) == "t":
                    parts.append(run_part.text or "")
    return "".join(parts)


def open_book(data_stream) -> XlsxBook:
    try:
        return XlsxBook(zipfile.ZipFile(data_stream))
    except KeyError as exc:
        raise UnsupportedWorkbook(str(exc)) from exc

