"""PMT operations: who is eligible, enrolment, the daily delivery log, closure, figures.

Eligibility is a query over the stored measurements (the statuses were derived when the row
was saved), so a list of every eligible child of a puskesmas or of the city is a few queries:

- a **child** aged ``min_age_months``..``max_age_months`` whose latest weighing of the last
  ``measurement_max_age_days`` days is *gizi kurang* (BB/PB-BB/TB -3 <= z < -2), *berat badan
  kurang* (BB/U -3 <= z < -2; *sangat kurang* too when the rule set says so) or **T** (the KBM
  rule). *Gizi buruk* (z < -3 or oedema) goes to treatment, not PMT: such a child is not
  eligible. A value with a WHO implausibility flag decides nothing. The first reason of the rule
  set's order wins (gizi kurang, then BB kurang, then T: the juknis' priority).
- a **pregnant woman** whose latest check of the last ``measurement_max_age_days`` days with a
  LiLA or a BMI says KEK (BMI < 18.5) or risiko KEK (LiLA < 23.5 cm).
- nobody with an open enrolment, nor anybody already enrolled on this (or a later) measurement.

An enrolment runs ``days`` days from its first day. It closes by itself after its last day,
with the end measurement (the first one from ``end_window_before_days`` before the last day on)
judged against the rule: recovered, improved, not improved; without an end measurement
``grace_days`` after the last day it closes as "no end measurement". A user may close it
earlier as referred, dropped out, moved away or died. See docs/pmt.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible
from tumbuh.lib import bulk
from tumbuh.lib.dates import months_before
from tumbuh.monitoring.models import ChildMeasurement, PregnancyCheck
from tumbuh.registry.models import Child, Pregnancy

from . import config as pmt_config
from .models import (
    JUDGED,
    Delivery,
    Enrolment,
    Funding,
    Group,
    Outcome,
    Reason,
    UnitCost,
)


class PmtError(Exception):
    """A PMT operation that cannot be done; the message is for the user."""


# --- who may do what --------------------------------------------------------------------------


def may_enrol(user) -> bool:
    """Enrolment needs a health worker's confirmation: a bidan or nutrition officer, or an
    administrator (juknis 2023; docs/pmt.md)."""
    return user.is_authenticated and (user.is_administrator or user.role == Role.BIDAN)


def may_deliver(user) -> bool:
    """Who fills the daily delivery log: the cadres, the bidan, administrators."""
    return user.is_authenticated and (
        user.is_administrator or user.role in (Role.KADER, Role.BIDAN)
    )


# --- dates ------------------------------------------------------------------------------------


# --- eligibility ------------------------------------------------------------------------------


@dataclass
class Candidate:
    """Someone eligible today: the subject, the reason, the row that decided it."""

    group: str
    reason: str
    days: int
    child: Child | None = None
    pregnancy: Pregnancy | None = None
    measurement: ChildMeasurement | None = None
    check: PregnancyCheck | None = None
    also: list[str] = field(default_factory=list)  # other reasons met (lower priority)

    @property
    def subject_id(self):
        return self.child.pk if self.child is not None else self.pregnancy.pk

    @property
    def name(self) -> str:
        return self.child.name if self.child is not None else self.pregnancy.woman.name

    @property
    def household(self):
        if self.child is not None:
            return self.child.household
        return self.pregnancy.woman.household

    @property
    def posyandu(self):
        return self.child.posyandu if self.child is not None else self.pregnancy.posyandu

    @property
    def measured_on(self) -> dt.date:
        return self.measurement.measured_on if self.measurement else self.check.checked_on

    def get_reason_display(self) -> str:
        return Reason(self.reason).label


def _child_reason_q(code: str, rules: pmt_config.PmtRules) -> Q:
    if code == Reason.GIZI_KURANG:
        return Q(status_bbtb="gizi_kurang") & ~Q(fwfl=True)
    if code == Reason.BB_KURANG:
        statuses = ["kurang", "sangat_kurang"] if rules.include_severely_underweight else ["kurang"]
        return Q(status_bbu__in=statuses) & ~Q(fwei=True)
    if code == Reason.TIDAK_NAIK:
        return Q(growth_status="T") & ~Q(fwei=True)
    raise ValueError(code)


def _eligible_child_rows(children: QuerySet, today: dt.date, rules) -> QuerySet:
    """The latest recent weighing of each child of ``children`` in the age range that meets a
    criterion and no exclusion, not already used for an enrolment (one row per child)."""
    oldest = months_before(today, rules.child_max_age_months + 1) + dt.timedelta(days=1)
    youngest = months_before(today, rules.child_min_age_months)
    start = today - dt.timedelta(days=rules.child_measurement_max_age_days)
    children = children.filter(birth_date__gte=oldest, birth_date__lte=youngest)
    latest = (
        ChildMeasurement.objects.filter(
            child=OuterRef("pk"), measured_on__gte=start, measured_on__lte=today,
            weight_kg__isnull=False,
        ).order_by("-measured_on").values("pk")[:1]
    )  # fmt: skip
    any_reason = Q()
    for rule in rules.reasons[Group.CHILD]:
        any_reason |= _child_reason_q(rule.code, rules)
    already = Enrolment.objects.filter(child=OuterRef("child_id")).filter(
        Q(closed_on__isnull=True) | Q(start_on__gte=OuterRef("measured_on"))
    )
    return (
        ChildMeasurement.objects.filter(pk__in=Subquery(children.annotate(m=latest).values("m")))
        .filter(any_reason)
        .exclude(status_bbtb="gizi_buruk")
        .exclude(oedema=True)
        .exclude(Exists(already))
    )


def _eligible_children(children: QuerySet, today: dt.date, rules) -> list[Candidate]:
    rows = (
        _eligible_child_rows(children, today, rules)
        .select_related("child__household__kelurahan", "child__posyandu")
        .order_by("child__posyandu__name", "child__name")
    )
    codes = [rule.code for rule in rules.reasons[Group.CHILD]]
    out = []
    for row in rows:  # only the eligible rows: few
        met = [code for code in codes if _row_meets(row, code, rules)]
        if not met:  # pragma: no cover - the query found it, so one reason holds
            continue
        out.append(Candidate(
            group=Group.CHILD, reason=met[0], days=rules.days(met[0]), child=row.child,
            measurement=row, also=met[1:],
        ))  # fmt: skip
    return out


def _row_meets(row: ChildMeasurement, code: str, rules) -> bool:
    """The Python twin of :func:`_child_reason_q` for one fetched row."""
    if code == Reason.GIZI_KURANG:
        return row.status_bbtb == "gizi_kurang" and row.fwfl is not True
    if code == Reason.BB_KURANG:
        ok = ("kurang", "sangat_kurang") if rules.include_severely_underweight else ("kurang",)
        return row.status_bbu in ok and row.fwei is not True
    if code == Reason.TIDAK_NAIK:
        return row.growth_status == "T" and row.fwei is not True
    return False


def _eligible_check_rows(pregnancies: QuerySet, today: dt.date, rules) -> QuerySet:
    """The latest recent check with a LiLA or a BMI of each ongoing pregnancy that says KEK or
    risiko KEK, not already used for an enrolment."""
    start = today - dt.timedelta(days=rules.pregnant_measurement_max_age_days)
    pregnancies = pregnancies.filter(ended_on__isnull=True, hpl__gte=today, hpht__lte=today)
    latest = (
        PregnancyCheck.objects.filter(pregnancy=OuterRef("pk"), checked_on__gte=start,
                                      checked_on__lte=today)
        .filter(Q(kek__isnull=False) | Q(risiko_kek__isnull=False))
        .order_by("-checked_on").values("pk")[:1]
    )  # fmt: skip
    already = Enrolment.objects.filter(pregnancy=OuterRef("pregnancy_id")).filter(
        Q(closed_on__isnull=True) | Q(start_on__gte=OuterRef("checked_on"))
    )
    return (
        PregnancyCheck.objects.filter(pk__in=Subquery(pregnancies.annotate(c=latest).values("c")))
        .filter(Q(kek=True) | Q(risiko_kek=True))
        .exclude(Exists(already))
    )


def _eligible_pregnancies(pregnancies: QuerySet, today: dt.date, rules) -> list[Candidate]:
    rows = (
        _eligible_check_rows(pregnancies, today, rules)
        .select_related("pregnancy__woman__household__kelurahan", "pregnancy__posyandu")
        .order_by("pregnancy__posyandu__name", "pregnancy__woman__name")
    )
    codes = [rule.code for rule in rules.reasons[Group.PREGNANT]]
    out = []
    for row in rows:
        met = [c for c in codes if (row.kek if c == Reason.KEK else row.risiko_kek)]
        if met:
            out.append(Candidate(
                group=Group.PREGNANT, reason=met[0], days=rules.days(met[0]),
                pregnancy=row.pregnancy, check=row, also=met[1:],
            ))  # fmt: skip
    return out


def eligible(user, today: dt.date | None = None, *, posyandu_id=None, rules=None):
    """Everyone in ``user``'s scope eligible for PMT on ``today``: (children, pregnant women)."""
    today = today or timezone.localdate()
    rules = rules or pmt_config.rules()
    children = visible(Child.objects.active(), user)
    pregnancies = visible(Pregnancy.objects.all(), user)
    if posyandu_id is not None:
        children = children.filter(posyandu_id=posyandu_id)
        pregnancies = pregnancies.filter(posyandu_id=posyandu_id)
    return (
        _eligible_children(children, today, rules),
        _eligible_pregnancies(pregnancies, today, rules),
    )


