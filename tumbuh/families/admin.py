"""Admin for the families app: TPK member functions (the team composition), and screenings,
visits and referrals to read or correct (administrators)."""

from django.contrib import admin

from tumbuh.families.models import Referral, Screening, TeamMember, Visit


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "function")
    list_select_related = ("user", "user__tpk_team")
    list_filter = ("function",)
    search_fields = ("user__username", "user__first_name", "user__last_name",
                     "user__tpk_team__name")  # fmt: skip
    raw_id_fields = ("user",)


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin):
    list_display = ("screened_on", "household", "is_target", "at_risk", "factors",
                    "rule_version")  # fmt: skip
    list_select_related = ("household",)
    list_filter = ("at_risk", "is_target", "rule_version")
    date_hierarchy = "screened_on"
    search_fields = ("household__head_name", "household__kk_number")
    raw_id_fields = ("household", "screened_by")
    readonly_fields = ("created_at",)
    show_full_result_count = False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("visited_on", "household", "team", "visited_by", "referral")
    list_select_related = ("household", "team", "visited_by")
    list_filter = ("referral",)
    date_hierarchy = "visited_on"
    search_fields = ("household__head_name", "team__name")
    raw_id_fields = ("household", "visited_by", "team")
    show_full_result_count = False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("referred_on", "household", "destination", "status", "attended_on",
                    "outcome_on")  # fmt: skip
    list_select_related = ("household",)
    list_filter = ("status", "destination")
    date_hierarchy = "referred_on"
    search_fields = ("household__head_name", "reason")
    raw_id_fields = ("household", "person", "child", "pregnancy", "visit", "created_by",
                     "updated_by")  # fmt: skip
    show_full_result_count = False
