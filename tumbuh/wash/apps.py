from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WashConfig(AppConfig):
    name = "tumbuh.wash"
    label = "wash"
    verbose_name = _("Water and sanitation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the registry's save receivers)
