"""Scorecard pages: the table, one posyandu month by month, one recorder month by month.

Views parse the query, call one service, render. What a user sees is scoped in the services
(``accounts.scope.visible``); a posyandu or recorder outside the user's scope is a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tumbuh.analytics.grouping import Period, add_months, month_start

from . import services

#: Months a month-by-month page shows unless asked otherwise.
TREND_MONTHS = 12
#: Months the table shows by default when it has a row per recorder (else the last month).
CADRE_MONTHS = 3


def _period(request: HttpRequest, *, default_months: int, complete: bool) -> tuple[Period, str]:
    """The period in the query (``dari``, ``sampai``: YYYY-MM), or by default the last
    ``default_months`` months, ending with the last complete month when ``complete``."""
    today = timezone.localdate()
    end = add_months(month_start(today), -1) if complete else today
    try:
        return Period.from_query(request.GET, default_months=default_months, today=end), ""
    except ValueError as exc:
        return Period.from_query({}, default_months=default_months, today=end), str(exc)


@login_required
@require_safe
def scorecard(request: HttpRequest) -> HttpResponse:
    user = request.user
    levels = services.levels_for(user)
    level = request.GET.get("tingkat", "")
    level = level if level in levels else levels[0]
    sort = request.GET.get("urut", "")
    sort = sort if sort in services.SORTS else services.SORTS[0]
    # A recorder enters some 40 rows a month: three months make most figures judgeable.
    months = CADRE_MONTHS if level == services.CADRE else 1
    period, error = _period(request, default_months=months, complete=True)
    within = request.GET.get("wilayah", "")[:64]
    card = services.scorecard(user, level=level, period=period, within=within, sort=sort)
    return render(request, "quality/scorecard.html", {
        "card": card, "error": error,
        "level_choices": [(lv, services.LABELS[lv]) for lv in levels],
        "query": services.period_query(period, tingkat=level, wilayah=within),
        "all_areas_query": services.period_query(period, tingkat=level, urut=sort),
    })  # fmt: skip


@login_required
@require_safe
def posyandu(request: HttpRequest, pk) -> HttpResponse:
    place = services.get_posyandu(request.user, pk)
    period, error = _period(request, default_months=TREND_MONTHS, complete=False)
    return render(request, "quality/posyandu.html", {
        "posyandu": place, "error": error,
        "scorecard": services.posyandu_scorecard(place, period, request.user),
        "recorders": services.posyandu_recorders(place, period, request.user),
        "columns": services.columns(),
    })  # fmt: skip


@login_required
@require_safe
def cadre(request: HttpRequest, pk: int) -> HttpResponse:
    person = services.get_cadre(request.user, pk)
    period, error = _period(request, default_months=TREND_MONTHS, complete=False)
    return render(request, "quality/cadre.html", {
        "cadre": person, "error": error,
        "scorecard": services.cadre_scorecard(person, period, request.user),
        "posyandu_list": services.recorder_posyandu(person, request.user),
    })  # fmt: skip
