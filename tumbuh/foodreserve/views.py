"""Pages of the food reserve, under /cadangan-pangan/ (docs/foodreserve.md).

Stores and rounds are the city's (every signed-in user of the city sees them, :func:`rounds_for`);
families are fetched through ``accounts.scope.visible``. Managing stock needs
:func:`services.may_manage`, handing out packages :func:`services.may_issue` (403 otherwise).
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tumbuh.accounts.scope import posyandu_for, visible
from tumbuh.lib import downloads
from tumbuh.registry.models import Household

from . import services
from .forms import AdjustmentForm, ReceiptForm, RoundForm
from .models import Issue, StockBalance, StockMovement

PER_PAGE = 50
RECENT_MOVEMENTS = 20


def _parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _pick_store(request, stores):
    """The store chosen with ?gudang=<id>, else the first one (None when there is none)."""
    stores = list(stores)
    chosen = request.GET.get("gudang")
    for store in stores:
        if str(store.pk) == chosen:
            return store, stores
    return (stores[0] if stores else None), stores


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --------------------------------------------------------------------------- stock


@login_required
@require_safe
def stock(request: HttpRequest) -> HttpResponse:
    """Balances per item of a store, its latest movements, and the managers' forms."""
    store, stores = _pick_store(request, services.stores_for(request.user))
    balances, movements = [], []
    if store is not None:
        balances = list(StockBalance.objects.filter(store=store).select_related("item")
                        .order_by("item__name"))  # fmt: skip
        movements = list(
            StockMovement.objects.filter(store=store)
            .select_related("item", "created_by", "issue__round")[:RECENT_MOVEMENTS]
        )
    return render(request, "foodreserve/stock.html", {
        "store": store, "stores": stores, "balances": balances, "movements": movements,
        "may_manage": services.may_manage(request.user),
    })  # fmt: skip


