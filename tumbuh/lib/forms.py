"""Form pieces shared by every app: numbers with a decimal comma, date pickers, range checks."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

NUMBER_ERROR = _("Enter a number, for example 7.4.")


class DecimalInput(forms.TextInput):
    """A text box that brings up the phone's number pad with a decimal separator."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class DecimalCommaField(forms.DecimalField):
    """A decimal that accepts a comma or a point as the separator, in every language.

    Nurses in Indonesia write 7,4 kg; phones with an English keyboard offer 7.4. The values
    measured here never reach a thousand, so a comma is never a thousands separator.
    """

    def __init__(self, *, decimal_places: int, **kwargs):
        kwargs.setdefault("widget", DecimalInput)
        kwargs.setdefault("error_messages", {"invalid": NUMBER_ERROR})
        super().__init__(decimal_places=decimal_places, localize=True, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        return super().to_python(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker sends and expects ISO dates, whatever the language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")



def in_range(value: Decimal | None, limits: tuple[Decimal, Decimal], message) -> Decimal | None:
    if value is None:
        return None
    low, high = limits
    if not low <= value <= high:
        raise ValidationError(
            message,
            code="out_of_range",
            params={"low": number_format(low), "high": number_format(high)},
        )
    return value


def to_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
