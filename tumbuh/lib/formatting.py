"""Numbers for people: the active language's decimal separator, no needless zeros."""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.formats import number_format

MISSING = "—"


def format_zscore(z: float | None) -> str:
    """A z-score with 2 decimals and an explicit sign: "+1,25", "-2,04", "0,00" in Indonesian."""
    if z is None or math.isnan(z):
        return MISSING
    z = round(z, 2) + 0.0  # "+ 0.0" turns -0.0 into 0.0
    text = number_format(z, decimal_pos=2)
    return f"+{text}" if z > 0 else text


def format_decimal(value: float | Decimal | None, max_decimals: int = 2) -> str:
    """A measurement with at most ``max_decimals`` decimals, trailing zeros dropped.

    72.3 -> "72,3", 72.16000000000001 -> "72,16", 70.0 -> "70" (in Indonesian).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    rounded = Decimal(f"{value:.{max_decimals}f}")
    if rounded == 0:
        return number_format(Decimal(0))
    trimmed = rounded.normalize()
    if trimmed.as_tuple().exponent > 0:  # 7E+1 -> 70
        trimmed = trimmed.quantize(Decimal(1))
    return number_format(trimmed)


def format_fixed(value: float | None, decimals: int = 1) -> str:
    """A number rounded to exactly ``decimals`` decimals in the active language ("18,8").

    Django's ``number_format`` on a float cuts the digits off (18.75 -> "18,7"); this rounds
    half away from zero on the decimal text first. None or NaN gives "—".
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return number_format(Decimal(f"{value:.{decimals}f}"), decimal_pos=decimals)
