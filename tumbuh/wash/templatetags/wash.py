"""Template filters of the wash pages."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html

register = template.Library()


@register.filter
def pct(value) -> str:
    """A share in percent with one decimal (localised), or a dash when there is nothing."""
    if value is None:
        return "—"
    return format_html("{}&nbsp;%", floatformat(value, 1))
