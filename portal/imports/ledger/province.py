"""A provincial ledger: one file holding the rows of several cities, told apart by its 城市 /
地市 column (or the column the admin names). Each city's rows import as that city's plan, its
units resolved in its own city. No database here: the caller resolves the cities' names.
"""

from __future__ import annotations

from dataclasses import replace

from .read import LedgerSheet


def city_names(sheet: LedgerSheet) -> list[str]:
    """The cities the sheet's rows name, in the order they first appear (none: not provincial)."""
    if "city" not in sheet.columns:
        return []
    return list(dict.fromkeys(row.get("city") for row in sheet.rows if row.get("city")))


def rows_of_city(sheet: LedgerSheet, name: str) -> LedgerSheet:
    """The sheet as that city's ledger: its own rows, and the rows no city owns that are not
    measures (sections, notes), which every city's part keeps. A measure row with no city is
    left to the city named "" — none — so that the caller reports it."""
    return replace(
        sheet,
        rows=[row for row in sheet.rows if row.get("city") == name or (not row.get("city") and not row.get("measure"))],
    )


def rows_without_city(sheet: LedgerSheet) -> list[int]:
    return [row.number for row in sheet.rows if row.get("measure") and not row.get("city")]
