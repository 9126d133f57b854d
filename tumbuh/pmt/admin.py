from django.contrib import admin

from .models import Delivery, Enrolment, UnitCost


@admin.register(UnitCost)
class UnitCostAdmin(admin.ModelAdmin):
    list_display = ("year", "group", "cost_per_day_idr", "note")
    list_filter = ("group",)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "group", "reason", "started_on", "planned_end", "closed_on",
                    "outcome", "posyandu")  # fmt: skip
    list_filter = ("group", "reason", "outcome", "funding")
    date_hierarchy = "started_on"
    raw_id_fields = ("child", "pregnancy", "household", "start_measurement", "start_check",
                     "end_measurement", "end_check")  # fmt: skip
    list_select_related = ("child", "pregnancy__woman", "posyandu")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "day", "status", "missed_reason", "recorded_by")
    list_filter = ("status",)
    raw_id_fields = ("enrolment",)
