from django.contrib import admin

from . import services
from .models import DirtyScope, RollupRun, SampleReport, StatusThresholds


@admin.register(StatusThresholds)
class StatusThresholdsAdmin(admin.ModelAdmin):
    list_display = ("green_ratio", "amber_ratio", "updated_at", "updated_by")
    list_filter = ("updated_at",)
    fields = ("green_ratio", "amber_ratio")

    def has_add_permission(self, request):
        return not StatusThresholds.objects.exists()

    def save_model(self, request, obj, form, change):
        # Through the service: new thresholds change every status, so everything is recomputed.
        services.thresholds_set(green_ratio=obj.green_ratio, amber_ratio=obj.amber_ratio, user=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RollupRun)
class RollupRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "kind", "seconds", "measures", "plans")
    list_filter = ("kind", "started_at")


@admin.register(DirtyScope)
class DirtyScopeAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "object_id", "marked_at")
    list_filter = ("kind",)


@admin.register(SampleReport)
class SampleReportAdmin(ReadOnlyAdmin):
    list_display = ("report", "created_at")
    search_fields = ("report__measure__text",)
    list_select_related = ("report__measure__task", "report__unit", "report__period")
