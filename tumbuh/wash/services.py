"""Water and sanitation operations: record a household's status, record the households a project
reached, count coverage by kelurahan (now, on a past day, month by month) and list the gaps.

Every list and count starts from ``accounts.scope.visible``. Coverage on a past day starts from
today's status and undoes, newest first, every recorded change made after that day (so a change
must never be dated before an earlier recorded one: :func:`record_status` refuses it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Max, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible
from tumbuh.registry.models import Child, Household, Sanitation, WaterSource

from . import config, rules
from .models import (
    WASH_FIELDS,
    ChangeSource,
    HouseholdWashChange,
    Project,
    ProjectHousehold,
)

UNDER_FIVE_YEARS = 5

# --- who may do what ------------------------------------------------------------------------------


def may_update_status(user) -> bool:
    """Kader, bidan, TPK members and administrators record households' status (in their scope)."""
    return user.may_record() or user.role == Role.TPK


def may_manage_projects(user) -> bool:
    """Administrators and holders of ``wash.manage_projects`` (the public-works office)."""
    return user.is_administrator or user.has_perm("wash.manage_projects")


def may_see_gaps(user) -> bool:
    """The list of households without layak water or sanitation names families."""
    return may_update_status(user) or (user.role == Role.ANALYST and user.may_see_identity())


# --- recording ----------------------------------------------------------------------------------


def _latest_change(household_ids) -> dict:
    rows = (HouseholdWashChange.objects.filter(household_id__in=household_ids)
            .values("household_id").annotate(last=Max("changed_on")))  # fmt: skip
    return {r["household_id"]: r["last"] for r in rows}


def _check_day(day: dt.date, today: dt.date) -> None:
    if day > today:
        raise ValidationError(_("The date %(day)s is in the future.")
                              % {"day": date_format(day, "j F Y")})  # fmt: skip


@transaction.atomic
def record_status(household: Household, *, values: dict, changed_on: dt.date, user,
                  reach: ProjectHousehold | None = None,
                  today: dt.date | None = None) -> list[HouseholdWashChange]:  # fmt: skip
    """Set a household's water / sanitation / grey-water codes as seen on ``changed_on``.

    Records one :class:`HouseholdWashChange` per field that changed (before, after) and moves
    ``wash_checked_on`` forward. Raises ``ValidationError`` for a future day or a day before the
    household's last recorded change (the history must stay in order).
    """
    today = today or timezone.localdate()
    _check_day(changed_on, today)
    household = Household.objects.select_for_update().get(pk=household.pk)
    last = _latest_change([household.pk]).get(household.pk)
    if last and changed_on < last:
        raise ValidationError(
            _("A change on %(last)s is already recorded for this family: the date cannot be "
              "earlier.") % {"last": date_format(last, "j F Y")}
        )  # fmt: skip
    source = ChangeSource.PROJECT if reach else ChangeSource.MANUAL
    changes, updates = [], {}
    for name in WASH_FIELDS:
        if name in values and (values[name] or "") != getattr(household, name):
            changes.append(HouseholdWashChange(
                household=household, changed_on=changed_on, field=name,
                old=getattr(household, name), new=values[name] or "", source=source,
                reach=reach, recorded_by=user,
            ))  # fmt: skip
            updates[name] = values[name] or ""
    if household.wash_checked_on is None or household.wash_checked_on < changed_on:
        updates["wash_checked_on"] = changed_on
    if updates:
        # .update(): the registry's save receiver (receivers.py) must not record these twice
        Household.objects.filter(pk=household.pk).update(**updates, updated_at=timezone.now())
    HouseholdWashChange.objects.bulk_create(changes)
    return changes


@dataclass
class ReachResult:
    reached: int = 0
    already: int = 0
    changes: int = 0


