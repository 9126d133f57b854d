"""SKDN pages, under /laporan/: by area for one month with the trend (``skdn``), and one
posyandu's last twelve months (``posyandu``); each as a page, CSV or XLSX.

Thin views: parse the query, call :mod:`tumbuh.analytics.skdn`, format. Everything is scoped by
the service (the posyandu the user may see); a posyandu outside the user's scope is a 404.
"""

from __future__ import annotations

import csv
import io
import math

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible
from tumbuh.lib.formatting import MISSING, format_decimal
from tumbuh.quality.services import posyandu_scorecard

from . import skdn
from .charts_skdn import trend_chart
from .grouping import (
    LEVEL_LABELS,
    Grouping,
    Period,
    add_months,
    grouping_for,
    month_start,
    parse_month,
    posyandu_in_scope,
)

#: Levels each role may choose (a bidan's kecamatan would hold her puskesmas' posyandu only,
#: under the kecamatan's name); analysts and administrators start at kelurahan, others at
#: posyandu.
ROLE_LEVELS = {
    Role.KADER: ("posyandu", "kelurahan"),
    Role.TPK: ("posyandu", "kelurahan"),
    Role.BIDAN: ("posyandu", "kelurahan", "puskesmas"),
    Role.ANALYST: ("posyandu", "kelurahan", "puskesmas", "kecamatan", "city"),
    Role.ADMIN: ("posyandu", "kelurahan", "puskesmas", "kecamatan", "city"),
}
#: One level down from each level (posyandu rows link to the posyandu's page).
CHILD_LEVEL = {"city": "kecamatan", "kecamatan": "kelurahan", "kelurahan": "posyandu",
               "puskesmas": "posyandu"}  # fmt: skip
#: Lengths of the trend offered (months up to the chosen one).
TREND_MONTHS = (6, 12, 24, 36)
DEFAULT_TREND = 12
POSYANDU_MONTHS = 12


def _levels(user) -> tuple[str, ...]:
    if user.is_administrator:
        return ROLE_LEVELS[Role.ADMIN]
    return ROLE_LEVELS.get(user.role, ("posyandu",))


def may_use_recap(user) -> bool:
    """Whether the user may open the puskesmas recap (their role has the puskesmas level)."""
    return "puskesmas" in _levels(user)


def _int(value) -> str:
    """A count with the active language's thousands separator (a city's table formats ten
    thousand numbers: Django's number_format is too slow for that)."""
    return f"{int(value):,}".replace(",", get_format("THOUSAND_SEPARATOR"))


def _pct(value: float) -> str:
    """A percentage with one decimal, a trailing ",0" dropped, as format_decimal(value, 1)."""
    if math.isnan(value):
        return MISSING
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def _below(value: float, target: float | None, lower_is_better: bool) -> bool:
    if target is None or math.isnan(value):
        return False
    return value > target if lower_is_better else value < target


def _td(value: str, off_target: bool = False) -> str:
    if off_target:
        return (f'<td class="number off-target">{value}<span class="visually-hidden"> '
                f'{escape(_("(target not reached)"))}</span></td>')  # fmt: skip
    return f'<td class="number">{value}</td>'


def _cells(table: skdn.SkdnTable, g: int, m: int, targets: dict) -> dict:
    """The formatted counts and ratios of group ``g`` in month ``m``, as data and as the
    row's table cells (``html``: numbers only, built here because a city's table has ten
    thousand cells)."""
    counts = [{"code": skdn.COUNT_LABELS[c], "value": _int(table.counts[g, m, i])}
              for i, c in enumerate(skdn.COUNTS)]  # fmt: skip
    ratios = []
    for r in skdn.RATIOS:
        v = float(table.ratio(r.key)[g, m])
        ratios.append({"label": r.label, "value": _pct(v),
                       "off_target": _below(v, targets.get(r.key), r.lower_is_better)})  # fmt: skip
    projected = float(table.projected[g, m])
    ds_p = float(table.ds_projected()[g, m])
    cells = {
        "counts": counts,
        "ratios": ratios,
        "projected": MISSING if math.isnan(projected) else _int(projected),
        "ds_projected": _pct(ds_p),
        "ds_projected_off": _below(ds_p, targets.get("d_s"), False),
    }
    html = [_td(c["value"]) for c in counts] + [_td(r["value"], r["off_target"]) for r in ratios]
    if table.has_projection:
        html += [_td(cells["projected"]), _td(cells["ds_projected"], cells["ds_projected_off"])]
    cells["html"] = mark_safe("".join(html))  # noqa: S308 - numbers and an escaped text
    return cells


