"""The FHIR export form (``fhir:export``): which posyandu, which period, which Bundle."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tumbuh.accounts.scope import posyandu_for


class ExportForm(forms.Form):
    posyandu = forms.ModelChoiceField(label=_("Posyandu"), queryset=None,
                                      empty_label=None)  # fmt: skip
    dari = forms.DateField(label=_("Measured from"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    sampai = forms.DateField(label=_("Measured until"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    jenis = forms.ChoiceField(label=_("Bundle type"), initial="transaction", choices=[
        ("transaction", _("transaction (to send to SATUSEHAT)")),
        ("collection", _("collection (to read or keep)")),
    ])  # fmt: skip
    zskor = forms.ChoiceField(label=_("WHO z-scores"), initial="1", choices=[
        ("1", _("with the z-scores as observations")), ("0", _("measurements only")),
    ])  # fmt: skip
    format = forms.ChoiceField(label=_("File"), initial="json", choices=[
        ("json", _("Bundle pages of 100 children (JSON)")),
        ("ndjson", _("one NDJSON file of every resource")),
    ])  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posyandu"].queryset = posyandu_for(user).order_by("name")

    def clean(self):
        data = super().clean()
        since, until = data.get("dari"), data.get("sampai")
        if since and until and since > until:
            self.add_error("sampai", _("The end of the period lies before its start."))
        return data

    def query(self) -> dict[str, str]:
        """The export's query string, without the options left at their defaults."""
        d = self.cleaned_data
        out = {"dari": d["dari"].isoformat() if d["dari"] else "",
               "sampai": d["sampai"].isoformat() if d["sampai"] else "",
               "jenis": d["jenis"] if d["jenis"] != "transaction" else "",
               "zskor": "0" if d["zskor"] == "0" else "",
               "format": "ndjson" if d["format"] == "ndjson" else ""}  # fmt: skip
        return {k: v for k, v in out.items() if v}
