"""Weighing-day pages: posyandu days, the fast entry form, results, and the child's page.

Views parse, call one service, render. Every record is fetched through
``accounts.scope.visible``: outside the user's scope it is a 404. Entering data also needs
``User.may_record()`` (403 otherwise).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tumbuh import growth
from tumbuh.accounts.scope import posyandu_for, visible
from tumbuh.monitoring import charts, services
from tumbuh.monitoring.forms import MeasurementForm, OpenSessionForm, PregnancyCheckForm
from tumbuh.monitoring.models import ChildMeasurement, PosyanduSession, PregnancyCheck
from tumbuh.registry.models import Child, Pregnancy

SESSIONS_PER_PAGE = 30
#: With more posyandu than this, "open today's posyandu day" is one form with a list to choose.
OPEN_BUTTONS_MAX = 6


def _session(request, pk) -> PosyanduSession:
    qs = PosyanduSession.objects.select_related("posyandu", "posyandu__kelurahan")
    return get_object_or_404(visible(qs, request.user), pk=pk)


def _require_recorder(user) -> None:
    if not user.may_record():
        raise PermissionDenied


def _parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@login_required
@require_safe
def session_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    sessions = visible(PosyanduSession.objects.select_related("posyandu"), user).order_by(
        "-date", "posyandu__name"
    )
    posyandu_list = list(posyandu_for(user).filter(is_active=True).order_by("name"))
    chosen = _parse_uuid(request.GET.get("posyandu"))
    if chosen:
        sessions = sessions.filter(posyandu_id=chosen)
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    services.session_counts(rows, user=user)
    today = timezone.localdate()
    open_today = {
        s.posyandu_id: s
        for s in visible(PosyanduSession.objects, user).filter(date=today).only("id", "posyandu")
    }
    for p in posyandu_list:
        p.today_session = open_today.get(p.id)
    return render(request, "monitoring/session_list.html", {
        "page": page, "sessions": rows, "posyandu_list": posyandu_list, "chosen": chosen,
        "today": today, "may_record": user.may_record(),
        "as_buttons": len(posyandu_list) <= OPEN_BUTTONS_MAX,
    })  # fmt: skip


@login_required
@require_POST
def session_open(request: HttpRequest) -> HttpResponse:
    _require_recorder(request.user)
    form = OpenSessionForm(request.POST)
    if not form.is_valid():
        if "posyandu" in form.errors:
            return redirect("monitoring:session-list")
        for error in form.errors.get("date", []):
            messages.error(request, error)
        return redirect("monitoring:session-list")
    posyandu = get_object_or_404(posyandu_for(request.user), pk=form.cleaned_data["posyandu"])
    try:
        session, _created = services.open_session(
            posyandu=posyandu, on_date=form.cleaned_data["date"], user=request.user
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("monitoring:session-list")
    return redirect("monitoring:session-detail", pk=session.pk)


@login_required
@require_safe
def session_detail(request: HttpRequest, pk) -> HttpResponse:
    session = _session(request, pk)
    query = request.GET.get("q", "")[:100]
    roster = services.session_roster(session=session, user=request.user, query=query)
    return render(request, "monitoring/session_detail.html", {
        "session": session, "roster": roster, "query": query,
        "may_record": request.user.may_record(),
        "show_identity": request.user.may_see_identity(),
    })  # fmt: skip


def _form_errors_from(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure(request: HttpRequest, session_pk, child_pk) -> HttpResponse:
    user = request.user
    session = _session(request, session_pk)
    child = get_object_or_404(
        visible(Child.objects.active().select_related("mother"), user), pk=child_pk
    )
    _require_recorder(user)
    same_day, previous = services.recent_measurements(child=child, user=user,
                                                      on_date=session.date)  # fmt: skip
    age_days = child.age_days_on(session.date)
    warnings, confirm_values = [], ""
    if request.method == "POST":
        form = MeasurementForm(request.POST, age_days=age_days)
        if form.is_valid():
            new_id = form.cleaned_data.get("id")
            if new_id and ChildMeasurement.objects.filter(pk=new_id).exists():
                new_id = None  # already used (a resubmission, or not this child's): ignore it
            try:
                m = services.record_measurement(
                    child=child, data=form.to_input(session.date), user=user, session=session,
                    confirm=form.confirmed, measurement_id=new_id,
                )  # fmt: skip
            except ValidationError as exc:
                _form_errors_from(form, exc)
            except services.NeedsConfirmation as exc:
                warnings, confirm_values = exc.warnings, form.values_key()
            else:
                return redirect("monitoring:measurement-result", pk=m.pk)
    else:
        initial = MeasurementForm.initial_from(same_day) if same_day else {}
        form = MeasurementForm(initial={**initial, "id": uuid.uuid4()}, age_days=age_days)
    return render(request, "monitoring/measure.html", {
        "session": session, "child": child, "form": form, "same_day": same_day,
        "previous": previous, "age_days": age_days,
        "age_months": int(growth.completed_months([child.birth_date], [session.date])[0]),
        "warnings": warnings, "confirm_values": confirm_values,
    })  # fmt: skip


@login_required
@require_safe
def measurement_result(request: HttpRequest, pk) -> HttpResponse:
    qs = ChildMeasurement.objects.select_related("child", "session", "session__posyandu")
    m = get_object_or_404(visible(qs, request.user), pk=pk)
    return render(request, "monitoring/measurement_result.html", {
        "m": m, "child": m.child, "session": m.session,
        "show_identity": request.user.may_see_identity(),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pregnancy_check(request: HttpRequest, session_pk, pregnancy_pk) -> HttpResponse:
    user = request.user
    session = _session(request, session_pk)
    pregnancy = get_object_or_404(
        visible(Pregnancy.objects.select_related("woman"), user), pk=pregnancy_pk
    )
    _require_recorder(user)
    if request.method == "POST":
        form = PregnancyCheckForm(request.POST)
        if form.is_valid():
            try:
                check = services.record_pregnancy_check(
                    pregnancy=pregnancy, checked_on=session.date, user=user, session=session,
                    **form.values(),
                )  # fmt: skip
            except ValidationError as exc:
                _form_errors_from(form, exc)
            else:
                return redirect("monitoring:pregnancy-check-result", pk=check.pk)
    else:
        existing = (
            visible(PregnancyCheck.objects, user)
            .filter(pregnancy=pregnancy, checked_on=session.date)
            .first()
        )
        initial = {n: getattr(existing, n) for n in PregnancyCheckForm.MESSAGES} if existing else {}
        height_cm = initial.get("height_cm") or pregnancy.height_cm
        initial["height_cm"] = None if height_cm is None else round(height_cm, 1)
        form = PregnancyCheckForm(initial=initial)
    return render(request, "monitoring/pregnancy_check.html", {
        "session": session, "pregnancy": pregnancy, "form": form,
        "weeks": pregnancy.gestational_weeks_on(session.date),
    })  # fmt: skip


@login_required
@require_safe
def pregnancy_check_result(request: HttpRequest, pk) -> HttpResponse:
    qs = PregnancyCheck.objects.select_related(
        "pregnancy", "pregnancy__woman", "session", "session__posyandu"
    )
    check = get_object_or_404(visible(qs, request.user), pk=pk)
    return render(request, "monitoring/pregnancy_check_result.html", {
        "check": check, "pregnancy": check.pregnancy, "session": check.session,
        "show_identity": request.user.may_see_identity(), "rules": growth.load_rules(),
    })  # fmt: skip


@login_required
@require_safe
def child_detail(request: HttpRequest, pk) -> HttpResponse:
    user = request.user
    qs = Child.objects.select_related("household", "household__kelurahan", "mother", "posyandu")
    child = get_object_or_404(visible(qs, user), pk=pk)
    history = services.child_history(child=child, user=user)
    today = timezone.localdate()
    age_days = child.age_days_on(today)
    return render(request, "monitoring/child_detail.html", {
        "child": child, "history": history[::-1], "latest": history[-1] if history else None,
        "charts": charts.child_charts(sex=child.sex, history=history, age_days_today=age_days),
        "age_days": age_days,
        "age_months": int(growth.completed_months([child.birth_date], [today])[0]),
        "show_identity": user.may_see_identity(), "may_record": user.may_record(),
    })  # fmt: skip
