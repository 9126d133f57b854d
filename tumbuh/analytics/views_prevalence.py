"""Prevalence by area and month (``/laporan/prevalensi/``): among the children measured, with
the number measured and the coverage beside every figure; as a page and as CSV."""

from __future__ import annotations

import csv
import math

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tumbuh.accounts.models import Role
from tumbuh.lib.formatting import MISSING, format_fixed

from .charts_prevalence import trend_chart
from .grouping import LEVEL_LABELS, LEVELS, Period, grouping_for, parse_month
from .prevalence import DEFAULT_INDICATOR, INDICATOR_CHOICES, prevalence_table

#: The level a role starts at.
DEFAULT_LEVEL = {Role.KADER: "posyandu", Role.BIDAN: "posyandu", Role.TPK: "posyandu",
                 Role.ANALYST: "kelurahan", Role.ADMIN: "kelurahan"}  # fmt: skip
_CHILD_LEVEL = {"city": "kecamatan", "kecamatan": "kelurahan", "kelurahan": "posyandu",
                "puskesmas": "posyandu"}  # fmt: skip


def _percent(value: float) -> str:
    return format_fixed(value, 1)


def _count(value: float) -> str:
    return MISSING if math.isnan(value) else f"{int(value):,}".replace(",", ".")


def _choices(request: HttpRequest):
    """The indicator, level, area and period asked for; errors as messages, defaults kept."""
    errors = []
    q = request.GET
    indicator = q.get("indikator", DEFAULT_INDICATOR)
    if indicator not in INDICATOR_CHOICES:
        errors.append(_("Unknown indicator: %(value)s") % {"value": indicator})
        indicator = DEFAULT_INDICATOR
    user = request.user
    level = q.get("tingkat") or DEFAULT_LEVEL.get(user.role, "kelurahan")
    if level not in LEVELS:
        errors.append(_("Unknown level: %(level)s") % {"level": level})
        level = DEFAULT_LEVEL.get(user.role, "kelurahan")
    try:
        period = Period.from_query(q)
    except ValueError as exc:
        errors.append(str(exc))
        period = Period.last_months(12)
    # The area table shows the last complete month unless a month or an end is asked for:
    # early in a month, this month's few weighings would read as the month's figure.
    month = period.last
    if not q.get("sampai") and len(period) > 1:
        month = period.months[-2]
    if q.get("bulan"):
        try:
            month = parse_month(q["bulan"])
        except ValueError as exc:
            errors.append(str(exc))
        if month not in period.months:
            month = period.last
    return indicator, level, q.get("wilayah", ""), period, month, errors


def _row(label, parent, ind, table, g, m, drill=None) -> dict:
    return {
        "label": label, "parent": parent, "drill": drill,
        "n": _count(ind["n"][g, m]), "r": _percent(ind["r"][g, m]),
        "ll": _percent(ind["ll"][g, m]), "ul": _percent(ind["ul"][g, m]),
        "d": _count(table.d[g, m]), "s": _count(table.s[g, m]),
        "coverage": _percent(table.coverage[g, m]),
    }  # fmt: skip


@login_required
@require_safe
def prevalence(request: HttpRequest) -> HttpResponse:
    indicator, level, within, period, month, errors = _choices(request)
    grouping = grouping_for(request.user, level, within=within)
    table = prevalence_table(request.user, grouping, period)
    ind = table.indicator(indicator)
    if request.GET.get("format") == "csv":
        return _csv(grouping, period, table, indicator)
    m = period.months.index(month)
    total = len(grouping)
    child_level = _CHILD_LEVEL.get(level)
    rows = []
    for g, (key, label, parent) in enumerate(
        zip(grouping.keys, grouping.labels, grouping.parents, strict=True)
    ):
        drill = None
        if child_level and key:
            params = request.GET.copy()
            params["tingkat"], params["wilayah"] = child_level, key
            drill = "?" + params.urlencode()
        shown_parent = parent if level in ("posyandu", "kelurahan") else ""
        rows.append(_row(label, shown_parent, ind, table, g, m, drill))
    trend = [
        {"month": date_format(mm, "F Y"), **_row("", "", ind, table, total, i)}
        for i, mm in enumerate(period.months)
    ]
    context = {
        "page": "prevalence",
        "errors": errors,
        "indicator": indicator,
        "indicator_label": INDICATOR_CHOICES[indicator][2],
        "indicators": [(k, v[2]) for k, v in INDICATOR_CHOICES.items()],
        "level": level,
        "levels": [(k, LEVEL_LABELS[k]) for k in LEVELS],
        "level_label": LEVEL_LABELS[level],
        "within": within,
        "period": period,
        "month": month,
        "months": [(f"{mm:%Y-%m}", date_format(mm, "F Y")) for mm in period.months],
        "rows": rows,
        "total": _row(_("All"), "", ind, table, total, m),
        "trend": list(reversed(trend)),
        "chart": trend_chart(
            period.months, ind["r"][total], ind["ll"][total], ind["ul"][total],
            title=INDICATOR_CHOICES[indicator][2],
        ),
        "csv_query": _with(request, format="csv"),
    }  # fmt: skip
    return render(request, "analytics/prevalence.html", context)


def _with(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    for k, v in changes.items():
        params[k] = v
    return "?" + params.urlencode()


def _csv(grouping, period: Period, table, indicator: str) -> HttpResponse:
    """Every group and month: the estimate with its interval, n, D, S and D/S (dot decimals)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="prevalensi-{indicator}-{grouping.level}-'
        f'{period.first:%Y-%m}-{period.last:%Y-%m}.csv"'
    )
    ind = table.indicator(indicator)
    writer = csv.writer(response)
    writer.writerow(["level", "area_key", "area", "month", "indicator", "n", "prevalence_pct",
                     "se_pct", "ci95_low_pct", "ci95_high_pct", "weighed_d",
                     "registered_s", "coverage_d_s_pct"])  # fmt: skip
    keys = [*grouping.keys, ""]
    labels = [*grouping.labels, _("All")]

    def num(x):
        return "" if math.isnan(x) else f"{x:.4f}".rstrip("0").rstrip(".")

    for g in range(len(keys)):
        for i, mm in enumerate(period.months):
            writer.writerow([
                grouping.level if g < len(grouping) else "all", keys[g], labels[g],
                f"{mm:%Y-%m}", indicator, num(ind["n"][g, i]), num(ind["r"][g, i]),
                num(ind["se"][g, i]), num(ind["ll"][g, i]), num(ind["ul"][g, i]),
                num(table.d[g, i]), num(table.s[g, i]), num(table.coverage[g, i]),
            ])  # fmt: skip
    return response
