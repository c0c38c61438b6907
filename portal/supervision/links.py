"""The 督办 link of the dashboards' lagging lists, per viewer. A dashboard's body is cached for
everyone who sees it alike; it carries a marker per row, and this replaces each with the link
for a viewer who may issue notices in that row's city (access.supervises), with nothing else."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .access import supervises

MARKER = re.compile(r"<!--issue-notice:(\d+):(\d+)-->")


def issue_links(body: str, user) -> SafeString:
    allowed: dict[int, bool] = {}

    def link(match: re.Match) -> str:
        measure_id, city_id = int(match.group(1)), int(match.group(2))
        if city_id not in allowed:
            allowed[city_id] = supervises(user, city_id)
        if not allowed[city_id]:
            return ""
        return format_html(' <a class="btn btn-sm btn-outline-warning py-0 issue-notice" href="{}">{}</a>',
                           reverse("supervision:notice_new", args=[measure_id]), _("督办"))

    return mark_safe(MARKER.sub(link, body))  # noqa: S308 — the body was rendered escaped; links by format_html
