"""Growth charts: WHO SD curves from the packaged tables, and where a child's points land."""

import datetime as dt
import re
from types import SimpleNamespace

import numpy as np
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tumbuh.monitoring import charts


def row(age_days, weight_kg=None, length_cm=None, on=dt.date(2025, 6, 16)):
    return SimpleNamespace(
        age_days=age_days,
        measured_on=on,
        weight_kg=weight_kg,
        lenhei_cm=length_cm,
        clenhei_cm=length_cm,
    )


# Reference values: WHO Child Growth Standards charts' tables (SD lines, 1 decimal as published):
# boys weight-for-age and length-for-age at birth, boys weight-for-length at 45 cm, girls
# weight-for-height at 120 cm. Compared after rounding to the published 1 decimal.
@pytest.mark.parametrize(
    ("sex", "code", "at", "published"),
    [
        ("M", "wfa", 0, (2.1, 2.5, 3.3, 4.4, 5.0)),
        ("M", "lhfa", 0, (44.2, 46.1, 49.9, 53.7, 55.6)),
        ("M", "wfl", 0, (1.9, 2.0, 2.4, 3.0, 3.3)),
        ("F", "wfh", -1, (17.3, 18.9, 22.8, 28.0, 31.2)),
    ],
)
def test_the_sd_curves_match_the_published_who_sd_lines(sex, code, at, published):
    curves = charts.sd_curves(sex, code)
    got = tuple(round(float(curves.sd[k][at]), 1) for k in charts.SD_LINES)
    assert got == published


def test_the_sd_curves_cover_0_to_60_months_and_the_length_ranges():
    assert charts.sd_curves("F", "wfa").x[0] == 0
    assert charts.sd_curves("F", "wfa").x[-1] == pytest.approx(1826 / 30.4375)
    assert (charts.sd_curves("M", "wfl").x[[0, -1]] == [45, 110]).all()
    assert (charts.sd_curves("M", "wfh").x[[0, -1]] == [65, 120]).all()
    for code in charts.SPECS:
        sd = charts.sd_curves("M", code).sd
        assert all(
            np.all(sd[a] < sd[b])
            for a, b in zip(charts.SD_LINES[:-1], charts.SD_LINES[1:], strict=True)
        )


def test_length_for_age_steps_down_at_24_months_where_height_starts():
    curves = charts.sd_curves("M", "lhfa")
    i = int(np.flatnonzero(np.isclose(curves.x, 731 / 30.4375))[0])
    assert 0.5 < curves.sd[0][i - 1] - curves.sd[0][i] < 0.9  # length - height, about 0.7 cm


def test_each_point_lands_on_the_chart_where_its_value_is():
    chart = charts.growth_chart("wfa", sex="M", history=[row(0, 3.3464), row(365, 9.6)])
    frame = charts._background("M", "wfa")[0]
    assert float(chart.points[0].x) == pytest.approx(charts.LEFT, abs=0.05)
    assert float(chart.points[0].y) == pytest.approx(float(frame.py(3.3464)), abs=0.05)
    # the median line passes through the first point (birth, median weight)
    median = next(line for line in chart.lines if line.k == 0)
    first = median.d[1:].split(" L")[0].split(",")
    assert [float(v) for v in first] == pytest.approx(
        [float(chart.points[0].x), float(chart.points[0].y)], abs=0.06
    )
    assert chart.path.startswith("M")


def test_a_value_outside_the_chart_is_drawn_on_its_edge_as_an_open_circle():
    chart = charts.growth_chart("wfa", sex="F", history=[row(400, 45.0), row(400, 9.0)])
    assert chart.points[0].outside and not chart.points[1].outside
    assert float(chart.points[0].y) == pytest.approx(charts.TOP)


def test_rows_without_the_charts_value_or_outside_its_band_are_left_out():
    history = [row(100, 6.0, 60.0), row(200, None, 66.0), row(800, 12.0, 86.0)]
    assert len(charts.growth_chart("wfa", sex="M", history=history).points) == 2
    assert len(charts.growth_chart("lhfa", sex="M", history=history).points) == 3
    assert len(charts.growth_chart("wfl", sex="M", history=history).points) == 1
    assert len(charts.growth_chart("wfh", sex="M", history=history).points) == 1
    over_five = [row(1900, 20.0, 115.0)]
    assert charts.growth_chart("wfa", sex="M", history=over_five).points == []


def test_the_charts_of_a_child_follow_the_current_age():
    young = charts.child_charts(sex="M", history=[], age_days_today=300)
    assert [c.code for c in young] == ["wfa", "lhfa", "wfl"]
    old = charts.child_charts(sex="M", history=[], age_days_today=1000)
    assert [c.code for c in old] == ["wfa", "lhfa", "wfh"]
    both = charts.child_charts(sex="M", history=[row(600, 10.0, 80.0)], age_days_today=1000)
    assert [c.code for c in both] == ["wfa", "lhfa", "wfh", "wfl"]


def test_an_unknown_sex_is_refused():
    with pytest.raises(ValueError, match="sex"):
        charts.sd_curves("X", "wfa")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_svg_uses_plain_decimal_points_in_every_language(lang):
    with translation.override(lang):
        chart = charts.growth_chart("lhfa", sex="M", history=[row(400, 9.5, 76.3)])
        svg = render_to_string("monitoring/_growth_chart.html", {"chart": chart})
    numbers = re.findall(r' (?:cx|cy|x1|x2|y1|y2|x|y)="([^"]*)"', svg)
    assert numbers and all(float(n) >= 0 for n in numbers)  # "12,5" would not parse
    assert 'class="pt pt-last"' in svg
    # the point's tooltip is for people: the language's decimal separator
    assert ("76,3 cm" if lang == "id" else "76.3 cm") in svg


def test_the_axis_titles_follow_the_language():
    with translation.override("en"):
        chart = charts.growth_chart("wfa", sex="M", history=[])
    assert (chart.x_label, chart.y_label) == ("Age (months)", "Weight (kg)")
