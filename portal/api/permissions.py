from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiToken


class TokenMayWrite(BasePermission):
    """A read-only token reads; only a token issued for writing saves, submits or reviews."""

    message = _("这个令牌是只读的。")

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or not (isinstance(request.auth, ApiToken) and request.auth.read_only)
