"""Admin pages of the cadre registry and training (administrators; the pages do the daily work)."""

from django.contrib import admin

from .models import Attendance, Cadre, Module, Session


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "posyandu", "tpk_team", "active_since", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["name", "phone", "user__username"]
    raw_id_fields = ["user", "posyandu", "tpk_team"]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "core", "anthropometry", "version", "in_catalogue"]
    readonly_fields = ["code", "version"]

    def has_add_permission(self, request):
        return False  # modules come from the catalogue file (docs/training.md)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    raw_id_fields = ["cadre"]
    readonly_fields = ["passed", "pass_mark", "rules_version"]
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "start_date", "puskesmas", "kelurahan"]
    date_hierarchy = "start_date"
    filter_horizontal = ["modules"]
    raw_id_fields = ["puskesmas", "kelurahan"]
    inlines = [AttendanceInline]
