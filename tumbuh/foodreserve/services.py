"""Operations of the food reserve: receipts, adjustments, rounds, issues to families, reports.

Every change of stock happens here, in one transaction, in the same three steps:

1. the balance row of (store, item) is changed with one ``UPDATE``; a decrease is conditional
   (``... WHERE quantity >= q``), so when two people issue the last package at once the database
   lets one through and the other's ``UPDATE`` matches no row: "not enough stock";
2. the ``CheckConstraint`` ``quantity >= 0`` of :class:`~.models.StockBalance` is the last line
   of defence (an ``IntegrityError`` there is reported the same way);
3. a ledger row (:class:`~.models.StockMovement`) records the signed change.

An issue of a package inserts the :class:`~.models.Issue` first (its ``UniqueConstraint`` on
round and household makes a second issue to the same family fail, even at the same instant),
then takes every item of the package in item order (the same lock order for everyone, so two
issues cannot deadlock); any failure rolls the whole issue back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible
from tumbuh.lib.dates import month_end, months_before

from . import config as fr_config
from .models import (
    QUANTITY,
    Eligibility,
    Issue,
    Item,
    MovementKind,
    Round,
    RoundItem,
    StockBalance,
    StockMovement,
    Store,
)

ZERO = Decimal("0")


# --------------------------------------------------------------------------- errors


class FoodReserveError(Exception):
    """A refused operation; ``str()`` is a translated message for the user."""


class NotEnoughStock(FoodReserveError):
    def __init__(self, store: Store, item: Item, needed: Decimal, left: Decimal):
        self.store, self.item, self.needed, self.left = store, item, needed, left
        super().__init__(_("Not enough %(item)s in %(store)s: %(needed)s %(unit)s needed, "
                           "%(left)s %(unit)s left.") % {
            "item": item.name, "store": store.name, "unit": item.unit,
            "needed": format_quantity(needed), "left": format_quantity(left)})  # fmt: skip


class AlreadyIssued(FoodReserveError):
    def __init__(self, round_: Round, household):
        super().__init__(_("%(family)s has already received the package of %(round)s.") % {
            "family": household.head_name, "round": round_.name})  # fmt: skip


class NotEligible(FoodReserveError):
    pass


class RoundNotOpen(FoodReserveError):
    pass


def format_quantity(value) -> str:
    """10.00 -> "10", 1.50 -> "1.5" (for messages and pages)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def quantity_number(value) -> int | float:
    """A quantity as a number for downloads: 10.00 -> 10, 1.50 -> 1.5 (a number in XLSX, and
    the same text as :func:`format_quantity` in CSV)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# --------------------------------------------------------------------------- who may do what


def may_manage(user) -> bool:
    """Stock, receipts, adjustments and rounds: administrators and food-security staff."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_administrator or user.has_perm("foodreserve.manage_stock")


