"""Template filters for numbers: ``{% load tumbuh_format %}`` then ``{{ z|zscore }}``."""

from django import template
from django.utils.formats import get_format

from tumbuh.lib.formatting import format_decimal, format_zscore

register = template.Library()


@register.filter
def zscore(value):
    return format_zscore(value)


@register.filter
def decimal(value, max_decimals=2):
    return format_decimal(value, int(max_decimals))


@register.filter
def count(value):
    """A whole number with the active language's thousands separator ("7.133" in Indonesian,
    "7,133" in English); "—" for None."""
    if value is None or value == "":
        return "—"
    return f"{int(round(float(value))):,}".replace(",", get_format("THOUSAND_SEPARATOR"))


@register.filter
def pct0(share):
    """A share (0.9) as a whole percentage ("90%")."""
    if share is None or share == "":
        return "—"
    return f"{round(100 * float(share))}%"
