"""How a stored measurement is shown: index names, Permenkes labels, KMS colours, N/T badges.

``{% load monitoring_tags %}`` then ``{% for ix in m|indices %}`` or ``{{ m|growth_badge }}``.
Labels follow the active language (Indonesian or English).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from tumbuh import growth
from tumbuh.monitoring.models import GrowthStatus
from tumbuh.monitoring.services import warning_messages

register = template.Library()

#: From this age (days) WHO expects a standing height: TB/U and BB/TB instead of PB/U, BB/PB.
HEIGHT_FROM_DAYS = 731


def label_language() -> str:
    """ "en" when the page is in English, else "id" (the labels growth.permenkes_label knows)."""
    return "en" if (get_language() or "id").lower().startswith("en") else "id"


@dataclass(frozen=True)
class Index:
    column: str  # status_bbu, ...
    abbreviation: str  # BB/U, TB/U, ... (W/A, H/A in English)
    name: str
    z: float | None
    flagged: bool
    code: str  # Permenkes code, "" when none
    label: str
    severity: str  # red, yellow, green, orange or ""


def _names(column: str, uses_height: bool) -> tuple[str, str]:
    if column == "status_bbu":
        return pgettext("index", "W/A"), _("Weight-for-age")
    if column == "status_tbu":
        if uses_height:
            return pgettext("index", "H/A"), _("Height-for-age")
        return pgettext("index", "L/A"), _("Length-for-age")
    if column == "status_bbtb":
        if uses_height:
            return pgettext("index", "W/H"), _("Weight-for-height")
        return pgettext("index", "W/L"), _("Weight-for-length")
    return pgettext("index", "BMI/A"), _("BMI-for-age")


def status_label(column: str, code: str) -> str:
    return growth.permenkes_label(column, code, label_language()) if code else ""


@register.filter
def indices(m) -> list[Index]:
    """The four Permenkes indices of a measurement, with z-score, label and colour."""
    uses_height = (m.age_days or 0) >= HEIGHT_FROM_DAYS
    flags = {"zwei": m.fwei, "zlen": m.flen, "zwfl": m.fwfl, "zbmi": m.fbmi}
    out = []
    for column, (_name, zcol) in growth.PERMENKES_INDICES.items():
        code = getattr(m, column) or ""
        abbreviation, name = _names(column, uses_height)
        out.append(Index(
            column=column, abbreviation=abbreviation, name=name, z=getattr(m, zcol),
            flagged=bool(flags[zcol]), code=code, label=status_label(column, code),
            severity=growth.SEVERITY.get(code, ""),
        ))  # fmt: skip
    return out


@register.filter
def main_indices(m) -> list[Index]:
    """BB/U, PB/U or TB/U and BB/PB or BB/TB: the three shown in lists."""
    return [ix for ix in indices(m) if ix.column != "status_imtu"]


@register.filter
def growth_colour(code: str) -> str:
    """Colour of an N/T/O/B code: N green, T yellow, O and B neutral."""
    return {"N": "green", "T": "yellow"}.get(code or "", "neutral")


@register.filter
def growth_label(code: str) -> str:
    return str(GrowthStatus(code).label) if code in GrowthStatus.values else ""


@register.filter
def warning_texts(keys) -> list[str]:
    return warning_messages(keys or [])


@register.inclusion_tag("monitoring/_age.html")
def age(months, days=None):
    """An age in completed months as "1 tahun 3 bulan" / "1 year 3 months"; under one month,
    in days when ``days`` is given."""
    months = int(months or 0)
    return {"years": months // 12, "months": months % 12, "days": days}


@register.inclusion_tag("monitoring/_age.html")
def age_on(birth_date, on_date):
    """The age on ``on_date`` of a child born on ``birth_date`` (see :func:`age`)."""
    months = int(growth.completed_months([birth_date], [on_date])[0])
    return {"years": months // 12, "months": months % 12, "days": (on_date - birth_date).days}


@register.filter
def weeks_on(pregnancy, on_date) -> int:
    """Completed weeks of pregnancy on ``on_date``."""
    return int(pregnancy.gestational_weeks_on(on_date))


@register.filter
def signed_grams(value) -> str:
    """A weight gain in grams with its sign: "+300", "−50", "0"."""
    if value is None:
        return ""
    value = int(value)
    return f"+{value}" if value > 0 else (f"\u2212{-value}" if value < 0 else "0")