def eligible_counts(user, today: dt.date | None = None, *, rules=None) -> dict:
    """Posyandu id -> (children, pregnant women) eligible today in ``user``'s scope: the same
    rules as :func:`eligible`, counted in the database (two queries)."""
    today = today or timezone.localdate()
    rules = rules or pmt_config.rules()
    children = _eligible_child_rows(visible(Child.objects.active(), user), today, rules)
    women = _eligible_check_rows(visible(Pregnancy.objects.all(), user), today, rules)
    counts: dict = {}
    for key, n in (children.order_by().values("child__posyandu_id")
                   .annotate(n=Count("pk")).values_list("child__posyandu_id", "n")):
        counts[key] = (n, 0)
    for key, n in (women.order_by().values("pregnancy__posyandu_id")
                   .annotate(n=Count("pk")).values_list("pregnancy__posyandu_id", "n")):
        counts[key] = (counts.get(key, (0, 0))[0], n)
    return counts  # fmt: skip


def candidate_for(user, *, child=None, pregnancy=None, today=None, rules=None) -> Candidate:
    """The candidate record of one child or pregnancy, or :class:`PmtError` saying why not."""
    today = today or timezone.localdate()
    rules = rules or pmt_config.rules()
    if child is not None:
        found = _eligible_children(
            visible(Child.objects.active(), user).filter(pk=child.pk), today, rules
        )
    else:
        found = _eligible_pregnancies(
            visible(Pregnancy.objects.all(), user).filter(pk=pregnancy.pk), today, rules
        )
    if not found:
        subject = child or pregnancy
        if Enrolment.objects.open().filter(Q(child=child) if child else Q(pregnancy=pregnancy)):
            raise PmtError(_("%(name)s is already enrolled in PMT.") % {"name": _name(subject)})
        raise PmtError(
            _("%(name)s is not eligible for PMT on %(day)s: no recent measurement meets a "
              "criterion of rule set %(version)s.")
            % {"name": _name(subject), "day": today.strftime("%d-%m-%Y"),
               "version": rules.version}
        )  # fmt: skip
    return found[0]


