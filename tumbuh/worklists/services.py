"""Worklist items, computed from stored rows, and the follow-ups recorded on them.

An *item* is a reason, a subject (a child or a pregnancy) and the row that triggered it. Items
are not stored: each list is a query over the stored measurements, pregnancy checks and the
registry, scoped through ``accounts.scope.visible``, minus the items that already have a
:class:`~tumbuh.worklists.models.FollowUp`. The rules (docs/worklists.md):

- **not weighed** — an active child aged 0 to 1826 days today (the posyandu roster's rule) with
  no weighing (a row with a weight) in the current calendar month. Trigger: the child + month.
- **severely wasted** — the child's latest counted row in the window that has a BB/PB-BB/TB
  status or oedema shows *gizi buruk* or oedema.
- **BGM**, **2T** — the child's latest counted weighing in the window is BGM, or 2T.
- **newly stunted** — the child's first counted row ever with a PB/U-TB/U status of *pendek* or
  *sangat pendek* lies in the window, and the child's latest counted row with a PB/U-TB/U
  status is still stunted. Trigger: that first stunted row, so the item stays the same while
  the child stays stunted, and leaves the list when the window has passed.
- **KEK**, **anaemia** — an ongoing pregnancy whose latest check in the window that measured it
  shows KEK or risiko KEK (LiLA), or anaemia (Hb).

"Counted" rows are the ones reports count (``counts_for_month``: a child's last weighing of
each calendar month). The window of each reason is in the configuration
(:mod:`tumbuh.worklists.config`): this month and the months before it.

Every function runs a fixed number of queries whatever the number of children.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext as _

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import city_wide_key, visible
from tumbuh.monitoring.models import ChildMeasurement, PregnancyCheck
from tumbuh.monitoring.services import PREGNANCY_LISTED_DAYS, under_five_birth_dates
from tumbuh.registry.models import Child

from . import config as worklist_config
from .models import CHILD_REASONS, Action, FollowUp, Reason

STUNTED = ("pendek", "sangat_pendek")
SEVERELY_WASTED = "gizi_buruk"
#: Which stored row triggers an item of each reason.
MEASUREMENT_REASONS = frozenset({Reason.SEVERE_WASTING, Reason.BGM, Reason.NEW_STUNTING,
                                 Reason.FALTERING_2T})  # fmt: skip
CHECK_REASONS = frozenset({Reason.KEK, Reason.ANAEMIA})


# --- months -----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def window_start(today: dt.date, months: int) -> dt.date:
    """First day of the window: the current month and the ``months - 1`` before it."""
    return add_months(month_start(today), -(months - 1))


# --- who may do what --------------------------------------------------------------------------


def may_act(user) -> bool:
    """Whether ``user`` records actions: those who record measurements (kader, bidan,
    administrators) and TPK members (for the families of their team, the only ones they see)."""
    return user.may_record() or user.role == Role.TPK


# --- the rules, as querysets --------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What every rule needs: who asks, on which day, with which configuration."""

    user: object
    today: dt.date
    config: worklist_config.WorklistConfig

    def start(self, reason: str) -> dt.date:
        return window_start(self.today, self.config.window_months[reason])


def _counted(**kw) -> QuerySet:
    return ChildMeasurement.objects.filter(child=OuterRef("child"), counts_for_month=True, **kw)