@transaction.atomic
def reach_households(project: Project, household_ids, *, completed_on: dt.date, user,
                     today: dt.date | None = None) -> ReachResult:  # fmt: skip
    """Record that ``project`` reached these households on ``completed_on`` and apply its
    effect (data/wash-2026.1.toml, ``[projects.<kind>]``) to each household, with history.

    Households must be visible to ``user`` and lie in one of the project's kelurahan; ones the
    project already reached are counted in ``already`` and left alone. A fixed number of queries
    whatever the number of households.
    """
    today = today or timezone.localdate()
    _check_day(completed_on, today)
    if completed_on < project.start_on:
        raise ValidationError(_("The work cannot be finished before the project starts (%(day)s).")
                              % {"day": date_format(project.start_on, "j F Y")})  # fmt: skip
    ids = list(dict.fromkeys(household_ids))
    kel_ids = set(project.kelurahan.values_list("code", flat=True))
    seen = list(visible(Household.objects.all(), user).filter(pk__in=ids)
                .values_list("pk", flat=True))  # fmt: skip
    # visible() may add DISTINCT (kader): lock in a second query
    households = list(Household.objects.filter(pk__in=seen).select_for_update())
    if len(households) != len(ids):
        raise PermissionDenied
    outside = [h for h in households if h.kelurahan_id not in kel_ids]
    if outside:
        raise ValidationError(_("%(n)d of the chosen families live outside the project's "
                                "kelurahan.") % {"n": len(outside)})  # fmt: skip
    done = set(ProjectHousehold.objects.filter(project=project, household_id__in=ids)
               .values_list("household_id", flat=True))  # fmt: skip
    todo = [h for h in households if h.pk not in done]
    last = _latest_change([h.pk for h in todo])
    late = [h for h in todo if last.get(h.pk) and last[h.pk] > completed_on]
    if late:
        raise ValidationError(_("%(n)d of the chosen families have a change recorded after "
                                "%(day)s: choose a later day or leave them out.")
                              % {"n": len(late), "day": date_format(completed_on, "j F Y")})
    reaches = ProjectHousehold.objects.bulk_create([
        ProjectHousehold(project=project, household=h, completed_on=completed_on,
                         recorded_by=user) for h in todo
    ])  # fmt: skip
    effect = config.current().project_effects.get(project.kind, {})
    changes = []
    for h, reach in zip(todo, reaches, strict=True):
        for name, value in effect.items():
            if getattr(h, name) != value:
                changes.append(HouseholdWashChange(
                    household=h, changed_on=completed_on, field=name, old=getattr(h, name),
                    new=value, source=ChangeSource.PROJECT, reach=reach, recorded_by=user,
                ))  # fmt: skip
    HouseholdWashChange.objects.bulk_create(changes)
    now = timezone.now()
    todo_ids = [h.pk for h in todo]
    for name, value in effect.items():
        Household.objects.filter(pk__in=todo_ids).exclude(**{name: value}).update(
            **{name: value}, updated_at=now)
    Household.objects.filter(pk__in=todo_ids).filter(
        Q(wash_checked_on__isnull=True) | Q(wash_checked_on__lt=completed_on)
    ).update(wash_checked_on=completed_on)
    return ReachResult(reached=len(todo), already=len(done), changes=len(changes))


# --- coverage -------------------------------------------------------------------------------------


@dataclass
class Cell:
    """Counts of one group of households on one day (unknown status counted apart)."""

    households: int = 0
    water_known: int = 0
    water_layak: int = 0
    sanitation_known: int = 0
    sanitation_layak: int = 0
    both_known: int = 0
    both_layak: int = 0

    @staticmethod
    def _pct(a: int, b: int) -> float | None:
        return 100.0 * a / b if b else None

    @property
    def water_pct(self):
        return self._pct(self.water_layak, self.water_known)

    @property
    def sanitation_pct(self):
        return self._pct(self.sanitation_layak, self.sanitation_known)

    @property
    def both_pct(self):
        return self._pct(self.both_layak, self.both_known)

    @property
    def unknown(self) -> int:
        return self.households - self.both_known


