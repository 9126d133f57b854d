"""Forms of the families app: a visit, a referral, a referral's progress, a team assignment."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tumbuh.lib.forms import DateInput

from .models import Destination, Status, Topic


def _not_future(day):
    if day and day > timezone.localdate():
        raise ValidationError(_("The date is in the future."), code="future")
    return day


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visit date"), widget=DateInput)
    topics = forms.MultipleChoiceField(
        label=_("Topics discussed"), required=False, widget=forms.CheckboxSelectMultiple
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw and heard: feeding, illness, the house, what the family needs."),
    )  # fmt: skip
    referral = forms.BooleanField(
        label=_("The family needs a referral"), required=False,
        help_text=_("After saving, the referral form opens."),
    )  # fmt: skip
    #: A UUID made when the form was shown, so that sending it twice saves one visit.
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, topics=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t, Topic(t).label) for t in topics]

    def clean_visited_on(self):
        return _not_future(self.cleaned_data.get("visited_on"))


class ReferralForm(forms.Form):
    subject = forms.ChoiceField(label=_("Who is referred"), required=False)
    referred_on = forms.DateField(label=_("Date of the referral"), widget=DateInput)
    destination = forms.ChoiceField(label=_("Referred to"), choices=Destination.choices)
    destination_detail = forms.CharField(
        label=_("Place (optional)"), required=False, max_length=120,
        help_text=_("For example the name of the puskesmas or hospital."),
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, subjects=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("the whole family")), *subjects]

    def clean_referred_on(self):
        return _not_future(self.cleaned_data.get("referred_on"))


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices,
                               widget=forms.RadioSelect)  # fmt: skip
    attended_on = forms.DateField(label=_("Went to the service on"), required=False,
                                  widget=DateInput)  # fmt: skip
    outcome_on = forms.DateField(label=_("Outcome known on"), required=False, widget=DateInput)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the service found or decided, or why the family did not go."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_attended_on(self):
        return _not_future(self.cleaned_data.get("attended_on"))

    def clean_outcome_on(self):
        return _not_future(self.cleaned_data.get("outcome_on"))


class AssignForm(forms.Form):
    """Assign the families of a kelurahan (optionally one RW, at-risk only) to a team."""

    kelurahan = forms.ChoiceField(label=_("Kelurahan"))
    rw = forms.CharField(label=_("RW (optional)"), required=False, max_length=3)
    only_at_risk = forms.BooleanField(label=_("Only families at risk"), required=False,
                                      initial=True)  # fmt: skip
    only_unassigned = forms.BooleanField(label=_("Only families without a team"),
                                         required=False, initial=True)  # fmt: skip
    team = forms.ChoiceField(label=_("Team"))

    def __init__(self, *args, kelurahan=(), teams=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = [(k.pk, k.name) for k in kelurahan]
        self.fields["team"].choices = [
            *((str(t.pk), f"{t.name} · {t.kelurahan.name}") for t in teams),
            ("none", _("no team (remove the assignment)")),
        ]  # fmt: skip
        self.teams = {str(t.pk): t for t in teams}

    def clean(self):
        data = super().clean()
        team = self.teams.get(data.get("team"))
        if team and data.get("kelurahan") and str(team.kelurahan_id) != data["kelurahan"]:
            self.add_error("team", _("This team works in another kelurahan."))
        return data

    @property
    def chosen_team(self):
        return self.teams.get(self.cleaned_data.get("team"))
