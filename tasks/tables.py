"""The one base table: the look every table of the portal shares. It sits in the lowest app
that lists anything, so that the indicators' and the portal's tables extend it without
importing upwards."""

import django_tables2 as tables


class PortalTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5.html"
