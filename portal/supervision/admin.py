"""督办 and 考核评分 in the Django admin. Notices, closings and extensions are made and moved
by their pages' services (with notifications and history): here they are read, searched and,
by a superuser, corrected, with their history; an edit of a closing or an extension recomputes
its measure. Schemes are edited with their rules and outside scores; scores are read only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks.admin_mixins import RecomputesProgress

from .models import (Alert, Attachment, Closure, Delivery, Extension, Notice, OutsideScore, Rule, Scheme,
                     ScoreItem, ScoreSummary, Webhook)


class MadeByTheWorkflow:
    """Created by the pages' services only."""

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(MadeByTheWorkflow, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("name", "file", "uploaded_by")
    readonly_fields = fields


@admin.register(Notice)
class NoticeAdmin(MadeByTheWorkflow, SimpleHistoryAdmin):
    list_display = ("measure", "unit", "city", "level", "state", "answer_by", "issued_by", "issued_at")
    list_filter = ("state", "level", "city")
    search_fields = ("measure__text", "unit__name", "request")
    list_select_related = ("measure__task", "unit", "city", "issued_by")
    raw_id_fields = ("measure", "reissued_from")
    autocomplete_fields = ("unit", "suggested_unit")
    inlines = [AttachmentInline]


@admin.register(Closure)
class ClosureAdmin(MadeByTheWorkflow, RecomputesProgress, SimpleHistoryAdmin):
    list_display = ("measure", "unit", "state", "targets_met", "applied_by", "applied_at", "decided_by", "decided_at")
    list_filter = ("state", "targets_met", "measure__task__plan__city")
    search_fields = ("measure__text", "unit__name", "statement")
    list_select_related = ("measure__task", "unit", "applied_by", "decided_by")
    raw_id_fields = ("measure",)
    autocomplete_fields = ("unit",)
    inlines = [AttachmentInline]


@admin.register(Extension)
class ExtensionAdmin(MadeByTheWorkflow, RecomputesProgress, SimpleHistoryAdmin):
    list_display = ("measure", "unit", "state", "applied_by", "decided_by")
    list_filter = ("state", "measure__task__plan__city")
    search_fields = ("measure__text", "unit__name")
    list_select_related = ("measure__task", "unit", "applied_by", "decided_by")
    raw_id_fields = ("measure",)
    autocomplete_fields = ("unit",)


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "unit", "format", "active")
    list_filter = ("format", "active", "city")
    search_fields = ("name", "url")
    autocomplete_fields = ("unit",)


class DeliveryInline(MadeByTheWorkflow, admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ("webhook", "status", "attempts", "response_code", "last_error", "sent_at")
    readonly_fields = fields


@admin.register(Alert)
class AlertAdmin(MadeByTheWorkflow, admin.ModelAdmin):
    list_display = ("title", "kind", "city", "to_leader", "created_at", "sent_at")
    list_filter = ("kind", "to_leader", "city")
    search_fields = ("title", "key")
    raw_id_fields = ("measure", "notice", "period")
    autocomplete_fields = ("unit",)
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(MadeByTheWorkflow, admin.ModelAdmin):
    list_display = ("alert", "webhook", "status", "attempts", "response_code", "sent_at")
    list_filter = ("status", "webhook")
    list_select_related = ("alert", "webhook")
    readonly_fields = ("alert", "webhook", "created_at")


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 0


class OutsideScoreInline(admin.TabularInline):
    model = OutsideScore
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "plan", "year", "base", "outside_share")
    list_filter = ("city", "year")
    search_fields = ("name",)
    list_select_related = ("city", "plan")
    inlines = [RuleInline, OutsideScoreInline]


class ScoreItemInline(MadeByTheWorkflow, admin.TabularInline):
    model = ScoreItem
    extra = 0
    can_delete = False
    fields = ("rule", "label", "points", "measure")
    readonly_fields = fields


@admin.register(ScoreSummary)
class ScoreSummaryAdmin(MadeByTheWorkflow, admin.ModelAdmin):
    """Written by the scoring jobs: read here, never edited."""

    list_display = ("scheme", "as_of", "unit", "score", "rank", "grade")
    list_filter = ("scheme", "as_of", "grade")
    search_fields = ("unit__name",)
    list_select_related = ("scheme", "unit")
    inlines = [ScoreItemInline]

    def has_change_permission(self, request, obj=None):
        return False
