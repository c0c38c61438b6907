from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose otherwise: the browser's Accept-Language is not asked.

    A bureau officer's browser is often set to English by the IT department; the portal's
    language is the bureau's. The choice made with the language switcher is kept in a cookie.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class AnonymousBodyLimitMiddleware:
    """A request from someone not logged in may carry at most ANONYMOUS_MAX_BODY_BYTES (a login
    form, a language choice): anything bigger is refused (413) before its body is read. Logged-in
    users' uploads are bounded by the import and evidence limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ANONYMOUS_MAX_BODY_BYTES and not request.user.is_authenticated:
            return HttpResponse(
                translation.gettext("请求内容过大：请先登录。"), status=413, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """The Content-Security-Policy of every page (no inline script: behaviour lives in static
    files), and no-store on what a logged-in user is shown, so that a shared computer's cache
    or the back button after logout keeps no report, figure or export."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class DebugErrorPagesMiddleware:
    """With DEBUG on (make run), the portal's own 404 and 500 pages instead of Django's
    technical ones, so that what a user sees in the demo is what a bureau's users see. The
    traceback still goes to the console (django.request logs it). DEBUG_ERROR_PAGES=0 brings
    Django's pages back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (settings.DEBUG and settings.DEBUG_ERROR_PAGES and response.status_code in (404, 500)
                and not getattr(response, "portal_error_page", False)
                and response.get("Content-Type", "").startswith("text/html")
                and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))):
            from . import views

            return views.not_found(request) if response.status_code == 404 else views.server_error(request)
        return response