def _name(subject) -> str:
    return subject.name if isinstance(subject, Child) else subject.woman.name


# --- enrolment --------------------------------------------------------------------------------


def enrol(
    candidate: Candidate, *, user, started_on: dt.date, funding: str, partner: str = "",
    note: str = "", rules=None,
) -> Enrolment:  # fmt: skip
    """Enrol a candidate found by :func:`eligible` or :func:`candidate_for`."""
    rules = rules or pmt_config.rules()
    if not may_enrol(user):
        raise PmtError(_("Only a midwife, a nutrition officer or an administrator may enrol."))
    if funding not in Funding.values:
        raise PmtError(_("Unknown funding source: %(value)s.") % {"value": funding})
    if started_on < candidate.measured_on:
        raise PmtError(
            _("The first day (%(start)s) cannot come before the measurement that made %(name)s "
              "eligible (%(day)s).")
            % {"start": started_on.strftime("%d-%m-%Y"), "name": candidate.name,
               "day": candidate.measured_on.strftime("%d-%m-%Y")}
        )  # fmt: skip
    m, c = candidate.measurement, candidate.check
    enrolment = Enrolment(
        group=candidate.group, child=candidate.child, pregnancy=candidate.pregnancy,
        household=candidate.household, posyandu=candidate.posyandu, reason=candidate.reason,
        rule_version=rules.version, planned_days=candidate.days, started_on=started_on,
        planned_end=started_on + dt.timedelta(days=candidate.days - 1), funding=funding,
        partner=partner, note=note, start_measurement=m, start_check=c,
        start_on=candidate.measured_on,
        start_weight_kg=m.weight_kg if m else c.weight_kg,
        start_waz=m.zwei if m else None, start_whz=m.zwfl if m else None,
        start_haz=m.zlen if m else None, start_muac_cm=m.armc_cm if m else c.muac_cm,
        enrolled_by=user,
    )  # fmt: skip
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise PmtError(
            _("%(name)s is already enrolled in PMT.") % {"name": candidate.name}
        ) from None
    return enrolment


