from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConvergenceConfig(AppConfig):
    name = "tumbuh.convergence"
    label = "convergence"
    verbose_name = _("Convergence")
    default_auto_field = "django.db.models.BigAutoField"