def _stock_form(request, form_class, title, save):
    if not services.may_manage(request.user):
        raise PermissionDenied
    stores = services.stores_for(request.user)
    initial = {"occurred_on": timezone.localdate()}
    if request.GET.get("gudang"):
        initial["store"] = request.GET["gudang"]
    form = form_class(request.POST or None, stores=stores, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            movement = save(form.cleaned_data)
        except services.FoodReserveError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved: %(item)s %(quantity)s %(unit)s.") % {
                "item": movement.item.name, "unit": movement.item.unit,
                "quantity": services.format_quantity(movement.quantity)})  # fmt: skip
            return redirect(f"{reverse('foodreserve:stock')}?gudang={movement.store_id}")
    return render(request, "foodreserve/stock_form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    def save(data):
        return services.receive(store=data["store"], item=data["item"], quantity=data["quantity"],
                                on=data["occurred_on"], reference=data["reference"],
                                user=request.user)  # fmt: skip

    return _stock_form(request, ReceiptForm, _("Record a receipt"), save)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def adjustment(request: HttpRequest) -> HttpResponse:
    def save(data):
        return services.adjust(store=data["store"], item=data["item"], quantity=data["quantity"],
                               reason=data["reason"], user=request.user)  # fmt: skip

    return _stock_form(request, AdjustmentForm, _("Adjust the stock"), save)


# --------------------------------------------------------------------------- rounds


@login_required
@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = list(services.rounds_for(request.user).prefetch_related("package__item"))
    return render(request, "foodreserve/round_list.html", {
        "rounds": rounds, "may_manage": services.may_manage(request.user),
        "today": timezone.localdate(),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    if not services.may_manage(request.user):
        raise PermissionDenied
    stores = services.stores_for(request.user)
    today = timezone.localdate()
    first, last = services.month_bounds(today)
    form = RoundForm(request.POST or None, stores=stores,
                     initial={"starts_on": first, "ends_on": last})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.create_round(
                name=data["name"], store=data["store"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], eligibility=data["eligibility"],
                package=data["package"], user=request.user,
            )  # fmt: skip
        except services.FoodReserveError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Round created: %(name)s.") % {"name": round_.name})
            return redirect("foodreserve:round-detail", round_.pk)
    return render(request, "foodreserve/round_form.html", {"form": form})


TABS = ("belum", "sudah")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: its package, counts, and the eligible families of the user's scope with a
    one-tap hand-over. POST (managers): open or close the round."""
    user = request.user
    round_ = get_object_or_404(services.rounds_for(user), pk=pk)
    may_manage = services.may_manage(user)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        services.set_round_open(round_, request.POST.get("action") == "open")
        return redirect("foodreserve:round-detail", round_.pk)

    on = services.eligibility_day(round_)
    got = Issue.objects.active().filter(round=round_, household=OuterRef("pk"))
    eligible = (visible(services.eligible_households(round_, on), user)
                .annotate(received=Exists(got)))  # fmt: skip
    issued_in_scope = visible(Issue.objects.active().filter(round=round_), user)
    counts = {"eligible": eligible.count(), "received": issued_in_scope.count()}  # whole scope
    tab = request.GET.get("tab")
    if tab not in TABS:
        tab = TABS[0]
    show_identity = user.may_see_identity()
    page, rows, posyandu_list, chosen = None, [], [], None
    search = (request.GET.get("q") or "").strip()[:60] if show_identity else ""
    if show_identity:
        posyandu_list = list(posyandu_for(user).filter(is_active=True).select_related(None)
                             .only("id", "name").order_by("name"))  # fmt: skip
        chosen = _parse_uuid(request.GET.get("posyandu"))
        if chosen not in {p.id for p in posyandu_list}:
            chosen = None
        if chosen:
            eligible = eligible.filter(posyandu_id=chosen)
            issued_in_scope = issued_in_scope.filter(household__posyandu_id=chosen)
        if search:
            eligible = eligible.filter(Q(head_name__icontains=search) | Q(kk_number=search))
            issued_in_scope = issued_in_scope.filter(Q(household__head_name__icontains=search)
                                                     | Q(household__kk_number=search))
    if show_identity:
        if tab == "belum":
            qs = (eligible.filter(received=False).select_related("posyandu")
                  .order_by("posyandu__name", "rw", "rt", "head_name", "pk"))  # fmt: skip
            page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
            rows = [{"household": hh} for hh in page.object_list]
        else:
            qs = (issued_in_scope.select_related("household__posyandu", "issued_by")
                  .order_by("-issued_on", "-created_at"))  # fmt: skip
            page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
            today = timezone.localdate()
            rows = [{"household": i.household, "issue": i,
                     "may_cancel": services.may_cancel(user, i, today)}
                    for i in page.object_list]  # fmt: skip
    package = list(round_.package.select_related("item"))
    return render(request, "foodreserve/round_detail.html", {
        "round": round_, "package": package, "counts": counts, "tab": tab, "page": page,
        "rows": rows, "on": on, "show_identity": show_identity, "may_manage": may_manage,
        "posyandu_list": posyandu_list, "chosen": chosen, "search": search,
        "filter_query": urlencode({k: v for k, v in (("posyandu", chosen or ""), ("q", search))
                                   if v}),  # fmt: skip
        "may_issue": services.may_issue(user) and round_.is_open
        and round_.runs_on(timezone.localdate()),
        "today": timezone.localdate(),
    })  # fmt: skip


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the round's package to the household posted (one tap on the round's list)."""
    user = request.user
    round_ = get_object_or_404(services.rounds_for(user), pk=pk)
    if not services.may_issue(user):
        raise PermissionDenied
    try:
        household_id = uuid.UUID(request.POST.get("household", ""))
    except ValueError:
        household_id = None
    household = get_object_or_404(visible(Household.objects.all(), user), pk=household_id)
    try:
        services.issue_package(round_=round_, household=household, user=user)
    except services.FoodReserveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Handed over: %(family)s.") % {"family": household.head_name})
    return redirect(_safe_next(request, reverse("foodreserve:round-detail", args=[round_.pk])))


@login_required
@require_POST
def issue_cancel(request: HttpRequest, pk) -> HttpResponse:
    """Undo a hand-over (a mistap): the package goes back into stock."""
    user = request.user
    issue = get_object_or_404(
        visible(Issue.objects.select_related("household", "round"), user)
        .filter(round__in=services.rounds_for(user)), pk=pk)  # fmt: skip
    if not services.may_cancel(user, issue):
        raise PermissionDenied
    try:
        services.cancel_issue(issue, user=user)
    except services.FoodReserveError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Hand-over cancelled: %(family)s. The package is back in "
                                    "stock.") % {"family": issue.household.head_name})
    fallback = reverse("foodreserve:round-detail", args=[issue.round_id]) + "?tab=sudah"
    return redirect(_safe_next(request, fallback))


@login_required
@require_safe
def recipients(request: HttpRequest, pk: int, fmt: str = "csv") -> HttpResponse:
    """The round's recipients in the user's scope, by name (CSV, or XLSX with ``fmt``): needs
    the identity right."""
    user = request.user
    round_ = get_object_or_404(services.rounds_for(user), pk=pk)
    if not user.may_see_identity():
        raise PermissionDenied
    issues = (visible(Issue.objects.active().filter(round=round_), user)
              .select_related("household__kelurahan", "household__posyandu", "issued_by")
              .order_by("household__kelurahan__name", "household__posyandu__name",
                        "household__head_name"))  # fmt: skip
    header = [_("Kelurahan"), _("Posyandu"), _("Head of household"), _("KK number"),
              _("Address"), _("RT/RW"), _("Handed over on"), _("Handed over by")]  # fmt: skip
    rows = ([i.household.kelurahan.name, i.household.posyandu.name, i.household.head_name,
             i.household.kk_number, i.household.address, i.household.rt_rw,
             i.issued_on.isoformat(), str(i.issued_by or "")] for i in issues)  # fmt: skip
    return downloads.table_response(fmt, f"penerima-{round_.pk}", header, rows,
                                    sheet=_("Recipients"))  # fmt: skip


# --------------------------------------------------------------------------- reports


@login_required
@require_safe
def distribution_report(request: HttpRequest) -> HttpResponse:
    """By kelurahan: families eligible, packages handed over, coverage (no names)."""
    user = request.user
    rounds = list(services.rounds_for(user))
    chosen = request.GET.get("putaran")
    round_ = next((r for r in rounds if str(r.pk) == chosen), rounds[0] if rounds else None)
    rows = services.distribution_report(round_, user) if round_ else []
    total = services.DistributionRow(
        kelurahan_id="", kelurahan=_("Total"), eligible=sum(r.eligible for r in rows),
        received=sum(r.received for r in rows),
        received_eligible=sum(r.received_eligible for r in rows),
    )  # fmt: skip
    fmt = downloads.wanted_format(request)
    if round_ and fmt:
        header = [_("Kelurahan"), _("Eligible families"), _("Packages handed over"),
                  _("Handed to eligible families"), _("Coverage (%)")]  # fmt: skip
        body = ([r.kelurahan, r.eligible, r.received, r.received_eligible, r.coverage_pct]
                for r in [*rows, total])  # fmt: skip
        return downloads.table_response(fmt, f"distribusi-{round_.pk}", header, body,
                                        sheet=_("Distribution report"))  # fmt: skip
    return render(request, "foodreserve/distribution_report.html", {
        "rounds": rounds, "round": round_, "rows": rows, "total": total,
        "on": services.eligibility_day(round_) if round_ else None,
    })  # fmt: skip


@login_required
@require_safe
def stock_report(request: HttpRequest) -> HttpResponse:
    """Per item of a store over a period: opening, received, issued, adjusted, closing."""
    store, stores = _pick_store(request, services.stores_for(request.user))
    default_first, default_last = services.month_bounds(timezone.localdate())
    first = _parse_date(request.GET.get("dari")) or default_first
    last = _parse_date(request.GET.get("sampai")) or default_last
    error = ""
    if last < first:
        error = _("The end of the period is before its start: showing the current month.")
        first, last = default_first, default_last
    rows = services.stock_report(store, first, last) if store else []
    fmt = downloads.wanted_format(request)
    if store and fmt:
        q = services.quantity_number
        header = [_("Item"), _("Unit"), _("Opening stock"), _("Received"), _("Issued"),
                  _("Adjusted"), _("Closing stock")]  # fmt: skip
        body = ([r.item.name, r.item.unit, q(r.opening), q(r.received), q(r.issued),
                 q(r.adjusted), q(r.closing)] for r in rows)  # fmt: skip
        return downloads.table_response(fmt, f"stok-{store.pk}-{first}-{last}", header, body,
                                        sheet=_("Stock report"))  # fmt: skip
    return render(request, "foodreserve/stock_report.html", {
        "store": store, "stores": stores, "rows": rows, "first": first, "last": last,
        "error": error,
    })  # fmt: skip