@dataclass
class CoverageRow:
    code: str
    name: str
    all: Cell
    under_five: Cell | None  # None from household_coverage()


@dataclass
class Coverage:
    on: dt.date
    definition: str
    rule_version: str
    rows: list[CoverageRow]
    total: CoverageRow


@dataclass
class _Register:
    """The households a user sees, their current status and recorded changes (arrays)."""

    kel_codes: list[str]
    kel_names: list[str]
    kel_index: np.ndarray  # household -> kelurahan position
    water: np.ndarray  # codes today, as positions in WATER_CODES (0 = blank or unknown)
    sanitation: np.ndarray  # positions in SANITATION_CODES
    changes: list[tuple]  # (changed_on, household position, field, old position), newest first
    child_hh: np.ndarray  # household position of each child
    child_birth: np.ndarray  # datetime64[D]
    extra: dict = field(default_factory=dict)


WATER_CODES = ["", *WaterSource.values]
SANITATION_CODES = ["", *Sanitation.values]
_CODE_INDEX = {"water_source": {c: i for i, c in enumerate(WATER_CODES)},
               "sanitation": {c: i for i, c in enumerate(SANITATION_CODES)}}  # fmt: skip


def _encode(field_name: str, code: str) -> int:
    return _CODE_INDEX[field_name].get(code or "", 0)


