"""Account forms: sign-in and password change for everyone, user forms for the admin site.

A user's role decides which assignment they need (:data:`REQUIRED_ASSIGNMENT`): a cadre at
least one posyandu, a midwife or nutrition officer a puskesmas, a TPK member a team, a city
analyst a city or regency. The admin site refuses a user without it, since such a user would
see nothing at all (:func:`tumbuh.accounts.scope.visible`).
"""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Role, User

#: role -> (field, message when it is missing)
REQUIRED_ASSIGNMENT = {
    Role.KADER: ("posyandu", _("A posyandu cadre needs at least one posyandu.")),
    Role.BIDAN: ("puskesmas", _("A midwife or nutrition officer needs a puskesmas.")),
    Role.TPK: ("tpk_team", _("A family assistance team member needs a team.")),
    Role.ANALYST: ("city", _("A city analyst needs a city or regency.")),
}
ASSIGNMENT_FIELDS = ("role", "posyandu", "puskesmas", "tpk_team", "city")


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username"}
        )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RoleAssignmentMixin:
    """Refuse a role without the area it needs (superusers see everything anyway)."""

    def clean(self):
        data = super().clean()
        if data.get("is_superuser") or (self.instance.is_superuser and "is_superuser" not in data):
            return data
        required = REQUIRED_ASSIGNMENT.get(data.get("role"))
        if required is not None:
            field, message = required
            value = data.get(field)
            if field in self.fields and not value and field not in self.errors:
                self.add_error(field, ValidationError(message, code="assignment_missing"))
        return data


class UserAdminChangeForm(RoleAssignmentMixin, auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"


class UserAdminCreationForm(RoleAssignmentMixin, auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "phone", *ASSIGNMENT_FIELDS)

