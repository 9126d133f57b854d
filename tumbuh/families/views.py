"""Pages of the families app (KRS screening, TPK assistance, referrals), under /pendampingan/.

Every record is fetched through ``accounts.scope.visible``: out of scope is a 404. Inside the
scope, the role decides (:mod:`tumbuh.families.services`): TPK members, bidan and administrators
screen and record visits; posyandu cadres also refer; analysts read the summary, and the
families only with the identity permission; bidan and administrators assign teams.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tumbuh.accounts.models import Role, User
from tumbuh.accounts.scope import visible
from tumbuh.areas.models import Area
from tumbuh.registry.models import Child, Household, Person, Pregnancy

from . import config as krs_config
from . import rules, services
from .forms import AssignForm, ReferralForm, ReferralUpdateForm, VisitForm
from .models import OPEN_STATUSES, Referral, Screening, TeamMember, Visit

PAGE_SIZE = 25
FORM_METHODS = ["GET", "HEAD", "POST"]


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "families/forbidden.html", {"message": message}, status=403)


def _names_hidden(request):
    return _forbidden(request, _("Names and addresses are hidden for your account: the KRS "
                                 "summary shows the counts by kelurahan."))  # fmt: skip


def _household(request, pk) -> Household:
    return get_object_or_404(
        visible(Household.objects.select_related("kelurahan", "posyandu", "tpk_team"),
                request.user), pk=pk)  # fmt: skip


# --- the worklist -------------------------------------------------------------------------------


@login_required
@require_safe
def worklist(request: HttpRequest) -> HttpResponse:
    """The user's families (a TPK member: the team's), at risk first, with factors, last visit
    and when the next visit is due. A fixed number of queries whatever the rows."""
    user = request.user
    if not services.may_see_families(user):
        return _names_hidden(request)
    today = timezone.localdate()
    cfg = krs_config.current()
    show = request.GET.get("tampil")
    if show not in ("risiko", "sasaran", "semua"):
        show = "risiko"
    qs = services.families(user, today=today, only_targets=show != "semua")
    if show == "risiko":
        qs = qs.filter(krs_at_risk=True)
    kelurahan_list = list(Area.objects.filter(
        pk__in=visible(Household.objects.all(), user).order_by().values("kelurahan_id"))
        .order_by("name").only("code", "name"))  # fmt: skip
    kelurahan = request.GET.get("kelurahan", "")
    if kelurahan not in {k.pk for k in kelurahan_list}:
        kelurahan = ""
    rw = request.GET.get("rw", "").strip()[:3]
    if kelurahan:
        qs = qs.filter(kelurahan_id=kelurahan)
        if rw:
            qs = qs.filter(rw=rw)
    else:
        rw = ""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = services.decorate(list(page.object_list), today, cfg)
    unscreened = 0
    if services.may_screen(user):
        unscreened = visible(Household.objects.all(), user).exclude(
            Exists(Screening.objects.filter(household=OuterRef("pk")))).count()
    return render(request, "families/worklist.html", {
        "page": page, "rows": rows, "today": today, "show": show, "unscreened": unscreened,
        "may_screen": services.may_screen(user), "may_assign": services.may_assign(user),
        "team": user.tpk_team if user.role == Role.TPK else None,
        "kelurahan_list": kelurahan_list, "kelurahan": kelurahan, "rw": rw,
        "query": urlencode({"tampil": show, **({"kelurahan": kelurahan} if kelurahan else {}),
                            **({"rw": rw} if rw else {})}),
    })  # fmt: skip


@login_required
@require_POST
def screen_all(request: HttpRequest) -> HttpResponse:
    """Screen every family the user may see (today's registry, today's rules)."""
    if not services.may_screen(request.user):
        return _forbidden(request, _("Your role may not screen families."))
    rows = services.screen_households(visible(Household.objects.all(), request.user),
                                      timezone.localdate(), request.user)  # fmt: skip
    messages.success(request, _("Screened %(n)d families: %(r)d at risk.") % {
        "n": len(rows), "r": sum(r.at_risk for r in rows)})
    return redirect("families:worklist")


# --- one family ---------------------------------------------------------------------------------


@login_required
@require_safe
def family(request: HttpRequest, pk) -> HttpResponse:
    """A family's assistance page: the screening explained, members, visits, referrals."""
    hh = _household(request, pk)
    user = request.user
    if not services.may_see_families(user):
        return _names_hidden(request)
    today = timezone.localdate()
    cfg = krs_config.current()
    screening = services.latest_screening(hh, today)
    visits = list(hh.krs_visits.select_related("visited_by", "team").order_by(
        "-visited_on", "-created_at")[:50])  # fmt: skip
    referral_list = list(hh.krs_referrals.select_related(
        "child", "person", "pregnancy__woman").order_by("-referred_on", "-created_at")[:50])
    children = list(Child.objects.active().filter(household=hh).order_by("birth_date"))
    women = list(Person.objects.filter(household=hh, sex="F").order_by("birth_date"))
    pregnancies = list(Pregnancy.objects.filter(woman__household=hh).select_related("woman")
                       .order_by("-hpht")[:5])  # fmt: skip
    help_ = rules.factor_help(cfg)
    due = None
    if screening:
        due = services.due_on(visits[0].visited_on if visits else None, screening.targets, cfg)
    return render(request, "families/family.html", {
        "hh": hh, "screening": screening, "visits": visits, "referrals": referral_list,
        "factors": [(code, label, help_.get(code, "")) for code, label in
                    (screening.factor_list if screening else [])],
        "children": children, "women": women, "pregnancies": pregnancies, "today": today,
        "due": due, "is_due": due is not None and due <= today, "cfg": cfg,
        "may_screen": services.may_screen(user), "may_visit": services.may_visit(user),
        "may_refer": services.may_refer(user),
    })  # fmt: skip


