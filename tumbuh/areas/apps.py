from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "tumbuh.areas"
    label = "areas"
    verbose_name = _("Areas and health facilities")
    default_auto_field = "django.db.models.BigAutoField"