# --- deliveries -------------------------------------------------------------------------------


@dataclass
class DayEntry:
    """One row of the delivery log: an enrolment active on the day, and what is recorded."""

    enrolment: Enrolment
    delivery: Delivery | None
    delivered_days: int
    missed_days: int
    unrecorded_days: int
    day_number: int

    @property
    def status(self) -> str:
        return self.delivery.status if self.delivery else ""


def day_log(user, posyandu, day: dt.date) -> list[DayEntry]:
    """Every enrolment of ``posyandu`` active on ``day`` in ``user``'s scope, with the day's
    delivery and the enrolment's tally up to that day (3 queries)."""
    enrolments = list(
        visible(Enrolment.objects.all(), user).filter(posyandu=posyandu).active_on(day)
        .select_related("child", "pregnancy__woman", "household")
        .annotate(
            delivered=Count("deliveries", filter=Q(deliveries__day__lte=day)
                            & ~Q(deliveries__status=Delivery.Status.MISSED)),
            missed=Count("deliveries", filter=Q(deliveries__day__lte=day,
                                                deliveries__status=Delivery.Status.MISSED)),
        )
        .order_by("group", "child__name", "pregnancy__woman__name")
    )  # fmt: skip
    today_rows = {
        d.enrolment_id: d
        for d in Delivery.objects.filter(enrolment__in=[e.pk for e in enrolments], day=day)
    }
    out = []
    for e in enrolments:
        elapsed = e.day_number(day)
        out.append(DayEntry(
            enrolment=e, delivery=today_rows.get(e.pk), delivered_days=e.delivered,
            missed_days=e.missed, unrecorded_days=max(elapsed - e.delivered - e.missed, 0),
            day_number=elapsed,
        ))  # fmt: skip
    return out


