from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "portal.dashboards"
    label = "dashboards"
    verbose_name = _("进度汇总与驾驶舱")

    def ready(self) -> None:
        from indicators.signals import progress_changed

        from .services import on_progress_changed

        progress_changed.connect(on_progress_changed, dispatch_uid="dashboards.on_progress_changed")
