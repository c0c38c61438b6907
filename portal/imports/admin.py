from django.contrib import admin
from import_export.admin import ImportExportMixin

from tasks.admin import MeasureAdmin
from tasks.models import Measure

from .ledger.resources import MeasureResource
from .models import HeaderMapping, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("file_name", "city", "plan_title", "status", "created_by", "created_at")
    list_filter = ("status", "city")
    search_fields = ("file_name", "plan_title")
    exclude = ("content",)
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "content"]


@admin.register(HeaderMapping)
class HeaderMappingAdmin(admin.ModelAdmin):
    list_display = ("header", "field", "city", "updated_by", "updated_at")
    list_filter = ("city", "field")
    search_fields = ("header",)


# The measures' admin (tasks.admin) gains import/export through MeasureResource: registered
# again here, so that the ledger's import code stays with the ledger.
admin.site.unregister(Measure)


@admin.register(Measure)
class MeasureImportExportAdmin(ImportExportMixin, MeasureAdmin):
    resource_classes = [MeasureResource]
