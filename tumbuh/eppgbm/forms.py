"""Forms of the e-PPGBM pages: upload, column mapping, export period."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services import LABELS

#: Largest accepted upload (an e-PPGBM export of a whole city is a few MB).
MAX_UPLOAD_BYTES = 40 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("e-PPGBM file (.xlsx, .xls or .csv)"),
        help_text=_("The individual-level export of e-PPGBM; .xls files that are web pages are "
                    "read too."),
    )  # fmt: skip

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 40 MB: split it by posyandu."))
        return f


class MappingForm(forms.Form):
    """One select per field the import reads: which column of the file holds it."""

    def __init__(self, *args, headers: list[str], initial_mapping: dict[str, int], **kw):
        super().__init__(*args, **kw)
        choices = [("", _("(not in the file)"))] + [(str(i), h) for i, h in enumerate(headers)]
        for key, label in LABELS.items():
            self.fields[key] = forms.ChoiceField(
                label=label, choices=choices, required=False,
                initial=str(initial_mapping[key]) if key in initial_mapping else "",
            )  # fmt: skip
        self.fields["posyandu_map"] = forms.CharField(
            label=_("Posyandu names in the file"), required=False,
            help_text=_('For names that differ from the registry: "Name in file=Posyandu", '
                        "separated by commas."),
        )  # fmt: skip

    def mapping(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.cleaned_data.items()
                if k in LABELS and v not in ("", None)}  # fmt: skip


class ExportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    posyandu = forms.ChoiceField(label=_("Posyandu"), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")])

    def __init__(self, *args, posyandu_list=(), **kw):
        super().__init__(*args, **kw)
        self.fields["posyandu"].choices = [("", _("All my posyandu"))] + [
            (str(p.pk), p.name) for p in posyandu_list
        ]
        today = timezone.localdate()
        self.fields["start"].initial = today.replace(day=1) - dt.timedelta(days=180)
        self.fields["end"].initial = today

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date comes after the end date."))
        return data