def _conditions(q: Query, reason: str) -> list[Q]:
    """The conditions that make a row an item of ``reason``: first a cheap one on the row
    itself (the window and the status), then those that look at the subject's other rows.

    Measurements of merged duplicates need no filter: a merge moves them to the kept child.
    """
    if reason in CHECK_REASONS:
        in_window = Q(checked_on__gte=q.start(reason))
        later = PregnancyCheck.objects.filter(
            pregnancy=OuterRef("pregnancy"), checked_on__gt=OuterRef("checked_on")
        )
        if reason == Reason.KEK:
            measured = Q(kek__isnull=False) | Q(risiko_kek__isnull=False)
            return [in_window & (Q(kek=True) | Q(risiko_kek=True)),
                    ~Q(Exists(later.filter(measured)))]  # fmt: skip
        return [in_window & Q(anemia=True), ~Q(Exists(later.filter(anemia__isnull=False)))]
    in_window = Q(measured_month__gte=q.start(reason))
    # A counted row of the current month is its child's last: nothing counted comes after it
    # (saves a lookup per row on the busiest month).
    this_month = Q(measured_month__gte=month_start(q.today))
    later = _counted(measured_on__gt=OuterRef("measured_on"))
    if reason == Reason.SEVERE_WASTING:
        return [in_window & (Q(status_bbtb=SEVERELY_WASTED) | Q(oedema=True)),
                this_month | ~Q(Exists(later.filter(~Q(status_bbtb="") | Q(oedema=True))))]
    if reason == Reason.BGM:
        return [in_window & Q(is_bgm=True),
                this_month | ~Q(Exists(later.filter(weight_kg__isnull=False)))]
    if reason == Reason.FALTERING_2T:
        return [in_window & Q(is_2t=True),
                this_month | ~Q(Exists(later.filter(weight_kg__isnull=False)))]
    if reason == Reason.NEW_STUNTING:
        earlier = _counted(measured_on__lt=OuterRef("measured_on"), status_tbu__in=STUNTED)
        latest = _counted().exclude(status_tbu="").order_by("-measured_on").values("status_tbu")
        return [in_window & Q(status_tbu__in=STUNTED), ~Q(Exists(earlier)),
                this_month | Q(In(Subquery(latest[:1]), list(STUNTED)))]
    raise ValueError(f"unknown reason {reason!r}")


def _rule(q: Query, reason: str) -> Q:
    out = Q()
    for condition in _conditions(q, reason):
        out &= condition
    return out


def _open_flag(q: Query, reason: str):
    """A column that is true on the open items of ``reason``: the rule and "no follow-up",
    as nested CASEs so that the database stops at the first false condition (SQLite evaluates
    both sides of an AND in a result column, which would run every subquery on every row)."""
    flag = Value(True)
    for condition in reversed([*_conditions(q, reason), ~Q(_done(q, reason))]):
        flag = Case(When(condition, then=flag), default=Value(False))
    return ExpressionWrapper(flag, output_field=BooleanField())


def _measurement_base(q: Query, start: dt.date) -> QuerySet:
    return visible(ChildMeasurement.objects, q.user).filter(
        counts_for_month=True, measured_month__gte=start
    )


def _check_base(q: Query, start: dt.date) -> QuerySet:
    """Checks of ongoing pregnancies (no end recorded, HPHT less than 44 weeks ago)."""
    return visible(PregnancyCheck.objects, q.user).filter(
        checked_on__gte=start, checked_on__lte=q.today,
        pregnancy__ended_on__isnull=True, pregnancy__hpht__lte=q.today,
        pregnancy__hpht__gt=q.today - dt.timedelta(days=PREGNANCY_LISTED_DAYS),
    )  # fmt: skip


def _active_children() -> QuerySet:
    """``Child.objects.active()``, written so that SQLite does not pick the ``merged_into``
    index to drive the query: without table statistics it takes ``IS NULL`` for a selective
    test and walks every child of the city (nearly all are unmerged)."""
    return Child.objects.exclude(merged_into__isnull=False)


def _not_weighed_rows(q: Query, posyandu_id=None) -> QuerySet:
    """Active children aged 0..1826 days today (the posyandu roster's rule) with no weighing
    this calendar month.

    Two ways to the same rows: for a whole city (administrators, analysts, no posyandu chosen)
    one pass collects the month's weighed children (``NOT IN``); for a posyandu, a puskesmas or
    a TPK team, a lookup per child in the ``(child, measured_on)`` index is cheaper.
    """
    month = month_start(q.today)
    low, high = under_five_birth_dates(q.today)
    rows = visible(_active_children(), q.user).filter(birth_date__range=(low, high))
    if posyandu_id is None and (q.user.is_administrator or q.user.role == Role.ANALYST):
        weighed = ChildMeasurement.objects.filter(
            measured_month=month, counts_for_month=True, weight_kg__isnull=False
        )
        return rows.exclude(pk__in=weighed.values("child_id"))
    if posyandu_id is not None:
        rows = rows.filter(posyandu_id=posyandu_id)
    weighed = ChildMeasurement.objects.filter(
        child=OuterRef("pk"), measured_on__gte=month, measured_on__lt=add_months(month, 1),
        weight_kg__isnull=False,
    )  # fmt: skip
    return rows.filter(~Exists(weighed))


