from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "portal.imports"
    label = "imports"
    verbose_name = _("台账导入")
