"""Forms of the wash app: a household's status, a project, the households a project reached."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tumbuh.areas.models import Area
from tumbuh.registry.forms import DateField
from tumbuh.registry.models import Sanitation, Wastewater, WaterSource

from .models import Project, ProjectStatus

NOT_KNOWN = [("", _("not known"))]


class StatusForm(forms.Form):
    """What a kader, bidan or TPK member saw at the family's home."""

    water_source = forms.ChoiceField(label=_("Drinking water source"), required=False,
                                     choices=NOT_KNOWN + WaterSource.choices)  # fmt: skip
    sanitation = forms.ChoiceField(label=_("Latrine and septic tank"), required=False,
                                   choices=NOT_KNOWN + Sanitation.choices)  # fmt: skip
    wastewater = forms.ChoiceField(label=_("Grey water (kitchen, bath, laundry) goes to"),
                                   required=False,
                                   choices=NOT_KNOWN + Wastewater.choices)  # fmt: skip
    changed_on = DateField(label=_("Checked on"))
    project = forms.ModelChoiceField(
        label=_("Changed by a project"), required=False, queryset=Project.objects.none(),
        help_text=_("If a project did the work (a PDAM connection, a septic tank, ...), choose "
                    "it: the family is counted among the households it reached."),
    )  # fmt: skip

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["project"].queryset = (
            Project.objects.filter(kelurahan=household.kelurahan_id)
            .exclude(status=ProjectStatus.CANCELLED).exclude(reached__household=household)
            .order_by("-start_on", "name")
        )  # fmt: skip
        if not self.is_bound:
            self.initial.update({name: getattr(household, name)
                                 for name in ("water_source", "sanitation", "wastewater")})
            self.initial["changed_on"] = timezone.localdate()

    def clean(self):
        data = super().clean()
        project, day = data.get("project"), data.get("changed_on")
        if project and day and day < project.start_on:
            self.add_error("changed_on", _("The project started later than this day."))
        return data


class ProjectForm(forms.ModelForm):
    start_on = DateField(label=_("Start"))
    end_on = DateField(label=_("End"), required=False)

    class Meta:
        model = Project
        fields = ["name", "kind", "funder", "kelurahan", "start_on", "end_on", "status",
                  "planned_households", "notes"]  # fmt: skip
        widgets = {"kelurahan": forms.CheckboxSelectMultiple,
                   "notes": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        kel = Area.objects.filter(level=4, posyandu__isnull=False)
        if user.city_id and not user.is_administrator:
            kel = kel.filter(code__startswith=user.city_id + ".")
        if self.instance.pk:
            kel = Area.objects.filter(Q(pk__in=kel) | Q(wash_projects=self.instance))
        self.fields["kelurahan"].queryset = (kel.distinct().order_by("name")
                                             .only("code", "name", "level"))  # fmt: skip
        self.label_suffix = ""

    def clean(self):
        data = super().clean()
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("The end cannot be before the start."))
        return data


class ReachForm(forms.Form):
    completed_on = DateField(label=_("Work finished on"))
    households = forms.MultipleChoiceField(label=_("Families reached"),
                                           widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].choices = [(str(pk), label) for pk, label in candidates]