@login_required
@require_POST
def screen(request: HttpRequest, pk) -> HttpResponse:
    """Screen one family again now (after its registry record changed)."""
    hh = _household(request, pk)
    if not services.may_screen(request.user):
        return _forbidden(request, _("Your role may not screen families."))
    s = services.screen_one(hh, request.user)
    if s.at_risk:
        messages.warning(request, _("Screened: at risk of stunting."))
    elif s.is_target:
        messages.success(request, _("Screened: a target family, no risk factor found."))
    else:
        messages.info(request, _("Screened: not a target family."))
    return redirect("families:family", pk=hh.pk)


@login_required
@require_http_methods(FORM_METHODS)
def visit(request: HttpRequest, pk) -> HttpResponse:
    """The phone-friendly visit form."""
    hh = _household(request, pk)
    if not services.may_visit(request.user):
        return _forbidden(request, _("Your role may not record visits."))
    cfg = krs_config.current()
    if request.method == "POST":
        form = VisitForm(request.POST, topics=cfg.topics)
        if form.is_valid():
            data = form.cleaned_data
            v, created = services.record_visit(
                hh, request.user, visit_id=data.get("id"), visited_on=data["visited_on"],
                topics=data["topics"], findings=data["findings"], referral=data["referral"],
            )  # fmt: skip
            if created:
                messages.success(request, _("Visit saved."))
            else:
                messages.info(request, _("This visit was already saved."))
            if v.referral:
                return redirect(f"{reverse('families:refer', args=[hh.pk])}?visit={v.pk}")
            return redirect("families:family", pk=hh.pk)
    else:
        form = VisitForm(initial={"visited_on": timezone.localdate(), "id": uuid.uuid4()},
                         topics=cfg.topics)  # fmt: skip
    return render(request, "families/visit_form.html", {"hh": hh, "form": form})


def _subjects(hh: Household, today: dt.date):
    """(value, label) of the family's members who can be referred."""
    choices = []
    for c in Child.objects.active().filter(household=hh).order_by("birth_date"):
        choices.append((f"child:{c.pk}", _("%(name)s (child)") % {"name": c.name}))
    for p in Pregnancy.objects.filter(woman__household=hh, ended_on__isnull=True,
                                      hpht__lte=today).select_related("woman"):  # fmt: skip
        choices.append((f"pregnancy:{p.pk}", _("%(name)s (pregnant)") % {"name": p.woman.name}))
    for p in Person.objects.filter(household=hh).order_by("name"):
        choices.append((f"person:{p.pk}", p.name))
    return choices


def _subject_fields(hh: Household, value: str) -> dict:
    if not value:
        return {}
    kind, _sep, pk = value.partition(":")
    model = {"child": Child, "pregnancy": Pregnancy, "person": Person}[kind]
    path = {"child": "household", "pregnancy": "woman__household", "person": "household"}[kind]
    return {kind: get_object_or_404(model, pk=pk, **{path: hh})}


@login_required
@require_http_methods(FORM_METHODS)
def refer(request: HttpRequest, pk) -> HttpResponse:
    """Refer the family or one of its members to a service."""
    hh = _household(request, pk)
    if not services.may_refer(request.user):
        return _forbidden(request, _("Your role may not refer families."))
    today = timezone.localdate()
    subjects = _subjects(hh, today)
    visit_obj = None
    try:
        visit_id = uuid.UUID(request.GET.get("visit") or request.POST.get("visit") or "")
    except ValueError:
        visit_id = None
    if visit_id:
        visit_obj = Visit.objects.filter(pk=visit_id, household=hh).first()
    if request.method == "POST":
        form = ReferralForm(request.POST, subjects=subjects)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.create_referral(
                    hh, request.user, referred_on=data["referred_on"],
                    destination=data["destination"], reason=data["reason"],
                    destination_detail=data["destination_detail"], visit=visit_obj,
                    **_subject_fields(hh, data["subject"]),
                )  # fmt: skip
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    for message in errs:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Referral saved."))
                return redirect("families:family", pk=hh.pk)
    else:
        form = ReferralForm(initial={"referred_on": visit_obj.visited_on if visit_obj else today,
                                     "destination": "puskesmas"}, subjects=subjects)  # fmt: skip
    return render(request, "families/referral_form.html",
                  {"hh": hh, "form": form, "visit": visit_obj})  # fmt: skip


# --- referrals ----------------------------------------------------------------------------------


