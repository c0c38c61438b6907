from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Region, Unit, UnitAlias
from .resources import UnitAliasResource, UnitResource


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "code")


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ("name", "region", "kind", "parent")
    list_filter = ("region", "kind")
    search_fields = ("name", "aliases__name")
    list_select_related = ("region", "parent")
    inlines = [UnitAliasInline]


@admin.register(UnitAlias)
class UnitAliasAdmin(ImportExportModelAdmin):
    resource_classes = [UnitAliasResource]
    list_display = ("name", "unit", "region")
    list_filter = ("region",)
    search_fields = ("name", "unit__name")
    list_select_related = ("unit", "region")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit__region")
    search_fields = ("user__username", "unit__name")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("unit",)
