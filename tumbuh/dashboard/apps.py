from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "tumbuh.dashboard"
    label = "dashboard"
    verbose_name = _("City dashboard")
    default_auto_field = "django.db.models.BigAutoField"
