from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import dashboards, tokens, views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("results", views.RecordedResultViewSet, basename="result")
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("dashboards/cities/", dashboards.CitiesView.as_view(), name="dashboard_cities"),
    path("dashboards/cities/<int:pk>/", dashboards.CityView.as_view(), name="dashboard_city"),
    path("dashboards/programmes/<int:pk>/", dashboards.ProgrammeView.as_view(), name="dashboard_programme"),
    path("dashboards/plans/<int:pk>/", dashboards.PlanView.as_view(), name="dashboard_plan"),
    path("dashboards/units/<int:pk>/", dashboards.UnitView.as_view(), name="dashboard_unit"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    *router.urls,
]
