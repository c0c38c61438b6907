from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("reports/", include("indicators.urls")),
    path("imports/", include("portal.imports.urls")),
    path("imports/draft/", include("portal.imports.draft_urls")),
    path("dashboards/", include("portal.dashboards.urls")),
    path("supervision/", include("portal.supervision.urls")),
    path("api/", include("portal.api.urls")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"

admin.site.site_header = "工作方案督办平台"
admin.site.site_title = "工作方案督办平台"
