"""The monthly reports, under /laporan/bulanan/: the posyandu's monthly form (F1,
``posyandu_report``) and the puskesmas recap (``recap``); each as a page that prints on A4
landscape, and as CSV or XLSX (``?format=csv|xlsx``).

Thin views: parse the query, call :mod:`tumbuh.analytics.monthly_report`, format. A posyandu
outside the user's scope is a 404. The recap needs the puskesmas level of
:data:`~tumbuh.analytics.views_skdn.ROLE_LEVELS`: kader and TPK get 403.
"""

from __future__ import annotations

import math
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tumbuh.lib.downloads import tables_response, wanted_format

from . import monthly_report as mr
from . import skdn
from .grouping import month_start, parse_month, posyandu_in_scope
from .views_skdn import _int, _levels, _month_choices, _pct, may_use_recap


def _month(request: HttpRequest):
    """The month asked for (``bulan``, YYYY-MM; default this month) and the errors."""
    this_month = month_start(timezone.localdate())
    errors, month = [], this_month
    if request.GET.get("bulan"):
        try:
            month = parse_month(request.GET["bulan"])
        except ValueError as exc:
            errors.append(str(exc))
        if month > this_month:
            errors.append(_("Figures exist up to this month only."))
            month = this_month
    return month, errors


def _num(x):
    """A ratio for a download: a number with four decimals, None for "—"."""
    return None if math.isnan(x) else round(float(x), 4)


# ---------------------------------------------------------------------------------------------
# The posyandu's monthly form (F1)


def _skdn_header() -> list[str]:
    return [_("Code"), _("Meaning"),
            *(f"{label} {mr.SEX_LETTERS[s]}" for label, _first in mr.AGE_GROUPS for s in mr.SEXES),
            _("Total L"), _("Total P"), _("Total L+P")]  # fmt: skip


def _skdn_rows(report: mr.PosyanduReport):
    totals = report.totals
    for i, code in enumerate(mr.ROWS):
        yield [skdn.COUNT_LABELS[code], str(skdn.COUNT_NAMES[code]),
               *(int(v) for v in report.counts[i].reshape(-1)),
               *(int(v) for v in totals[i])]  # fmt: skip


def _ratio_rows(report: mr.PosyanduReport):
    ratios = report.ratios()
    for key in mr.REPORT_RATIOS:
        r = skdn.RATIO_BY_KEY[key]
        yield [r.label, str(r.name), *(_num(v) for v in ratios[key])]


def _header_block(p, month) -> list[tuple[str, str]]:
    kel = p.kelurahan
    kec = kel.parent if kel is not None else None
    return [
        (_("Posyandu"), p.name),
        (_("Kelurahan"), kel.name if kel else ""),
        (_("Kecamatan"), kec.name if kec else ""),
        (_("Puskesmas"), p.puskesmas.name if p.puskesmas_id else ""),
        (_("Month"), date_format(month, "F Y")),
    ]


def _report_download(report: mr.PosyanduReport, fmt: str) -> HttpResponse:
    p = report.posyandu
    tables = [
        ("SKDN", _skdn_header(), _skdn_rows(report)),
        ("Rasio", [_("Ratio"), _("Meaning"), "L %", "P %", "L+P %"], _ratio_rows(report)),
    ]
    if report.follow_up is not None:
        tables.append((
            "Tindak lanjut",
            [_("Name"), _("Sex"), _("Age (months)"), _("Reason")],
            ([f.name, f.sex, f.age_months, "; ".join(f.reasons)] for f in report.follow_up),
        ))  # fmt: skip
    notes = [f"{label}: {value}" for label, value in _header_block(p, report.month)]
    notes.append(_("Age groups: the age in completed months on the last day of the month. "
                   "L: boys, P: girls. Ratios in percent, empty where the denominator is "
                   "0."))  # fmt: skip
    if report.households_only:
        notes.append(_("Figures of the families assigned to your team only."))
    name = f"laporan-bulanan-{slugify(p.name) or p.pk}-{report.month:%Y-%m}"
    return tables_response(fmt, name, tables, notes=notes)


@login_required
@require_safe
def posyandu_report(request: HttpRequest, pk) -> HttpResponse:
    user = request.user
    p = get_object_or_404(posyandu_in_scope(user), pk=pk)
    month, errors = _month(request)
    report = mr.posyandu_report(user, p, month)
    fmt = wanted_format(request)
    if fmt:
        return _report_download(report, fmt)
    totals = report.totals
    rows = []
    for i, code in enumerate(mr.ROWS):
        rows.append({"code": skdn.COUNT_LABELS[code], "name": skdn.COUNT_NAMES[code],
                     "cells": [_int(v) for v in report.counts[i].reshape(-1)],
                     "totals": [_int(v) for v in totals[i]]})  # fmt: skip
    ratios = report.ratios()
    ratio_rows = [{"label": skdn.RATIO_BY_KEY[k].label, "name": skdn.RATIO_BY_KEY[k].name,
                   "formula": skdn.RATIO_BY_KEY[k].formula,
                   "values": [_pct(v) for v in ratios[k]]}
                  for k in mr.REPORT_RATIOS]  # fmt: skip
    d, ntob = report.check()
    month_value = f"{month:%Y-%m}"
    context = {
        "posyandu": p,
        "errors": errors,
        "month": month,
        "month_value": month_value,
        "months": _month_choices(month_start(timezone.localdate()), month),
        "month_in_progress": month == month_start(timezone.localdate()),
        "last_day": report.last_day,
        "header": _header_block(p, month),
        "age_groups": [label for label, _first in mr.AGE_GROUPS],
        "sexes": [mr.SEX_LETTERS[s] for s in mr.SEXES],
        "rows": rows,
        "ratio_rows": ratio_rows,
        "check": [{"d": _int(a), "ntob": _int(b), "ok": int(a) == int(b)}
                  for a, b in zip(d, ntob, strict=True)],
        "check_ok": bool((d == ntob).all()),
        "follow_up": report.follow_up,
        "households_only": report.households_only,
        "csv_query": f"?bulan={month_value}&format=csv",
        "xlsx_query": f"?bulan={month_value}&format=xlsx",
        "posyandu_url": reverse("analytics:posyandu", args=[p.pk]),
        "recap_url": (f"{reverse('analytics:recap')}?bulan={month_value}"
                      f"&puskesmas={p.puskesmas_id}"
                      if may_use_recap(user) and p.puskesmas_id else ""),
    }  # fmt: skip
    return render(request, "analytics/monthly_posyandu.html", context)


