"""Convergence pages: coverage of each intervention by kelurahan, and the children at risk with
what reached them and what is missing. Everything through ``accounts.scope.visible`` (inside
:mod:`.services`); names only for users who may see them."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tumbuh.accounts.scope import posyandu_for
from tumbuh.lib import downloads

from . import services
from .config import INTERVENTIONS
from .labels import INTERVENTION_HELP, INTERVENTION_LABELS

PER_PAGE = 50


def _uuid(value):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _headers():
    return [(c, INTERVENTION_LABELS[c], INTERVENTION_HELP[c]) for c in INTERVENTIONS]


@login_required
@require_safe
def summary(request: HttpRequest) -> HttpResponse:
    """Per kelurahan: the children at risk, and for each intervention how many were eligible
    and how many it reached (the coverage)."""
    t = services.kelurahan_figures(request.user, timezone.localdate())
    rows, total = t.rows, t.total
    fmt = downloads.wanted_format(request)
    if fmt:
        head = [_("kelurahan"), _("children at risk")]
        for code in INTERVENTIONS:
            label = str(INTERVENTION_LABELS[code])
            head += [f"{label}: {_('eligible')}", f"{label}: {_('reached')}",
                     f"{label}: {_('coverage (%)')}"]  # fmt: skip
        lines = []
        for row in [*rows, total]:
            line = [row.name or _("Total"), row.at_risk]
            for _code, eligible, reached, coverage in row.cells:
                line += [eligible, reached, None if coverage is None else round(coverage, 1)]
            lines.append(line)
        return downloads.table_response(
            fmt, "konvergensi", head, lines, sheet=_("Convergence"),
            notes=[f"{t.start:%Y-%m-%d} – {t.today:%Y-%m-%d} · {t.rules_version}"],
        )  # fmt: skip
    return render(request, "convergence/summary.html", {
        "page": "convergence", "rows": rows, "total": total, "headers": _headers(),
        "start": t.start, "today": t.today, "rules_version": t.rules_version,
        "made_at": t.made_at,
    })  # fmt: skip


@login_required
@require_safe
def children(request: HttpRequest) -> HttpResponse:
    """The children at risk, most missing interventions first; ``?posyandu=&missing=1``."""
    user = request.user
    posyandu_list = list(posyandu_for(user).filter(is_active=True).order_by("name"))
    chosen = _uuid(request.GET.get("posyandu"))
    if chosen not in {p.pk for p in posyandu_list}:
        chosen = None
    only_missing = request.GET.get("missing") == "1"
    t = services.cached_build(user, timezone.localdate(), posyandu_id=chosen)
    order = services.children_at_risk(t, only_missing=only_missing)
    page = Paginator(order, PER_PAGE).get_page(request.GET.get("page"))
    params = {k: v for k, v in (("posyandu", chosen), ("missing", "1" if only_missing else ""))
              if v}  # fmt: skip
    return render(request, "convergence/children.html", {
        "page": "convergence", "items": services.items(t, list(page.object_list)),
        "rows": page, "headers": _headers(),
        "posyandu_list": posyandu_list, "chosen": chosen, "only_missing": only_missing,
        "show_identity": user.may_see_identity(), "query": urlencode(params),
        "start": t.start, "today": t.today,
    })  # fmt: skip

