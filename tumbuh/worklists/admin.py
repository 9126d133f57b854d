"""Admin for follow-ups: read them, correct an action or a note (administrators only)."""

from django.contrib import admin

from tumbuh.worklists.models import FollowUp


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("done_on", "reason", "action", "child", "pregnancy", "posyandu", "created_by")
    list_select_related = ("child", "pregnancy", "pregnancy__woman", "posyandu", "created_by")
    list_filter = ("reason", "action")
    date_hierarchy = "done_on"
    search_fields = ("child__name", "pregnancy__woman__name", "posyandu__name")
    raw_id_fields = ("child", "pregnancy", "measurement", "pregnancy_check", "posyandu",
                     "household", "created_by")  # fmt: skip
    readonly_fields = ("reason", "month", "outcome_type", "outcome_id", "created_at")
    show_full_result_count = False
