"""Forms of the weighing day: open a posyandu day, measure a child, check a pregnant woman.

Numbers accept a decimal comma or point (``DecimalCommaField``) and bring up the phone's number
pad. Each range comes from the model field's validators, so the form refuses exactly what the
database would refuse, with a message that names the field and the unit.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tumbuh.lib.forms import DateInput, DecimalCommaField
from tumbuh.lib.forms import in_range as _in_range
from tumbuh.lib.forms import to_float as _float
from tumbuh.monitoring.models import ChildMeasurement, Measure, PregnancyCheck
from tumbuh.monitoring.services import MeasurementInput

#: From this age (days) a child is measured standing (WHO: 24 months = 731 days).
HEIGHT_FROM_DAYS = 731


def _limits(model, name) -> tuple[Decimal, Decimal]:
    field = model._meta.get_field(name)
    low = next(v.limit_value for v in field.validators if isinstance(v, MinValueValidator))
    high = next(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))
    return Decimal(str(low)), Decimal(str(high))



class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields
        super().__init__(*args, **kwargs)


class OpenSessionForm(_Form):
    posyandu = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput)

    def clean_date(self):
        day = self.cleaned_data.get("date") or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError(_("The date is in the future."), code="future")
        return day


RANGE_MESSAGES = {
    "weight_kg": _("Enter the weight in kilograms, between %(low)s and %(high)s."),
    "lenhei_cm": _("Enter the length or height in centimetres, between %(low)s and %(high)s."),
    "headc_cm": _("Enter the head circumference in centimetres, between %(low)s and %(high)s."),
    "armc_cm": _("Enter the arm circumference in centimetres, between %(low)s and %(high)s."),
}


class MeasurementForm(_Form):
    """One child on weighing day. ``confirm`` is honoured only for the values that were warned
    about (``confirm_values``): a cadre who corrects a value after a warning gets the new
    values checked again."""

    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    weight_kg = DecimalCommaField(label=_("Weight (kg)"), required=False, decimal_places=3)
    lenhei_cm = DecimalCommaField(
        label=_("Length or height (cm)"), required=False, decimal_places=2
    )
    measure = forms.ChoiceField(
        label=_("How was the child measured?"),
        required=False,
        choices=[
            (Measure.LENGTH, _("Lying down (length)")),
            (Measure.HEIGHT, _("Standing (height)")),
        ],  # fmt: skip
        widget=forms.RadioSelect,
    )
    headc_cm = DecimalCommaField(
        label=_("Head circumference (cm)"), required=False, decimal_places=2
    )
    armc_cm = DecimalCommaField(
        label=_("Mid-upper arm circumference (cm)"), required=False, decimal_places=2
    )
    oedema = forms.BooleanField(
        label=_("Oedema on both feet (bilateral pitting oedema)"), required=False
    )
    confirm = forms.BooleanField(label=_("The values are correct"), required=False)
    confirm_values = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, age_days: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("weight_kg", "lenhei_cm", "headc_cm", "armc_cm"):
            self.fields[name].widget.attrs["class"] = "big-number"
        if not self.is_bound:
            self.fields["weight_kg"].widget.attrs["autofocus"] = True
        if age_days is not None and not self.is_bound and "measure" not in self.initial:
            self.initial["measure"] = (
                Measure.HEIGHT if age_days >= HEIGHT_FROM_DAYS else Measure.LENGTH
            )

    def _clean_range(self, name):
        return _in_range(self.cleaned_data.get(name), _limits(ChildMeasurement, name),
                         RANGE_MESSAGES[name])  # fmt: skip

    def clean_weight_kg(self):
        return self._clean_range("weight_kg")

    def clean_lenhei_cm(self):
        return self._clean_range("lenhei_cm")

    def clean_headc_cm(self):
        return self._clean_range("headc_cm")

    def clean_armc_cm(self):
        return self._clean_range("armc_cm")

    def clean(self):
        data = super().clean()
        values = ("weight_kg", "lenhei_cm", "headc_cm", "armc_cm")
        if not any(n in self.errors for n in values) and all(data.get(n) is None for n in values):
            raise ValidationError(
                _("Enter at least one measurement: weight, length or height, head or arm "
                  "circumference."),
                code="nothing_measured",
            )  # fmt: skip
        if data.get("lenhei_cm") is not None and not data.get("measure"):
            self.add_error("measure", _("Choose whether the child lay down or stood."))
        return data

    def values_key(self) -> str:
        """The entered values as one text, to tie a confirmation to what was warned about."""
        d = self.cleaned_data
        parts = [d.get(n) for n in ("weight_kg", "lenhei_cm", "headc_cm", "armc_cm")]
        parts = ["" if p is None else format(p.normalize(), "f") for p in parts]
        measure = d.get("measure") if d.get("lenhei_cm") is not None else ""
        return "|".join([*parts, measure or "", "1" if d.get("oedema") else "0"])

    @property
    def confirmed(self) -> bool:
        """Ticked "values are correct" for exactly the values that were warned about."""
        d = self.cleaned_data
        return bool(d.get("confirm")) and d.get("confirm_values") == self.values_key()

    def to_input(self, measured_on) -> MeasurementInput:
        d = self.cleaned_data
        lenhei = _float(d.get("lenhei_cm"))
        return MeasurementInput(
            measured_on=measured_on, weight_kg=_float(d.get("weight_kg")), lenhei_cm=lenhei,
            measure=(d.get("measure") or "") if lenhei is not None else "",
            headc_cm=_float(d.get("headc_cm")), armc_cm=_float(d.get("armc_cm")),
            oedema=bool(d.get("oedema")),
        )  # fmt: skip

    @classmethod
    def initial_from(cls, m: ChildMeasurement) -> dict:
        """Initial values from a stored measurement (re-entering the same day)."""
        return {
            "weight_kg": m.weight_kg, "lenhei_cm": m.lenhei_cm, "measure": m.measure or None,
            "headc_cm": m.headc_cm, "armc_cm": m.armc_cm, "oedema": m.oedema,
        }  # fmt: skip


class PregnancyCheckForm(_Form):
    muac_cm = DecimalCommaField(
        label=_("Upper arm circumference, LiLA (cm)"), required=False, decimal_places=2
    )
    hb_g_dl = DecimalCommaField(label=_("Haemoglobin, Hb (g/dL)"), required=False,
                                decimal_places=2)  # fmt: skip
    weight_kg = DecimalCommaField(label=_("Weight (kg)"), required=False, decimal_places=2)
    height_cm = DecimalCommaField(label=_("Height (cm)"), required=False, decimal_places=2)

    MESSAGES = {
        "muac_cm": _("Enter the upper arm circumference in centimetres, between %(low)s and "
                     "%(high)s."),
        "hb_g_dl": _("Enter the haemoglobin in g/dL, between %(low)s and %(high)s."),
        "weight_kg": _("Enter the weight in kilograms, between %(low)s and %(high)s."),
        "height_cm": _("Enter the height in centimetres, between %(low)s and %(high)s."),
    }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "big-number"

    def clean(self):
        data = super().clean()
        for name, message in self.MESSAGES.items():
            if name in self.errors:
                continue
            try:
                _in_range(data.get(name), _limits(PregnancyCheck, name), message)
            except ValidationError as exc:
                self.add_error(name, exc)
        values = ("muac_cm", "hb_g_dl", "weight_kg")
        if not self.errors and all(data.get(n) is None for n in values):
            raise ValidationError(
                _("Enter at least one measurement: LiLA, Hb or weight."), code="nothing_measured"
            )
        return data

    def values(self) -> dict:
        return {name: _float(self.cleaned_data.get(name)) for name in self.MESSAGES}
