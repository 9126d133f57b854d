from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PmtConfig(AppConfig):
    name = "tumbuh.pmt"
    label = "pmt"
    verbose_name = _("Supplementary feeding (PMT)")
    default_auto_field = "django.db.models.BigAutoField"
