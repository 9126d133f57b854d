"""Karamunting pages: cadres, training sessions with their attendance, and training coverage.

Views parse, call a service, render. Cadres and sessions are fetched through
:mod:`tumbuh.training.scope` (out of scope: 404); forms need :func:`scope.may_manage` (403).
"""

from __future__ import annotations

import math
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tumbuh.accounts.scope import posyandu_for
from tumbuh.analytics.grouping import add_months
from tumbuh.areas.models import Puskesmas
from tumbuh.lib import downloads

from . import config, scope, services
from .forms import AttendanceFormSet, CadreForm, SessionForm
from .models import Attendance, Cadre, CadreRole, Session

PER_PAGE = 50
TRAINED, NOT_TRAINED = "ya", "tidak"


def _uuid(value):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _cadre_or_404(request, pk) -> Cadre:
    qs = scope.cadres(Cadre.objects.select_related("posyandu", "tpk_team", "kelurahan", "user"),
                      request.user)  # fmt: skip
    return get_object_or_404(qs, pk=pk)


def _session_or_404(request, pk) -> Session:
    qs = scope.sessions(Session.objects.select_related("puskesmas", "kelurahan"), request.user)
    return get_object_or_404(qs, pk=pk)


# --- Cadres --------------------------------------------------------------------------------


@login_required
@require_safe
def cadre_list(request: HttpRequest) -> HttpResponse:
    """The cadres the user sees, with filters; a fixed number of queries per page."""
    user = request.user
    today = timezone.localdate()
    catalogue = config.current()
    since = add_months(today, -catalogue.coverage_months)
    posyandu_list = list(posyandu_for(user).select_related(None).only("id", "name")
                         .order_by("name"))  # fmt: skip
    chosen = _uuid(request.GET.get("posyandu"))
    if chosen not in {p.id for p in posyandu_list}:
        chosen = None
    role = request.GET.get("peran", "")
    role = role if role in CadreRole.values else ""
    trained = request.GET.get("terlatih", "")
    trained = trained if trained in (TRAINED, NOT_TRAINED) else ""
    show_left = request.GET.get("keluar") == "1"
    qs = scope.cadres(Cadre.objects.all(), user)
    if not show_left:
        qs = qs.filter(is_active=True)
    if chosen:
        qs = qs.filter(posyandu_id=chosen)
    if role:
        qs = qs.filter(role=role)
    qs = services.with_training(qs.select_related("posyandu", "tpk_team"), since=since)
    if trained == TRAINED:
        qs = qs.filter(recent_sessions__gt=0)
    elif trained == NOT_TRAINED:
        qs = qs.filter(recent_sessions=0)
    page = Paginator(qs.order_by("name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("posyandu", chosen or ""), ("peran", role),
                                         ("terlatih", trained), ("keluar", "1" if show_left
                                                                 else "")) if v})  # fmt: skip
    return render(request, "training/cadre_list.html", {
        "page": page, "cadres": page.object_list, "posyandu_list": posyandu_list,
        "chosen": chosen, "role": role, "roles": CadreRole.choices, "trained": trained,
        "show_left": show_left, "query": query, "months": catalogue.coverage_months,
        "may_manage": scope.may_manage(user), "show_identity": scope.may_see_identity(user),
    })  # fmt: skip


@login_required
@require_safe
def cadre_detail(request: HttpRequest, pk) -> HttpResponse:
    cadre = _cadre_or_404(request, pk)
    user = request.user
    today = timezone.localdate()
    rows = services.history(cadre)
    return render(request, "training/cadre_detail.html", {
        "cadre": cadre, "rows": rows, "figures": services.figures(rows),
        "quality": services.quality_panel(cadre, user, today=today),
        "may_edit": scope.may_manage(user), "show_identity": scope.may_see_identity(user),
        "is_self": cadre.user_id == user.pk,
    })  # fmt: skip


