from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "portal.supervision"
    label = "supervision"
    verbose_name = _("督查督办与考核")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from indicators.models import ProgressReport

        from .services.closing import refuse_reports_of_closed_measures

        # A closed (销号) measure takes no more reports: refused where every report is saved.
        pre_save.connect(refuse_reports_of_closed_measures, sender=ProgressReport,
                         dispatch_uid="supervision.refuse_reports_of_closed_measures")
