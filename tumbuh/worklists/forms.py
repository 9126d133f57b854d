"""The follow-up form: one button per action, an optional note and date."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tumbuh.lib.forms import DateInput

from .models import Action

NOTE_MAX = 500


def item_value(item) -> str:
    """How another item of the same person is named in the form ("reason:pk")."""
    return f"{item.reason}:{item.pk}"


class FollowUpForm(forms.Form):
    """``action`` comes from the button pressed; the rest is optional."""

    action = forms.ChoiceField(
        label=_("What was done"), choices=Action.choices,
        error_messages={"required": _("Choose what was done."),
                        "invalid_choice": _("Choose what was done.")},
    )  # fmt: skip
    done_on = forms.DateField(label=_("Date"), required=False, widget=DateInput)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    #: A UUID made when the form was shown, so that a resubmission is recognised.
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    also = forms.MultipleChoiceField(
        label=_("Record the same for"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, others=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.others = list(others)
        self.fields["also"].choices = [(item_value(o), o.reason_label) for o in self.others]
        if not self.others:
            del self.fields["also"]

    def clean_done_on(self):
        day = self.cleaned_data.get("done_on") or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError(_("The date is in the future."), code="future")
        return day

    def chosen_others(self) -> list:
        chosen = set(self.cleaned_data.get("also") or ())
        return [o for o in self.others if item_value(o) in chosen]
