"""The city dashboard (``/dasbor/``): headline figures for a month, the trends, a choropleth map
by kelurahan, the figures by kelurahan with small cells suppressed, and the convergence
scorecard. Everything scoped (:mod:`.services`); no names anywhere."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tumbuh.analytics.grouping import add_months, month_start, parse_month
from tumbuh.convergence.config import INTERVENTIONS
from tumbuh.convergence.labels import INTERVENTION_LABELS
from tumbuh.lib import downloads
from tumbuh.lib.formatting import format_decimal

from . import maps, services
from .services import METRICS

CHART_W, CHART_H = 300, 80


def _month(request) -> tuple:
    """The month asked for (``?bulan=YYYY-MM``), else the last complete month."""
    today = timezone.localdate()
    default = add_months(month_start(today), -1)
    text = request.GET.get("bulan", "")
    try:
        month = parse_month(text) if text else default
    except ValueError:
        return default, _("Month not understood: %(value)s") % {"value": text}
    if month > month_start(today):
        return default, _("The month %(value)s lies in the future.") % {"value": text}
    return month, ""


def _line(points) -> dict:
    """A small line chart: SVG polyline points over the months, with the range."""
    values = [v for _m, v in points if v is not None]
    if not values:
        return {"points": "", "low": None, "high": None, "last": None}
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    n = max(len(points) - 1, 1)
    xy = []
    for i, (_m, v) in enumerate(points):
        if v is not None:
            x = round(4 + i * (CHART_W - 8) / n, 1)
            y = round(CHART_H - 4 - (v - low) * (CHART_H - 8) / span, 1)
            xy.append(f"{x},{y}")
    return {"points": " ".join(xy), "low": low, "high": high, "last": values[-1],
            "first_month": points[0][0], "last_month": points[-1][0]}  # fmt: skip


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    month, problem = _month(request)
    metric = request.GET.get("peta", "stunting")
    if metric not in METRICS:
        metric = "stunting"
    d = services.build(user, month)
    fmt = downloads.wanted_format(request)
    if fmt:
        return _download(d, fmt)
    label_text, higher = METRICS[metric]

    def label(name, v):
        shown = "—" if v is None else f"{format_decimal(v, 1)}%"
        return f"{name}: {shown}"

    values = {a.code: a.values[metric].shown for a in d.areas}
    choropleth = maps.choropleth(values, {a.code: a.name for a in d.areas},
                                 higher_is_better=higher, label=label)  # fmt: skip
    columns = [(key, METRICS[key][0]) for key in METRICS]
    return render(request, "dashboard/index.html", {
        "page": "dashboard", "d": d, "month": month, "problem": problem, "metric": metric,
        "metric_label": label_text, "metrics": [(k, v[0]) for k, v in METRICS.items()],
        "map": choropleth, "columns": columns,
        "rows": [(a, [a.values[k] for k, _l in columns]) for a in d.areas],
        "total_row": [d.total.values[k] for k, _l in columns],
        "charts": [(METRICS[k][0], _line(d.trend[k])) for k in ("stunting", "ds", "wasting",
                                                               "underweight")],
        "interventions": [(c, INTERVENTION_LABELS[c]) for c in INTERVENTIONS],
        "chart_w": CHART_W, "chart_h": CHART_H,
    })  # fmt: skip


def _download(d: services.Dashboard, fmt: str) -> HttpResponse:
    keys = list(METRICS)
    head = [_("kelurahan")]
    for key in keys:
        head += [str(METRICS[key][0]), f"{METRICS[key][0]}: {_('based on')}"]
    rows = []
    for a in [*d.areas, d.total]:
        line = [a.name or _("Total")]
        for key in keys:
            v = a.values[key]
            line += [None if v.shown is None else round(v.value, 1),
                     None if v.suppressed and a.code else v.base]  # fmt: skip
        rows.append(line)
    notes = [_("A figure resting on fewer than %(n)d is not shown.") % {"n": d.rules.min_cell},
             f"{d.month:%Y-%m} · dashboard {d.rules.version}"]  # fmt: skip
    return downloads.table_response(fmt, f"dasbor-{d.month:%Y-%m}", head, rows,
                                    sheet=_("By kelurahan"), notes=notes)  # fmt: skip


def _scope_name(user, d: services.Dashboard) -> str:
    """What the report covers: the puskesmas of a bidan, else the city of the first kelurahan."""
    from tumbuh.areas.models import Area

    if user.role == "bidan" and user.puskesmas_id:
        return _("Puskesmas %(name)s") % {"name": user.puskesmas.name}
    if not d.areas:
        return ""
    area = Area.objects.select_related("parent__parent").filter(code=d.areas[0].code).first()
    city = area.parent.parent if area and area.parent and area.parent.parent else None
    if len(d.areas) == 1 or city is None:
        return d.areas[0].name
    return city.name


@login_required
@require_safe
def report(request: HttpRequest) -> HttpResponse:
    """The city report of a month as PDF (``?bulan=YYYY-MM&peta=<metric>`` for the map)."""
    from . import pdf

    month, _problem = _month(request)
    metric = request.GET.get("peta", "stunting")
    if metric not in METRICS:
        metric = "stunting"
    d = services.build(request.user, month)
    body = pdf.render(d, city_name=_scope_name(request.user, d), metric=metric)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-kota-{month:%Y-%m}.pdf"'
    return response
