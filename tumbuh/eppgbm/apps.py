from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EppgbmConfig(AppConfig):
    name = "tumbuh.eppgbm"
    label = "eppgbm"
    verbose_name = _("e-PPGBM import and export")
    default_auto_field = "django.db.models.BigAutoField"
