"""The data-quality scorecard: how well each posyandu and cadre measures, month by month."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "tumbuh.quality"
    label = "quality"
    verbose_name = _("Data quality")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
