"""Water and sanitation pages: coverage by kelurahan (now, on a day, month by month, as CSV or
XLSX), the households without layak water or sanitation, one household's status and history, and the
upgrade projects.

Everything is fetched through ``accounts.scope.visible`` (in the services or here): a household
outside the user's scope is a 404. Forms check the role (403): status by kader, bidan, TPK and
administrators; projects by administrators and holders of ``wash.manage_projects``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tumbuh.accounts.scope import visible
from tumbuh.analytics.grouping import Period
from tumbuh.areas.models import Area
from tumbuh.lib import downloads
from tumbuh.registry.models import Household

from . import config, services
from .forms import ProjectForm, ReachForm, StatusForm
from .models import HouseholdWashChange, Project, ProjectHousehold

PER_PAGE = 50
#: The most families the "households reached" form lists at once.
REACH_CANDIDATES = 200
DEFINITIONS = {"national": _("national (BPS, SDG 6.2): own or shared latrine with septic tank"),
               "krs": _("stunting risk (BKKBN): the family's own latrine with septic tank")}


def _definition(request) -> str:
    value = request.GET.get("definisi", "national")
    return value if value in config.DEFINITIONS else "national"


def _day(request) -> tuple[dt.date, str]:
    today = timezone.localdate()
    text = request.GET.get("tanggal", "")
    if not text:
        return today, ""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return today, _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": text}
    if day > today:
        return today, _("The date %(day)s is in the future.") % {"day": text}
    return day, ""


def _pct_1(x: float | None) -> float | None:
    """A percentage with one decimal (a number in XLSX, "12.5" in CSV); None: an empty cell."""
    return None if x is None else round(x, 1)


DOWNLOAD_HEAD = ["households", "water_known", "water_layak", "water_layak_pct",
                 "sanitation_known", "sanitation_layak", "sanitation_layak_pct", "both_known",
                 "both_layak", "both_layak_pct"]  # fmt: skip


def _download_cells(cell) -> list:
    return [cell.households, cell.water_known, cell.water_layak, _pct_1(cell.water_pct),
            cell.sanitation_known, cell.sanitation_layak, _pct_1(cell.sanitation_pct),
            cell.both_known, cell.both_layak, _pct_1(cell.both_pct)]  # fmt: skip


def _download_rows(cov, with_day: bool):
    """A row per kelurahan (and the total) and group: all families, those with a child < 5."""
    for row in [*cov.rows, cov.total]:
        for group, cell in (("all", row.all), ("under_five", row.under_five)):
            yield [*([f"{cov.on:%Y-%m-%d}"] if with_day else []),
                   row.code or "all", row.name, group, *_download_cells(cell),
                   cov.definition, cov.rule_version]  # fmt: skip


@login_required
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    """Coverage by kelurahan on a day (default today): table, or ``format=csv|xlsx``."""
    day, error = _day(request)
    definition = _definition(request)
    cov = services.coverage(request.user, on=day, definition=definition)
    query = {"tanggal": f"{day:%Y-%m-%d}", "definisi": definition}
    fmt = downloads.wanted_format(request)
    if fmt:
        head = ["kelurahan_code", "kelurahan", "group", *DOWNLOAD_HEAD, "definition",
                "rule_version"]  # fmt: skip
        return downloads.table_response(fmt, f"cakupan-air-sanitasi-{day:%Y-%m-%d}", head,
                                        _download_rows(cov, with_day=False),
                                        sheet=_("Coverage"))  # fmt: skip
    return render(request, "wash/coverage.html", {
        "cov": cov, "error": error, "definitions": DEFINITIONS.items(),
        "csv_query": urlencode({**query, "format": "csv"}),
        "xlsx_query": urlencode({**query, "format": "xlsx"}),
        "trend_query": urlencode({"definisi": definition}),
        "may_see_gaps": services.may_see_gaps(request.user),
        "may_manage": services.may_manage_projects(request.user),
    })  # fmt: skip


@login_required
@require_safe
def trend(request: HttpRequest) -> HttpResponse:
    """Coverage at the end of each month (from the recorded history); CSV or XLSX by
    kelurahan (``format=csv|xlsx``)."""
    definition = _definition(request)
    today = timezone.localdate()
    try:
        period, error = Period.from_query(request.GET, default_months=12, today=today), ""
    except ValueError as exc:
        period, error = Period.last_months(12, today), str(exc)
    months = [m for m in period.months if m <= today]
    covs = services.coverage_trend(request.user, months, definition=definition, today=today)
    fmt = downloads.wanted_format(request)
    if fmt:
        head = ["day", "kelurahan_code", "kelurahan", "group", *DOWNLOAD_HEAD, "definition",
                "rule_version"]  # fmt: skip
        rows = (line for cov in covs for line in _download_rows(cov, with_day=True))
        return downloads.table_response(
            fmt, f"tren-air-sanitasi-{period.first:%Y-%m}-{period.last:%Y-%m}", head, rows,
            sheet=_("Month by month"))  # fmt: skip
    query = {"dari": f"{period.first:%Y-%m}", "sampai": f"{period.last:%Y-%m}",
             "definisi": definition}  # fmt: skip
    return render(request, "wash/trend.html", {
        "covs": list(reversed(covs)), "period": period, "error": error,
        "definition": definition, "definitions": DEFINITIONS.items(),
        "csv_query": urlencode({**query, "format": "csv"}),
        "xlsx_query": urlencode({**query, "format": "xlsx"}),
        "may_see_gaps": services.may_see_gaps(request.user),
    })  # fmt: skip


@login_required
@require_safe
def gap_list(request: HttpRequest) -> HttpResponse:
    """Households without layak water or sanitation (or not recorded), by name, in scope."""
    user = request.user
    if not services.may_see_gaps(user):
        raise PermissionDenied
    missing = request.GET.get("kurang", "any")
    missing = missing if missing in services.GAPS else "any"
    definition = _definition(request)
    kel_codes = (visible(Household.objects.all(), user).order_by()
                 .values_list("kelurahan_id", flat=True).distinct())  # fmt: skip
    kelurahan_list = list(Area.objects.filter(code__in=kel_codes).order_by("name")
                          .only("code", "name"))  # fmt: skip
    chosen = request.GET.get("kelurahan", "")
    if chosen not in {k.code for k in kelurahan_list}:
        chosen = ""
    rows = services.gaps(user, missing=missing, kelurahan=chosen, definition=definition)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = {"kurang": missing, "definisi": definition, **({"kelurahan": chosen} if chosen else {})}
    return render(request, "wash/gaps.html", {
        "page": page, "missing": missing, "kelurahan_list": kelurahan_list, "chosen": chosen,
        "definition": definition, "page_query": urlencode(query),
        "missing_choices": [("any", _("water or sanitation not layak")),
                            ("water", _("water not layak")),
                            ("sanitation", _("sanitation not layak")),
                            ("unknown", _("not recorded"))],
        "may_update": services.may_update_status(user), "may_see_gaps": True,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def household(request: HttpRequest, pk) -> HttpResponse:
    """One family's water, sanitation and grey water, the form to record a check, and history."""
    user = request.user
    hh = get_object_or_404(visible(Household.objects.select_related("kelurahan", "posyandu")
                                   .defer("kelurahan__boundary"), user), pk=pk)  # fmt: skip
    if not services.may_update_status(user):
        raise PermissionDenied
    form = StatusForm(request.POST or None, household=hh)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {n: data[n] for n in ("water_source", "sanitation", "wastewater")}
        try:
            with transaction.atomic():  # the project's reach and the check, or neither
                _record_check(hh, data, values, user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Water and sanitation of %(name)s saved.")
                             % {"name": hh.head_name})
            return redirect("wash:household", pk=hh.pk)
    history = (HouseholdWashChange.objects.filter(household=hh)
               .select_related("reach__project").order_by("-changed_on", "-created_at"))[:50]
    return render(request, "wash/household.html", {
        "household": hh, "form": form, "history": history,
        "water_layak": services.rules.water_is_layak(hh.water_source),
        "sanitation_layak": services.rules.sanitation_is_layak(hh.sanitation),
        "wastewater_safe": services.rules.wastewater_is_safe(hh.wastewater),
    })  # fmt: skip


