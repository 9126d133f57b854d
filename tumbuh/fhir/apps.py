from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FhirConfig(AppConfig):
    name = "tumbuh.fhir"
    label = "fhir"
    verbose_name = _("FHIR export for SATUSEHAT")
    default_auto_field = "django.db.models.BigAutoField"
