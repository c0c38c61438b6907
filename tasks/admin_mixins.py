"""Edits made in the Django admin count like any other: the measures they touch are sent on
progress_changed after the commit, so that the dashboards recompute them (DESIGN: an
approval, an import or an edit enqueues a recompute of just the scopes it touches)."""

from __future__ import annotations

from django.db.models import QuerySet

from .signals import notify_progress_changed


class RecomputesProgress:
    """For a ModelAdmin whose objects change figures. measure_lookup leads from the object to
    its measures ("measure" for a target, "report__measure" for a value, "tasks__measures"
    for a plan); an object moved to another measure touches both. Deleting a measure (or the
    task or plan holding it) is left to the dashboards' own pre_delete receiver, which marks
    what counted it: such admins set recount_on_delete = False."""

    measure_lookup = "measure"
    recount_on_delete = True

    def measures_of(self, queryset: QuerySet) -> set[int]:
        return set(queryset.exclude(**{f"{self.measure_lookup}__isnull": True})
                   .values_list(self.measure_lookup, flat=True))

    def _just(self, obj) -> QuerySet:
        return type(obj)._default_manager.filter(pk=obj.pk)

    def save_model(self, request, obj, form, change):
        before = self.measures_of(self._just(obj)) if change else set()
        super().save_model(request, obj, form, change)
        notify_progress_changed(before | self.measures_of(self._just(obj)))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if formsets:  # inlines (a measure's responsibilities, a report's values)
            notify_progress_changed(self.measures_of(self._just(form.instance)))

    def delete_model(self, request, obj):
        touched = self.measures_of(self._just(obj)) if self.recount_on_delete else set()
        super().delete_model(request, obj)
        notify_progress_changed(touched)

    def delete_queryset(self, request, queryset):
        touched = self.measures_of(queryset) if self.recount_on_delete else set()
        super().delete_queryset(request, queryset)
        notify_progress_changed(touched)
