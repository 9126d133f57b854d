"""Admin pages for users (role and assignment checked by the form) and TPK teams."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .forms import UserAdminChangeForm, UserAdminCreationForm
from .models import TpkTeam, User

ASSIGNMENT = (
    _("Role and areas"),
    {
        "fields": ("role", "posyandu", "puskesmas", "tpk_team", "city"),
        "description": _(
            "A cadre needs at least one posyandu, a midwife or nutrition officer a puskesmas, "
            "a TPK member a team, a city analyst a city or regency. City analysts see names "
            "only with the permission “Can see names, NIK and addresses”."
        ),
    },
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        ASSIGNMENT,
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active", "is_staff", "is_superuser", "groups", "user_permissions",
                ),
            },
        ),  # fmt: skip
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username", "first_name", "last_name", "phone", "usable_password",
                    "password1", "password2",
                ),
            },
        ),  # fmt: skip
        ASSIGNMENT,
    )
    list_display = ["username", "first_name", "last_name", "role", "puskesmas", "is_active"]
    list_filter = ["role", "is_active", "is_staff", ("puskesmas", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["puskesmas"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    autocomplete_fields = ["posyandu", "puskesmas", "tpk_team", "city"]


@admin.register(TpkTeam)
class TpkTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kelurahan", "member_count", "household_count"]
    search_fields = ["name", "kelurahan__name"]
    autocomplete_fields = ["kelurahan"]
    list_select_related = ["kelurahan"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                members_total=Count("members", distinct=True),
                households_total=Count("households", distinct=True),
            )
        )

    @admin.display(description=_("members"), ordering="members_total")
    def member_count(self, team: TpkTeam) -> int:
        return team.members_total

    @admin.display(description=_("households"), ordering="households_total")
    def household_count(self, team: TpkTeam) -> int:
        return team.households_total