def item_rows(q: Query, reason: str, *, posyandu_id=None) -> QuerySet:
    """The rows that are items of ``reason`` for ``q.user`` (open or done): children for
    *not weighed*, measurements or pregnancy checks for the others; optionally of one
    posyandu."""
    if reason == Reason.NOT_WEIGHED:
        return _not_weighed_rows(q, posyandu_id)
    if reason in MEASUREMENT_REASONS:
        rows = _measurement_base(q, q.start(reason)).filter(_rule(q, reason))
    elif reason in CHECK_REASONS:
        rows = _check_base(q, q.start(reason)).filter(_rule(q, reason))
    else:
        raise ValueError(f"unknown reason {reason!r}")
    if posyandu_id is not None:
        rows = rows.filter(**{_posyandu_path(reason): posyandu_id})
    return rows


def _done(q: Query, reason: str) -> Exists:
    """True on the rows of ``item_rows(reason)`` that have a follow-up."""
    follow_ups = FollowUp.objects.filter(reason=reason)
    if reason == Reason.NOT_WEIGHED:
        return Exists(follow_ups.filter(child=OuterRef("pk"), month=month_start(q.today)))
    if reason in MEASUREMENT_REASONS:
        return Exists(follow_ups.filter(measurement=OuterRef("pk")))
    return Exists(follow_ups.filter(pregnancy_check=OuterRef("pk")))


def _posyandu_path(reason: str) -> str:
    if reason == Reason.NOT_WEIGHED:
        return "posyandu_id"
    if reason in MEASUREMENT_REASONS:
        return "child__posyandu_id"
    return "pregnancy__posyandu_id"


def open_rows(q: Query, reason: str, *, posyandu_id=None) -> QuerySet:
    """The open items of ``reason``: the rows of :func:`item_rows` without a follow-up."""
    return item_rows(q, reason, posyandu_id=posyandu_id).filter(~_done(q, reason))


# --- what the pages show -------------------------------------------------------------------------


@dataclass
class Item:
    """One worklist item, ready for a template."""

    reason: str
    pk: uuid.UUID  # the URL key: the child (not weighed) or the triggering row
    child: object = None
    pregnancy: object = None
    measurement: object = None
    check: object = None
    month: dt.date | None = None
    last_weighed: dt.date | None = None
    follow_up: FollowUp | None = None
    state: str = "open"  # open, done, or closed (no longer on the list, nothing recorded)

    @property
    def reason_label(self) -> str:
        return Reason(self.reason).label

    @property
    def household(self):
        return self.child.household if self.child else self.pregnancy.woman.household

    @property
    def posyandu(self):
        return self.child.posyandu if self.child else self.pregnancy.posyandu

    @property
    def name(self) -> str:
        return self.child.name if self.child else self.pregnancy.woman.name

    @property
    def phone(self) -> str:
        """The family's phone, else the mother's (or the woman's own)."""
        person = self.child.mother if self.child else self.pregnancy.woman
        return self.household.phone or (person.phone if person else "")

    @property
    def trigger_date(self) -> dt.date | None:
        if self.measurement:
            return self.measurement.measured_on
        if self.check:
            return self.check.checked_on
        return self.month

    def key(self) -> dict:
        """The follow-up fields that identify this item (see the model's unique constraints)."""
        if self.reason == Reason.NOT_WEIGHED:
            return {"reason": self.reason, "child": self.child, "month": self.month}
        if self.measurement is not None:
            return {"reason": self.reason, "measurement": self.measurement}
        return {"reason": self.reason, "pregnancy_check": self.check}


_CHILD_RELATED = ("household", "household__kelurahan", "mother", "posyandu")


