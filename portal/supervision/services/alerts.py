"""预警: found by the scan, sent by the dispatch — once each, never in quiet hours.

- a measure's deadline within N days (`SUPERVISION_WARN_DAYS_BEFORE`, default 3), not done
  and not closed: to its lead units and their supervising leader;
- a period's due date within N days with a unit's report missing: one alert per unit and
  period listing its measures, to the unit and its leader;
- a measure red for the last two periods: to the city's leaders;
- 督办单 repeats and escalations (notices.notices_remind).

An alert's `key` is unique, so the scan may run every hour and each alert exists once; the
dispatch claims an alert with `sent_at` (compare-and-swap) and outside quiet hours
(`SUPERVISION_QUIET_HOURS`, 22–8) sends it: in-portal notice and e-mail at once, each webhook
of the unit or of its city as a Delivery row posted by its own Celery task (retries with
backoff), so a failing endpoint blocks neither the job nor the other channels."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Period
from indicators.services import missing_reports
from indicators.services.notifications import notify
from portal.dashboards.models import MeasureSummary, Status
from portal.dashboards.rollups import month_end
from tasks.models import Measure, Responsibility
from units.models import Membership, Region, Unit

from ..models import Alert, Closure, Delivery, Webhook
from .common import leaders_for, users_of


def in_quiet_hours(moment: datetime) -> bool:
    start, end = settings.SUPERVISION_QUIET_HOURS
    hour = timezone.localtime(moment).hour
    return hour >= start or hour < end if start > end else start <= hour < end


def measures_red_twice(city_id: int, *, today: date | None = None) -> dict[int, tuple[date, date]]:
    """measure id → (the two month ends) of measures red at the end of each of their plan's
    last two periods ended by today."""
    today = today or timezone.localdate()
    found: dict[int, tuple[date, date]] = {}
    periods = Period.objects.filter(plan__city_id=city_id, end__lt=today).order_by("plan_id", "-end")
    ends: dict[int, list[date]] = defaultdict(list)
    for plan_id, end in periods.values_list("plan_id", "end"):
        if len(ends[plan_id]) < 2:
            ends[plan_id].append(month_end(end))
    for plan_id, months in ends.items():
        if len(months) < 2:
            continue
        rows = MeasureSummary.objects.filter(plan_id=plan_id, as_of__in=months, status=Status.RED)
        by_measure: dict[int, int] = defaultdict(int)
        for measure_id in rows.values_list("measure_id", flat=True):
            by_measure[measure_id] += 1
        found.update({m: (months[1], months[0]) for m, n in by_measure.items() if n == 2})
    return found


def _closed_ids(measure_ids) -> set[int]:
    return set(Closure.objects.filter(measure_id__in=list(measure_ids), state=Closure.State.CLOSED)
               .values_list("measure_id", flat=True))


def alerts_scan(*, today: date | None = None) -> int:
    """Create the alerts due today; returns how many are new."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.SUPERVISION_WARN_DAYS_BEFORE)
    created = 0

    def add(key: str, **fields) -> None:
        nonlocal created
        created += Alert.objects.get_or_create(key=key, defaults=fields)[1]

    soon = list(Measure.objects.filter(deadline__gte=today, deadline__lte=horizon).select_related("task__plan"))
    closed = _closed_ids(m.pk for m in soon)
    done = set(MeasureSummary.objects.filter(measure_id__in=[m.pk for m in soon], status=Status.DONE,
                                             as_of__gte=month_end(today) - timedelta(days=62))
               .values_list("measure_id", flat=True))
    leads = defaultdict(list)
    for r in Responsibility.objects.filter(measure__in=soon, role=Responsibility.Role.LEAD).select_related("unit"):
        leads[r.measure_id].append(r.unit)
    for measure in soon:
        if measure.pk in closed or measure.pk in done:
            continue
        for unit in leads[measure.pk]:
            add(f"deadline:{measure.pk}:{unit.pk}:{measure.deadline}", kind=Alert.Kind.DEADLINE, measure=measure,
                unit=unit, city_id=measure.task.plan.city_id, to_leader=True,
                title=_("预警：%(code)s 将于 %(d)s 到期，尚未完成") % {"code": measure.code, "d": measure.deadline},
                body=measure.text[:500])

    periods = list(Period.objects.filter(due_date__gte=today, due_date__lte=horizon, is_open=True).select_related("plan"))
    by_unit_period: dict[tuple[int, int], list[int]] = defaultdict(list)
    for measure_id, unit_id, period in missing_reports(periods=periods):
        by_unit_period[(unit_id, period.pk)].append(measure_id)
    closed = _closed_ids({m for ids in by_unit_period.values() for m in ids})
    periods_by_id = {p.pk: p for p in periods}
    units = Unit.objects.in_bulk({u for u, _p in by_unit_period})
    codes = dict((m.pk, m.code) for m in Measure.objects.filter(
        pk__in={m for ids in by_unit_period.values() for m in ids}).select_related("task"))
    for (unit_id, period_id), measure_ids in sorted(by_unit_period.items()):
        measure_ids = [m for m in measure_ids if m not in closed]
        if not measure_ids:
            continue
        period = periods_by_id[period_id]
        add(f"period-due:{unit_id}:{period_id}", kind=Alert.Kind.PERIOD_DUE, unit_id=unit_id, period=period,
            measure_id=measure_ids[0] if len(measure_ids) == 1 else None, city_id=period.plan.city_id, to_leader=True,
            title=_("预警：%(unit)s %(period)s 有 %(n)s 项措施未报送，%(d)s 截止") % {
                "unit": units[unit_id].name, "period": period.label, "n": len(measure_ids), "d": period.due_date},
            body="、".join(codes[m] for m in measure_ids[:40]))

    for city_id in Region.objects.filter(kind=Region.Kind.CITY).values_list("pk", flat=True):
        red = measures_red_twice(city_id, today=today)
        for measure in Measure.objects.filter(pk__in=list(red)).exclude(pk__in=_closed_ids(red)).select_related("task"):
            first, second = red[measure.pk]
            add(f"red-twice:{measure.pk}:{second}", kind=Alert.Kind.RED_TWICE, measure=measure, city_id=city_id,
                to_leader=True, title=_("预警：%(code)s 连续两期滞后（%(a)s、%(b)s）") % {
                    "code": measure.code, "a": first.strftime("%Y-%m"), "b": second.strftime("%Y-%m")},
                body=measure.text[:500])
    return created


