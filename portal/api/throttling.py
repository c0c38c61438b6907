"""Rate limits: per token (API_RATE_PER_TOKEN), per logged-in user for the browser's session
(the same rate), per address for anonymous calls. Counted in Django's cache: give the web
nodes a shared one (Redis) for the limit to hold across them."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        return settings.API_RATE_PER_TOKEN  # read per request: a deployment (or a test) may change it

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"addr:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
