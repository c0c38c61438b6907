from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "portal.dashboards"
    label = "dashboards"
    verbose_name = _("进度汇总与驾驶舱")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from tasks.models import Measure
        from tasks.signals import progress_changed

        from .services import on_measure_deleted, on_progress_changed

        progress_changed.connect(on_progress_changed, dispatch_uid="dashboards.on_progress_changed")
        pre_delete.connect(on_measure_deleted, sender=Measure, dispatch_uid="dashboards.on_measure_deleted")