def _record_check(hh, data, values, user) -> None:
    if data["project"]:
        services.reach_households(data["project"], [hh.pk], completed_on=data["changed_on"],
                                  user=user)
        values.update(config.current().project_effects.get(data["project"].kind, {}))
    services.record_status(hh, values=values, changed_on=data["changed_on"], user=user)


# --- projects -------------------------------------------------------------------------------------


@login_required
@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    """Every project (no personal data), newest first, with the households it reached."""
    projects = Project.objects.annotate(n_reached=Count("reached")).prefetch_related("kelurahan")
    page = Paginator(projects.order_by("-start_on", "name"), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "wash/project_list.html", {
        "page": page, "may_manage": services.may_manage_projects(request.user),
        "may_see_gaps": services.may_see_gaps(request.user),
    })  # fmt: skip


@login_required
@require_safe
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.prefetch_related("kelurahan"), pk=pk)
    user = request.user
    reached = (visible(ProjectHousehold.objects.filter(project=project), user)
               .select_related("household", "household__posyandu")
               .order_by("-completed_on", "household__head_name"))  # fmt: skip
    page = Paginator(reached, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "wash/project_detail.html", {
        "project": project, "page": page,
        "total_reached": ProjectHousehold.objects.filter(project=project).count(),
        "show_identity": user.may_see_identity(),
        "may_manage": services.may_manage_projects(user),
    })  # fmt: skip