def _headers(table: skdn.SkdnTable, targets: dict) -> dict:
    return {
        "counts": [{"code": skdn.COUNT_LABELS[c], "name": skdn.COUNT_NAMES[c]}
                   for c in skdn.COUNTS],
        "ratios": [{"label": r.label, "name": r.name, "formula": r.formula,
                    "target": format_decimal(targets[r.key], 1) if r.key in targets else "",
                    "ceiling": r.lower_is_better} for r in skdn.RATIOS],
        "projection": table.has_projection,
        "ds_target": format_decimal(targets["d_s"], 1) if "d_s" in targets else "",
    }  # fmt: skip


def _chart(table: skdn.SkdnTable, g: int):
    months = table.period.months
    ds, nd = table.ratio("d_s")[g], table.ratio("n_d")[g]
    d, s, n = table.count("d")[g], table.count("s")[g], table.count("n")[g]
    ds_tips = [f"{date_format(mm, 'F Y')}: D/S {_pct(ds[i])}% ({_int(d[i])}/{_int(s[i])})"
               for i, mm in enumerate(months)]  # fmt: skip
    nd_tips = [f"{date_format(mm, 'F Y')}: N/D {_pct(nd[i])}% ({_int(n[i])}/{_int(d[i])})"
               for i, mm in enumerate(months)]  # fmt: skip
    return trend_chart(
        months,
        [(_("D/S: weighed / registered"), "series-ds", ds, ds_tips),
         (_("N/D: gained enough / weighed"), "series-nd", nd, nd_tips)],
        table.targets.series("d_s", months),
        title=_("D/S and N/D month by month"),
        description=_("Percent of the registered under-fives weighed (D/S) and of the weighed "
                      "children who gained enough weight (N/D), by month, with the D/S target "
                      "as a dashed line."),
        target_label=_("D/S target"),
    )  # fmt: skip


def _trend_rows(table: skdn.SkdnTable, g: int) -> list[dict]:
    """One row per month of the period, newest first."""
    rows = []
    for m, month in enumerate(table.period.months):
        targets = table.targets.for_year(month.year)
        rows.append({"month": month, "label": date_format(month, "F Y"),
                     **_cells(table, g, m, targets)})  # fmt: skip
    return list(reversed(rows))


def _choices(request: HttpRequest):
    """Level, area, month and trend length asked for; errors as messages, defaults kept."""
    user, q, errors = request.user, request.GET, []
    levels = _levels(user)
    default = "kelurahan" if "city" in levels else "posyandu"
    level = q.get("tingkat") or default
    if level not in levels:
        errors.append(_("Unknown level: %(level)s") % {"level": level})
        level = default
    this_month = month_start(timezone.localdate())
    month = this_month
    if q.get("bulan"):
        try:
            month = parse_month(q["bulan"])
        except ValueError as exc:
            errors.append(str(exc))
        if month > this_month:
            errors.append(_("Figures exist up to this month only."))
            month = this_month
    trend = DEFAULT_TREND
    if q.get("tren"):
        try:
            trend = int(q["tren"])
        except ValueError:
            trend = -1
        if trend not in TREND_MONTHS:
            errors.append(_("Unknown trend length: %(value)s") % {"value": q["tren"]})
            trend = DEFAULT_TREND
    try:
        within = skdn.check_within(q.get("wilayah", ""))
    except ValueError as exc:
        errors.append(str(exc))
        within = ""
    period = Period(add_months(month, -(trend - 1)), month)
    return level, within, month, trend, period, errors


def _area_name(within: str) -> str:
    from tumbuh.areas.models import Area, Puskesmas

    if not within:
        return ""
    if "." in within:
        name = Area.objects.filter(code=within).values_list("name", flat=True).first()
    else:
        name = Puskesmas.objects.filter(pk=within).values_list("name", flat=True).first()
    return name or within


def _up(within: str, level: str) -> dict | None:
    """The query of the area one level up from ``within`` (None when not narrowed)."""
    if not within:
        return None
    if "." not in within:  # a puskesmas: back to every puskesmas
        return {"tingkat": "puskesmas", "wilayah": ""}
    parent = within.rsplit(".", 1)[0]
    up_level = {1: "city", 2: "kecamatan", 3: "kelurahan"}.get(within.count("."), level)
    return {"tingkat": up_level, "wilayah": parent if "." in parent else ""}


