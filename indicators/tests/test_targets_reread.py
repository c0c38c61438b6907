"""manage.py targets_reread: stored targets read again from their phrases."""

from io import StringIO

import pytest
from django.core.management import call_command

from indicators.models import Target, TargetKind
from tasks.signals import progress_changed


@pytest.fixture
def misread(db):
    """A rate target of a seed plan stored as the old parser read 不低于: a ceiling."""
    target = Target.objects.filter(kind=TargetKind.RATE, comparator="gte", measure__task__plan__slug="guangzhou-2024").first()
    Target.objects.filter(pk=target.pk).update(kind=TargetKind.CEILING, comparator="lte")
    return target


def run(*args):
    out = StringIO()
    call_command("targets_reread", *args, stdout=out)
    return out.getvalue()


def test_the_seed_plans_read_as_they_are_stored(db):
    assert "读法不同的目标 0 个" in run()


def test_it_lists_a_target_read_differently_and_changes_nothing(misread):
    out = run("--plan", "guangzhou-2024")
    assert f"“{misread.phrase}”" in out
    assert "comparator: lte → gte" in out and "kind: ceiling → rate" in out
    assert "读法不同的目标 1 个" in out
    assert Target.objects.get(pk=misread.pk).comparator == "lte"


def test_apply_corrects_it_with_history_and_recomputes(misread, django_capture_on_commit_callbacks):
    touched = []

    def receiver(sender, measure_ids, **kwargs):
        touched.append(measure_ids)

    progress_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            out = run("--apply")
    finally:
        progress_changed.disconnect(receiver)
    corrected = Target.objects.get(pk=misread.pk)
    assert (corrected.kind, corrected.comparator) == ("rate", "gte")
    assert "已更正 1 个目标" in out
    assert corrected.history.first().history_change_reason == "按新的目标解析规则重读目标"
    assert touched == [frozenset({misread.measure_id})]
    assert "读法不同的目标 0 个" in run()


def test_an_unknown_plan_is_named(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no-such-plan"):
        run("--plan", "no-such-plan")
