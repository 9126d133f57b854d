from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoodreserveConfig(AppConfig):
    name = "tumbuh.foodreserve"
    label = "foodreserve"
    verbose_name = _("Food reserve and protein packages")
    default_auto_field = "django.db.models.BigAutoField"
