from django.contrib import admin

from .models import ImportIssue, ImportRun


class ImportIssueInline(admin.TabularInline):
    model = ImportIssue
    extra = 0
    readonly_fields = ("row", "column", "value", "message")
    can_delete = False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("file_name", "created_by", "created_at", "status", "rows", "rows_refused",
                    "measurements_created", "measurements_updated")  # fmt: skip
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    inlines = [ImportIssueInline]
