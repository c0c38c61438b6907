"""The 督办 section of the measure page: its actions and every step of its notices, closing
and extension requests (the measure's own history shows the moved deadline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import lead_units_of_user, notices_visible_to, supervises
from ..models import Closure, Extension, Notice

register = template.Library()


@dataclass
class Event:
    when: datetime
    who: str
    what: str
    action: str
    url: str = ""


def _events(records, label, url) -> list[Event]:
    return [Event(r.history_date, r.history_user.get_username() if r.history_user else "—", label(r),
                  r.history_change_reason or r.get_state_display(), url(r)) for r in records]


@register.inclusion_tag("supervision/_measure_panel.html", takes_context=True)
def supervision_measure_section(context, measure):
    user = context["request"].user
    visible = set(notices_visible_to(user).filter(measure=measure).values_list("pk", flat=True))
    events = _events(
        Notice.history.filter(measure_id=measure.pk, id__in=visible).select_related("history_user", "unit"),
        lambda r: _("督办单（%(level)s）· %(unit)s") % {"level": r.get_level_display(), "unit": r.unit.name},
        lambda r: reverse("supervision:notice", args=[r.id]))
    events += _events(Closure.history.filter(measure_id=measure.pk).select_related("history_user"),
                      lambda r: _("办结申请"), lambda r: reverse("supervision:closure", args=[r.id]))
    extensions = list(Extension.objects.filter(measure=measure).order_by("applied_at"))
    events += _events(Extension.history.filter(measure_id=measure.pk).select_related("history_user"),
                      lambda r: _("延期申请 %(a)s → %(b)s") % {"a": r.original_deadline, "b": r.requested_deadline},
                      lambda r: reverse("supervision:extension", args=[r.id]))
    events.sort(key=lambda e: e.when, reverse=True)
    closures = Closure.objects.filter(measure=measure)
    leads = bool(lead_units_of_user(user, measure))
    return {
        "measure": measure, "events": events, "extensions": extensions,
        "closed": closures.filter(state=Closure.State.CLOSED).exists(),
        "live_closure": closures.filter(state__in=[Closure.State.SUBMITTED, Closure.State.CHECKED]).exists(),
        "supervises": supervises(user, measure.task.plan.city_id), "leads": leads,
        "can_extend": measure.deadline is not None and timezone.localdate() <= measure.deadline,
    }


@register.filter
def supervises_city(user, city_id) -> bool:
    return bool(city_id) and user.is_authenticated and supervises(user, city_id)