def _recipients(alert: Alert):
    people = set()
    if alert.unit_id and alert.kind not in {Alert.Kind.RED_TWICE, Alert.Kind.NOTICE_ESCALATED}:
        people |= set(users_of([alert.unit_id], Membership.Role.STAFF, Membership.Role.REVIEWER))
    if alert.to_leader:
        people |= set(leaders_for(alert.unit, alert.city_id))
    return people


def webhooks_for(alert: Alert):
    return Webhook.objects.filter(active=True, city_id=alert.city_id).filter(
        Q(unit__isnull=True) | Q(unit_id=alert.unit_id))


def alerts_dispatch(*, now: datetime | None = None, enqueue=None) -> int:
    """Send what is pending, outside quiet hours; returns how many alerts went out."""
    now = now or timezone.now()
    if in_quiet_hours(now):
        return 0
    if enqueue is None:
        from ..tasks import deliver_task  # noqa: PLC0415 - the task module imports this one

        def enqueue(delivery_id: int) -> None:
            try:
                deliver_task.delay(delivery_id)
            except Exception:  # noqa: BLE001 - the broker down: the sweep sends it later
                pass

    sent = 0
    for alert in Alert.objects.filter(sent_at__isnull=True).select_related("unit", "city", "measure__task", "notice"):
        with transaction.atomic():
            if Alert.objects.filter(pk=alert.pk, sent_at__isnull=True).update(sent_at=now) != 1:
                continue  # another dispatch has it
            people = _recipients(alert)
            url = (reverse("supervision:notice", args=[alert.notice_id]) if alert.notice_id else
                   reverse("measure_detail", args=[alert.measure_id]) if alert.measure_id else
                   reverse("reporting:my_tasks"))
            kind = "escalation" if alert.to_leader else "reminder"
            notify(people, kind=kind, title=alert.title, body=alert.body, url=url)
            mails = [(alert.title, alert.body, None, [u.email]) for u in people if u.email]
            if mails:
                transaction.on_commit(lambda mails=mails: send_mass_mail(mails, fail_silently=True))
            for webhook in webhooks_for(alert):
                delivery = Delivery.objects.create(alert=alert, webhook=webhook)
                transaction.on_commit(lambda pk=delivery.pk: enqueue(pk))
            sent += 1
    return sent


def deliveries_retry_stale(*, enqueue, older_than: timedelta = timedelta(hours=1)) -> int:
    """Deliveries left pending (a broker that was down) are queued again by the job."""
    stale = Delivery.objects.filter(status=Delivery.Status.PENDING, attempts=0,
                                    created_at__lt=timezone.now() - older_than)
    ids = list(stale.values_list("pk", flat=True))
    for pk in ids:
        enqueue(pk)
    return len(ids)