# ---------------------------------------------------------------------------------------------
# The puskesmas recap


RECAP_COUNTS = mr.ROWS


def _recap_choice(request: HttpRequest, choices: list[tuple[str, str]], several: bool) -> str:
    """The puskesmas asked for: a pk among ``choices``, or "all" for those who may choose it;
    404 for a puskesmas outside the user's scope."""
    wanted = request.GET.get("puskesmas", "").strip()
    if not wanted:
        return choices[0][0] if choices else ""
    if wanted == mr.ALL and several:
        return mr.ALL
    try:
        wanted = str(uuid.UUID(wanted))
    except ValueError:
        raise Http404(_("Unknown puskesmas.")) from None
    if wanted not in {pk for pk, _name in choices}:
        raise Http404(_("Unknown puskesmas."))
    return wanted


def _recap_cells(counts) -> tuple[list[str], list[str]]:
    ratios = mr.ratios_of(counts, mr.RECAP_RATIOS)
    return [_int(v) for v in counts], [_pct(float(ratios[k])) for k in mr.RECAP_RATIOS]


def _recap_download(recap: mr.Recap, fmt: str) -> HttpResponse:
    header = [_("Puskesmas"), _("Kelurahan"), _("Posyandu"), _("Row"),
              *(skdn.COUNT_LABELS[c] for c in RECAP_COUNTS),
              *(f"{skdn.RATIO_BY_KEY[k].label} %" for k in mr.RECAP_RATIOS)]  # fmt: skip
    kinds = {"posyandu": _("posyandu"), "kelurahan": _("kelurahan subtotal"),
             "puskesmas": _("puskesmas total"), "all": _("total")}  # fmt: skip

    def rows():
        for block, row in recap.all_rows():
            ratios = mr.ratios_of(row.counts, mr.RECAP_RATIOS)
            yield [block.name if block else "", row.kelurahan,
                   row.label if row.kind == "posyandu" else "", kinds[row.kind],
                   *(int(v) for v in row.counts),
                   *(_num(float(ratios[k])) for k in mr.RECAP_RATIOS)]  # fmt: skip

    notes = [f"{_('Month')}: {date_format(recap.month, 'F Y')}",
             _("Ratios in percent, empty where the denominator is 0.")]  # fmt: skip
    return tables_response(fmt, f"rekap-skdn-{recap.month:%Y-%m}", [("Rekap", header, rows())],
                           notes=notes)  # fmt: skip


@login_required
@require_safe
def recap(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_use_recap(user):
        raise PermissionDenied(_("The puskesmas recap is for midwives, analysts and "
                                 "administrators."))  # fmt: skip
    several = "city" in _levels(user)  # analysts and administrators choose
    choices = mr.puskesmas_in_scope(user)
    chosen = _recap_choice(request, choices, several)
    month, errors = _month(request)
    report = mr.recap(user, month, chosen) if chosen else mr.Recap(month=month, blocks=[])
    fmt = wanted_format(request)
    if fmt:
        return _recap_download(report, fmt)
    month_value = f"{month:%Y-%m}"
    blocks = []
    for block in report.blocks:
        rows = []
        for row in block.rows:
            counts, ratios = _recap_cells(row.counts)
            link = ""
            if row.kind == "posyandu":
                link = (reverse("analytics:posyandu_report", args=[row.posyandu_id])
                        + f"?bulan={month_value}")  # fmt: skip
            rows.append({"kind": row.kind, "label": row.label, "link": link,
                         "counts": counts, "ratios": ratios})  # fmt: skip
        blocks.append({"name": block.name, "rows": rows})
    total = None
    if report.total is not None:
        counts, ratios = _recap_cells(report.total.counts)
        total = {"label": report.total.label, "counts": counts, "ratios": ratios}
    query = f"?bulan={month_value}&puskesmas={chosen}"
    context = {
        "errors": errors,
        "month": month,
        "month_value": month_value,
        "months": _month_choices(month_start(timezone.localdate()), month),
        "month_in_progress": month == month_start(timezone.localdate()),
        "choices": choices,
        "several": several,
        "chosen": chosen,
        "all_value": mr.ALL,
        "count_heads": [{"code": skdn.COUNT_LABELS[c], "name": skdn.COUNT_NAMES[c]}
                        for c in RECAP_COUNTS],
        "ratio_heads": [skdn.RATIO_BY_KEY[k] for k in mr.RECAP_RATIOS],
        "blocks": blocks,
        "total": total,
        "csv_query": f"{query}&format=csv",
        "xlsx_query": f"{query}&format=xlsx",
    }  # fmt: skip
    return render(request, "analytics/monthly_recap.html", context)