def record_day(user, posyandu, day: dt.date, entries: dict) -> int:
    """Save the day's log for a posyandu: ``entries`` maps enrolment id -> (status, reason);
    an empty status removes the day's row. Returns the number of rows written or removed.

    Every enrolment must be active on ``day`` at ``posyandu`` in the user's scope; the whole
    day is saved or nothing (a clear error names the first wrong entry)."""
    if not may_deliver(user):
        raise PmtError(_("You may not record PMT deliveries."))
    if day > timezone.localdate():
        raise PmtError(_("The day %(day)s lies in the future.") % {"day": day.strftime("%d-%m-%Y")})
    active = {
        e.pk: e
        for e in visible(Enrolment.objects.all(), user).filter(posyandu=posyandu).active_on(day)
        .select_related("child", "pregnancy__woman")
    }  # fmt: skip
    writes, removals = [], []
    for enrolment_id, (status, reason) in entries.items():
        enrolment = active.get(enrolment_id)
        if enrolment is None:
            raise PmtError(
                _("Enrolment %(id)s is not active at this posyandu on %(day)s.")
                % {"id": enrolment_id, "day": day.strftime("%d-%m-%Y")}
            )
        if not status:
            removals.append(enrolment_id)
            continue
        if status not in Delivery.Status.values:
            raise PmtError(
                _("%(name)s: unknown status %(value)s.")
                % {"name": enrolment.subject_name, "value": status}
            )
        if status == Delivery.Status.MISSED:
            reason = reason or Delivery.Missed.OTHER
            if reason not in Delivery.Missed.values:
                raise PmtError(
                    _("%(name)s: unknown reason %(value)s.")
                    % {"name": enrolment.subject_name, "value": reason}
                )
        else:
            reason = ""
        writes.append(Delivery(enrolment=enrolment, day=day, status=status,
                               missed_reason=reason, recorded_by=user))  # fmt: skip
    with transaction.atomic():
        removed, _unused = Delivery.objects.filter(enrolment__in=removals, day=day).delete()
        Delivery.objects.bulk_create(
            writes, update_conflicts=True, unique_fields=["enrolment", "day"],
            update_fields=["status", "missed_reason", "recorded_by", "recorded_at"],
        )  # fmt: skip
    return len(writes) + removed


# --- closure ----------------------------------------------------------------------------------


def _judge(enrolment: Enrolment, rules) -> str:
    """Recovered / improved / not improved from the start and end values (the rule's key)."""
    rule = rules.rule(enrolment.reason) if _known(rules, enrolment.reason) else None
    if enrolment.group == Group.CHILD:
        if enrolment.reason == Reason.GIZI_KURANG:
            start, end, above = enrolment.start_whz, enrolment.end_whz, (
                rule.recovered_above_whz if rule else -2.0)
            if end is None:
                return Outcome.NOT_MEASURED
            if end > above:
                return Outcome.RECOVERED
            return Outcome.IMPROVED if start is not None and end > start else Outcome.NOT_IMPROVED
        if enrolment.reason == Reason.BB_KURANG:
            start, end = enrolment.start_waz, enrolment.end_waz
            above = rule.recovered_above_waz if rule else -2.0
            if end is None:
                return Outcome.NOT_MEASURED
            if end > above:
                return Outcome.RECOVERED
            return Outcome.IMPROVED if start is not None and end > start else Outcome.NOT_IMPROVED
        start, end = enrolment.start_waz, enrolment.end_waz
        gain = rule.recovered_waz_gain if rule else 0.1
        if end is None or start is None:
            return Outcome.NOT_MEASURED
        if end - start > gain:
            return Outcome.RECOVERED
        return Outcome.IMPROVED if end > start else Outcome.NOT_IMPROVED
    start, end = enrolment.start_weight_kg, enrolment.end_weight_kg
    if start is None or end is None or enrolment.end_on is None:
        return Outcome.NOT_MEASURED
    weeks = (enrolment.end_on - enrolment.start_on).days / 7
    if weeks <= 0:
        return Outcome.NOT_MEASURED
    per_week = (end - start) / weeks
    threshold = rule.recovered_kg_per_week if rule else 0.5
    if per_week >= threshold:
        return Outcome.RECOVERED
    return Outcome.IMPROVED if end > start else Outcome.NOT_IMPROVED


def _known(rules, code: str) -> bool:
    try:
        rules.rule(code)
    except KeyError:
        return False
    return True


def _set_end(enrolment: Enrolment, row) -> None:
    if row is None:
        return
    if isinstance(row, ChildMeasurement):
        enrolment.end_measurement = row
        enrolment.end_on = row.measured_on
        enrolment.end_weight_kg = row.weight_kg
        enrolment.end_waz, enrolment.end_whz, enrolment.end_haz = row.zwei, row.zwfl, row.zlen
        enrolment.end_muac_cm = row.armc_cm
    else:
        enrolment.end_check = row
        enrolment.end_on = row.checked_on
        enrolment.end_weight_kg = row.weight_kg
        enrolment.end_muac_cm = row.muac_cm


def _delivered_days(enrolment: Enrolment, until: dt.date) -> int:
    return enrolment.deliveries.filter(day__lte=until).exclude(
        status=Delivery.Status.MISSED
    ).count()


