from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read in the Django admin; issued and revoked on the admins' page (/api/tokens/)."""

    list_display = ["prefix", "user", "name", "read_only", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["read_only"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
