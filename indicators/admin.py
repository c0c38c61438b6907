from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks.admin_mixins import RecomputesProgress

from .models import (
    ActualValue,
    Evidence,
    Indicator,
    IndicatorAlias,
    Notification,
    Period,
    ProgressReport,
    RecordedResult,
    Reminder,
    Target,
)


class IndicatorAliasInline(admin.TabularInline):
    model = IndicatorAlias
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "unit")
    search_fields = ("name", "code", "aliases__name")
    inlines = [IndicatorAliasInline]


@admin.register(Target)
class TargetAdmin(RecomputesProgress, SimpleHistoryAdmin):
    list_display = ("phrase", "kind", "comparator", "value", "value_max", "unit", "indicator", "period_end")
    list_filter = ("kind", "comparator", "unit", "measure__task__plan__city", "measure__task__plan")
    search_fields = ("phrase", "indicator__name")
    list_select_related = ("indicator",)
    raw_id_fields = ("measure",)


@admin.register(RecordedResult)
class RecordedResultAdmin(admin.ModelAdmin):
    list_display = ("indicator", "city", "year", "value", "unit", "phrase")
    list_filter = ("city", "year")
    search_fields = ("indicator__name", "phrase")
    list_select_related = ("indicator", "city")


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "start", "end", "due_date", "is_open")
    list_filter = ("is_open", "plan__city", "plan")
    # Opening and closing go through the services, so that a reopening keeps its reason.
    readonly_fields = ("is_open", "closed_at")
    actions = ["close_periods"]

    @admin.action(description="关闭所选周期")
    def close_periods(self, request, queryset):
        from .services import ReportingError, period_close

        closed = 0
        for period in queryset.filter(is_open=True):
            try:
                period_close(period=period, user=request.user)
                closed += 1
            except ReportingError:
                pass
        self.message_user(request, f"已关闭 {closed} 个周期；重新开放请在“填报周期”页面填写原因。")


class ActualValueInline(admin.TabularInline):
    model = ActualValue
    extra = 0
    raw_id_fields = ("target",)


@admin.register(ProgressReport)
class ProgressReportAdmin(RecomputesProgress, SimpleHistoryAdmin):
    list_display = ("measure", "unit", "period", "version", "state", "updated_at")
    list_filter = ("state", "unit__region", "period__plan")
    search_fields = ("measure__text", "unit__name", "narrative")
    raw_id_fields = ("measure", "created_by", "reviewed_by")
    list_select_related = ("measure", "measure__task", "unit", "period")
    inlines = [ActualValueInline]


@admin.register(ActualValue)
class ActualValueAdmin(RecomputesProgress, SimpleHistoryAdmin):
    list_display = ("report", "target", "value", "numerator", "denominator")
    list_filter = ("report__state", "report__period__plan")
    search_fields = ("target__phrase", "report__unit__name")
    raw_id_fields = ("report", "target")
    measure_lookup = "report__measure"


@admin.register(IndicatorAlias)
class IndicatorAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "indicator")
    search_fields = ("name", "indicator__name")
    list_select_related = ("indicator",)


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "size", "report", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    raw_id_fields = ("report", "uploaded_by")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    raw_id_fields = ("user", "report")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("kind", "unit", "period", "measure", "sent_at", "sent_by")
    list_filter = ("kind", "period__plan")
    raw_id_fields = ("measure", "unit", "period", "sent_by")
