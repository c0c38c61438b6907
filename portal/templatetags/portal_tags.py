from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from indicators.values import amount as format_amount

register = template.Library()


@register.filter
def amount(value, unit: str = "") -> str:
    """225000, 人 → 22.5万人; 3.2, % → 3.2%; amounts under 10,000 as they are."""
    return format_amount(value, unit)


@register.filter
def completion(percent) -> str:
    """A target's completion in percent: 41.7 → 41.7%; past the target, 100% with the real
    figure beside it (50000000 → 100%（实际 50,000,000%）), so that no bar or column runs off
    the page and an implausible figure still shows."""
    if percent is None or percent == "":
        return ""
    percent = Decimal(percent)
    if percent > 100:
        return _("100%%（实际 %(real)s%%）") % {"real": format(percent.normalize(), ",f")}
    return f"{percent}%"


@register.simple_tag
def target_value(target) -> str:
    if target.comparator == "between":
        return f"{amount(target.value)}–{amount(target.value_max, target.unit)}"
    sign = "≤" if target.comparator == "lte" else "≥"
    return f"{sign} {amount(target.value, target.unit)}"


@register.filter
def with_role(responsibilities, role: str) -> list:
    """The prefetched responsibilities of a measure that have this role (lead / support)."""
    return [r for r in responsibilities if r.role == role]


# The badge colour of an import preview's status (a ledger row or a result).
STATUS_STYLES = {"create": "success", "update": "primary", "unchanged": "secondary", "error": "danger", "skip": "light"}


@register.filter
def status_style(status: str) -> str:
    return STATUS_STYLES.get(status, "light")


@register.simple_tag
def time_after(delta) -> str:
    """The local time a delay from now ends (when a login lock lifts), as HH:MM."""
    from django.utils import timezone

    return timezone.localtime(timezone.now() + delta).strftime("%H:%M") if delta else ""