def may_issue(user) -> bool:
    """Handing packages to families: kader, bidan, TPK members (in their scope), administrators."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_administrator or user.role in (Role.KADER, Role.BIDAN, Role.TPK)


def _city(code: str) -> str:
    return ".".join(code.split(".")[:2])


def city_codes(user) -> set[str] | None:
    """The cities (Area codes of level 2) whose stores and rounds ``user`` sees; None = all."""
    if not (user.is_authenticated and user.is_active):
        return set()
    if user.is_administrator:
        return None
    if user.role == Role.ANALYST:
        return {user.city_id} if user.city_id else set()
    if user.role == Role.KADER:
        return {_city(code) for code in user.posyandu.values_list("kelurahan_id", flat=True)}
    if user.role == Role.BIDAN:
        return {_city(user.puskesmas.kecamatan_id)} if user.puskesmas_id else set()
    if user.role == Role.TPK:
        return {_city(user.tpk_team.kelurahan_id)} if user.tpk_team_id else set()
    return set()


def stores_for(user) -> QuerySet[Store]:
    codes = city_codes(user)
    qs = Store.objects.select_related("city")
    return qs if codes is None else qs.filter(city_id__in=codes)


def rounds_for(user) -> QuerySet[Round]:
    codes = city_codes(user)
    qs = Round.objects.select_related("store")
    return qs if codes is None else qs.filter(store__city_id__in=codes)


# --------------------------------------------------------------------------- the stock ledger


def _check_quantity(quantity) -> Decimal:
    quantity = Decimal(quantity)
    places = QUANTITY["decimal_places"]
    if quantity != quantity.quantize(Decimal(1).scaleb(-places)):
        raise FoodReserveError(
            _("A quantity has at most %(places)d decimals.") % {"places": places}
        )
    return quantity


def _put(store: Store, item: Item, quantity: Decimal) -> None:
    """Add ``quantity`` (> 0) to the balance, creating the balance row on first receipt."""
    StockBalance.objects.get_or_create(store=store, item=item)
    StockBalance.objects.filter(store=store, item=item).update(
        quantity=F("quantity") + quantity, updated_at=timezone.now()
    )


def _take(store: Store, item: Item, quantity: Decimal) -> None:
    """Take ``quantity`` (> 0) from the balance, or raise :class:`NotEnoughStock`."""
    try:
        with transaction.atomic():
            changed = StockBalance.objects.filter(
                store=store, item=item, quantity__gte=quantity
            ).update(quantity=F("quantity") - quantity, updated_at=timezone.now())
    except IntegrityError:  # the CheckConstraint: should not happen after the condition
        changed = 0
    if not changed:
        left = (StockBalance.objects.filter(store=store, item=item)
                .values_list("quantity", flat=True).first())  # fmt: skip
        raise NotEnoughStock(store, item, quantity, left or ZERO)


def receive(*, store: Store, item: Item, quantity, on: dt.date | None = None, reference="",
            user=None) -> StockMovement:
    """Record a receipt of ``quantity`` (> 0) of ``item`` into ``store``."""
    today = timezone.localdate()
    on = on or today
    quantity = _check_quantity(quantity)
    if quantity <= 0:
        raise FoodReserveError(_("A receipt adds a quantity greater than zero."))
    if on > today:
        raise FoodReserveError(_("The date of a receipt cannot be in the future."))
    with transaction.atomic():
        _put(store, item, quantity)
        return StockMovement.objects.create(
            store=store, item=item, kind=MovementKind.RECEIPT, quantity=quantity, occurred_on=on,
            reference=reference, created_by=user,
        )  # fmt: skip


def adjust(*, store: Store, item: Item, quantity, reason: str, on: dt.date | None = None,
           user=None) -> StockMovement:
    """Correct the stock by a signed ``quantity`` (spoiled, lost, counted), with a reason."""
    on = on or timezone.localdate()
    quantity = _check_quantity(quantity)
    reason = (reason or "").strip()
    if not reason:
        raise FoodReserveError(_("Say why the stock is adjusted (spoiled, lost, counted, ...)."))
    if quantity == 0:
        raise FoodReserveError(_("An adjustment changes the stock: enter a quantity other than "
                                 "zero (negative to take away)."))  # fmt: skip
    with transaction.atomic():
        if quantity > 0:
            _put(store, item, quantity)
        else:
            _take(store, item, -quantity)
        return StockMovement.objects.create(
            store=store, item=item, kind=MovementKind.ADJUSTMENT, quantity=quantity,
            occurred_on=on, reason=reason, created_by=user,
        )  # fmt: skip


def ledger_mismatches(store: Store | None = None) -> list[tuple[int, int, Decimal, Decimal]]:
    """(store id, item id, balance, sum of movements) wherever the two differ (should be none)."""
    movements = StockMovement.objects.all()
    balances = StockBalance.objects.all()
    if store is not None:
        movements, balances = movements.filter(store=store), balances.filter(store=store)
    sums = {(r["store_id"], r["item_id"]): r["total"] for r in
            movements.values("store_id", "item_id").annotate(total=Sum("quantity"))}  # fmt: skip
    found = {(b.store_id, b.item_id): b.quantity for b in balances}
    problems = []
    for key in sorted(set(sums) | set(found)):
        balance, total = Decimal(found.get(key, ZERO)), Decimal(sums.get(key) or ZERO)
        if balance != total:
            problems.append((*key, balance, total))
    return problems


# --------------------------------------------------------------------------- rounds


def create_round(*, name: str, store: Store, starts_on: dt.date, ends_on: dt.date,
                 eligibility: str, package: dict[Item, Decimal], user=None) -> Round:
    """A new open round with its package (item -> quantity per family, all > 0)."""
    if not package:
        raise FoodReserveError(_("A package needs at least one item."))
    if ends_on < starts_on:
        raise FoodReserveError(_("The last day of a round cannot be before its first day."))
    if eligibility not in Eligibility.values:
        raise FoodReserveError(_("Unknown eligibility rule."))
    if Round.objects.filter(store=store, name=name).exists():
        raise FoodReserveError(_("%(store)s already has a round named %(name)s.") % {
            "store": store.name, "name": name})  # fmt: skip
    with transaction.atomic():
        round_ = Round.objects.create(
            name=name, store=store, starts_on=starts_on, ends_on=ends_on, eligibility=eligibility,
            rule_version=fr_config.current().version, created_by=user,
        )  # fmt: skip
        RoundItem.objects.bulk_create(
            RoundItem(round=round_, item=item, quantity=_check_quantity(q))
            for item, q in package.items()
        )
    return round_


def eligibility_day(round_: Round, today: dt.date | None = None) -> dt.date:
    """The day a round's eligibility is judged on for lists: today, within the round's period."""
    today = today or timezone.localdate()
    return min(max(today, round_.starts_on), round_.ends_on)


def eligible_households(round_: Round, on: dt.date):
    """Households that may receive ``round_``'s package on ``on`` (not scoped: use visible()).

    The household's latest KRS screening on or before ``on`` found it at risk
    (:func:`tumbuh.families.services.households_at_risk`); the rule of the round may add a child
    younger than N months on ``on`` or an ongoing pregnancy (data/foodreserve-*.toml).
    """
    from tumbuh.families.services import households_at_risk  # the families app owns the rule
    from tumbuh.registry.models import Child, Pregnancy

    rule = fr_config.current().rules[round_.eligibility]
    qs = households_at_risk(on)
    conditions = Q()
    if rule.child_under_months is not None:
        young = Child.objects.filter(
            household=OuterRef("pk"), merged_into__isnull=True, birth_date__lte=on,
            birth_date__gt=months_before(on, rule.child_under_months),
        )  # fmt: skip
        conditions |= Exists(young)
    if rule.pregnant:
        ongoing = Pregnancy.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on), woman__household=OuterRef("pk"),
            hpht__lte=on, hpht__gt=on - dt.timedelta(weeks=rule.pregnancy_max_weeks),
        )  # fmt: skip
        conditions |= Exists(ongoing)
    return qs.filter(conditions) if conditions else qs


def issue_package(*, round_: Round, household, user=None, on: dt.date | None = None) -> Issue:
    """Hand ``round_``'s package to ``household`` on ``on`` (today): all items or nothing."""
    on = on or timezone.localdate()
    if not round_.is_open:
        raise RoundNotOpen(_("The round %(round)s is closed.") % {"round": round_.name})
    if not round_.runs_on(on):
        raise RoundNotOpen(_("The round %(round)s runs from %(first)s to %(last)s.") % {
            "round": round_.name, "first": date_format(round_.starts_on),
            "last": date_format(round_.ends_on)})  # fmt: skip
    if Issue.objects.active().filter(round=round_, household=household).exists():
        raise AlreadyIssued(round_, household)
    if not eligible_households(round_, on).filter(pk=household.pk).exists():
        raise NotEligible(_("%(family)s may not receive this package: %(rule)s only.") % {
            "family": household.head_name,
            "rule": Eligibility(round_.eligibility).label})  # fmt: skip
    package = list(round_.package.select_related("item").order_by("item_id"))
    if not package:
        raise FoodReserveError(_("The round %(round)s has no package.") % {"round": round_.name})
    with transaction.atomic():
        try:
            with transaction.atomic():
                issue = Issue.objects.create(round=round_, household=household, issued_on=on,
                                             rule_version=round_.rule_version, issued_by=user)
        except IntegrityError:
            raise AlreadyIssued(round_, household) from None
        for line in package:  # item order: the same lock order for everyone
            _take(round_.store, line.item, line.quantity)
        StockMovement.objects.bulk_create(
            StockMovement(store=round_.store, item=line.item, kind=MovementKind.ISSUE,
                          quantity=-line.quantity, occurred_on=on, issue=issue, created_by=user)
            for line in package
        )  # fmt: skip
    return issue


