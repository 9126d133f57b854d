"""Worklist pages: one list per user with a tab per reason, and one page per item to record
what was done.

Every row is fetched through ``accounts.scope.visible`` (inside the services): an item outside
the user's scope, or of a reason that is not on the user's list, is a 404. Recording an action
needs :func:`~tumbuh.worklists.services.may_act` (403 otherwise: analysts only read).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tumbuh.accounts.scope import posyandu_for
from tumbuh.pmt.models import Funding

from . import config as worklist_config
from . import services
from .forms import FollowUpForm
from .models import REASON_HELP, Action, Reason

DONE = "done"


def _parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _query(request) -> services.Query:
    return services.Query(user=request.user, today=timezone.localdate(),
                          config=worklist_config.current())  # fmt: skip


def _list_url(tab: str, posyandu_id=None) -> str:
    params = {"tab": tab}
    if posyandu_id:
        params["posyandu"] = posyandu_id
    return f"{reverse('worklists:worklist')}?{urlencode(params)}"


@login_required
@require_safe
def worklist(request: HttpRequest) -> HttpResponse:
    """The user's worklist: a tab per reason with its open items, and a tab of recent actions.

    A fixed number of queries: the posyandu for the filter, at most three for every count and
    the order of the lists (:func:`services.snapshot`), the count of recent actions, and the
    rows of the page shown.
    """
    q = _query(request)
    user = q.user
    reasons = q.config.reasons_for(user)
    posyandu_list = list(
        posyandu_for(user).filter(is_active=True).select_related(None).only("id", "name")
        .order_by("name")
    )  # fmt: skip
    names = {p.id: p.name for p in posyandu_list}
    chosen = _parse_uuid(request.GET.get("posyandu"))
    if chosen not in names:
        chosen = None
    snap = services.cached_snapshot(q, reasons, posyandu_id=chosen)
    done_rows = services.recent_follow_ups(q, reasons, posyandu_id=chosen)
    done_count = done_rows.count()
    tab = request.GET.get("tab")
    if tab not in (*reasons, DONE):
        tab = next((r for r in reasons if snap.counts[r]), reasons[0] if reasons else DONE)

    per_page = q.config.per_page
    grouped, items, follow_ups = [], [], []
    page = None
    if tab == DONE:
        paginator = Paginator(done_rows, per_page)
        paginator.count = done_count
        page = paginator.get_page(request.GET.get("page"))
        follow_ups = list(page.object_list)
    elif tab == Reason.NOT_WEIGHED:
        if chosen is None and len(posyandu_list) > q.config.group_over:
            grouped = sorted(
                ((p, snap.by_posyandu[p.id]) for p in posyandu_list if snap.by_posyandu.get(p.id)),
                key=lambda pair: (-pair[1], pair[0].name),
            )
        else:
            paginator = Paginator(services.open_items(q, tab, posyandu_id=chosen), per_page)
            paginator.count = snap.counts[tab]
            page = paginator.get_page(request.GET.get("page"))
            items = [services.to_item(tab, row, q.today) for row in page.object_list]
    else:
        page = Paginator(snap.keys[tab], per_page).get_page(request.GET.get("page"))
        items = services.items_by_keys(q, tab, page.object_list)

    tabs = [{"code": r, "label": Reason(r).label, "count": snap.counts[r],
             "url": _list_url(r, chosen)} for r in reasons]  # fmt: skip
    return render(request, "worklists/worklist.html", {
        "tabs": tabs, "tab": tab, "tab_label": Reason(tab).label if tab != DONE else "",
        "done_tab": {"count": done_count, "url": _list_url(DONE, chosen)},
        "done_days": q.config.done_days, "page": page, "items": items,
        "follow_ups": follow_ups, "grouped": grouped, "posyandu_list": posyandu_list,
        "chosen": chosen, "chosen_name": names.get(chosen, ""), "today": q.today,
        "show_identity": user.may_see_identity(), "may_act": services.may_act(user),
        "page_query": urlencode({"tab": tab, **({"posyandu": chosen} if chosen else {})}),
    })  # fmt: skip


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item(request: HttpRequest, reason: str, pk) -> HttpResponse:
    """One item: why the person is on the list, their details, and the buttons to record what
    was done (with the person's other open items, so one visit closes them all)."""
    q = _query(request)
    user = q.user
    reasons = q.config.reasons_for(user)
    if reason not in reasons:
        raise Http404
    try:
        it = services.find_item(q, reason, pk)
    except services.ItemNotFound:
        raise Http404 from None
    may_act = services.may_act(user)
    if request.method == "POST" and not may_act:
        raise PermissionDenied
    others = services.other_open_items(q, it, reasons) if may_act and it.state == "open" else []
    back = _safe_next(request, _list_url(reason))
    if request.method == "POST":
        form = FollowUpForm(request.POST, others=others)
        if form.is_valid():
            data = form.cleaned_data
            try:
                follow_up, created = services.record_follow_up(
                    q, it, action=data["action"], done_on=data["done_on"], note=data["note"],
                    follow_up_id=data.get("id"),
                )  # fmt: skip
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            except services.ItemClosed:
                messages.info(request, _("This is no longer on the list: nothing was saved."))
                return redirect(back)
            else:
                for other in form.chosen_others():
                    try:
                        services.record_follow_up(q, other, action=data["action"],
                                                  done_on=data["done_on"], note=data["note"])
                    except (ValidationError, services.ItemClosed):
                        pass  # the other item changed meanwhile: the main one is saved
                label = Action(follow_up.action).label
                if created:
                    messages.success(request, _("Saved: %(action)s.") % {"action": label})
                else:
                    messages.info(request, _("Already recorded: %(action)s.") % {"action": label})
                return redirect(back)
    else:
        form = FollowUpForm(
            initial={"id": uuid.uuid4(), "done_on": q.today,
                     "also": [f"{o.reason}:{o.pk}" for o in others]},
            others=others,
        )  # fmt: skip
    return render(request, "worklists/item.html", {
        "item": it, "help": REASON_HELP[Reason(reason)], "form": form, "others": others,
        "actions": Action.choices, "may_act": may_act, "back": back, "today": q.today,
        "show_identity": user.may_see_identity(), "pmt": _pmt_candidate(user, it),
        "next": request.get_full_path(), "pmt_funding": Funding.choices,
    })  # fmt: skip


def _pmt_candidate(user, item):
    """The PMT enrolment offered on an open item, when the user may enrol and the child or
    woman is eligible (docs/pmt.md): one tap enrols and records the item as "enrolled"."""
    from tumbuh.pmt import services as pmt

    if item.state != "open" or not pmt.may_enrol(user) or item.reason == Reason.NOT_WEIGHED:
        return None
    try:
        return pmt.candidate_for(user, child=item.child, pregnancy=item.pregnancy)
    except pmt.PmtError:
        return None
