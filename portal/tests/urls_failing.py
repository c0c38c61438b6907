"""The portal's URLs and one that fails, for the 500 page's test."""

from django.urls import path

from portal.urls import handler403, handler404, handler500, urlpatterns as portal_urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *portal_urlpatterns]
