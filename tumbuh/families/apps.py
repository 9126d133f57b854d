from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "tumbuh.families"
    label = "families"
    verbose_name = _("Families at risk and family assistance")
    default_auto_field = "django.db.models.BigAutoField"
