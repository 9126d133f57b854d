"""Admin site: projects with their households reached; the change history (read-mostly)."""

from django.contrib import admin

from .models import HouseholdWashChange, Project, ProjectHousehold


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "funder", "start_on", "end_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "funder"]
    filter_horizontal = ["kelurahan"]
    date_hierarchy = "start_on"


@admin.register(ProjectHousehold)
class ProjectHouseholdAdmin(admin.ModelAdmin):
    list_display = ["project", "household", "completed_on"]
    list_filter = ["project__kind"]
    raw_id_fields = ["household", "project", "recorded_by"]


@admin.register(HouseholdWashChange)
class HouseholdWashChangeAdmin(admin.ModelAdmin):
    list_display = ["household", "changed_on", "field", "old", "new", "source"]
    list_filter = ["field", "source"]
    raw_id_fields = ["household", "reach", "recorded_by"]
    date_hierarchy = "changed_on"