def close(enrolment: Enrolment, *, user, outcome: str | None, closed_on: dt.date,
          note: str = "", rules=None) -> Enrolment:  # fmt: skip
    """Close an open enrolment. ``outcome`` None judges it from the end measurement (allowed
    from the last planned day on); otherwise one of the manual outcomes (referred, dropped out,
    moved, died), any day from the first."""
    rules = rules or pmt_config.rules()
    if not enrolment.is_open:
        raise PmtError(_("This enrolment is already closed."))
    if closed_on < enrolment.started_on:
        raise PmtError(_("An enrolment cannot close before its first day."))
    if closed_on > timezone.localdate():
        raise PmtError(
            _("The day %(day)s lies in the future.") % {"day": closed_on.strftime("%d-%m-%Y")}
        )
    if outcome is None:
        if closed_on < enrolment.planned_end:
            raise PmtError(
                _("The outcome is judged from the last planned day (%(day)s) on; close earlier "
                  "only as referred, dropped out, moved away or died.")
                % {"day": enrolment.planned_end.strftime("%d-%m-%Y")}
            )  # fmt: skip
        _set_end(enrolment, _end_rows([enrolment], rules, closed_on)[enrolment.pk])
        outcome = _judge(enrolment, rules)
    elif outcome in JUDGED:
        raise PmtError(_("This outcome is judged from the measurements, not chosen."))
    elif outcome not in Outcome.values:
        raise PmtError(_("Unknown outcome: %(value)s.") % {"value": outcome})
    else:
        _set_end(enrolment, _end_rows([enrolment], rules, closed_on)[enrolment.pk])
    enrolment.outcome = outcome
    enrolment.closed_on = min(closed_on, enrolment.planned_end)
    enrolment.days_delivered = _delivered_days(enrolment, enrolment.closed_on)
    enrolment.closed_by = user
    enrolment.auto_closed = user is None
    enrolment.closing_note = note
    enrolment.save()
    return enrolment


def due_for_closure(today: dt.date, queryset: QuerySet | None = None, rules=None) -> QuerySet:
    """Open enrolments past their last day (those that may close by themselves)."""
    queryset = Enrolment.objects.all() if queryset is None else queryset
    return queryset.open().filter(planned_end__lt=today)


def close_due(today: dt.date | None = None, *, queryset: QuerySet | None = None,
              rules=None) -> int:  # fmt: skip
    """Close every enrolment whose time is up: with an end measurement at once, without one
    after ``grace_days``. Returns how many closed. Safe to run any number of times (the
    ``tumbuh closepmt`` command, the PMT pages).

    In bulk: the enrolments due, their candidate end rows and their delivered days are three
    queries per 500 enrolments, whatever their number (a city closes thousands a month)."""
    today = today or timezone.localdate()
    rules = rules or pmt_config.rules()
    due = list(due_for_closure(today, queryset).order_by("pk"))
    closed = []
    for start in range(0, len(due), _BATCH):
        batch = due[start:start + _BATCH]
        ends = _end_rows(batch, rules, today)
        delivered = dict(
            Delivery.objects.filter(enrolment__in=[e.pk for e in batch])
            .exclude(status=Delivery.Status.MISSED).order_by().values("enrolment")
            .annotate(n=Count("pk")).values_list("enrolment", "n")
        )  # fmt: skip
        for e in batch:
            row = ends.get(e.pk)
            waited = today > e.planned_end + dt.timedelta(days=rules.grace_days)
            if row is None and not waited:
                continue
            _set_end(e, row)
            e.outcome = _judge(e, rules)
            e.closed_on = e.planned_end
            e.days_delivered = delivered.get(e.pk, 0)
            e.closed_by, e.auto_closed, e.closing_note = None, True, ""
            e.updated_at = timezone.now()
            closed.append(e)
    bulk.update_rows(closed, _CLOSE_FIELDS)
    return len(closed)


_BATCH = 500
_CLOSE_FIELDS = [
    "outcome", "closed_on", "days_delivered", "closed_by", "auto_closed", "closing_note",
    "end_measurement", "end_check", "end_on", "end_weight_kg", "end_waz", "end_whz", "end_haz",
    "end_muac_cm", "updated_at",
]  # fmt: skip


