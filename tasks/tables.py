"""The one base table: the look every table of the portal shares, and the export every list
offers. It sits in the lowest app that lists anything, so that the indicators' and the portal's
tables extend it without importing upwards."""

import django_tables2 as tables
import tablib
from django_tables2.export import TableExport

from units.resources import FORMULA_PREFIXES, neutralise_formula

__all__ = ["FORMULA_PREFIXES", "PortalTable", "neutralise_formula"]


class PortalTable(tables.Table):
    """Each cell carries its column's name (data-label), so that a table of class table-stack
    reads as one card per row on a phone (static/css/portal.css)."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.columns:  # the table's own copies of the columns
            bound.column.attrs = {**bound.column.attrs,
                                  "td": {**bound.column.attrs.get("td", {}), "data-label": str(bound.header or "")}}


class PortalTableExport(TableExport):
    """A list's table as a file: only the formats that work here (tablib lacks the packages for
    xls, ods and yaml), every cell's formula text neutralised."""

    FORMATS = {name: TableExport.FORMATS[name] for name in ("csv", "tsv", "xlsx")}

    @classmethod
    def is_valid_format(cls, export_format) -> bool:
        return export_format in cls.FORMATS

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for values in dataset:
            safe.append([neutralise_formula(value) for value in values])
        return safe
