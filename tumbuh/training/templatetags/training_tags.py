"""Filters of the training pages: ``{% load training_tags %}``."""

import math

from django import template
from django.utils.formats import get_format

register = template.Library()


def _number(value, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):.{decimals}f}".replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def mean(value):
    """A mean score to one decimal ("72,5" in Indonesian); "—" when there is none."""
    return _number(value, 1)


@register.filter
def signed(value):
    """A gain with its sign ("+12,3"); "—" when there is none."""
    text = _number(value, 1)
    return text if text == "—" or text.startswith("-") else f"+{text}"


@register.filter
def pct(value):
    """A percentage to one decimal with its sign ("85,0%"); "—" when there is none."""
    text = _number(value, 1)
    return text if text == "—" else f"{text}%"


@register.filter
def at(sequence, index):
    """``sequence[index]`` for templates."""
    return sequence[int(index)]
