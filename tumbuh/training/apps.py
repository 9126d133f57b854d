from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "tumbuh.training"
    label = "training"
    verbose_name = _("Cadre training (Karamunting)")
    default_auto_field = "django.db.models.BigAutoField"
