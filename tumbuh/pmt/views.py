"""PMT pages: the programme's overview, who is eligible (one tap enrols), the enrolments, the
daily delivery log of a posyandu, and the yearly report.

Every row comes through ``accounts.scope.visible``: an enrolment outside the user's scope is a
404. Enrolling needs a health worker (:func:`services.may_enrol`), the delivery log a cadre,
a bidan or an administrator (:func:`services.may_deliver`); others get 403 on those forms.
Names are shown only to users who may see them (analysts need the identity permission).
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tumbuh.accounts.scope import posyandu_for, visible
from tumbuh.lib import downloads
from tumbuh.registry.models import Child, Pregnancy

from . import config as pmt_config
from . import services
from .forms import CloseForm, EnrolForm
from .models import Delivery, Enrolment, Funding, Group

PER_PAGE = 50
#: Above this many posyandu (and none chosen) the eligible list counts per posyandu.
GROUP_OVER = 12


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _date(value, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _scoped(user):
    return visible(Enrolment.objects.all(), user)


def _close_due(user) -> None:
    """Enrolments whose time is up close when someone looks (and by ``tumbuh closepmt``)."""
    services.close_due(timezone.localdate(), queryset=_scoped(user))


def _posyandu_choice(request, posyandu_list):
    chosen = _uuid(request.GET.get("posyandu") or request.POST.get("posyandu"))
    ids = {p.pk for p in posyandu_list}
    return chosen if chosen in ids else None


def _years(user) -> list[int]:
    first = _scoped(user).order_by("started_on").values_list("started_on", flat=True).first()
    this = timezone.localdate().year
    start = first.year if first else this
    return list(range(this, start - 1, -1))


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The programme at a glance for the user's scope: this year's figures, what is open."""
    user = request.user
    _close_due(user)
    today = timezone.localdate()
    years = _years(user)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    if year not in years:
        year = today.year
    scoped = _scoped(user)
    of_year = scoped.filter(started_on__year=year)
    open_counts = scoped.open().aggregate(
        total=Count("pk"),
        children=Count("pk", filter=Q(group=Group.CHILD)),
        women=Count("pk", filter=Q(group=Group.PREGNANT)),
    )
    return render(request, "pmt/index.html", {
        "page": "pmt", "year": year, "years": years,
        "figures": services.figures(of_year), "totals": services.year_totals(of_year),
        "open": open_counts, "may_enrol": services.may_enrol(user),
        "may_deliver": services.may_deliver(user), "rules": pmt_config.rules(),
    })  # fmt: skip


