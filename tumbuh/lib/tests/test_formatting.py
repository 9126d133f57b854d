import math
from decimal import Decimal

import pytest
from django.utils import translation

from tumbuh.lib.formatting import MISSING, format_decimal, format_zscore


@pytest.mark.parametrize(
    ("z", "indonesian", "english"),
    [
        (-2.82, "-2,82", "-2.82"),
        (1.2, "+1,20", "+1.20"),
        (0.0, "0,00", "0.00"),
        (-0.0, "0,00", "0.00"),
        (-0.001, "0,00", "0.00"),  # rounds to zero: no "-0,00"
        (-6.09, "-6,09", "-6.09"),
    ],
)
def test_format_zscore_uses_the_language_decimal_separator_and_a_sign(z, indonesian, english):
    with translation.override("id"):
        assert format_zscore(z) == indonesian
    with translation.override("en"):
        assert format_zscore(z) == english


@pytest.mark.parametrize("missing", [None, math.nan])
def test_missing_values_show_a_dash(missing):
    assert format_zscore(missing) == MISSING
    assert format_decimal(missing) == MISSING


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (72.3, "72,3"),
        (72.16000000000001, "72,16"),
        (65.39999999999999, "65,4"),
        (70.0, "70"),
        (Decimal("8.200"), "8,2"),
        (0.0, "0"),
        (15.666, "15,67"),
    ],
)
def test_format_decimal_drops_needless_zeros(value, expected):
    with translation.override("id"):
        assert format_decimal(value) == expected


def test_format_fixed_rounds_where_number_format_cuts():
    from django.utils import translation

    from tumbuh.lib.formatting import format_fixed

    with translation.override("id"):
        assert format_fixed(18.75, 1) == "18,8"
        assert format_fixed(66.666, 1) == "66,7"
        assert format_fixed(0.04, 1) == "0,0"
        assert format_fixed(float("nan")) == "—" and format_fixed(None) == "—"
    with translation.override("en"):
        assert format_fixed(66.666, 1) == "66.7"
