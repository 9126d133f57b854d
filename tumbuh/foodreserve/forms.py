"""Forms of the food reserve: a receipt, an adjustment, a new round with its package."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tumbuh.lib.forms import DateInput, DecimalInput

from . import config as fr_config
from .models import QUANTITY, Eligibility, Item, Store

#: "1.000" is a thousand to an Indonesian reader and 1 to a computer: refused, not guessed.
AMBIGUOUS = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+$")


class QuantityField(forms.DecimalField):
    """A quantity with a decimal comma or point; no thousands separators."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DecimalInput)
        kwargs.setdefault("error_messages",
                          {"invalid": _("Enter a number, for example 10 or 1,5.")})  # fmt: skip
        super().__init__(**QUANTITY, localize=True, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if AMBIGUOUS.match(value):
                raise ValidationError(
                    _("Write the number without a thousands separator, e.g. 1000."),
                    code="ambiguous",
                )
            value = value.replace(",", ".")
        return super().to_python(value)


def _quantity(label, **kw):
    return QuantityField(label=label, **kw)


class _StockForm(forms.Form):
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none(),
                                   empty_label=None)  # fmt: skip
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())

    def __init__(self, *args, stores, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores.filter(is_active=True)
        self.fields["item"].queryset = Item.objects.filter(is_active=True)


class ReceiptForm(_StockForm):
    quantity = _quantity(_("Quantity received"), min_value=Decimal("0.01"))
    occurred_on = forms.DateField(label=_("Date received"), widget=DateInput)
    reference = forms.CharField(label=_("Delivery note or supplier (optional)"), max_length=120,
                                required=False)  # fmt: skip

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        today = timezone.localdate()
        if day > today:
            raise ValidationError(_("The date is in the future."), code="future")
        days = fr_config.current().receipt_backdate_days
        if day < today - dt.timedelta(days=days):
            raise ValidationError(
                _("A receipt may be dated at most %(days)d days back.") % {"days": days},
                code="too_old",
            )
        return day


class AdjustmentForm(_StockForm):
    quantity = _quantity(
        _("Change"),
        help_text=_("Negative to take away (spoiled, lost), positive to add (found on count)."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_quantity(self):
        value = self.cleaned_data["quantity"]
        if value == 0:
            raise ValidationError(_("Enter a quantity other than zero."), code="zero")
        return value


class RoundForm(forms.Form):
    """A round and its package: one optional quantity field per active item."""

    name = forms.CharField(label=_("Name"), max_length=120,
                           help_text=_("E.g. Protein package April 2026."))  # fmt: skip
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none(),
                                   empty_label=None)  # fmt: skip
    starts_on = forms.DateField(label=_("First day"), widget=DateInput)
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput)
    eligibility = forms.ChoiceField(label=_("Who receives"), choices=Eligibility.choices)

    def __init__(self, *args, stores, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores.filter(is_active=True)
        self.items = list(Item.objects.filter(is_active=True))
        for item in self.items:
            self.fields[f"item_{item.pk}"] = _quantity(
                _("%(item)s per family (%(unit)s)") % {"item": item.name, "unit": item.unit},
                min_value=Decimal(0), required=False,
            )  # fmt: skip

    def item_fields(self):
        return [self[f"item_{item.pk}"] for item in self.items]

    def clean(self):
        data = super().clean()
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        data["package"] = {item: data[f"item_{item.pk}"] for item in self.items
                           if data.get(f"item_{item.pk}")}  # fmt: skip
        if not data["package"]:
            raise ValidationError(_("Enter the quantity per family of at least one item."))
        return data