def _end_rows(batch: list[Enrolment], rules, today: dt.date) -> dict:
    """Enrolment id -> its end row (the first measurement or check with a weight from
    ``end_window_before_days`` before the last day up to ``today``), in one query per group."""
    def since(e):
        first = e.planned_end - dt.timedelta(days=rules.end_window_before_days)
        return max(first, e.start_on + dt.timedelta(days=1))

    out = {}
    children = [e for e in batch if e.child_id]
    women = [e for e in batch if e.pregnancy_id]
    for group, model, key, day_field, fields in (
        (children, ChildMeasurement, "child_id", "measured_on",
         ("child_id", "measured_on", "weight_kg", "zwei", "zwfl", "zlen", "armc_cm")),
        (women, PregnancyCheck, "pregnancy_id", "checked_on",
         ("pregnancy_id", "checked_on", "weight_kg", "muac_cm")),
    ):  # fmt: skip
        if not group:
            continue
        rows: dict = {}
        for row in model.objects.filter(
            **{f"{key}__in": {getattr(e, key) for e in group},
               f"{day_field}__gte": min(since(e) for e in group), f"{day_field}__lte": today},
            weight_kg__isnull=False,
        ).only(*fields).order_by(key, day_field):  # fmt: skip
            rows.setdefault(getattr(row, key), []).append(row)
        for e in group:
            first = since(e)
            out[e.pk] = next(
                (r for r in rows.get(getattr(e, key), ()) if getattr(r, day_field) >= first), None
            )
    return out


# --- figures ----------------------------------------------------------------------------------

GROUP_TOTAL_LABELS = {Group.CHILD: _lazy("all children under five"),
                      Group.PREGNANT: _lazy("all pregnant women")}  # fmt: skip


@dataclass
class Figures:
    """Per-programme figures for enrolments that started in a period."""

    group: str
    reason: str  # "" = the whole group
    beneficiaries: int = 0
    enrolments: int = 0
    open: int = 0
    closed: int = 0
    completed: int = 0
    judged: int = 0
    recovered: int = 0
    days_delivered: int = 0
    cost_idr: int | None = None

    @property
    def completed_pct(self) -> float | None:
        return 100 * self.completed / self.closed if self.closed else None

    @property
    def recovered_pct(self) -> float | None:
        return 100 * self.recovered / self.judged if self.judged else None

    @property
    def cost_per_recovered_idr(self) -> float | None:
        if self.cost_idr is None or not self.recovered:
            return None
        return self.cost_idr / self.recovered

    @property
    def label(self) -> str:
        if self.reason:
            return Reason(self.reason).label
        return GROUP_TOTAL_LABELS[self.group]


def figures(enrolments: QuerySet, rules=None) -> list[Figures]:
    """Figures by group and reason, then a total per group, for ``enrolments`` (already scoped
    and filtered to a period). "Completed": closed with at least ``completed_share`` of the
    planned days delivered; "% recovered": among those closed with a judged outcome (an end
    measurement); cost: days delivered x the unit cost of the enrolment's year and group."""
    rules = rules or pmt_config.rules()
    share = rules.completed_share
    live = _open_delivered(enrolments)
    per = (
        enrolments.order_by()
        .values("pk", "group", "reason", "child_id", "pregnancy__woman_id", "closed_on",
                "outcome", "planned_days", "started_on", "days_delivered")
    )  # fmt: skip
    costs = {(u.year, u.group): u.cost_per_day_idr for u in UnitCost.objects.all()}
    table: dict[tuple[str, str], Figures] = {}
    people: dict[tuple[str, str], set] = {}
    missing_cost: set[tuple[str, str]] = set()
    judged_outcomes = {Outcome.RECOVERED, Outcome.IMPROVED, Outcome.NOT_IMPROVED}
    for row in per:
        person = row["child_id"] or row["pregnancy__woman_id"]
        # closed: counted at closure; running: counted now
        row["delivered"] = (live.get(row["pk"], 0) if row["closed_on"] is None
                            else row["days_delivered"] or 0)  # fmt: skip
        for key in ((row["group"], row["reason"]), (row["group"], "")):
            f = table.setdefault(key, Figures(group=key[0], reason=key[1], cost_idr=0))
            people.setdefault(key, set()).add(person)
            f.enrolments += 1
            f.days_delivered += row["delivered"]
            if row["closed_on"] is None:
                f.open += 1
            else:
                f.closed += 1
                if row["delivered"] >= share * row["planned_days"]:
                    f.completed += 1
                if row["outcome"] in judged_outcomes:
                    f.judged += 1
                    f.recovered += row["outcome"] == Outcome.RECOVERED
            rate = costs.get((row["started_on"].year, row["group"]))
            if rate is None:
                missing_cost.add(key)
            elif f.cost_idr is not None:
                f.cost_idr += rate * row["delivered"]
    for key, f in table.items():
        f.beneficiaries = len(people[key])
        if key in missing_cost:
            f.cost_idr = None
    order = {Group.CHILD: 0, Group.PREGNANT: 1}
    reason_order = {code: i for i, code in enumerate(Reason.values)}
    return sorted(table.values(),
                  key=lambda f: (order[f.group], f.reason == "", reason_order.get(f.reason, 99)))