@login_required
@require_safe
def eligible(request: HttpRequest) -> HttpResponse:
    """Everyone in scope eligible today, children first; a health worker enrols with one tap."""
    user = request.user
    posyandu_list = list(posyandu_for(user).filter(is_active=True).order_by("name"))
    chosen = _posyandu_choice(request, posyandu_list)
    grouped = []
    if chosen is None and len(posyandu_list) > GROUP_OVER:
        # a puskesmas or a city: how many per posyandu; choose one to see and enrol them
        counts = services.eligible_counts(user)
        grouped = [(p, *counts[p.pk]) for p in posyandu_list if p.pk in counts]
        grouped.sort(key=lambda g: (-(g[1] + g[2]), g[0].name))
        children = women = []
    else:
        children, women = services.eligible(user, posyandu_id=chosen)
    return render(request, "pmt/eligible.html", {
        "page": "pmt", "children": children, "women": women, "posyandu_list": posyandu_list,
        "grouped": grouped, "grouped_total": [sum(g[1] for g in grouped),
                                              sum(g[2] for g in grouped)],
        "chosen": chosen, "may_enrol": services.may_enrol(user),
        "show_identity": user.may_see_identity(), "funding_choices": Funding.choices,
        "rules": pmt_config.rules(), "today": timezone.localdate(),
        "next": request.get_full_path(),
    })  # fmt: skip


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
@require_POST
def enrol(request: HttpRequest) -> HttpResponse:
    """Enrol one eligible child or pregnant woman (POST from the eligible list or a worklist
    item). The eligibility is checked again here; the answer goes back as a message."""
    user = request.user
    if not services.may_enrol(user):
        raise PermissionDenied
    form = EnrolForm(request.POST)
    back = _safe_next(request, reverse("pmt:eligible"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    child = pregnancy = None
    if data["child"]:
        child = get_object_or_404(visible(Child.objects.active(), user), pk=data["child"])
    elif data["pregnancy"]:
        pregnancy = get_object_or_404(visible(Pregnancy.objects.all(), user), pk=data["pregnancy"])
    else:
        raise Http404
    try:
        candidate = services.candidate_for(user, child=child, pregnancy=pregnancy)
        enrolment = services.enrol(
            candidate, user=user, started_on=data["started_on"] or timezone.localdate(),
            funding=data["funding"], partner=data["partner"],
        )  # fmt: skip
    except services.PmtError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if data.get("worklist_reason"):
        _record_worklist_follow_up(request, enrolment, data)
    messages.success(request, _(
        "%(name)s enrolled in PMT (%(reason)s) for %(days)d days, until %(end)s."
    ) % {"name": enrolment.subject_name, "reason": enrolment.get_reason_display(),
         "days": enrolment.planned_days, "end": enrolment.planned_end.strftime("%d-%m-%Y")})
    return redirect(back)


def _record_worklist_follow_up(request, enrolment, data) -> None:
    """Enrolling from a worklist item also takes the item off the list ("enrolled")."""
    from tumbuh.worklists import config as worklist_config
    from tumbuh.worklists import services as worklist_services
    from tumbuh.worklists.models import Action

    q = worklist_services.Query(user=request.user, today=timezone.localdate(),
                                config=worklist_config.current())  # fmt: skip
    try:
        item = worklist_services.find_item(q, data["worklist_reason"], data["worklist_item"])
    except (worklist_services.ItemNotFound, ValueError):
        return
    if item.state != "open":
        return
    worklist_services.record_follow_up(
        q, item, action=Action.ENROLLED, done_on=enrolment.started_on,
        note=_("PMT: %(reason)s") % {"reason": enrolment.get_reason_display()},
    )  # fmt: skip


@login_required
@require_safe
def enrolments(request: HttpRequest) -> HttpResponse:
    """The enrolments of the user's scope: open ones first, then closed; filters."""
    user = request.user
    _close_due(user)
    posyandu_list = list(posyandu_for(user).filter(is_active=True).order_by("name"))
    chosen = _posyandu_choice(request, posyandu_list)
    state = request.GET.get("state", "open")
    if state not in ("open", "closed", "all"):
        state = "open"
    rows = _scoped(user).select_related("child", "pregnancy__woman", "posyandu").annotate(
        delivered=Count("deliveries", filter=~Q(deliveries__status=Delivery.Status.MISSED))
    )
    if chosen:
        rows = rows.filter(posyandu_id=chosen)
    if state == "open":
        rows = rows.open().order_by("planned_end", "pk")
    elif state == "closed":
        rows = rows.filter(closed_on__isnull=False).order_by("-closed_on", "pk")
    else:
        rows = rows.order_by("-started_on", "pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    params = {"state": state, **({"posyandu": chosen} if chosen else {})}
    return render(request, "pmt/enrolments.html", {
        "page": "pmt", "rows": page, "state": state, "posyandu_list": posyandu_list,
        "chosen": chosen, "show_identity": user.may_see_identity(),
        "today": timezone.localdate(), "query": urlencode(params),
    })  # fmt: skip


@login_required
@require_safe
def enrolment(request: HttpRequest, pk) -> HttpResponse:
    """One enrolment: why, the baseline, each day's delivery, the end and the outcome."""
    user = request.user
    obj = get_object_or_404(
        _scoped(user).select_related("child", "pregnancy__woman", "household__kelurahan",
                                     "posyandu", "enrolled_by", "closed_by",
                                     "start_measurement", "end_measurement"),
        pk=pk,
    )  # fmt: skip
    if not user.may_see_identity():
        raise PermissionDenied
    if obj.is_open:
        services.close_due(timezone.localdate(), queryset=Enrolment.objects.filter(pk=obj.pk))
        obj.refresh_from_db()
    today = timezone.localdate()
    deliveries = {d.day: d for d in obj.deliveries.all()}
    last = min(obj.closed_on or obj.planned_end, today)
    days = []
    day = obj.started_on
    while day <= obj.planned_end:
        d = deliveries.get(day)
        state = d.status if d else ("none" if day <= last else "future")
        days.append({"day": day, "state": state, "delivery": d})
        day += dt.timedelta(days=1)
    tally = {
        "delivered": sum(1 for d in deliveries.values() if d.delivered),
        "missed": sum(1 for d in deliveries.values() if not d.delivered),
    }
    tally["unrecorded"] = sum(1 for x in days if x["state"] == "none")
    may_close = obj.is_open and services.may_enrol(user)
    form = CloseForm(enrolment=obj, today=today) if may_close else None
    return render(request, "pmt/enrolment.html", {
        "page": "pmt", "e": obj, "days": days, "tally": tally, "form": form,
        "today": today, "may_deliver": services.may_deliver(user) and obj.is_open,
    })  # fmt: skip


@login_required
@require_POST
def close(request: HttpRequest, pk) -> HttpResponse:
    user = request.user
    obj = get_object_or_404(_scoped(user), pk=pk)
    if not services.may_enrol(user):
        raise PermissionDenied
    form = CloseForm(request.POST, enrolment=obj, today=timezone.localdate())
    if form.is_valid():
        outcome = form.cleaned_data["outcome"]
        try:
            services.close(
                obj, user=user, outcome=None if outcome == CloseForm.JUDGE else outcome,
                closed_on=form.cleaned_data["closed_on"], note=form.cleaned_data["note"],
            )  # fmt: skip
        except services.PmtError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Closed: %(outcome)s.") % {
                "outcome": obj.get_outcome_display()})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("pmt:enrolment", pk=obj.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def deliveries(request: HttpRequest) -> HttpResponse:
    """The daily log of one posyandu: every enrolment active on the day, one row each, saved
    at once. Also shows each enrolment's days delivered, missed and not recorded so far."""
    user = request.user
    today = timezone.localdate()
    posyandu_list = list(posyandu_for(user).filter(is_active=True).order_by("name"))
    chosen = _posyandu_choice(request, posyandu_list)
    if chosen is None and len(posyandu_list) == 1:
        chosen = posyandu_list[0].pk
    day = _date(request.GET.get("day") or request.POST.get("day"), today)
    if day > today:
        day = today
    posyandu = next((p for p in posyandu_list if p.pk == chosen), None)
    if request.method == "POST":
        if not services.may_deliver(user):
            raise PermissionDenied
        if posyandu is None:
            raise Http404
        entries = {}
        for key, value in request.POST.items():
            if key.startswith("status-"):
                enrolment_id = _uuid(key[len("status-"):])
                if enrolment_id is None:
                    continue
                entries[enrolment_id] = (value, request.POST.get(f"reason-{enrolment_id}", ""))
        everyone = request.POST.get("all")
        if everyone in (Delivery.Status.MEAL, Delivery.Status.SNACK):
            # "Everyone not marked": the rows without a choice (and without a saved day).
            for entry in services.day_log(user, posyandu, day):
                if entry.enrolment.pk not in entries and entry.delivery is None:
                    entries[entry.enrolment.pk] = (everyone, "")
        try:
            n = services.record_day(user, posyandu, day, entries)
        except services.PmtError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved the PMT log of %(day)s: %(n)d rows.")
                             % {"day": day.strftime("%d-%m-%Y"), "n": n})
        return redirect(f"{reverse('pmt:deliveries')}?"
                        f"{urlencode({'posyandu': posyandu.pk, 'day': day.isoformat()})}")
    rows = services.day_log(user, posyandu, day) if posyandu else []
    if rows and not user.may_see_identity():
        raise PermissionDenied
    return render(request, "pmt/deliveries.html", {
        "page": "pmt", "rows": rows, "posyandu_list": posyandu_list, "chosen": chosen,
        "posyandu": posyandu, "day": day, "today": today,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1) if day < today else None,
        "may_deliver": services.may_deliver(user),
        "statuses": Delivery.Status.choices, "missed_reasons": Delivery.Missed.choices,
    })  # fmt: skip


