"""Growth charts drawn on the server as inline SVG: WHO SD lines and one child's points.

No JavaScript and no charting library: the page is served on closed networks to cheap phones,
and an SVG with a ``viewBox`` is crisp at any width and prints well. The SD lines (-3, -2, 0,
+2, +3) are computed from the packaged WHO LMS tables (:mod:`tumbuh.growth.tables`,
``calc_sd``), sampled every 14 days or 0.5 cm, and cached per sex and indicator with their
pixel paths; only the child's points are computed per request.

The chart is returned as a :class:`Chart` (plain data) and drawn by the template
``monitoring/_growth_chart.html``, which keeps the labels translatable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tumbuh.growth import DAYS_PER_MONTH, tables
from tumbuh.lib.formatting import format_decimal

#: The SD lines drawn, and the colour class of each (as on the Buku KIA growth chart).
SD_LINES = (-3, -2, 0, 2, 3)
SD_CLASS = {-3: "sd-red", -2: "sd-orange", 0: "sd-green", 2: "sd-orange", 3: "sd-red"}
#: The bands between lines: (lower line or None for the bottom, upper line or None, class).
BANDS = (
    (None, -3, "band-red"),
    (-3, -2, "band-yellow"),
    (-2, 2, "band-green"),
    (2, 3, "band-yellow"),
    (3, None, "band-orange"),
)
#: Age of the switch from length (lying) to height (standing), in days.
HEIGHT_FROM_DAYS = 731

# Drawing area in viewBox units (one unit is about one CSS pixel on a 360 px phone).
WIDTH, HEIGHT = 360, 280
LEFT, RIGHT, TOP, BOTTOM = 34, 26, 20, 34


@dataclass(frozen=True)
class Spec:
    code: str  # wfa, lhfa, wfl, wfh
    table: str  # the WHO table file
    by_age: bool  # x is age in months (else length/height in cm)
    x_min: float
    x_max: float
    x_step: float  # labelled grid line every ...
    x_minor: float  # unlabelled grid line every ...
    y_step: float
    y_minor: float


SPECS = {
    "wfa": Spec("wfa", tables.AGE_TABLE_FILES["wfa"], True, 0, 60, 6, 3, 2, 1),
    "lhfa": Spec("lhfa", tables.AGE_TABLE_FILES["lhfa"], True, 0, 60, 6, 3, 10, 5),
    "wfl": Spec("wfl", tables.LENGTH_TABLE_FILES["wfl"], False, 45, 110, 5, 5, 2, 1),
    "wfh": Spec("wfh", tables.LENGTH_TABLE_FILES["wfh"], False, 65, 120, 5, 5, 2, 1),
}


@dataclass(frozen=True)
class Curves:
    """The SD curves of one indicator and sex, in data units (x: months or cm)."""

    x: np.ndarray
    sd: dict  # k -> y array


def _sex_index(sex: str) -> int:
    if sex not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F'; got {sex!r}")
    return 0 if sex == "M" else 1


@cache
def sd_curves(sex: str, code: str) -> Curves:
    """The -3, -2, 0, +2, +3 SD curves of indicator ``code`` for ``sex`` ("M" or "F")."""
    spec = SPECS[code]
    si = _sex_index(sex)
    if spec.by_age:
        t = tables.age_table(spec.table)
        days = np.unique(np.r_[np.arange(0, tables.N_AGE_DAYS, 14), HEIGHT_FROM_DAYS - 1,
                               HEIGHT_FROM_DAYS, tables.N_AGE_DAYS - 1])  # fmt: skip
        idx = si * tables.N_AGE_DAYS + days
        x = days / DAYS_PER_MONTH
    else:
        t = tables.length_table(spec.table)
        keys = np.arange(round(spec.x_min * 10), round(spec.x_max * 10) + 1, 5)
        idx = si * t.n_keys + keys - t.first_key
        x = keys / 10
    l, m, s = t.l[idx], t.m[idx], t.s[idx]  # noqa: E741 - WHO's names
    return Curves(x=x, sd={k: tables.calc_sd(l, m, s, k) for k in SD_LINES})


# Coordinates are kept as text ("12.5"): a template would print a float with the active
# language's decimal comma, which SVG does not read.


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


@dataclass
class Tick:
    pos: str  # pixel position along the axis
    label: str  # "" for a minor grid line


@dataclass
class Line:
    k: int
    css: str
    d: str
    label: str
    label_y: str


@dataclass
class Point:
    x: str
    y: str
    title: str
    outside: bool = False  # drawn on the edge: the value lies outside the chart


@dataclass
class Chart:
    code: str
    title: str
    x_label: str
    y_label: str
    sex: str
    bands: list
    lines: list
    x_ticks: list
    y_ticks: list
    points: list = field(default_factory=list)
    path: str = ""  # the line joining the child's points
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    # where the texts go
    x_tick_y: int = HEIGHT - BOTTOM + 13
    x_title_x: int = (LEFT + WIDTH - RIGHT) // 2
    x_title_y: int = HEIGHT - 4
    y_tick_x: int = LEFT - 4
    y_title_x: int = 4
    y_title_y: int = TOP - 7
    sd_label_x: int = WIDTH - RIGHT + 3

    @property
    def sd_count(self) -> int:
        return len(self.lines)

    @property
    def last_point(self):
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class _Frame:
    """Data-to-pixel mapping of one chart."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float

    def px(self, x):
        return LEFT + (np.asarray(x) - self.x_min) / (self.x_max - self.x_min) * (
            WIDTH - LEFT - RIGHT
        )

    def py(self, y):
        return (HEIGHT - BOTTOM) - (np.asarray(y) - self.y_min) / (self.y_max - self.y_min) * (
            HEIGHT - TOP - BOTTOM
        )


