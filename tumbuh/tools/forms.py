"""The z-score calculator form: validates one child's measurement at the edge."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tumbuh.lib.forms import NUMBER_ERROR, DateInput, DecimalCommaField
from tumbuh.lib.forms import in_range as _in_range
from tumbuh.lib.forms import to_float as _float
from tumbuh.tools import services

# Entry limits: wide enough for every real child under five, narrow enough to catch a
# value typed in the wrong unit (grams in the kilogram field, millimetres for centimetres).
# Weight and length are the limits WHO Anthro used before anthro 1.1.0 (docs/decisions.md).
WEIGHT_RANGE_KG = (Decimal("0.9"), Decimal("58"))
LENHEI_RANGE_CM = (Decimal("38"), Decimal("150"))
HEADC_RANGE_CM = (Decimal("25"), Decimal("64"))
ARMC_RANGE_CM = (Decimal("7"), Decimal("27"))

class ZScoreCalculatorForm(forms.Form):
    sex = forms.TypedChoiceField(
        label=_("Sex"),
        choices=[(str(services.SEX_MALE), _("Boy")), (str(services.SEX_FEMALE), _("Girl"))],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the child's sex.")},
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    measurement_date = forms.DateField(
        label=_("Date of measurement"), required=False, widget=DateInput
    )
    age_days = forms.IntegerField(
        label=_("Age in days"),
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter the age as a whole number of days."),
            "min_value": _("The age cannot be negative."),
        },
    )
    age_months = DecimalCommaField(
        label=_("Age in months"),
        required=False,
        min_value=0,
        decimal_places=2,
        error_messages={"invalid": NUMBER_ERROR, "min_value": _("The age cannot be negative.")},
    )
    weight_kg = DecimalCommaField(label=_("Weight (kg)"), required=False, decimal_places=3)
    lenhei_cm = DecimalCommaField(
        label=_("Length or height (cm)"),
        required=False,
        decimal_places=2,
        help_text=_(
            "Measure lying down before 24 months and standing from 24 months; otherwise the "
            "calculator corrects the value by 0.7 cm, as WHO does."
        ),
    )
    measure = forms.ChoiceField(
        label=_("How was the child measured?"),
        required=False,
        choices=[
            (services.MEASURE_LENGTH, _("Lying down (length)")),
            (services.MEASURE_HEIGHT, _("Standing (height)")),
        ],
        widget=forms.RadioSelect,
    )
    oedema = forms.BooleanField(
        label=_("Oedema on both feet (bilateral pitting oedema)"), required=False
    )
    headc_cm = DecimalCommaField(
        label=_("Head circumference (cm)"), required=False, decimal_places=2
    )
    armc_cm = DecimalCommaField(
        label=_("Mid-upper arm circumference (cm)"), required=False, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields: no colon
        super().__init__(*args, **kwargs)

    def clean_weight_kg(self):
        return _in_range(
            self.cleaned_data["weight_kg"],
            WEIGHT_RANGE_KG,
            _("Enter the weight in kilograms, between %(low)s and %(high)s."),
        )

    def clean_lenhei_cm(self):
        return _in_range(
            self.cleaned_data["lenhei_cm"],
            LENHEI_RANGE_CM,
            _("Enter the length or height in centimetres, between %(low)s and %(high)s."),
        )

    def clean_headc_cm(self):
        return _in_range(
            self.cleaned_data["headc_cm"],
            HEADC_RANGE_CM,
            _("Enter the head circumference in centimetres, between %(low)s and %(high)s."),
        )

    def clean_armc_cm(self):
        return _in_range(
            self.cleaned_data["armc_cm"],
            ARMC_RANGE_CM,
            _("Enter the arm circumference in centimetres, between %(low)s and %(high)s."),
        )

    def clean(self):
        data = super().clean()
        self._clean_dates(data)
        age = self._clean_age(data)
        if age is not None:
            data["age"] = age
        self._clean_measurements(data)
        return data

    def _clean_dates(self, data) -> None:
        today = timezone.localdate()
        birth_date = data.get("birth_date")
        measurement_date = data.get("measurement_date")
        if birth_date and birth_date > today:
            self.add_error("birth_date", _("The date of birth cannot be in the future."))
        if measurement_date and measurement_date > today:
            self.add_error(
                "measurement_date", _("The date of measurement cannot be in the future.")
            )

    def _clean_age(self, data) -> services.Age | None:
        if any(
            name in self.errors
            for name in ("birth_date", "measurement_date", "age_days", "age_months")
        ):
            return None
        birth_date = data.get("birth_date")
        measurement_date = data.get("measurement_date")
        age_days = data.get("age_days")
        age_months = data.get("age_months")
        age_field = "birth_date"
        if birth_date is not None:
            if age_days is not None or age_months is not None:
                self.add_error(
                    "birth_date", _("Enter either the date of birth or the age, not both.")
                )
                return None
            if measurement_date is None:
                self.add_error("measurement_date", _("Enter the date of measurement."))
                return None
            if measurement_date < birth_date:
                self.add_error(
                    "measurement_date",
                    _("The date of measurement cannot be before the date of birth."),
                )
                return None
            age = services.Age.from_dates(birth_date, measurement_date)
        elif age_days is not None and age_months is not None:
            self.add_error("age_months", _("Enter the age in days or in months, not both."))
            return None
        elif age_days is not None:
            age, age_field = services.Age.from_days(age_days), "age_days"
        elif age_months is not None:
            age, age_field = services.Age.from_months(float(age_months)), "age_months"
        else:
            self.add_error(
                "birth_date", _("Enter the date of birth, or the age in days or in months.")
            )
            return None
        too_old = (
            age.months >= services.MAX_AGE_MONTHS
            if age.months is not None
            else age.days > services.MAX_AGE_DAYS
        )
        if too_old:
            self.add_error(
                age_field,
                ValidationError(
                    _(
                        "The WHO growth standards cover children under 5 years (0 to 59 "
                        "months); this child is %(months)s months old."
                    ),
                    code="too_old",
                    params={"months": age.completed_months},
                ),
            )
            return None
        return age

    def _clean_measurements(self, data) -> None:
        measured = [data.get(name) for name in ("weight_kg", "lenhei_cm", "headc_cm", "armc_cm")]
        value_errors = any(
            name in self.errors for name in ("weight_kg", "lenhei_cm", "headc_cm", "armc_cm")
        )
        if not value_errors and all(value is None for value in measured):
            raise ValidationError(
                _(
                    "Enter at least one measurement: weight, length or height, head or arm "
                    "circumference."
                ),
                code="nothing_measured",
            )
        if data.get("lenhei_cm") is not None and not data.get("measure"):
            self.add_error("measure", _("Choose whether the child lay down or stood."))

    def to_measurement(self) -> services.Measurement:
        """The validated input for ``services.calculate``; call after ``is_valid()``."""
        data = self.cleaned_data
        return services.Measurement(
            sex=data["sex"],
            age=data["age"],
            weight_kg=_float(data.get("weight_kg")),
            lenhei_cm=_float(data.get("lenhei_cm")),
            measure=data.get("measure") or None,
            oedema=bool(data.get("oedema")),
            headc_cm=_float(data.get("headc_cm")),
            armc_cm=_float(data.get("armc_cm")),
        )
