"""Template filters for numbers: ``{% load tumbuh_format %}`` then ``{{ z|zscore }}``."""

from django import template

from tumbuh.lib.formatting import format_decimal, format_zscore

register = template.Library()


@register.filter
def zscore(value):
    return format_zscore(value)


@register.filter
def decimal(value, max_decimals=2):
    return format_decimal(value, int(max_decimals))