def _path(xs, ys) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def _ticks(low: float, high: float, step: float, minor: float, to_px) -> list[Tick]:
    out = []
    n = int(round((high - low) / minor))
    for i in range(n + 1):
        v = low + i * minor
        major = abs(v / step - round(v / step)) < 1e-9
        out.append(Tick(pos=_num(float(to_px(v))), label=f"{v:g}" if major else ""))
    return out


@cache
def _background(sex: str, code: str):
    """Frame, bands, SD lines and grid of one chart: the same for every child (cached)."""
    spec = SPECS[code]
    c = sd_curves(sex, code)
    low = math.floor(float(np.nanmin(c.sd[-3])) / spec.y_step) * spec.y_step
    high = math.ceil(float(np.nanmax(c.sd[3])) / spec.y_step) * spec.y_step
    frame = _Frame(spec.x_min, spec.x_max, low, high)
    xs = frame.px(c.x)
    ys = {k: frame.py(v) for k, v in c.sd.items()}
    bottom = np.full_like(xs, HEIGHT - BOTTOM)
    top = np.full_like(xs, TOP)
    bands = []
    for lower, upper, css in BANDS:
        y_low = bottom if lower is None else ys[lower]
        y_high = top if upper is None else ys[upper]
        d = _path(np.r_[xs, xs[::-1]], np.r_[y_high, y_low[::-1]]) + " Z"
        bands.append((css, d))
    lines = []
    label_ys = _spread([float(ys[k][-1]) for k in SD_LINES], min_gap=10)
    for k, label_y in zip(SD_LINES, label_ys, strict=True):
        label = "0" if k == 0 else f"{k:+d}".replace("-", "\u2212")
        lines.append(Line(k=k, css=SD_CLASS[k], d=_path(xs, ys[k]), label=label,
                          label_y=_num(label_y + 3.5)))  # fmt: skip
    x_ticks = _ticks(spec.x_min, spec.x_max, spec.x_step, spec.x_minor, frame.px)
    y_ticks = _ticks(low, high, spec.y_step, spec.y_minor, frame.py)
    return frame, tuple(bands), tuple(lines), tuple(x_ticks), tuple(y_ticks)


