"""Forms of the training pages: a cadre, a session, and a session's attendance table."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tumbuh.accounts.models import Role, TpkTeam, User
from tumbuh.accounts.scope import posyandu_for
from tumbuh.areas.models import Area, Puskesmas

from .models import Cadre, Module, Session

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def teams_for(user):
    """The TPK teams a manager may assign cadres to: the kelurahan of their posyandu."""
    teams = TpkTeam.objects.select_related("kelurahan").order_by("name")
    if user.is_administrator:
        return teams
    if user.role == Role.BIDAN and user.puskesmas_id:
        return teams.filter(kelurahan__serving_puskesmas=user.puskesmas_id).distinct()
    return teams.none()


class CadreForm(forms.ModelForm):
    class Meta:
        model = Cadre
        fields = ["name", "sex", "role", "posyandu", "tpk_team", "user", "phone", "nik",
                  "birth_year", "active_since", "left_on", "is_active"]  # fmt: skip
        widgets = {"active_since": DATE_INPUT, "left_on": DATE_INPUT}

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posyandu"].queryset = posyandu_for(manager).filter(
            Q(is_active=True) | Q(pk=self.instance.posyandu_id)).order_by("name")
        self.fields["posyandu"].required = False
        teams = teams_for(manager)
        self.fields["tpk_team"].queryset = teams
        self.fields["tpk_team"].required = False
        self.fields["tpk_team"].help_text = _("For members of a family assistance team.")
        places = self.fields["posyandu"].queryset.values("pk")
        linked = Cadre.objects.exclude(pk=self.instance.pk).filter(user__isnull=False)
        accounts = User.objects.filter(
            Q(role=Role.KADER, posyandu__in=places) | Q(role=Role.TPK, tpk_team__in=teams)
            | Q(role=Role.BIDAN, puskesmas__posyandu__in=places) | Q(pk=self.instance.user_id)
        ).exclude(pk__in=linked.values("user_id")).distinct().order_by("first_name", "username")
        self.fields["user"].queryset = accounts
        self.fields["user"].label_from_instance = (
            lambda u: f"{u.get_full_name() or u.username} ({u.username})")
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["nik"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["birth_year"].widget.attrs.update({"inputmode": "numeric"})


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["title", "modules", "start_date", "end_date", "venue", "kelurahan",
                  "puskesmas", "organiser", "trainer"]  # fmt: skip
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT,
                   "modules": forms.CheckboxSelectMultiple}  # fmt: skip

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = Module.objects.filter(
            Q(in_catalogue=True) | Q(pk__in=self.instance.modules.values("pk")
                                     if self.instance.pk else []))  # fmt: skip
        self.fields["modules"].label_from_instance = lambda m: f"{m.code} · {m.label}"
        places = posyandu_for(manager)
        kelurahan = Area.objects.filter(level=Area.Level.VILLAGE).filter(
            Q(posyandu__in=places.values("pk")) | Q(code=self.instance.kelurahan_id)
        ).distinct().order_by("name")  # fmt: skip
        self.fields["kelurahan"].queryset = kelurahan
        if manager.is_administrator:
            self.fields["puskesmas"].queryset = Puskesmas.objects.order_by("name")
        else:
            # A bidan's sessions are her puskesmas's.
            del self.fields["puskesmas"]
            self.instance.puskesmas_id = manager.puskesmas_id


class AttendanceRowForm(forms.Form):
    cadre = forms.UUIDField(widget=forms.HiddenInput)
    attended = forms.BooleanField(required=False, label=gettext_lazy("attended"))
    pre_score = forms.IntegerField(
        required=False, min_value=0, max_value=100, label=gettext_lazy("pre-test"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "tr-score"}),
    )  # fmt: skip
    post_score = forms.IntegerField(
        required=False, min_value=0, max_value=100, label=gettext_lazy("post-test"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "tr-score"}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if not data.get("attended") and (data.get("pre_score") is not None
                                         or data.get("post_score") is not None):
            raise forms.ValidationError(
                _("Scores were entered but “attended” is not ticked."), code="not_attended")
        return data


class BaseAttendanceFormSet(forms.BaseFormSet):
    def __init__(self, *args, allowed=(), **kwargs):
        self.allowed = {str(pk) for pk in allowed}
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            pk = form.cleaned_data.get("cadre") if hasattr(form, "cleaned_data") else None
            if pk is None:
                continue
            if str(pk) not in self.allowed:
                raise forms.ValidationError(_("A cadre in the table is not on this session's "
                                              "list; reload the page."))  # fmt: skip
            if pk in seen:
                raise forms.ValidationError(_("A cadre appears twice in the table."))
            seen.add(pk)


AttendanceFormSet = forms.formset_factory(AttendanceRowForm, formset=BaseAttendanceFormSet,
                                          extra=0, max_num=5000, absolute_max=5000)