def _query(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    for k, v in changes.items():
        if v in ("", None):
            params.pop(k, None)
        else:
            params[k] = v
    return "?" + params.urlencode()


@login_required
@require_safe
def skdn_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    level, within, month, trend, period, errors = _choices(request)
    grouping = grouping_for(user, level, within=within)
    table = skdn.table_for(user, grouping, period)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = f"skdn-{level}-{period.first:%Y-%m}-{period.last:%Y-%m}"
        return _download(table, fmt, name)
    m = len(period) - 1
    targets = table.targets.for_year(month.year)
    child = CHILD_LEVEL.get(level)
    rows = []
    for g, (key, label, parent) in enumerate(
        zip(grouping.keys, grouping.labels, grouping.parents, strict=True)
    ):
        f1 = None
        if level == "posyandu":
            drill = reverse("analytics:posyandu", args=[key])
            f1 = reverse("analytics:posyandu_report", args=[key]) + f"?bulan={month:%Y-%m}"
        elif child and key:
            drill = _query(request, tingkat=child, wilayah=key, format="")
        else:
            drill = None
        rows.append({"label": label, "parent": parent, "drill": drill, "f1": f1,
                     **_cells(table, g, m, targets)})  # fmt: skip
    up = _up(within, level)
    context = {
        "errors": errors,
        "level": level,
        "level_label": LEVEL_LABELS[level],
        "levels": [(k, LEVEL_LABELS[k]) for k in _levels(user)],
        "within": within,
        "area_name": _area_name(within),
        "up_query": _query(request, **up, format="") if up else "",
        "month": month,
        "month_value": f"{month:%Y-%m}",
        "month_in_progress": month == month_start(timezone.localdate()),
        "months": _month_choices(month_start(timezone.localdate()), month),
        "trend": trend,
        "trend_choices": TREND_MONTHS,
        "period": period,
        "rows": rows,
        "total": {"label": _("All"), **_cells(table, table.total, m, targets)},
        "head": _headers(table, targets),
        "chart": _chart(table, table.total),
        "trend_rows": _trend_rows(table, table.total),
        "households_only": table.households_only,
        "partial_areas": not user.is_administrator and user.role != Role.ANALYST,
        "targets_version": table.targets.version,
        "csv_query": _query(request, format="csv"),
        "xlsx_query": _query(request, format="xlsx"),
        "f1_url": (reverse("analytics:posyandu_report", args=[next(iter(grouping.posyandu))])
                   + f"?bulan={month:%Y-%m}" if len(grouping.posyandu) == 1 else ""),
        "recap_url": _recap_url(user, month, within),
    }  # fmt: skip
    return render(request, "analytics/skdn.html", context)


def _recap_url(user, month, within: str = "") -> str:
    """The puskesmas recap of ``month`` (of the puskesmas ``within``, when it is one), for
    the users who may open it; "" for the others."""
    if not may_use_recap(user):
        return ""
    url = f"{reverse('analytics:recap')}?bulan={month:%Y-%m}"
    if within and "." not in within:
        url += f"&puskesmas={within}"
    return url


def _month_choices(last, chosen) -> list[tuple[str, str]]:
    """The months offered in the form, newest first: three years, or back to the chosen one."""
    n = max(36, len(Period(min(chosen, last), last)))
    return [(f"{mm:%Y-%m}", date_format(mm, "F Y"))
            for mm in (add_months(last, -i) for i in range(n))]  # fmt: skip


def single_posyandu(p) -> Grouping:
    """A grouping of one posyandu (its own page)."""
    kel = p.kelurahan
    return Grouping(level="posyandu", keys=[str(p.pk)], labels=[p.name],
                    parents=[kel.name if kel else ""], group_of_posyandu={p.pk: 0},
                    posyandu={p.pk: p})  # fmt: skip


@login_required
@require_safe
def posyandu_page(request: HttpRequest, pk) -> HttpResponse:
    from tumbuh.monitoring.models import PosyanduSession

    user = request.user
    p = get_object_or_404(posyandu_in_scope(user), pk=pk)
    period = Period.last_months(POSYANDU_MONTHS, timezone.localdate())
    table = skdn.table_for(user, single_posyandu(p), period)
    if request.GET.get("format") in ("csv", "xlsx"):
        name = f"skdn-posyandu-{p.pk}-{period.first:%Y-%m}-{period.last:%Y-%m}"
        return _download(table, request.GET["format"], name)
    # the month shown in figures: this month once anyone was weighed in it, else the last
    last = len(period) - 1
    d = table.count("d")[0]
    if d[last] == 0 and d[last - 1] > 0:
        last -= 1
    sessions = visible(PosyanduSession.objects.filter(posyandu=p), user).order_by("-date")
    recent = list(sessions.filter(date__gte=period.first).only("id", "date", "posyandu_id"))
    kel = p.kelurahan
    context = {
        "posyandu": p,
        "period": period,
        "head": _headers(table, table.targets.for_year(period.last.year)),
        "rows": _trend_rows(table, 0),
        "chart": _chart(table, 0),
        "now": {
            "s": _int(table.count("s")[0, last]),
            "k": _int(table.count("k")[0, last]),
            "d": _int(table.count("d")[0, last]),
            "ds": _pct(table.ratio("d_s")[0, last]),
            "month": period.months[last],
            "in_progress": last == len(period) - 1,
        },
        "sessions": recent[:6],
        "session_count": len(recent),
        "sessions_url": (f"{reverse('monitoring:session-list')}?posyandu={p.pk}"
                         if user.role != Role.TPK or user.is_superuser else ""),
        "area_query": (f"?tingkat=posyandu&wilayah={kel.code}" if kel else ""),
        "households_only": table.households_only,
        "targets_version": table.targets.version,
        "csv_query": "?format=csv",
        "xlsx_query": "?format=xlsx",
        "quality_scorecard": posyandu_scorecard(p, period, user),
        "f1_url": (reverse("analytics:posyandu_report", args=[p.pk])
                   + f"?bulan={period.months[last]:%Y-%m}"),
        "recap_url": _recap_url(user, period.months[last],
                                str(p.puskesmas_id) if p.puskesmas_id else ""),
    }  # fmt: skip
    return render(request, "analytics/posyandu.html", context)


# ---------------------------------------------------------------------------------------------
# Downloads: every group and month of the period, numbers as numbers (dot decimals in CSV)


EXPORT_COLUMNS = (
    "level", "area_key", "area", "parent_area", "month",
    *(skdn.COUNT_LABELS[c] for c in skdn.COUNTS),
    *(f"{r.label} %" for r in skdn.RATIOS),
    "S projected", "D/S projected %", "D/S target %",
)  # fmt: skip
EXPORT_NOTE = gettext_lazy(
    "S: under-fives registered. Ratios in percent, empty where the denominator is 0. "
    "N/D′ = N / (D − O − B). D/S projected: D over the projected number of under-fives, "
    "where it was entered for every posyandu of the area."
)


def _export_rows(table: skdn.SkdnTable):
    g_count = len(table.grouping)
    keys = [*table.grouping.keys, ""]
    labels = [*table.grouping.labels, _("All")]
    parents = [*table.grouping.parents, ""]
    ratios = {r.key: table.ratio(r.key) for r in skdn.RATIOS}
    ds_p = table.ds_projected()

    def num(x):
        return None if math.isnan(x) else round(float(x), 4)

    for g in range(g_count + 1):
        for m, month in enumerate(table.period.months):
            yield [
                table.grouping.level if g < g_count else "all", keys[g], labels[g],
                parents[g], f"{month:%Y-%m}",
                *(int(v) for v in table.counts[g, m]),
                *(num(ratios[r.key][g, m]) for r in skdn.RATIOS),
                num(table.projected[g, m]), num(ds_p[g, m]),
                table.targets.for_year(month.year).get("d_s"),
            ]  # fmt: skip


def _download(table: skdn.SkdnTable, fmt: str, name: str) -> HttpResponse:
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("SKDN")
        ws.append(list(EXPORT_COLUMNS))
        for row in _export_rows(table):
            ws.append(row)
        notes = wb.create_sheet(_("Notes"))
        notes.append([str(EXPORT_NOTE)])
        if table.households_only:
            notes.append([_("Figures of the families assigned to your team only.")])
        notes.append([f"targets {table.targets.version}"])
        buffer = io.BytesIO()
        wb.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(EXPORT_COLUMNS)
        for row in _export_rows(table):
            writer.writerow(["" if v is None else v for v in row])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
