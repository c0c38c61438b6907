"""延期: the lead unit asks before the deadline, never after; the city's leader approves,
which moves the measure's deadline in its history. The original stays on the request and on
the measure's page; periods already missed stay late (lateness is counted from the periods'
due dates, which an extension does not touch)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.services.notifications import notify
from tasks.models import Measure
from tasks.signals import notify_progress_changed
from units.models import Unit

from ..access import files_for, leads_city
from ..models import Extension
from . import SupervisionError
from .common import leaders_for, require


@transaction.atomic
def extension_apply(*, measure: Measure, unit: Unit, user, requested_deadline: date, reason: str,
                    today: date | None = None) -> Extension:
    today = today or timezone.localdate()
    require(files_for(user, unit.pk) and measure.responsibilities.filter(unit=unit, role="lead").exists(),
            _("只有牵头单位可以申请延期。"))
    require(measure.deadline is not None, _("该措施没有具体的完成时限，无需延期。"))
    require(today <= measure.deadline, _("已过完成时限（%(d)s），不能再申请延期。") % {"d": measure.deadline})
    require(requested_deadline > measure.deadline, _("申请的新时限须晚于现时限。"))
    require(bool(reason.strip()), _("请说明延期理由。"))
    require(not measure.extensions.filter(state=Extension.State.PENDING).exists(), _("已有待审批的延期申请。"))
    extension = Extension(measure=measure, unit=unit, applied_by=user, original_deadline=measure.deadline,
                          requested_deadline=requested_deadline, reason=reason.strip())
    extension._change_reason = _("延期申请")
    extension.save()
    notify(leaders_for(None, measure.task.plan.city_id), kind="submitted",
           title=_("延期申请待审批：%(code)s") % {"code": measure.code}, body=reason,
           url=reverse("supervision:extension", args=[extension.pk]))
    return extension


@transaction.atomic
def extension_decide(*, extension: Extension, user, approve: bool, comment: str = "") -> Extension:
    measure = extension.measure
    require(leads_city(user, measure.task.plan.city_id), _("只有本市领导可以审批延期。"))
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.state != Extension.State.PENDING:
        raise SupervisionError(_("该申请已审批。"))
    if not approve:
        require(bool(comment.strip()), _("不批准须说明理由。"))
    extension.state = Extension.State.APPROVED if approve else Extension.State.REJECTED
    extension.decided_by, extension.decided_at, extension.comment = user, timezone.now(), comment.strip()
    extension._change_reason = _("批准延期") if approve else _("不批准延期")
    extension.save()
    if approve:
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        original = measure.deadline_text or str(extension.original_deadline)
        measure.deadline = extension.requested_deadline
        measure.deadline_text = (_("%(d)s（延期，原%(o)s）") % {
            "d": extension.requested_deadline.strftime("%Y-%m-%d"), "o": original})[:50]
        measure._change_reason = _("批准延期至 %(d)s") % {"d": extension.requested_deadline}
        measure.save()
        notify_progress_changed([measure.pk])
    notify([extension.applied_by], kind="approved" if approve else "returned",
           title=(_("延期已批准：%(code)s") if approve else _("延期未批准：%(code)s")) % {"code": measure.code},
           body=comment, url=reverse("supervision:extension", args=[extension.pk]))
    return extension