def _spread(values: list[float], min_gap: float) -> list[float]:
    """Move label positions (pixels, any order) apart so that none are closer than min_gap."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = list(values)
    for a, b in zip(order, order[1:], strict=False):
        if out[b] - out[a] < min_gap:
            out[b] = out[a] + min_gap
    return out


def _titles(code: str) -> tuple[str, str, str]:
    """(title, x label, y label) in the active language."""
    age = _("Age (months)")
    return {
        "wfa": (_("Weight-for-age (BB/U)"), age, _("Weight (kg)")),
        "lhfa": (_("Length/height-for-age (PB/U, TB/U)"), age, _("Length/height (cm)")),
        "wfl": (_("Weight-for-length (BB/PB), under 2 years"), _("Length (cm)"),
                _("Weight (kg)")),
        "wfh": (_("Weight-for-height (BB/TB), 2 years and over"), _("Height (cm)"),
                _("Weight (kg)")),
    }[code]  # fmt: skip


def _xy(code: str, row) -> tuple[float | None, float | None]:
    """The point of a measurement on chart ``code``, or Nones when it has none there."""
    length = row.clenhei_cm if row.clenhei_cm is not None else row.lenhei_cm
    if code == "wfa":
        return row.age_days / DAYS_PER_MONTH, row.weight_kg
    if code == "lhfa":
        return row.age_days / DAYS_PER_MONTH, length
    in_band = (row.age_days < HEIGHT_FROM_DAYS) == (code == "wfl")
    return (length, row.weight_kg) if in_band else (None, None)


def _point_title(code: str, row, x: float, y: float) -> str:
    day = date_format(row.measured_on, "d-m-Y")
    if code in ("wfa", "wfl", "wfh"):
        value = f"{format_decimal(row.weight_kg)} kg"
    else:
        value = f"{format_decimal(y, 1)} cm"
    if code in ("wfl", "wfh"):
        value = f"{format_decimal(x, 1)} cm, {value}"
    return f"{day}: {value}"


def growth_chart(code: str, *, sex: str, history) -> Chart:
    """One chart (``code`` in wfa, lhfa, wfl, wfh) with the child's measurements ``history``.

    ``history`` is a sequence of ChildMeasurement-like rows (``age_days``, ``measured_on``,
    ``weight_kg``, ``lenhei_cm``, ``clenhei_cm``), oldest first. A row with no value for the
    chart is left out; a value outside the chart is drawn on its edge, as an open circle.
    """
    frame, bands, lines, x_ticks, y_ticks = _background(sex, code)
    title, x_label, y_label = _titles(code)
    chart = Chart(code=code, title=title, x_label=x_label, y_label=y_label, sex=sex,
                  bands=list(bands), lines=list(lines), x_ticks=list(x_ticks),
                  y_ticks=list(y_ticks))  # fmt: skip
    for row in history:
        x, y = _xy(code, row)
        if x is None or y is None or x < frame.x_min - 1e-9 or x > frame.x_max + 1e-9:
            continue
        cy = min(max(y, frame.y_min), frame.y_max)
        chart.points.append(Point(
            x=_num(float(frame.px(x))), y=_num(float(frame.py(cy))),
            title=_point_title(code, row, x, y), outside=cy != y,
        ))  # fmt: skip
    if len(chart.points) > 1:
        chart.path = "M" + " L".join(f"{p.x},{p.y}" for p in chart.points)
    return chart


def child_charts(*, sex: str, history, age_days_today: int) -> list[Chart]:
    """The charts of a child's page: weight-for-age, length/height-for-age, then
    weight-for-length (under 2 years) and/or weight-for-height (from 2 years).

    Weight-for-length is drawn when the child is under 2 years today or was measured before 2
    years; weight-for-height when the child is 2 or older today or was measured from 2 years.
    The chart for the child's current age comes first.
    """
    charts = [growth_chart("wfa", sex=sex, history=history),
              growth_chart("lhfa", sex=sex, history=history)]  # fmt: skip
    young_now = age_days_today < HEIGHT_FROM_DAYS
    by_length = young_now or any(r.age_days < HEIGHT_FROM_DAYS for r in history)
    by_height = not young_now or any(r.age_days >= HEIGHT_FROM_DAYS for r in history)
    order = ("wfl", "wfh") if young_now else ("wfh", "wfl")
    for code in order:
        if (code == "wfl" and by_length) or (code == "wfh" and by_height):
            charts.append(growth_chart(code, sex=sex, history=history))
    return charts