def may_cancel(user, issue: Issue, today: dt.date | None = None) -> bool:
    """Undo a hand-over (a mistap): managers and administrators at any time, whoever handed
    it over on the same day. The caller has fetched ``issue`` through visible()."""
    if issue.cancelled_at is not None or not (user.is_authenticated and user.is_active):
        return False
    if may_manage(user):
        return True
    today = today or timezone.localdate()
    return may_issue(user) and issue.issued_by_id == user.pk and issue.issued_on == today


def cancel_issue(issue: Issue, *, user=None) -> None:
    """Cancel a hand-over: the package goes back into stock (a cancellation ledger row per item),
    the issue stays in the records as cancelled, and the family may receive the round's package
    again."""
    now = timezone.now()
    with transaction.atomic():
        changed = Issue.objects.filter(pk=issue.pk, cancelled_at__isnull=True).update(
            cancelled_at=now, cancelled_by=user)
        if not changed:
            raise FoodReserveError(_("This hand-over was already cancelled."))
        lines = list(issue.movements.filter(kind=MovementKind.ISSUE).select_related("item", "store")
                     .order_by("item_id"))  # fmt: skip
        for line in lines:
            _put(line.store, line.item, -line.quantity)
        StockMovement.objects.bulk_create(
            StockMovement(store=line.store, item=line.item, kind=MovementKind.CANCELLATION,
                          quantity=-line.quantity, occurred_on=timezone.localdate(), issue=issue,
                          created_by=user)
            for line in lines
        )  # fmt: skip
    issue.cancelled_at, issue.cancelled_by = now, user


