"""Prevalence by area and month among the children measured, with the number measured and the
coverage (D/S) beside it.

The counts come from the stored prevalence cells (:mod:`tumbuh.analytics.models`), summed per
group and month with NumPy; the estimates, standard errors and 95% intervals are WHO anthro's
simple design, computed for every group and month at once by
:func:`tumbuh.growth.grouped_prevalence` — each area and month its own analysis, exactly what
``anthro_prevalence`` gives on that area's children of that month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible
from tumbuh.growth.grouped import grouped_prevalence

from . import figures
from .grouping import Grouping, Period
from .models import CELL_FIELDS, PosyanduMonth

#: Indicators offered on the page: key → (anthro prefix, anthro cut-off code, label, short).
INDICATOR_CHOICES = {
    "stunting": ("HA", "_2", _("Stunting: length/height-for-age below −2 SD"), _("stunted")),
    "severe_stunting": ("HA", "_3", _("Severe stunting: length/height-for-age below −3 SD"),
                        _("severely stunted")),
    "wasting": ("WH", "_2", _("Wasting: weight-for-length/height below −2 SD or oedema"),
                _("wasted")),
    "severe_wasting": ("WH", "_3", _("Severe wasting: weight-for-length/height below −3 SD or "
                                     "oedema"), _("severely wasted")),
    "underweight": ("WA", "_2", _("Underweight: weight-for-age below −2 SD or oedema"),
                    _("underweight")),
    "severe_underweight": ("WA", "_3", _("Severe underweight: weight-for-age below −3 SD or "
                                         "oedema"), _("severely underweight")),
    "overweight": ("WH", "2", _("Overweight: weight-for-length/height above +2 SD"),
                   _("overweight")),
}  # fmt: skip
DEFAULT_INDICATOR = "stunting"

_CUT_SUFFIX = {"lt3": "_3", "lt2": "_2", "lt1": "_1", "gt1": "1", "gt2": "2", "gt3": "3"}


def _count_key(field: str) -> str:
    """A prevalence-cell field → the count key of :func:`tumbuh.growth.grouped_prevalence`."""
    if field == "rows":
        return "n_rows"
    if field == "hawh_n":
        return "HA_2_WH_2_n"
    if field == "ha2_wh2":
        return "HA_2_WH_2"
    if field == "ha2_whp2":
        return "HA_2_WH2"
    ind, part = field.split("_", 1)
    prefix = ind.upper()
    if part in _CUT_SUFFIX:
        return prefix + _CUT_SUFFIX[part]
    return f"{prefix}_{part}"  # n, zn, zsum, zsumsq


COUNT_KEYS = {f: _count_key(f) for f in CELL_FIELDS}


@dataclass
class PrevalenceTable:
    """Groups (plus a last row for the whole scope) × months."""

    grouping: Grouping
    period: Period
    #: anthro's columns (``HA_2_r``, ``HAZ_unwpop`` …), each (groups + 1) × months
    estimates: dict
    #: children weighed (D) and registered (S), each (groups + 1) × months
    d: np.ndarray
    s: np.ndarray

    @property
    def coverage(self) -> np.ndarray:
        """D/S in percent; NaN where S is 0."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.s > 0, 100.0 * self.d / np.maximum(self.s, 1), np.nan)

    def indicator(self, key: str) -> dict[str, np.ndarray]:
        """n (usable values), r, se, ll, ul of one indicator, each (groups + 1) × months."""
        prefix, cut, _label, _short = INDICATOR_CHOICES[key]
        col = prefix + cut
        e = self.estimates
        return {"n": e[f"{prefix}Z_unwpop"], "r": e[col + "_r"], "se": e[col + "_se"],
                "ll": e[col + "_ll"], "ul": e[col + "_ul"]}  # fmt: skip


def _stored_counts(ids, period: Period):
    """Stored counts per posyandu and month (their totals over sex and age group), read raw:
    a city's 500 posyandu × 24 months are 12,000 rows of 50 numbers."""
    if not ids:
        return [], []
    figures.ensure(ids, period)
    qs = PosyanduMonth.objects.filter(month__gte=period.first, month__lte=period.last)
    if len(ids) <= 900:
        qs = qs.filter(posyandu_id__in=ids)
    rows = figures.raw_rows(qs.values_list("posyandu_id", "month", "d", "s", *CELL_FIELDS))
    to_pk = {figures.db_pk(pk): pk for pk in ids}
    cells, months = [], []
    for r in rows:
        pk = to_pk.get(r[0])
        if pk is None:
            continue
        months.append((pk, r[1], r[2], r[3]))
        cells.append((pk, r[1], *r[4:]))
    return cells, months


def _direct_counts(user, period: Period):
    """Counts straight from the user's measurements and children (a TPK team's families)."""
    from tumbuh.monitoring.models import ChildMeasurement
    from tumbuh.registry.models import Child

    found = figures.count_cells(visible(ChildMeasurement.objects.all(), user), period)
    cells = [(c["posyandu"], c["month"], *(c[f] for f in CELL_FIELDS)) for c in found]
    d = {}
    for c in found:
        d[(c["posyandu"], c["month"])] = d.get((c["posyandu"], c["month"]), 0) + c["d"]
    registered = figures.count_registered(visible(Child.objects.all(), user), period)
    keys = set(d) | set(registered)
    months = [(p, m, d.get((p, m), 0), registered.get((p, m), (0, 0))[0]) for p, m in keys]
    return cells, months


def _sum_by_group(rows, grouping: Grouping, period: Period, width: int) -> np.ndarray:
    """Sum rows (posyandu, month, values…) into (groups + 1) × months × width; the last group
    is the whole scope."""
    out = np.zeros((len(grouping) + 1, len(period), width))
    if not rows:
        return out
    g = grouping.group_index([r[0] for r in rows])
    m = period.index(np.array([r[1] for r in rows], dtype="datetime64[D]"))
    values = np.array([r[2:] for r in rows], dtype=float)
    keep = (g >= 0) & (m >= 0)
    np.add.at(out, (g[keep], m[keep]), values[keep])
    np.add.at(out, (np.full(keep.sum(), len(grouping)), m[keep]), values[keep])
    return out


def prevalence_table(user, grouping: Grouping, period: Period) -> PrevalenceTable:
    """Prevalence of every indicator for each group of ``grouping`` and each month."""
    if user.role == Role.TPK and not user.is_superuser:
        cells, months = _direct_counts(user, period)
    else:
        cells, months = _stored_counts(list(grouping.posyandu), period)
    counts = _sum_by_group(cells, grouping, period, len(CELL_FIELDS))
    ds = _sum_by_group(months, grouping, period, 2)
    by_key = {COUNT_KEYS[f]: counts[..., i] for i, f in enumerate(CELL_FIELDS)}
    estimates = grouped_prevalence(by_key)
    return PrevalenceTable(grouping=grouping, period=period, estimates=estimates,
                           d=ds[..., 0], s=ds[..., 1])  # fmt: skip
