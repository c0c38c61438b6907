from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from tasks.admin_mixins import RecomputesProgress

from .models import Measure, Plan, Programme, Responsibility, Section, Task
from .resources import ProgrammeResource


@admin.register(Programme)
class ProgrammeAdmin(ImportExportModelAdmin):
    resource_classes = [ProgrammeResource]
    list_display = ("name", "code", "parent", "order")
    list_filter = ("parent",)
    search_fields = ("name", "code")


@admin.register(Plan)
class PlanAdmin(RecomputesProgress, admin.ModelAdmin):
    list_display = ("title", "city", "year_start", "year_end", "frequency", "reporting_from")
    list_filter = ("city", "frequency", "year_start")
    search_fields = ("title", "slug")

    measure_lookup = "tasks__measures"
    recount_on_delete = False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "seq")
    list_filter = ("plan__city", "plan")
    search_fields = ("title",)


@admin.register(Task)
class TaskAdmin(RecomputesProgress, SimpleHistoryAdmin):
    list_display = ("number", "title", "plan", "programme", "section")
    list_filter = ("plan__city", "plan", "programme")
    search_fields = ("title",)
    list_select_related = ("plan", "programme", "section")

    measure_lookup = "measures"
    recount_on_delete = False


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Measure)
class MeasureAdmin(RecomputesProgress, SimpleHistoryAdmin):
    list_display = ("code", "text", "task", "deadline_text", "recurring")
    list_filter = ("task__plan__city", "task__plan", "recurring", "task__programme")
    search_fields = ("text", "task__title")
    list_select_related = ("task", "task__plan")
    inlines = [ResponsibilityInline]

    measure_lookup = "pk"
    recount_on_delete = False


@admin.register(Responsibility)
class ResponsibilityAdmin(RecomputesProgress, SimpleHistoryAdmin):
    list_display = ("measure", "unit", "role")
    list_filter = ("role", "unit__region")
    search_fields = ("unit__name", "measure__text")
    list_select_related = ("measure", "measure__task", "unit")
    autocomplete_fields = ("unit",)