@login_required
@require_safe
def referral_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.may_see_families(user):
        return _names_hidden(request)
    closed = request.GET.get("status") == "selesai"
    qs = services.referrals(user, open_only=not closed)
    if closed:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = visible(Referral.objects.all(), user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        closed=Count("pk", filter=~Q(status__in=OPEN_STATUSES)))
    return render(request, "families/referral_list.html", {
        "page": page, "closed": closed, "counts": counts, "today": timezone.localdate()})


@login_required
@require_http_methods(FORM_METHODS)
def referral(request: HttpRequest, pk) -> HttpResponse:
    """A referral and its progress, updated on one screen."""
    user = request.user
    ref = get_object_or_404(
        visible(Referral.objects.select_related("household", "child", "person",
                                                "pregnancy__woman", "created_by", "updated_by"),
                user), pk=pk)  # fmt: skip
    if not services.may_see_families(user):
        return _names_hidden(request)
    may_update = services.may_refer(user)
    if request.method == "POST":
        if not may_update:
            return _forbidden(request, _("Your role may not update referrals."))
        form = ReferralUpdateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_referral(ref, user, status=data["status"],
                                         attended_on=data["attended_on"],
                                         outcome_on=data["outcome_on"],
                                         outcome=data["outcome"])  # fmt: skip
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    for message in errs:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Referral updated."))
                return redirect("families:referrals")
    else:
        today = timezone.localdate()
        form = ReferralUpdateForm(initial={
            "status": ref.status, "attended_on": ref.attended_on or today,
            "outcome_on": ref.outcome_on or today, "outcome": ref.outcome})
    return render(request, "families/referral.html",
                  {"ref": ref, "form": form, "may_update": may_update})  # fmt: skip


# --- teams --------------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def teams(request: HttpRequest) -> HttpResponse:
    """The TPK teams of the user's area with their members, and (bidan, administrators) the
    form that assigns the families of a kelurahan or RW to a team."""
    user = request.user
    if not (services.may_assign(user) or user.role == Role.TPK):
        return _forbidden(request, _("Only family assistance teams and midwives see the teams."))
    team_list = list(services.teams_for(user).annotate(
        n_families=Count("households", distinct=True)))
    members = {}
    for m in (User.objects.filter(role=Role.TPK, tpk_team__in=[t.pk for t in team_list],
                                  is_active=True)
              .select_related("tpk_function").order_by("first_name", "username")):
        members.setdefault(m.tpk_team_id, []).append(m)
    for t in team_list:
        t.member_list = members.get(t.pk, [])
        for m in t.member_list:
            try:
                m.function_label = m.tpk_function.get_function_display()
            except TeamMember.DoesNotExist:
                m.function_label = ""
    form = None
    if services.may_assign(user):
        kel_ids = visible(Household.objects.all(), user).order_by().values("kelurahan_id")
        kelurahan = list(Area.objects.filter(pk__in=kel_ids).order_by("name").only("code",
                                                                                  "name"))
        form = AssignForm(request.POST or None, kelurahan=kelurahan, teams=team_list)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            qs = Household.objects.filter(kelurahan_id=data["kelurahan"])
            if data["rw"]:
                qs = qs.filter(rw=data["rw"].strip())
            if data["only_at_risk"]:
                qs = qs.filter(pk__in=services.households_at_risk().values("pk"))
            if data["only_unassigned"]:
                qs = qs.filter(tpk_team__isnull=True)
            n = services.assign_team(qs, form.chosen_team, user)
            messages.success(request, _("%(n)d families assigned.") % {"n": n})
            return redirect("families:teams")
    elif request.method == "POST":
        return _forbidden(request, _("Only midwives and administrators assign families."))
    return render(request, "families/teams.html", {"teams": team_list, "form": form})


# --- summary ------------------------------------------------------------------------------------


@login_required
@require_safe
def summary(request: HttpRequest) -> HttpResponse:
    """KRS by kelurahan: counts only, for everyone (each sees their own area)."""
    today = timezone.localdate()
    cfg = krs_config.current()
    rows = services.summary(request.user, today=today, cfg=cfg)
    total = services.SummaryRow("", _("Total"), *(sum(getattr(r, f) for r in rows) for f in
                                                  ("screened", "targets", "at_risk", "visited")))
    return render(request, "families/summary.html", {
        "rows": rows, "total": total, "today": today, "days": cfg.visited_within_days,
        "version": cfg.version})


def _num(x) -> str:
    return "" if x is None else f"{x:.1f}"


@login_required
@require_safe
def summary_csv(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    cfg = krs_config.current()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="krs-{today:%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(["kelurahan_code", "kelurahan", "screened", "target_families", "at_risk",
                     "at_risk_pct", f"at_risk_visited_{cfg.visited_within_days}d",
                     "visited_pct", "as_of", "rule_version"])  # fmt: skip
    for r in services.summary(request.user, today=today, cfg=cfg):
        writer.writerow([r.kelurahan_code, r.kelurahan, r.screened, r.targets, r.at_risk,
                         _num(r.at_risk_pct), r.visited, _num(r.visited_pct), today.isoformat(),
                         cfg.version])  # fmt: skip
    return response

