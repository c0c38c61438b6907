"""Periods come with the plan: whichever way a plan is created (a ledger import, a draft, the
Django admin), its reporting periods are created with it; when its first month to report
changes, the periods before it close and those the old month had closed reopen.

Receivers live here, not in tasks: tasks knows nothing of the reporting above it."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from tasks.models import Plan

from .services import periods_create_for_new_plan, periods_create_for_plan, periods_follow_reporting_from


@receiver(pre_save, sender=Plan, dispatch_uid="indicators.plan_reporting_from_was")
def remember_reporting_from(sender, instance: Plan, raw=False, **kwargs):
    instance._reporting_from_was = (
        Plan.objects.filter(pk=instance.pk).values_list("reporting_from", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Plan, dispatch_uid="indicators.plan_periods")
def plan_periods(sender, instance: Plan, created: bool, raw=False, **kwargs):
    if raw:
        return
    if created:
        periods_create_for_new_plan(plan=instance)
        return
    periods_create_for_plan(plan=instance)  # the years may have grown
    was = getattr(instance, "_reporting_from_was", None)
    if instance.reporting_from != was:
        periods_follow_reporting_from(plan=instance, was=was)