def set_round_open(round_: Round, is_open: bool) -> None:
    Round.objects.filter(pk=round_.pk).update(is_open=is_open)
    round_.is_open = is_open


# --------------------------------------------------------------------------- reports


@dataclass
class StockRow:
    item: Item
    opening: Decimal
    received: Decimal
    issued: Decimal  # positive: what left the store to families (less cancelled hand-overs)
    adjusted: Decimal  # signed
    closing: Decimal


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), month_end(day)


def stock_report(store: Store, first: dt.date, last: dt.date) -> list[StockRow]:
    """Opening, received, issued, adjusted and closing stock of each item of ``store`` over the
    period ``first``..``last`` (one grouped query over the ledger)."""
    def total(condition):
        return Coalesce(Sum("quantity", filter=condition), ZERO,
                        output_field=StockMovement._meta.get_field("quantity"))

    in_period = Q(occurred_on__gte=first, occurred_on__lte=last)
    rows = (
        StockMovement.objects.filter(store=store, occurred_on__lte=last)
        .values("item_id")
        .annotate(
            opening=total(Q(occurred_on__lt=first)),
            received=total(in_period & Q(kind=MovementKind.RECEIPT)),
            issued=total(in_period & Q(kind__in=[MovementKind.ISSUE, MovementKind.CANCELLATION])),
            adjusted=total(in_period & Q(kind=MovementKind.ADJUSTMENT)),
        )
    )
    items = {i.pk: i for i in Item.objects.all()}
    result = []
    for r in rows:
        opening, received = Decimal(r["opening"]), Decimal(r["received"])
        issued, adjusted = -Decimal(r["issued"]), Decimal(r["adjusted"])
        result.append(StockRow(item=items[r["item_id"]], opening=opening, received=received,
                               issued=issued, adjusted=adjusted,
                               closing=opening + received - issued + adjusted))  # fmt: skip
    return sorted(result, key=lambda row: row.item.name)


@dataclass
class DistributionRow:
    kelurahan_id: str
    kelurahan: str
    eligible: int
    received: int  # packages handed to households of this kelurahan
    received_eligible: int  # ... of which to households eligible on the report's day

    @property
    def coverage_pct(self) -> float | None:
        return round(100 * self.received_eligible / self.eligible, 1) if self.eligible else None


def distribution_report(round_: Round, user, on: dt.date | None = None) -> list[DistributionRow]:
    """By kelurahan, within ``user``'s scope: households eligible for ``round_`` on ``on`` (the
    round's eligibility day), packages handed over, and coverage (three grouped queries)."""
    from tumbuh.areas.models import Area

    on = on or eligibility_day(round_)
    got = Issue.objects.active().filter(round=round_, household=OuterRef("pk"))
    eligible = visible(eligible_households(round_, on), user).order_by()
    by_kel = {r["kelurahan_id"]: r for r in eligible.values("kelurahan_id").annotate(
        n=Count("pk", distinct=True),
        covered=Count("pk", distinct=True, filter=Q(Exists(got))))}  # fmt: skip
    issued = {r["household__kelurahan_id"]: r["n"] for r in
              visible(Issue.objects.active().filter(round=round_), user).order_by()
              .values("household__kelurahan_id").annotate(n=Count("pk", distinct=True))}
    keys = set(by_kel) | set(issued)
    names = dict(Area.objects.filter(pk__in=keys).values_list("pk", "name"))
    rows = [DistributionRow(kelurahan_id=k, kelurahan=names.get(k, k),
                            eligible=by_kel.get(k, {}).get("n", 0),
                            received=issued.get(k, 0),
                            received_eligible=by_kel.get(k, {}).get("covered", 0))
            for k in keys]  # fmt: skip
    return sorted(rows, key=lambda row: row.kelurahan)
