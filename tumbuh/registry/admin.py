"""Admin pages of the registry, for administrators (the web pages are for everyone else).

Children that were merged into another stay visible here (filter "merged"); merge records are
read-only: they are written by ``registry.services.merge_children`` only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Child, Household, MergeRecord, Person, Pregnancy


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["name", "sex", "birth_date", "nik", "phone"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["head_name", "kk_number", "address", "rt", "rw", "kelurahan", "posyandu"]
    list_filter = [("posyandu", admin.RelatedOnlyFieldListFilter), "water_source", "sanitation"]
    search_fields = ["head_name", "kk_number", "address"]
    autocomplete_fields = ["kelurahan", "posyandu", "tpk_team"]
    list_select_related = ["kelurahan", "posyandu"]
    readonly_fields = ["created_at", "updated_at", "created_by"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "sex", "birth_date", "nik", "household"]
    search_fields = ["name", "nik", "household__head_name", "household__kk_number"]
    raw_id_fields = ["household"]
    list_select_related = ["household"]


class MergedFilter(admin.SimpleListFilter):
    title = _("merged")
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("no", _("active records")), ("yes", _("merged into another"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(merged_into__isnull=True)
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        return queryset


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["name", "sex", "birth_date", "nik", "posyandu", "household", "merged_into"]
    list_filter = [MergedFilter, "sex", ("posyandu", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "nik", "household__head_name", "mother__name"]
    raw_id_fields = ["household", "mother", "merged_into"]
    autocomplete_fields = ["posyandu"]
    list_select_related = ["posyandu", "household", "merged_into"]
    readonly_fields = ["created_at", "updated_at", "created_by"]
    date_hierarchy = "birth_date"


@admin.register(Pregnancy)
class PregnancyAdmin(admin.ModelAdmin):
    list_display = ["woman", "hpht", "hpl", "gravida", "para", "abortus", "posyandu", "ended_on"]
    search_fields = ["woman__name", "woman__nik"]
    raw_id_fields = ["woman"]
    autocomplete_fields = ["posyandu"]
    list_select_related = ["woman", "posyandu"]


@admin.register(MergeRecord)
class MergeRecordAdmin(admin.ModelAdmin):
    list_display = ["merged_at", "kept", "merged", "merged_by"]
    search_fields = ["kept__name", "merged__name", "merged_by__username"]
    list_select_related = ["kept", "merged", "merged_by"]
    readonly_fields = ["kept", "merged", "merged_by", "merged_at", "details"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
