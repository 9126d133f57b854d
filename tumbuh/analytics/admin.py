"""Administration of the monthly figures: the projected number of under-fives per posyandu and
year (the stored figures themselves are computed, never edited)."""

from django.contrib import admin

from .models import UnderFiveProjection


@admin.register(UnderFiveProjection)
class UnderFiveProjectionAdmin(admin.ModelAdmin):
    list_display = ["posyandu", "year", "under_fives", "source", "updated_at"]
    list_filter = ["year", ("posyandu__puskesmas", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["posyandu__name", "posyandu__kelurahan__name", "source"]
    autocomplete_fields = ["posyandu"]
    list_select_related = ["posyandu"]
    list_per_page = 100