@login_required
@require_safe
def report(request: HttpRequest) -> HttpResponse:
    """The yearly report: how many children and pregnant women received PMT, the figures by
    programme, the beneficiaries by area; CSV."""
    user = request.user
    _close_due(user)
    years = _years(user)
    today = timezone.localdate()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    if year not in years:
        year = years[0]
    level = request.GET.get("by", "kelurahan")
    if level not in ("kelurahan", "puskesmas", "posyandu"):
        level = "kelurahan"
    of_year = _scoped(user).filter(started_on__year=year)
    figures = services.figures(of_year)
    areas = services.beneficiaries_by_area(of_year, level)
    totals = services.year_totals(of_year)
    fmt = downloads.wanted_format(request)
    if fmt:
        return _report_download(fmt, year, figures, areas, level)
    return render(request, "pmt/report.html", {
        "page": "pmt", "year": year, "years": years, "figures": figures, "areas": areas,
        "level": level, "totals": totals, "rules": pmt_config.rules(),
        "levels": [("kelurahan", _("kelurahan")), ("puskesmas", _("puskesmas")),
                   ("posyandu", _("posyandu"))],
    })  # fmt: skip


def _report_download(fmt: str, year: int, figures, areas, level: str) -> HttpResponse:
    head = [
        _("programme"), _("beneficiaries"), _("enrolments"), _("open"), _("closed"),
        _("completed"), _("with an end measurement"), _("recovered"), _("days delivered"),
        _("cost (Rp)"), _("cost per recovered (Rp)"),
    ]  # fmt: skip
    rows = [[f.label, f.beneficiaries, f.enrolments, f.open, f.closed, f.completed, f.judged,
             f.recovered, f.days_delivered, f.cost_idr,
             None if f.cost_per_recovered_idr is None else round(f.cost_per_recovered_idr)]
            for f in figures]  # fmt: skip
    area_head = [level, _("children"), _("pregnant women"), _("enrolments"), _("recovered"),
                 _("days delivered")]  # fmt: skip
    area_rows = [[r["area"], r["children"], r["women"], r["enrolments"], r["recovered"],
                  r["delivered"]] for r in areas]  # fmt: skip
    return downloads.tables_response(fmt, f"pmt-{year}-{level}", [
        (_("By programme"), head, rows), (_("By area"), area_head, area_rows),
    ])  # fmt: skip
