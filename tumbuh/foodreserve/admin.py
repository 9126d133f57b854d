"""Admin of the food reserve: items and stores are kept here; the ledger is read-only (every
change of stock goes through the pages, i.e. tumbuh.foodreserve.services)."""

from django.contrib import admin

from .models import Issue, Item, Round, RoundItem, StockBalance, StockMovement, Store


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "note", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "is_active")
    list_filter = ("is_active",)
    raw_id_fields = ("city",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Stock rows change only through the services (balance, ledger and issue together)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ("store", "item", "quantity", "updated_at")
    list_select_related = ("store", "item")


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("occurred_on", "store", "item", "kind", "quantity", "reason", "reference",
                    "created_by")  # fmt: skip
    list_select_related = ("store", "item", "created_by")
    list_filter = ("kind", "store", "item")
    date_hierarchy = "occurred_on"
    show_full_result_count = False


class RoundItemInline(admin.TabularInline):
    model = RoundItem
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "store", "starts_on", "ends_on", "eligibility", "rule_version",
                    "is_open")  # fmt: skip
    list_filter = ("is_open", "store")
    readonly_fields = ("rule_version", "created_by", "created_at")
    inlines = [RoundItemInline]

    def save_model(self, request, obj, form, change):
        if not change:
            from . import config

            obj.rule_version = config.current().version
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = ("issued_on", "round", "household", "issued_by", "cancelled_at")
    list_select_related = ("round", "household", "issued_by")
    list_filter = ("round",)
    raw_id_fields = ("household",)
    show_full_result_count = False