def _save_cadre(request, form) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        with transaction.atomic():
            cadre = form.save()
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, _("Saved: %(name)s.") % {"name": cadre.name})
    return redirect("training:cadre-detail", pk=cadre.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cadre_create(request: HttpRequest) -> HttpResponse:
    if not scope.may_manage(request.user):
        raise PermissionDenied
    initial = {"active_since": timezone.localdate()}
    form = CadreForm(request.POST or None, manager=request.user, initial=initial)
    if request.method == "POST" and (done := _save_cadre(request, form)):
        return done
    return render(request, "training/cadre_form.html", {"form": form, "cadre": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cadre_edit(request: HttpRequest, pk) -> HttpResponse:
    cadre = _cadre_or_404(request, pk)
    if not scope.may_manage(request.user):
        raise PermissionDenied
    form = CadreForm(request.POST or None, instance=cadre, manager=request.user)
    if request.method == "POST" and (done := _save_cadre(request, form)):
        return done
    return render(request, "training/cadre_form.html", {"form": form, "cadre": cadre})


# --- Sessions ------------------------------------------------------------------------------


@login_required
@require_safe
def session_list(request: HttpRequest) -> HttpResponse:
    """Sessions the user sees, newest first, with their attendance counts."""
    qs = scope.sessions(Session.objects.select_related("puskesmas", "kelurahan"), request.user)
    qs = qs.annotate(
        n_attended=Count("attendances", filter=Q(attendances__attended=True)),
        mean_post=Avg("attendances__post_score", filter=Q(attendances__attended=True)),
    ).prefetch_related("modules").order_by("-start_date", "title")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "training/session_list.html", {
        "page": page, "sessions": page.object_list, "may_manage": scope.may_manage(request.user),
    })  # fmt: skip


def _attendance_initial(candidates, rows_by_cadre):
    initial = []
    for cadre in candidates:
        row = rows_by_cadre.get(cadre.pk)
        initial.append({
            "cadre": cadre.pk, "attended": bool(row and row.attended),
            "pre_score": row.pre_score if row else None,
            "post_score": row.post_score if row else None,
        })  # fmt: skip
    return initial


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_detail(request: HttpRequest, pk) -> HttpResponse:
    """A session: its modules and figures, and the attendance table (a form for managers)."""
    session = _session_or_404(request, pk)
    user = request.user
    may_manage = scope.may_manage_session(user, session)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    seen = scope.cadres(Cadre.objects.all(), user).values("pk")
    rows = list(Attendance.objects.filter(session=session, cadre__in=seen)
                .select_related("cadre__posyandu", "cadre__tpk_team")
                .order_by("cadre__name"))  # fmt: skip
    formset, pairs, puskesmas_list = None, [], []
    other = _uuid(request.GET.get("puskesmas")) if user.is_administrator else None
    if may_manage:
        if user.is_administrator:
            puskesmas_list = list(Puskesmas.objects.only("id", "name").order_by("name"))
            other = other if other in {p.pk for p in puskesmas_list} else None
        candidates = services.candidates(session, user, puskesmas_id=other)
        by_cadre = {r.cadre_id: r for r in rows}
        allowed = [c.pk for c in candidates]
        if request.method == "POST":
            formset = AttendanceFormSet(request.POST, allowed=allowed, prefix="hadir")
            if formset.is_valid():
                inputs = [services.AttendanceInput(
                    f.cleaned_data["cadre"], bool(f.cleaned_data["attended"]),
                    f.cleaned_data["pre_score"], f.cleaned_data["post_score"],
                ) for f in formset.forms if f.cleaned_data]  # fmt: skip
                try:
                    counts = services.record_attendance(session, inputs, user=user)
                except ValidationError as exc:
                    formset._non_form_errors = formset.error_class(exc.messages)
                else:
                    messages.success(request, _(
                        "Attendance saved: %(created)d added, %(updated)d changed, "
                        "%(absent)d marked absent.") % counts)
                    url = reverse("training:session-detail", args=[session.pk])
                    return redirect(f"{url}?puskesmas={other}" if other else url)
        else:
            formset = AttendanceFormSet(initial=_attendance_initial(candidates, by_cadre),
                                        allowed=allowed, prefix="hadir")
        cadres = {c.pk: c for c in candidates}
        for form in formset.forms:
            pk = form.initial.get("cadre") or _uuid(form.data.get(f"{form.prefix}-cadre"))
            pairs.append((cadres.get(pk), form))
    figures = services.session_figures(session)
    return render(request, "training/session_detail.html", {
        "session": session, "modules": list(session.modules.all()), "rows": rows,
        "figures": figures, "formset": formset, "pairs": pairs, "may_manage": may_manage,
        "pass_mark": config.current().pass_mark, "puskesmas_list": puskesmas_list,
        "other": other,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    if not scope.may_manage(request.user):
        raise PermissionDenied
    services.ensure_modules()
    form = SessionForm(request.POST or None, manager=request.user,
                       initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        session = form.save()
        messages.success(request, _("Saved: %(title)s.") % {"title": session.title})
        return redirect("training:session-detail", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form, "session": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request: HttpRequest, pk) -> HttpResponse:
    session = _session_or_404(request, pk)
    if not scope.may_manage_session(request.user, session):
        raise PermissionDenied
    services.ensure_modules()
    form = SessionForm(request.POST or None, instance=session, manager=request.user)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, _("Saved: %(title)s.") % {"title": session.title})
        return redirect("training:session-detail", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form, "session": session})


# --- Coverage ------------------------------------------------------------------------------


def _coverage(request):
    catalogue = config.current()
    level = request.GET.get("tingkat", "")
    level = level if level in services.LEVELS else services.LEVELS[0]
    try:
        months = int(request.GET.get("bulan", catalogue.coverage_months))
    except ValueError:
        months = catalogue.coverage_months
    months = min(max(months, 1), config.MAX_COVERAGE_MONTHS)
    return services.coverage(request.user, level=level, months=months,
                             today=timezone.localdate())  # fmt: skip


@login_required
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    cov = _coverage(request)
    return render(request, "training/coverage.html", {
        "cov": cov, "levels": [("kelurahan", _("Kelurahan")), ("puskesmas", _("Puskesmas"))],
        "download_query": urlencode({"tingkat": cov.level, "bulan": cov.months}),
    })  # fmt: skip


def _pct_1(value: float) -> float | None:
    """A percentage with one decimal (a number in XLSX, "20.0" in CSV); NaN (no active cadre):
    an empty cell."""
    return None if math.isnan(value) else round(value, 1)


@login_required
@require_safe
def coverage_download(request: HttpRequest, fmt: str = "csv") -> HttpResponse:
    """The coverage table with counts and percentages, as CSV or XLSX (same columns;
    ``cakupan.csv`` and ``cakupan.xlsx``)."""
    cov = _coverage(request)
    head = [cov.level, "parent", "active_cadres"]
    for m in cov.modules:
        head += [f"{m.code}_trained", f"{m.code}_pct"]
    head += ["all_core_trained", "all_core_pct"]
    rows = []
    for row in [*cov.rows, cov.total]:
        line = [row.label, row.parent, row.active]
        for n, pct in zip(row.trained, row.pcts, strict=True):
            line += [n, _pct_1(pct)]
        rows.append(line)
    return downloads.table_response(fmt, f"cakupan-pelatihan-{cov.level}-{cov.today:%Y-%m-%d}",
                                    head, rows, sheet=_("Training coverage"))  # fmt: skip

