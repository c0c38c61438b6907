"""The one base table: the look every table of the portal shares. It sits in the lowest app
that lists anything, so that the indicators' and the portal's tables extend it without
importing upwards."""

import django_tables2 as tables


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