def _select(reason: str, rows: QuerySet) -> QuerySet:
    if reason == Reason.NOT_WEIGHED:
        last = (
            ChildMeasurement.objects.filter(child=OuterRef("pk"), weight_kg__isnull=False)
            .order_by("-measured_on").values("measured_on")[:1]
        )  # fmt: skip
        return rows.select_related(*_CHILD_RELATED).annotate(last_weighed=Subquery(last))
    if reason in MEASUREMENT_REASONS:
        return rows.select_related(*(f"child__{f}" for f in _CHILD_RELATED))
    return rows.select_related(
        "pregnancy", "pregnancy__posyandu", "pregnancy__woman", "pregnancy__woman__household",
        "pregnancy__woman__household__kelurahan",
    )  # fmt: skip


def _order(reason: str, rows: QuerySet) -> QuerySet:
    if reason == Reason.NOT_WEIGHED:  # a walk through the neighbourhood
        return rows.order_by("posyandu__name", "household__rw", "household__rt",
                             "household__address", "name", "pk")  # fmt: skip
    if reason in MEASUREMENT_REASONS:
        return rows.order_by("-measured_on", "-pk")
    return rows.order_by("-checked_on", "-pk")


def to_item(reason: str, row, today: dt.date) -> Item:
    if reason == Reason.NOT_WEIGHED:
        return Item(reason=reason, pk=row.pk, child=row, month=month_start(today),
                    last_weighed=getattr(row, "last_weighed", None))  # fmt: skip
    if reason in MEASUREMENT_REASONS:
        return Item(reason=reason, pk=row.pk, child=row.child, measurement=row)
    return Item(reason=reason, pk=row.pk, pregnancy=row.pregnancy, check=row)


@dataclass
class Snapshot:
    """The open items of a user's worklist, as the list page needs them.

    ``counts``: open items per reason. ``keys``: for the measurement and check reasons, the
    primary keys (as text) of the open items in list order (newest trigger first).
    ``by_posyandu``: *not weighed* counts per posyandu id.
    """

    counts: dict[str, int]
    keys: dict[str, list]
    by_posyandu: dict


def _flagged(rows: QuerySet, date_field: str, flags: dict) -> list[tuple]:
    """``(pk, date, flag, ...)`` of the ``rows`` on which at least one flag is true.

    The flags are computed once per row in a materialised CTE and filtered outside it: a filter
    on the annotations would evaluate every subquery twice, and fetching every row would turn
    tens of thousands of rows into Python objects on a city-wide list.
    """
    qs = rows.order_by().annotate(**flags).values_list("pk", date_field, *flags)
    connection = connections[qs.db]
    sql, params = qs.query.sql_with_params()
    any_flag = " OR ".join(connection.ops.quote_name(name) for name in flags)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH w AS MATERIALIZED ({sql}) SELECT * FROM w WHERE {any_flag}", params)
        return cursor.fetchall()


def snapshot(q: Query, reasons, *, posyandu_id=None) -> Snapshot:
    """Count the open items of ``reasons`` and order those of the row-triggered reasons.

    Three queries at most, each one pass: the window's counted measurements (every child
    reason at once: a cheap filter on the row, then each reason's rule as a column), the
    pregnancy checks, and the children not weighed grouped by posyandu. The first pass reads
    the window's counted measurements once, instead of once per reason and again for the page.
    Lists are ordered newest trigger first (then by the row's id, for a stable order).
    """
    counts, keys = {}, {}
    groups = (
        (MEASUREMENT_REASONS, _measurement_base, "measured_on"),
        (CHECK_REASONS, _check_base, "checked_on"),
    )
    for group, base, date_field in groups:
        chosen = [r for r in reasons if r in group]
        if not chosen:
            continue
        rows = base(q, min(q.start(r) for r in chosen))
        if posyandu_id is not None:
            rows = rows.filter(**{_posyandu_path(chosen[0]): posyandu_id})
        cheap = Q()
        for r in chosen:
            cheap |= _conditions(q, r)[0]
        found = _flagged(rows.filter(cheap), date_field, {f"wl_{r}": _open_flag(q, r)
                                                          for r in chosen})  # fmt: skip
        # (date, pk) as text sorts the same on every database; pks become UUIDs per page
        found = [(str(row[1]), str(row[0]), *row[2:]) for row in found]
        found.sort(reverse=True)  # newest first; same day: by id, descending
        for i, r in enumerate(chosen):
            keys[r] = [row[1] for row in found if row[2 + i]]
            counts[r] = len(keys[r])
    by_posyandu = {}
    if Reason.NOT_WEIGHED in reasons:
        rows = open_rows(q, Reason.NOT_WEIGHED, posyandu_id=posyandu_id)
        by_posyandu = dict(
            rows.order_by().values("posyandu_id").annotate(n=Count("pk"))
            .values_list("posyandu_id", "n")
        )  # fmt: skip
        counts[Reason.NOT_WEIGHED] = sum(by_posyandu.values())
    return Snapshot(counts={r: counts[r] for r in reasons}, keys=keys, by_posyandu=by_posyandu)


