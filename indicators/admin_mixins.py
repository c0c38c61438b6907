"""Edits made in the Django admin count like any other: the measures they touch are sent on
progress_changed after the commit, so that the dashboards recompute them (DESIGN: an
approval, an import or an edit enqueues a recompute of just the scopes it touches)."""

from __future__ import annotations

from collections.abc import Iterable

from .signals import notify_progress_changed


class RecomputesProgress:
    """For a ModelAdmin whose objects change figures. measures_of(objects) names the measures
    they belong to; an object moved to another measure touches both. Deleting a measure (or
    the task or plan holding it) is left to the dashboards' own pre_delete receiver, which
    marks what counted it: such admins set recount_on_delete = False."""

    recount_on_delete = True

    def measures_of(self, objects: Iterable) -> set[int]:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        before = self.measures_of(type(obj)._default_manager.filter(pk=obj.pk)) if change else set()
        super().save_model(request, obj, form, change)
        notify_progress_changed(before | self.measures_of([obj]))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if formsets:  # inlines (a measure's responsibilities, a report's values)
            notify_progress_changed(self.measures_of([form.instance]))

    def delete_model(self, request, obj):
        touched = self.measures_of([obj]) if self.recount_on_delete else set()
        super().delete_model(request, obj)
        notify_progress_changed(touched)

    def delete_queryset(self, request, queryset):
        touched = self.measures_of(queryset) if self.recount_on_delete else set()
        super().delete_queryset(request, queryset)
        notify_progress_changed(touched)


def measure_ids_of(objects: Iterable, path: str = "measure_id") -> set[int]:
    """objects' measure ids along a path of attributes (report.measure_id …)."""
    ids = set()
    for obj in objects:
        value = obj
        for name in path.split("."):
            value = getattr(value, name, None)
        if value is not None:
            ids.add(value)
    return ids
