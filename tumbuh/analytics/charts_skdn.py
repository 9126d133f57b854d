"""SKDN trends as inline SVG: D/S (and N/D) month by month against the D/S target line.

Plain data for ``analytics/skdn_chart.html``, in the style of :mod:`tumbuh.monitoring.charts`:
no JavaScript, a ``viewBox`` about one unit per CSS pixel of a 360 px phone, coordinates
written with a decimal point whatever the page's language. The y axis runs from 0 to 100%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.formats import date_format

from tumbuh.lib.formatting import format_decimal

WIDTH, HEIGHT = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 12, 30


@dataclass
class Series:
    label: str
    css: str  # class of the line and its points
    path: str = ""
    points: list = field(default_factory=list)  # (x, y, tooltip)


@dataclass
class SkdnChart:
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    x_label_y: int = HEIGHT - BOTTOM + 16
    series: list = field(default_factory=list)
    target_path: str = ""  # the target line, a step per year where the target changes
    target_label: str = ""
    target_label_x: str = ""
    target_label_y: str = ""
    y_ticks: list = field(default_factory=list)  # (y, label)
    x_ticks: list = field(default_factory=list)  # (x, label)
    empty: bool = True


def _f(v: float) -> str:
    return f"{v:.1f}"


def trend_chart(months, series, target, *, title: str, description: str,
                target_label: str = "") -> SkdnChart:  # fmt: skip
    """``series``: (label, css class, values in percent with NaN for none, tooltip texts or
    None); ``target``: the target in percent of each month (None where there is none)."""
    chart = SkdnChart(title=str(title), description=str(description))
    n = len(months)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: float) -> float:
        return LEFT + plot_w * (i + 0.5) / n

    def y(v: float) -> float:
        return TOP + plot_h * (1 - min(max(v, 0.0), 100.0) / 100.0)

    for k in range(0, 101, 25):
        chart.y_ticks.append((_f(y(k)), f"{k}"))
    step = max(1, math.ceil(n / 6))
    for i in range(0, n, step):
        chart.x_ticks.append((_f(x(i)), date_format(months[i], "M y")))

    for label, css, values, tips in series:
        s = Series(label=str(label), css=css)
        segments, run = [], []
        for i in range(n + 1):
            if i < n and not math.isnan(values[i]):
                run.append(i)
                continue
            if run:
                segments.append("M" + " L".join(f"{_f(x(j))},{_f(y(values[j]))}" for j in run))
                run = []
        s.path = " ".join(segments)
        for i in range(n):
            if not math.isnan(values[i]):
                tip = tips[i] if tips else (
                    f"{date_format(months[i], 'F Y')}: {format_decimal(values[i], 1)}%")
                s.points.append((_f(x(i)), _f(y(values[i])), tip))
        if s.points:
            chart.empty = False
        chart.series.append(s)

    # the target: a horizontal step over each run of months with the same target
    parts, last_end = [], None
    i = 0
    while i < n:
        t = target[i]
        if t is None:
            i += 1
            continue
        j = i
        while j + 1 < n and target[j + 1] == t:
            j += 1
        start, end = x(i - 0.5), x(j + 0.5)
        if last_end is not None and last_end[0] == i:  # joined to the previous run
            parts.append(f"L{_f(start)},{_f(y(t))} L{_f(end)},{_f(y(t))}")
        else:
            parts.append(f"M{_f(start)},{_f(y(t))} L{_f(end)},{_f(y(t))}")
        last_end = (j + 1, t)
        i = j + 1
    chart.target_path = " ".join(parts)
    if parts:
        last_target = next(t for t in reversed(target) if t is not None)
        chart.target_label = f"{target_label} {format_decimal(last_target, 1)}%".strip()
        chart.target_label_x = _f(WIDTH - RIGHT - 2)
        # above the line, or below it when the line runs along the top
        above = y(last_target) - 4
        chart.target_label_y = _f(above if above > TOP + 8 else y(last_target) + 11)
    return chart