#: How long a city-wide snapshot is reused (seconds); any saved change forgets it at once in
#: this process (:mod:`tumbuh.worklists.receivers`), other processes within this time.
CACHE_SECONDS = 300
_GENERATION_KEY = "worklists:generation"


def _city_wide_scope(user) -> str | None:
    return city_wide_key(user)


def forget_cached_snapshots() -> None:
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(_GENERATION_KEY, 1, None)


def cached_snapshot(q: Query, reasons, *, posyandu_id=None) -> Snapshot:
    """:func:`snapshot`, kept for a few minutes for the city-wide lists of administrators and
    analysts (seconds of database work on a city's data: paging and switching tabs then cost
    nothing). Lists of a posyandu, a puskesmas or a team are always computed afresh."""
    scope = _city_wide_scope(q.user)
    if scope is None or posyandu_id is not None:
        return snapshot(q, reasons, posyandu_id=posyandu_id)
    generation = cache.get_or_set(_GENERATION_KEY, 0, None)
    key = ":".join(("worklists:snapshot", scope, ",".join(reasons), q.today.isoformat(),
                    q.config.version, str(generation)))  # fmt: skip
    snap = cache.get(key)
    if snap is None:
        snap = snapshot(q, reasons)
        cache.set(key, snap, CACHE_SECONDS)
    return snap


def items_by_keys(q: Query, reason: str, pks) -> list[Item]:
    """The items of ``reason`` triggered by the rows ``pks``, in that order (one query)."""
    model = ChildMeasurement if reason in MEASUREMENT_REASONS else PregnancyCheck
    pks = [pk if isinstance(pk, uuid.UUID) else uuid.UUID(pk) for pk in pks]
    rows = _select(reason, visible(model.objects, q.user).filter(pk__in=pks))
    by_pk = {row.pk: row for row in rows}
    return [to_item(reason, by_pk[pk], q.today) for pk in pks if pk in by_pk]


def counts(q: Query, reasons, *, posyandu_id=None) -> dict[str, int]:
    """Open items per reason (see :func:`snapshot`)."""
    return snapshot(q, reasons, posyandu_id=posyandu_id).counts


def open_items(q: Query, reason: str, *, posyandu_id=None) -> QuerySet:
    """The open items of ``reason`` in list order (a queryset of rows; see :func:`to_item`)."""
    return _order(reason, _select(reason, open_rows(q, reason, posyandu_id=posyandu_id)))


def recent_follow_ups(q: Query, reasons, *, posyandu_id=None) -> QuerySet:
    """Follow-ups of the last ``done_days`` days on ``reasons``, newest first (scoped)."""
    since = timezone.now() - dt.timedelta(days=q.config.done_days)
    rows = visible(FollowUp.objects, q.user).filter(reason__in=list(reasons), created_at__gte=since)
    if posyandu_id is not None:
        rows = rows.filter(posyandu_id=posyandu_id)
    return rows.select_related(
        "child", "pregnancy__woman", "posyandu", "household", "measurement", "pregnancy_check",
        "created_by",
    ).order_by("-created_at")  # fmt: skip


# --- one item ---------------------------------------------------------------------------------


class ItemNotFound(Exception):
    """No such row in the user's scope (the view answers 404)."""


