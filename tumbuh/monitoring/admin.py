"""Admin for posyandu days, measurements and pregnancy checks (for administrators).

Derived values are read-only here: they come from ``services.record_measurement`` and
``services.recompute``, never from typing.
"""

from django.contrib import admin

from tumbuh.monitoring.models import ChildMeasurement, PosyanduSession, PregnancyCheck
from tumbuh.monitoring.services import DERIVED_FIELDS


@admin.register(PosyanduSession)
class PosyanduSessionAdmin(admin.ModelAdmin):
    list_display = ("date", "posyandu", "created_by")
    list_select_related = ("posyandu", "created_by")
    date_hierarchy = "date"
    search_fields = ("posyandu__name",)
    raw_id_fields = ("posyandu", "created_by")


@admin.register(ChildMeasurement)
class ChildMeasurementAdmin(admin.ModelAdmin):
    list_display = ("measured_on", "child", "weight_kg", "lenhei_cm", "zwei", "zlen", "zwfl",
                    "growth_status", "is_2t", "is_bgm")  # fmt: skip
    list_select_related = ("child",)
    list_filter = ("growth_status", "status_tbu", "status_bbtb", "is_2t", "is_bgm")
    date_hierarchy = "measured_on"
    search_fields = ("child__name", "child__nik")
    raw_id_fields = ("child", "session", "created_by")
    readonly_fields = (*DERIVED_FIELDS, "warnings_confirmed", "created_at", "updated_at")
    show_full_result_count = False


@admin.register(PregnancyCheck)
class PregnancyCheckAdmin(admin.ModelAdmin):
    list_display = ("checked_on", "pregnancy", "muac_cm", "hb_g_dl", "risiko_kek", "kek", "anemia")
    list_select_related = ("pregnancy", "pregnancy__woman")
    date_hierarchy = "checked_on"
    search_fields = ("pregnancy__woman__name",)
    raw_id_fields = ("pregnancy", "session", "created_by")
    readonly_fields = ("gestational_weeks", "bmi", "risiko_kek", "kek", "anemia", "method_version",
                       "created_at")  # fmt: skip
