"""Forms of the PMT pages (the daily log is a plain table of radio buttons, see the view)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MANUAL, Funding, Outcome


class EnrolForm(forms.Form):
    """One tap on the eligible list: who, and the funding (the rest comes from the rule set)."""

    child = forms.UUIDField(required=False)
    pregnancy = forms.UUIDField(required=False)
    funding = forms.ChoiceField(label=_("Funding"), choices=Funding.choices,
                                initial=Funding.APBD)  # fmt: skip
    partner = forms.CharField(label=_("Partner"), max_length=120, required=False)
    started_on = forms.DateField(label=_("First day"), required=False)
    #: set when enrolling from a worklist item: the item is then recorded as "enrolled"
    worklist_reason = forms.CharField(required=False, max_length=24)
    worklist_item = forms.CharField(required=False, max_length=64)

    def clean(self):
        data = super().clean()
        if bool(data.get("child")) == bool(data.get("pregnancy")):
            raise forms.ValidationError(_("Choose one child or one pregnant woman."))
        started = data.get("started_on")
        if started and started > dt.date.today() + dt.timedelta(days=31):
            raise forms.ValidationError(_("The first day lies more than a month ahead."))
        return data


class CloseForm(forms.Form):
    """Close an enrolment: judged from the end measurement (from the last planned day on), or
    early as referred, dropped out, moved or died."""

    JUDGE = "judge"

    outcome = forms.ChoiceField(label=_("Outcome"))
    closed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, enrolment, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if today >= enrolment.planned_end:
            choices.append((self.JUDGE, _("Judge from the end measurement")))
        choices += [(o.value, o.label) for o in MANUAL]
        self.fields["outcome"].choices = choices
        self.fields["closed_on"].initial = min(today, enrolment.planned_end)
        self.enrolment, self.today = enrolment, today

    def clean_closed_on(self):
        day = self.cleaned_data["closed_on"]
        if day > self.today:
            raise forms.ValidationError(_("The date is in the future."))
        if day < self.enrolment.started_on:
            raise forms.ValidationError(_("An enrolment cannot close before its first day."))
        return day


__all__ = ["CloseForm", "EnrolForm", "Outcome"]
