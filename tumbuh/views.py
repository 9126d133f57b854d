"""Site-wide pages that belong to no single app."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tumbuh.accounts.models import Role
from tumbuh.registry import services

#: How many of a TPK team's households the start page lists (the rest are on the list page).
TPK_HOUSEHOLDS_SHOWN = 20


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what this user can do today, by role; every number through visible()."""
    user = request.user
    today = timezone.localdate()
    role = Role.ADMIN if user.is_administrator else user.role
    context = {
        "role": role,
        "today": today,
        "totals": services.totals(user, today=today),
        "may_merge": services.may_merge(user),
        "may_edit": services.may_edit(user),
    }
    if role in (Role.KADER, Role.BIDAN):
        context["posyandu_list"] = services.posyandu_overview(user, today=today)
    if role == Role.TPK:
        context["households"] = services.household_list(user, today=today)[:TPK_HOUSEHOLDS_SHOWN]
    return render(request, "home.html", context)


@login_required
@require_safe
def programmes(request: HttpRequest) -> HttpResponse:
    """The programmes beside growth monitoring, one card each (docs/roles.md)."""
    from tumbuh.accounts.scope import visible
    from tumbuh.pmt.models import Enrolment

    running = visible(Enrolment.objects.open(), request.user).count()
    return render(request, "programmes.html", {"page": "programmes", "pmt_running": running})


@login_required
@require_safe
def reports(request: HttpRequest) -> HttpResponse:
    """The reports hub: every report this user may open, grouped, one card each
    (tumbuh/reports.py holds the catalogue; each report's own rule decides)."""
    from tumbuh import reports as catalogue

    return render(request, "reports.html",
                  {"page": "reports", "groups": catalogue.groups_for(request.user)})  # fmt: skip
