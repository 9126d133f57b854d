"""A prevalence trend as inline SVG: the monthly estimate with its 95% interval as a band.

Plain data for ``analytics/_prevalence_chart.html``; coordinates are written with a decimal
point whatever the page's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.formats import date_format

from tumbuh.lib.formatting import format_decimal

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 12, 30


@dataclass
class TrendChart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    line: str = ""  # SVG path of the estimate
    band: str = ""  # SVG path of the interval
    points: list = field(default_factory=list)  # (x, y, tooltip)
    y_ticks: list = field(default_factory=list)  # (y, label)
    x_ticks: list = field(default_factory=list)  # (x, label)
    empty: bool = True


def _nice_max(value: float) -> float:
    for step in (5, 10, 20, 25, 50, 100):
        if value <= step:
            return float(step)
    return 100.0


def trend_chart(months, r, ll, ul, *, title: str) -> TrendChart:
    chart = TrendChart(title=str(title))
    n = len(months)
    ok = [i for i in range(n) if not math.isnan(r[i])]
    if not ok:
        return chart
    chart.empty = False
    top = _nice_max(max(ul[i] if not math.isnan(ul[i]) else r[i] for i in ok) * 1.05)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i):
        return LEFT + (plot_w * (i + 0.5) / n)

    def y(v):
        return TOP + plot_h * (1 - min(max(v, 0.0), top) / top)

    segments, band = [], []
    run: list[int] = []
    for i in range(n + 1):
        if i < n and i in ok:
            run.append(i)
            continue
        if run:
            segments.append("M" + " L".join(f"{x(j):.1f},{y(r[j]):.1f}" for j in run))
            lo = [j for j in run if not math.isnan(ll[j])]
            if lo:
                upper = " L".join(f"{x(j):.1f},{y(ul[j]):.1f}" for j in lo)
                lower = " L".join(f"{x(j):.1f},{y(ll[j]):.1f}" for j in reversed(lo))
                band.append(f"M{upper} L{lower} Z")
            run = []
    chart.line, chart.band = " ".join(segments), " ".join(band)
    for i in ok:
        tip = f"{date_format(months[i], 'F Y')}: {format_decimal(r[i], 1)}%"
        if not math.isnan(ll[i]):
            tip += f" ({format_decimal(ll[i], 1)}–{format_decimal(ul[i], 1)})"
        chart.points.append((f"{x(i):.1f}", f"{y(r[i]):.1f}", tip))
    for k in range(6):
        v = top * k / 5
        chart.y_ticks.append((f"{y(v):.1f}", format_decimal(v, 1)))
    step = max(1, math.ceil(n / 6))
    for i in range(0, n, step):
        chart.x_ticks.append((f"{x(i):.1f}", date_format(months[i], "M y")))
    return chart
