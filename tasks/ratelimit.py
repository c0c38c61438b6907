"""Per-user rate limits on the writes a request can make expensive (uploads, saves): a
counter per user, action and window in Django's cache (shared by the web workers when the cache
is; per process with the default local-memory cache)."""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _


def rate_limited(action: str):
    """A view whose POSTs count against the user's RATE_LIMITS[action] = (how many, seconds);
    over it, 429 with the time to wait, and the view does not run."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and request.user.is_authenticated:
                limit, window = settings.RATE_LIMITS[action]
                slot = int(time.time() // window)
                key = f"rate:{action}:{request.user.pk}:{slot}"
                cache.add(key, 0, timeout=window)
                if cache.incr(key) > limit:
                    wait = int((slot + 1) * window - time.time()) + 1
                    response = HttpResponse(
                        _("操作过于频繁：每 %(window)s 秒最多 %(limit)s 次，请 %(wait)s 秒后再试。")
                        % {"window": window, "limit": limit, "wait": wait},
                        status=429, content_type="text/plain; charset=utf-8",
                    )
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