def _register(user) -> _Register:
    """Four queries whatever the number of households. Keys and dates come as text (a cast in
    the database): converting ~100,000 UUIDs and dates in Python would take seconds."""
    from tumbuh.areas.models import Area

    households = visible(Household.objects.all(), user)
    rows = list(households.order_by().annotate(key=Cast("pk", CharField()))
                .values_list("key", "kelurahan_id", "water_source", "sanitation"))  # fmt: skip
    pos = {r[0]: i for i, r in enumerate(rows)}
    codes = sorted({r[1] for r in rows})
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    kpos = {c: i for i, c in enumerate(codes)}
    changes = [
        (dt.date.fromisoformat(day), pos[hh], name, _encode(name, old))
        for day, hh, name, old in visible(HouseholdWashChange.objects.all(), user)
        .filter(field__in=("water_source", "sanitation"))
        .annotate(key=Cast("household_id", CharField()), day=Cast("changed_on", CharField()))
        .order_by("-changed_on", "-created_at", "-pk")
        .values_list("day", "key", "field", "old")
        if hh in pos
    ]  # fmt: skip
    kids = [] if not rows else [
        (pos[hh], birth) for hh, birth in
        Child.objects.active().filter(household__in=households.values("pk")).order_by()
        .annotate(key=Cast("household_id", CharField()), day=Cast("birth_date", CharField()))
        .values_list("key", "day") if hh in pos
    ]  # fmt: skip
    return _Register(
        kel_codes=codes, kel_names=[names.get(c, c) for c in codes],
        kel_index=np.array([kpos[r[1]] for r in rows], dtype=np.int64),
        water=np.array([_encode("water_source", r[2]) for r in rows], dtype=np.int64),
        sanitation=np.array([_encode("sanitation", r[3]) for r in rows], dtype=np.int64),
        changes=changes,
        child_hh=np.array([k[0] for k in kids], dtype=np.int64),
        child_birth=np.array([k[1][:10] for k in kids], dtype="datetime64[D]"),
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _has_under_five(reg: _Register, day: dt.date) -> np.ndarray:
    out = np.zeros(len(reg.kel_index), dtype=bool)
    if len(reg.child_birth):
        low = np.datetime64(_years_before(day, UNDER_FIVE_YEARS), "D")
        ok = (reg.child_birth <= np.datetime64(day, "D")) & (reg.child_birth > low)
        out[reg.child_hh[ok]] = True
    return out


def _states(reg: _Register, days: list[dt.date]):
    """Yield (day, water, sanitation) for each of ``days`` (any order), undoing changes."""
    water, san = reg.water.copy(), reg.sanitation.copy()
    arrays = {"water_source": water, "sanitation": san}
    i = 0
    for day in sorted(days, reverse=True):
        while i < len(reg.changes) and reg.changes[i][0] > day:
            _, h, name, old = reg.changes[i]
            arrays[name][h] = old
            i += 1
        yield day, water.copy(), san.copy()


def _cells(reg: _Register, w, s, mask, weight=None) -> tuple[list[Cell], Cell]:
    """Cells by kelurahan of the rows in ``mask``; a row counts ``weight`` households (one
    each when not given)."""
    k = len(reg.kel_codes)

    def count(values):
        keep = mask & values
        weights = None if weight is None else weight[keep]
        return np.bincount(reg.kel_index[keep], weights=weights, minlength=k).astype(np.int64)

    wk, sk = ~np.isnan(w), ~np.isnan(s)
    parts = {
        "households": count(np.ones_like(mask)), "water_known": count(wk),
        "water_layak": count(w == 1), "sanitation_known": count(sk),
        "sanitation_layak": count(s == 1), "both_known": count(wk & sk),
        "both_layak": count((w == 1) & (s == 1)),
    }  # fmt: skip
    cells = [Cell(**{n: int(v[g]) for n, v in parts.items()}) for g in range(k)]
    total = Cell(**{n: int(v.sum()) for n, v in parts.items()})
    return cells, total


def _coverage_from(reg: _Register, day, water, san, definition) -> Coverage:
    # judge each code once, then look the households' codes up (fast for any number)
    w = rules.water_layak_array(WATER_CODES)[water]
    s = rules.sanitation_layak_array(SANITATION_CODES, definition)[san]
    everyone = np.ones(len(reg.kel_index), dtype=bool)
    cells, total = _cells(reg, w, s, everyone)
    u5_cells, u5_total = _cells(reg, w, s, _has_under_five(reg, day))
    rows = [CoverageRow(code=c, name=n, all=a, under_five=u)
            for c, n, a, u in zip(reg.kel_codes, reg.kel_names, cells, u5_cells, strict=True)]
    return Coverage(on=day, definition=definition, rule_version=rules.rule_version(), rows=rows,
                    total=CoverageRow(code="", name=_("All"), all=total, under_five=u5_total))


def coverage(user, *, on: dt.date | None = None, definition: str = "national") -> Coverage:
    """Coverage by kelurahan of the households ``user`` sees, on ``on`` (default today).

    The households are today's register; their status on a past day is today's with every later
    recorded change undone. "Under five" = a child under five years old on that day.
    """
    rules.sanitation_layak_array([], definition)  # ValueError for an unknown definition
    day = on or timezone.localdate()
    reg = _register(user)
    (_, water, san), = _states(reg, [day])
    return _coverage_from(reg, day, water, san, definition)


def household_coverage(user, *, on: dt.date | None = None,
                       definition: str = "national") -> Coverage:  # fmt: skip
    """What :func:`coverage` counts for all households (``row.all``; ``under_five`` is None),
    counted in the database: households grouped by kelurahan, water and sanitation, then only
    those changed after ``on`` moved back to their status of that day. A few hundred rows
    travel instead of one per household and child (the dashboard's path)."""
    from collections import Counter

    from django.db.models import Count

    from tumbuh.areas.models import Area

    rules.sanitation_layak_array([], definition)  # ValueError for an unknown definition
    day = on or timezone.localdate()
    households = visible(Household.objects.all(), user).order_by()
    groups: Counter = Counter()
    for kel, water, san, n in households.values_list(
        "kelurahan_id", "water_source", "sanitation"
    ).annotate(n=Count("pk")):
        groups[kel, _encode("water_source", water), _encode("sanitation", san)] += n
    # the status on the day: each field as the oldest later change found it
    then: dict = {}
    for hh, name, old in (
        visible(HouseholdWashChange.objects.all(), user)
        .filter(field__in=("water_source", "sanitation"), changed_on__gt=day)
        .order_by("-changed_on", "-created_at", "-pk")
        .values_list("household_id", "field", "old")
    ):
        then.setdefault(hh, {})[name] = _encode(name, old)
    if then:
        for pk, kel, water, san in households.filter(pk__in=list(then)).values_list(
            "pk", "kelurahan_id", "water_source", "sanitation"
        ):
            w, s = _encode("water_source", water), _encode("sanitation", san)
            groups[kel, w, s] -= 1
            old = then[pk]
            groups[kel, old.get("water_source", w), old.get("sanitation", s)] += 1
    keys = [k for k, n in groups.items() if n]
    codes = sorted({k[0] for k in keys})
    kpos = {c: i for i, c in enumerate(codes)}
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    reg = _Register(kel_codes=codes, kel_names=[names.get(c, c) for c in codes],
                    kel_index=np.array([kpos[k[0]] for k in keys], dtype=np.int64),
                    water=np.array([k[1] for k in keys], dtype=np.int64),
                    sanitation=np.array([k[2] for k in keys], dtype=np.int64), changes=[],
                    child_hh=np.zeros(0, dtype=np.int64),
                    child_birth=np.zeros(0, dtype="datetime64[D]"))  # fmt: skip
    weight = np.array([groups[k] for k in keys], dtype=np.float64)
    w = rules.water_layak_array(WATER_CODES)[reg.water]
    s = rules.sanitation_layak_array(SANITATION_CODES, definition)[reg.sanitation]
    cells, total = _cells(reg, w, s, np.ones(len(keys), dtype=bool), weight)
    rows = [CoverageRow(code=c, name=n, all=a, under_five=None)
            for c, n, a in zip(reg.kel_codes, reg.kel_names, cells, strict=True)]  # fmt: skip
    return Coverage(on=day, definition=definition, rule_version=rules.rule_version(), rows=rows,
                    total=CoverageRow(code="", name=_("All"), all=total, under_five=None))


def coverage_trend(user, months: list[dt.date], *, definition: str = "national",
                   today: dt.date | None = None) -> list[Coverage]:  # fmt: skip
    """Coverage at the end of each month (today for the running month), oldest first."""
    today = today or timezone.localdate()
    reg = _register(user)
    ends = {}
    for m in months:
        nxt = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        ends[min(nxt - dt.timedelta(days=1), today)] = m
    out = [_coverage_from(reg, day, water, san, definition)
           for day, water, san in _states(reg, list(ends))]  # fmt: skip
    return sorted(out, key=lambda c: c.on)


# --- the list of households without layak water or sanitation ----------------------------------

GAPS = ("any", "water", "sanitation", "unknown")


def gaps(user, *, missing: str = "any", kelurahan: str = "", definition: str = "national"):
    """Households ``user`` sees whose water or sanitation is not layak (or not recorded)."""
    if not may_see_gaps(user):
        raise PermissionDenied
    qs = visible(Household.objects.all(), user)
    bad_water = rules.water_known_q() & ~rules.water_layak_q()
    bad_san = rules.sanitation_known_q() & ~rules.sanitation_layak_q(definition=definition)
    unknown = ~rules.water_known_q() | ~rules.sanitation_known_q()
    qs = qs.filter({"any": bad_water | bad_san, "water": bad_water, "sanitation": bad_san,
                    "unknown": unknown}[missing])  # fmt: skip
    if kelurahan:
        qs = qs.filter(kelurahan_id=kelurahan)
    return (qs.select_related("posyandu", "kelurahan")
            .defer("kelurahan__boundary", "kelurahan__aliases")
            .order_by("kelurahan_id", "rw", "rt", "head_name"))  # fmt: skip