def _trigger_row(q: Query, reason: str, pk):
    if reason == Reason.NOT_WEIGHED:
        rows = visible(_active_children(), q.user)
    elif reason in MEASUREMENT_REASONS:
        rows = visible(ChildMeasurement.objects, q.user).filter(child__merged_into__isnull=True)
    else:
        rows = visible(PregnancyCheck.objects, q.user)
    row = _select(reason, rows).filter(pk=pk).first()
    if row is None:
        raise ItemNotFound(pk)
    return row


def find_item(q: Query, reason: str, pk) -> Item:
    """The item of ``reason`` keyed ``pk``, with its state: *open*, *done* (a follow-up exists)
    or *closed* (the row no longer makes an item: the child was weighed, measured again...).
    Three queries. Raises :class:`ItemNotFound` outside the user's scope."""
    item = to_item(reason, _trigger_row(q, reason, pk), q.today)
    item.follow_up = (
        FollowUp.objects.filter(**item.key()).select_related("created_by").first()
    )
    if item.follow_up is not None:
        item.state = "done"
    elif item_rows(q, reason).filter(pk=pk).exists():
        item.state = "open"
    else:
        item.state = "closed"
    return item


def other_open_items(q: Query, item: Item, reasons) -> list[Item]:
    """The subject's other open items among ``reasons`` (one query per reason), so one visit
    or referral can close all of them. Only items of the same kind: the problems found on a
    child's measurements together, a pregnant woman's together; *not weighed* stays apart
    (a referral for BGM does not weigh the child this month)."""
    out = []
    if item.reason == Reason.NOT_WEIGHED:
        return out
    for reason in reasons:
        if reason in (item.reason, Reason.NOT_WEIGHED):
            continue
        if (reason in CHILD_REASONS) != bool(item.child):
            continue
        rows = open_rows(q, reason)
        if reason in MEASUREMENT_REASONS:
            rows = rows.filter(child_id=item.child.pk)
        else:
            rows = rows.filter(pregnancy_id=item.pregnancy.pk)
        row = rows.order_by().first()
        if row is not None:
            out.append(to_item(reason, row, q.today))
    return out


class ItemClosed(Exception):
    """The item is no longer on the list (nothing to record)."""


@transaction.atomic
def record_follow_up(
    q: Query, item: Item, *, action: str, done_on: dt.date | None = None, note: str = "",
    follow_up_id=None,
) -> tuple[FollowUp, bool]:
    """Record what was done about ``item`` (from :func:`find_item` or
    :func:`other_open_items`). Returns ``(follow_up, created)``: an item that already has a
    follow-up keeps it (a double tap saves once; two users at once too, through the unique
    constraints).

    Raises ``ValidationError`` for an unknown action or a date in the future or before the
    trigger, and :class:`ItemClosed` when the item is no longer on the list.
    """
    if action not in Action.values:
        raise ValidationError({"action": _("Choose what was done.")})
    done_on = done_on or q.today
    if done_on > q.today:
        raise ValidationError({"done_on": _("The date is in the future.")})
    earliest = item.trigger_date if item.reason != Reason.NOT_WEIGHED else None
    if earliest and done_on < earliest:
        message = _("The date is before the reason for the follow-up (%(date)s).")
        raise ValidationError({"done_on": message % {"date": earliest.strftime("%d-%m-%Y")}})
    if item.state == "done":
        return item.follow_up, False
    if item.state != "open":
        raise ItemClosed(item.pk)
    if follow_up_id is None or FollowUp.objects.filter(pk=follow_up_id).exists():
        follow_up_id = uuid.uuid4()  # a resubmitted or foreign id: ignore it
    subject = item.child or item.pregnancy
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(
                id=follow_up_id, action=action, done_on=done_on, note=note.strip()[:500],
                pregnancy=item.pregnancy, posyandu_id=subject.posyandu_id,
                household_id=item.household.pk, created_by=q.user,
                **{"child": item.child, **item.key()},
            )  # fmt: skip
    except IntegrityError:  # recorded by someone else a moment ago
        return FollowUp.objects.get(**item.key()), False
    return follow_up, True
