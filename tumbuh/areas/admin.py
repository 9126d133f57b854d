from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from tumbuh.areas.models import Area, Posyandu, Puskesmas


class HasBoundaryFilter(admin.SimpleListFilter):
    title = _("boundary")
    parameter_name = "has_boundary"

    def lookups(self, request, model_admin):
        return [("yes", _("with a boundary")), ("no", _("without a boundary"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(boundary__isnull=False)
        if self.value() == "no":
            return queryset.filter(boundary__isnull=True)
        return queryset


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "has_boundary"]
    list_filter = ["level", HasBoundaryFilter]
    search_fields = ["code", "name", "aliases"]
    # 91,599 areas in the whole code list: never render them as one <select>.
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]
    # Boundaries are GeoJSON, often tens of kilobytes: imported, never typed in.
    exclude = ["boundary"]
    readonly_fields = ["boundary_summary"]
    list_per_page = 100

    @admin.display(boolean=True, description=_("boundary"))
    def has_boundary(self, area: Area) -> bool:
        return area.boundary is not None

    @admin.display(description=_("boundary"))
    def boundary_summary(self, area: Area) -> str:
        if area.boundary is None:
            return _("none; import one with tumbuh importboundaries")
        coordinates = area.boundary.get("coordinates") or []
        polygons = coordinates if area.boundary.get("type") == "MultiPolygon" else [coordinates]
        vertex_count = sum(len(ring) for polygon in polygons for ring in polygon)
        return _("%(type)s; parts: %(polygons)d; vertices: %(vertices)d") % {
            "type": area.boundary.get("type"),
            "polygons": len(polygons),
            "vertices": vertex_count,
        }


@admin.register(Puskesmas)
class PuskesmasAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kecamatan", "posyandu_count", "is_active"]
    list_filter = ["is_active", ("kecamatan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code", "kecamatan__name"]
    autocomplete_fields = ["kecamatan", "catchment"]
    list_select_related = ["kecamatan"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(posyandu_total=Count("posyandu"))

    @admin.display(description=_("posyandu"), ordering="posyandu_total")
    def posyandu_count(self, puskesmas: Puskesmas) -> int:
        return puskesmas.posyandu_total


@admin.register(Posyandu)
class PosyanduAdmin(admin.ModelAdmin):
    list_display = ["name", "kelurahan", "rt_rw", "puskesmas", "is_active"]
    list_filter = [
        "is_active",
        ("puskesmas", admin.RelatedOnlyFieldListFilter),
        ("kelurahan", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "rt_rw", "address", "kelurahan__name", "puskesmas__name"]
    autocomplete_fields = ["puskesmas", "kelurahan"]
    list_select_related = ["kelurahan", "puskesmas"]