def _manager(request):
    if not services.may_manage_projects(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _manager(request)
    project = get_object_or_404(Project, pk=pk) if pk else None
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if project is None:
            saved.created_by = request.user
        saved.save()
        form.save_m2m()
        messages.success(request, _("Project “%(name)s” saved.") % {"name": saved.name})
        return redirect("wash:project-detail", pk=saved.pk)
    return render(request, "wash/project_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_reach(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick the families a project reached (in its kelurahan, not yet reached, in scope)."""
    _manager(request)
    user = request.user
    project = get_object_or_404(Project.objects.prefetch_related("kelurahan"), pk=pk)
    kel = [k.code for k in project.kelurahan.all()]
    rw = request.GET.get("rw", "")[:3]
    name = request.GET.get("q", "")[:60].strip()
    candidates = (visible(Household.objects.filter(kelurahan__in=kel), user)
                  .exclude(wash_projects__project=project).select_related("kelurahan")
                  .defer("kelurahan__boundary", "kelurahan__aliases")
                  .order_by("kelurahan_id", "rw", "rt", "head_name"))  # fmt: skip
    if rw:
        candidates = candidates.filter(rw=rw)
    if name and user.may_see_identity():
        candidates = candidates.filter(head_name__icontains=name)
    shown = list(candidates[:REACH_CANDIDATES])
    show_identity = user.may_see_identity()

    def label(h):
        where = f"{h.kelurahan.name} RT {h.rt or '-'}/RW {h.rw or '-'}"
        return f"{h.head_name}, {h.address} — {where}" if show_identity else where

    if request.method == "POST":
        # the ticked boxes may come from a filtered list: accept any candidate in scope
        ids = request.POST.getlist("households")
        valid = {str(pk) for pk in candidates.filter(pk__in=_uuids(ids)).values_list("pk",
                                                                                     flat=True)}
        form = ReachForm(request.POST, candidates=[(i, i) for i in valid])
    else:
        form = ReachForm(initial={"completed_on": project.end_on or timezone.localdate()},
                         candidates=[(h.pk, label(h)) for h in shown])  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            result = services.reach_households(project, form.cleaned_data["households"],
                                               completed_on=form.cleaned_data["completed_on"],
                                               user=user)  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(n)d families recorded as reached on %(day)s.") % {
                "n": result.reached,
                "day": date_format(form.cleaned_data["completed_on"], "j F Y")})
            return redirect("wash:project-detail", pk=project.pk)
    if request.method == "POST":
        form.fields["households"].choices = [(str(h.pk), label(h)) for h in shown]
    return render(request, "wash/project_reach.html", {
        "project": project, "form": form, "rw": rw, "q": name,
        "more": len(shown) >= REACH_CANDIDATES, "show_identity": show_identity,
    })  # fmt: skip


def _uuids(values):
    out = []
    for v in values:
        try:
            out.append(uuid.UUID(v))
        except ValueError:
            continue
    return out
