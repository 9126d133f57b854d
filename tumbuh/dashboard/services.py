"""The city dashboard's figures, all read from what the other apps store (docs/dashboard.md).

- growth: children registered (S) and weighed (D), D/S, and the prevalence of stunting, wasting
  and underweight among those measured with its 95% CI, per kelurahan and month, from
  :func:`tumbuh.analytics.prevalence.prevalence_table` (the stored monthly figures);
- programmes, for the chosen month's year: children and pregnant women who received PMT,
  protein packages handed over, TPK visits; and households with layak water and sanitation at
  the end of the month (:func:`tumbuh.wash.services.coverage`);
- convergence per kelurahan (:mod:`tumbuh.convergence.services`).

A kelurahan's figure resting on fewer than ``min_cell`` children (households for water and
sanitation, children needing the intervention for convergence) is suppressed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tumbuh.accounts.scope import visible
from tumbuh.analytics.grouping import Period, add_months, grouping_for
from tumbuh.analytics.prevalence import prevalence_table
from tumbuh.lib.dates import month_end

from . import config as dashboard_config

#: metric -> (label, higher is better)
METRICS = {
    "stunting": (_("Stunting (%)"), False),
    "wasting": (_("Wasting (%)"), False),
    "underweight": (_("Underweight (%)"), False),
    "ds": (_("Weighed, D/S (%)"), True),
    "wash": (_("Layak water and sanitation (% of households)"), True),
    "pmt": (_("PMT reached those who needed it (%)"), True),
    "protein": (_("Protein package reached families at risk (%)"), True),
    "tpk_visit": (_("TPK visit reached families at risk (%)"), True),
}
PREVALENCE = ("stunting", "wasting", "underweight")
CONVERGENCE = ("pmt", "protein", "tpk_visit")


@dataclass
class Value:
    """One figure of one area: the value (percent), what it rests on, and whether it is shown."""

    value: float | None
    base: int
    suppressed: bool = False
    low: float | None = None  # 95% CI, prevalence only
    high: float | None = None

    @property
    def shown(self) -> float | None:
        return None if self.suppressed else self.value


@dataclass
class AreaFigures:
    code: str
    name: str
    values: dict[str, Value] = field(default_factory=dict)


@dataclass
class Dashboard:
    month: dt.date
    period: Period
    rules: dashboard_config.DashboardRules
    total: AreaFigures
    areas: list[AreaFigures]
    #: metric -> [(month, value or None)] for the whole scope
    trend: dict[str, list[tuple[dt.date, float | None]]]
    programmes: dict[str, int | float | None]
    convergence_rows: list
    convergence_total: object
    #: when the convergence figures were counted (None: just now)
    convergence_made_at: dt.datetime | None = None


def _f(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def _value(value, base: int, min_cell: int, low=None, high=None) -> Value:
    v = None if value is None else _f(value)
    return Value(value=v, base=int(base), suppressed=int(base) < min_cell, low=low, high=high)


def build(user, month: dt.date, *, rules=None) -> Dashboard:
    """Everything the dashboard shows for ``user``'s scope and ``month`` (a first day)."""
    from tumbuh.convergence import services as convergence
    from tumbuh.families.models import Visit
    from tumbuh.foodreserve.models import Issue
    from tumbuh.pmt import services as pmt
    from tumbuh.pmt.models import Enrolment
    from tumbuh.wash import services as wash

    rules = rules or dashboard_config.rules()
    period = Period(add_months(month, -(rules.trend_months - 1)), month)
    grouping = grouping_for(user, "kelurahan")
    table = prevalence_table(user, grouping, period)
    last = len(period) - 1
    ind = {key: table.indicator(key) for key in PREVALENCE}
    coverage = table.coverage
    m = rules.min_cell

    def growth_values(row: int) -> dict[str, Value]:
        out = {}
        for key in PREVALENCE:
            i = ind[key]
            out[key] = _value(i["r"][row, last], i["n"][row, last], m,
                              _f(i["ll"][row, last]), _f(i["ul"][row, last]))  # fmt: skip
        out["ds"] = _value(coverage[row, last], table.s[row, last], m)
        return out

    pairs = zip(grouping.keys, grouping.labels, strict=True)
    areas = [AreaFigures(code=str(code), name=label, values=growth_values(g))
             for g, (code, label) in enumerate(pairs)]  # fmt: skip
    total = AreaFigures(code="", name="", values=growth_values(len(grouping)))
    by_code = {a.code: a for a in areas}

    # water and sanitation at the end of the month
    cov = wash.household_coverage(user, on=min(month_end(month), timezone.localdate()))
    for row in cov.rows:
        if row.code in by_code:
            c = row.all
            by_code[row.code].values["wash"] = _value(c.both_pct, c.both_known, m)
    total.values["wash"] = _value(cov.total.all.both_pct, cov.total.all.both_known, m)

    # convergence per kelurahan (the 12 months before the end of the month)
    conv = convergence.kelurahan_figures(user, min(month_end(month), timezone.localdate()))
    conv_rows, conv_total = conv.rows, conv.total
    for row in conv_rows:
        if row.kelurahan_id in by_code:
            for key in CONVERGENCE:
                by_code[row.kelurahan_id].values[key] = _value(
                    row.coverage(key), row.eligible[key], m)
    for key in CONVERGENCE:
        total.values[key] = _value(conv_total.coverage(key), conv_total.eligible[key], m)
    for a in areas:
        for key in (*CONVERGENCE, "wash"):
            a.values.setdefault(key, Value(value=None, base=0, suppressed=True))

    # programmes in the month's year
    year = month.year
    totals = pmt.year_totals(visible(Enrolment.objects.filter(started_on__year=year), user))
    programmes = {
        "year": year,
        "pmt_children": totals["children"], "pmt_women": totals["women"],
        "packages": visible(Issue.objects.active().filter(issued_on__year=year), user).count(),
        "visits": visible(Visit.objects.filter(visited_on__year=year), user).count(),
        "households": cov.total.all.households,
    }  # fmt: skip
    trend = {key: [(mo, _f(ind[key]["r"][-1, j])) for j, mo in enumerate(period.months)]
             for key in PREVALENCE}  # fmt: skip
    trend["ds"] = [(mo, _f(coverage[-1, j])) for j, mo in enumerate(period.months)]
    return Dashboard(month=month, period=period, rules=rules, total=total,
                     areas=sorted(areas, key=lambda a: a.name), trend=trend,
                     programmes=programmes, convergence_rows=conv_rows,
                     convergence_total=conv_total,
                     convergence_made_at=conv.made_at)  # fmt: skip