def _open_delivered(enrolments: QuerySet) -> dict:
    """Enrolment id -> days delivered so far, for the running enrolments among ``enrolments``
    (a closed one stores its count at closure, so the big delivery table is read only for the
    few weeks of the running ones)."""
    return dict(
        Delivery.objects.filter(enrolment__in=enrolments.order_by().open().values("pk"))
        .exclude(status=Delivery.Status.MISSED).order_by().values("enrolment")
        .annotate(n=Count("pk")).values_list("enrolment", "n")
    )  # fmt: skip


AREA_LEVELS = {"kelurahan": "household__kelurahan__name",
               "puskesmas": "posyandu__puskesmas__name", "posyandu": "posyandu__name"}  # fmt: skip


def beneficiaries_by_area(enrolments: QuerySet, level: str) -> list[dict]:
    """Distinct children and pregnant women enrolled, by kelurahan, puskesmas or posyandu, with
    the enrolments, those recovered and the days delivered."""
    key = AREA_LEVELS[level]
    rows = (
        enrolments.order_by().values(key)
        .annotate(
            children=Count("child", distinct=True),
            women=Count("pregnancy__woman", distinct=True),
            enrolments=Count("pk"),
            recovered=Count("pk", filter=Q(outcome=Outcome.RECOVERED)),
            delivered=Sum("days_delivered", default=0),
        )
        .order_by(key)
    )  # fmt: skip
    running = dict(
        Delivery.objects.filter(enrolment__in=enrolments.order_by().open().values("pk"))
        .exclude(status=Delivery.Status.MISSED).order_by()
        .values(f"enrolment__{key}").annotate(n=Count("pk"))
        .values_list(f"enrolment__{key}", "n")
    )  # fmt: skip
    return [{"area": r[key], "children": r["children"], "women": r["women"],
             "enrolments": r["enrolments"], "recovered": r["recovered"],
             "delivered": r["delivered"] + running.get(r[key], 0)}
            for r in rows]  # fmt: skip


def year_totals(enrolments: QuerySet) -> dict:
    """The sentence of the yearly report: distinct children and pregnant women who received PMT
    (an enrolment with at least one day delivered)."""
    received = enrolments.filter(
        Exists(Delivery.objects.filter(enrolment=OuterRef("pk")).exclude(
            status=Delivery.Status.MISSED))
    )  # fmt: skip
    totals = received.aggregate(
        children=Count("child", distinct=True), women=Count("pregnancy__woman", distinct=True)
    )
    totals["enrolled_children"] = enrolments.aggregate(n=Count("child", distinct=True))["n"]
    totals["enrolled_women"] = enrolments.aggregate(n=Count("pregnancy__woman", distinct=True))[
        "n"
    ]
    return totals


__all__ = [
    "Candidate",
    "DayEntry",
    "Figures",
    "PmtError",
    "beneficiaries_by_area",
    "candidate_for",
    "close",
    "close_due",
    "day_log",
    "due_for_closure",
    "eligible",
    "enrol",
    "figures",
    "may_deliver",
    "may_enrol",
    "record_day",
    "year_totals",
]

