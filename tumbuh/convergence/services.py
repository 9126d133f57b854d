"""Which interventions reached each child at risk, and the coverage of each by kelurahan.

A child under five in the user's scope is **at risk** when the latest counted weighing of the
window (``window_months`` before the reference day) finds one of the rule set's risks (stunted,
wasted, underweight, faltering, BGM) or the family's latest KRS screening found it at risk.
For each intervention the child is **eligible** when one of its triggers holds (or it reached
the child anyway) and **reached** when, within the window:

- ``pmt``: a PMT enrolment of the child ran;
- ``protein``: the household received a protein package (not cancelled);
- ``tpk_visit``: a TPK member visited the household;
- ``wash``: a water or sanitation project reached the household;
- ``referral``: the child was referred (a TPK referral naming the child, or a worklist
  follow-up "referred").

Everything is one query, whatever the number of children: each child with what the rules read
(the database looks the sources up in their indexes), and the combination is NumPy over arrays
aligned on the children; for the figures by kelurahan the database counts the children alike
first (:func:`summarise`). See docs/convergence.md.
"""

from __future__ import annotations

import datetime as dt
import operator
import uuid
from dataclasses import dataclass, field
from functools import reduce

import numpy as np
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from tumbuh.accounts.scope import city_wide_key, visible
from tumbuh.lib.dates import months_before
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.registry.models import Child

from . import config as convergence_config
from .config import INTERVENTIONS
from .labels import INTERVENTION_HELP, INTERVENTION_LABELS, RISK_LABELS


@dataclass
class Table:
    """One row per child under five in scope (arrays aligned on the children), or, from
    :func:`summarise`, one row per group of children alike in everything the rules read, with
    the number of children in ``weight``."""

    today: dt.date
    start: dt.date
    rules: convergence_config.ConvergenceRules
    child_ids: list
    household_ids: list
    posyandu_ids: list
    kelurahan_ids: list
    weight: np.ndarray | None = None
    triggers: dict[str, np.ndarray] = field(default_factory=dict)
    risks: dict[str, np.ndarray] = field(default_factory=dict)
    at_risk: np.ndarray | None = None
    eligible: dict[str, np.ndarray] = field(default_factory=dict)
    reached: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.kelurahan_ids)

    def index_of(self, pk) -> int:
        """The row of the child with primary key ``pk``."""
        key = uuid.UUID(str(pk))
        return next(i for i, k in enumerate(self.child_ids) if uuid.UUID(k) == key)

    def missing(self, code: str) -> np.ndarray:
        return self.eligible[code] & ~self.reached[code]

    def missing_count(self) -> np.ndarray:
        """Per child: how many of its eligible interventions are missing."""
        total = np.zeros(self.n, dtype=np.int64)
        for code in INTERVENTIONS:
            total += self.missing(code)
        return total


def _text(field: str):
    """A key column as text in the database (SQLite: 32 hex digits; PostgreSQL: the canonical
    form): the same spelling in every query, without a ``uuid.UUID`` per row in Python."""
    return Cast(field, output_field=CharField())


def _keys(values) -> np.ndarray:
    """Primary keys as a NumPy array of fixed-width strings: ``np.isin`` then sorts (with an
    object array it would compare every pair)."""
    return np.array(list(values), dtype=str)


#: What the latest counted weighing says, one bit each (the ``bits`` column of the query).
MEASUREMENT_BITS = {
    "pendek": Q(status_tbu="pendek"),
    "sangat_pendek": Q(status_tbu="sangat_pendek"),
    "gizi_kurang": Q(status_bbtb="gizi_kurang"),
    "gizi_buruk": Q(status_bbtb="gizi_buruk"),
    "bb_kurang": Q(status_bbu="kurang"),
    "bb_sangat_kurang": Q(status_bbu="sangat_kurang"),
    "tidak_naik": Q(growth_status="T"),
    "two_t": Q(is_2t=True),
    "bgm": Q(is_bgm=True),
}
#: The query's columns besides the child's keys: what the rules read.
COLUMNS = ("kel", "water", "sanitation", "bits", "family_at_risk", "r_pmt", "r_protein",
           "r_tpk_visit", "r_wash", "r_referral", "r_followup")  # fmt: skip


def _children(user, today: dt.date, posyandu_id=None):
    """The children under five in ``user``'s scope on ``today`` (one posyandu if given)."""
    children = visible(Child.objects.active(), user).filter(
        birth_date__gt=months_before(today, 60), birth_date__lte=today
    )
    if posyandu_id is not None:
        children = children.filter(posyandu_id=posyandu_id)
    return children.order_by()


def _annotated(children, today: dt.date, start: dt.date):
    """``children`` with one column per thing the rules read: the kelurahan and the
    household's water and sanitation; the latest counted weighing of the window as bits
    (:data:`MEASUREMENT_BITS`, NULL when none); the family's latest KRS screening; and, for
    each intervention, whether it reached the child in the window. One query: the database
    looks each child up in the indexes; nothing per event travels to Python."""
    from tumbuh.families.models import Referral, Visit
    from tumbuh.families.services import latest_screening_subquery
    from tumbuh.foodreserve.models import Issue
    from tumbuh.pmt.models import Enrolment
    from tumbuh.wash.models import ProjectHousehold
    from tumbuh.worklists.models import Action, FollowUp

    bits = reduce(operator.add, [
        Case(When(q, then=Value(1 << i)), default=Value(0), output_field=IntegerField())
        for i, q in enumerate(MEASUREMENT_BITS.values())
    ])  # fmt: skip
    latest = (
        ChildMeasurement.objects.filter(
            child=OuterRef("pk"), measured_on__gte=start, measured_on__lte=today,
            counts_for_month=True,
        ).order_by("-measured_on").annotate(bits=bits).values("bits")[:1]
    )  # fmt: skip
    child, household = OuterRef("pk"), OuterRef("household_id")
    window = {"gte": start, "lte": today}

    def within(name: str) -> dict:
        return {f"{name}__{op}": day for op, day in window.items()}

    return children.annotate(
        kel=F("household__kelurahan_id"),
        water=F("household__water_source"),
        sanitation=F("household__sanitation"),
        bits=Subquery(latest, output_field=IntegerField()),
        family_at_risk=latest_screening_subquery(today, household=household),
        r_pmt=Exists(Enrolment.objects.filter(child=child, started_on__lte=today,
                                              planned_end__gte=start)),  # fmt: skip
        r_protein=Exists(Issue.objects.active().filter(household=household,
                                                       **within("issued_on"))),  # fmt: skip
        r_tpk_visit=Exists(Visit.objects.filter(household=household, **within("visited_on"))),
        r_wash=Exists(ProjectHousehold.objects.filter(household=household,
                                                      **within("completed_on"))),  # fmt: skip
        r_referral=Exists(Referral.objects.filter(child=child, **within("referred_on"))),
        r_followup=Exists(FollowUp.objects.filter(child=child, action=Action.REFERRED,
                                                  **within("done_on"))),  # fmt: skip
    )


def _bools(values) -> np.ndarray:
    """A column of the query as booleans (SQLite gives 0/1, PostgreSQL true/false; NULL is
    false)."""
    return np.array([bool(v) for v in values], dtype=bool)


def _evaluate(t: Table, columns: dict) -> Table:
    """Fill the triggers, risks, eligibility and reach of ``t`` from the query's columns."""
    from tumbuh.wash import rules as wash_rules

    n, rules = t.n, t.rules
    bits = np.array([v or 0 for v in columns["bits"]], dtype=np.int64)
    tr = {name: (bits >> i) & 1 == 1 for i, name in enumerate(MEASUREMENT_BITS)}
    tr["family_at_risk"] = _bools(columns["family_at_risk"])
    water = np.array(columns["water"], dtype=object)
    sanitation = np.array(columns["sanitation"], dtype=object)
    # unknown (blank) is not "not layak"
    tr["no_layak_water"] = np.nan_to_num(wash_rules.water_layak_array(water), nan=1) == 0
    tr["no_layak_sanitation"] = (
        np.nan_to_num(wash_rules.sanitation_layak_array(sanitation), nan=1) == 0
    )
    t.triggers = {k: np.asarray(v, dtype=bool).reshape(n) for k, v in tr.items()}
    g = t.triggers
    t.risks = {
        "stunted": g["pendek"] | g["sangat_pendek"],
        "wasted": g["gizi_kurang"] | g["gizi_buruk"],
        "underweight": g["bb_kurang"] | g["bb_sangat_kurang"],
        "faltering": g["tidak_naik"] | g["two_t"],
        "bgm": g["bgm"],
        "family_at_risk": g["family_at_risk"],
    }
    t.at_risk = np.zeros(n, dtype=bool)
    for risk in rules.child_risks:
        t.at_risk |= t.risks[risk]
    reached = {code: _bools(columns[f"r_{code}"]) for code in INTERVENTIONS}
    reached["referral"] |= _bools(columns["r_followup"])
    for code in INTERVENTIONS:
        trigger = np.zeros(n, dtype=bool)
        for name in rules.triggers[code]:
            trigger |= g[name]
        t.eligible[code] = t.at_risk & (trigger | reached[code])
        t.reached[code] = reached[code] & t.at_risk
    return t


def build(user, today: dt.date | None = None, *, posyandu_id=None, rules=None) -> Table:
    """The table for ``user``'s scope, a row per child (one posyandu when ``posyandu_id`` is
    given)."""
    today = today or timezone.localdate()
    rules = rules or convergence_config.rules()
    start = months_before(today, rules.window_months)
    query = _annotated(_children(user, today, posyandu_id), today, start)
    rows = list(query.values_list(_text("pk"), _text("household_id"), _text("posyandu_id"),
                                  *COLUMNS))  # fmt: skip
    cols = list(zip(*rows, strict=True)) if rows else [[]] * (3 + len(COLUMNS))
    t = Table(today=today, start=start, rules=rules, child_ids=list(cols[0]),
              household_ids=list(cols[1]), posyandu_ids=list(cols[2]),
              kelurahan_ids=list(cols[3]), weight=np.ones(len(rows), dtype=np.int64))  # fmt: skip
    return _evaluate(t, dict(zip(COLUMNS, cols[3:], strict=True)))


def summarise(user, today: dt.date | None = None, *, rules=None) -> Table:
    """The table for ``user``'s scope with the children grouped: one row per kelurahan and
    combination of what the rules read, ``weight`` children each. The same query as
    :func:`build`, counted in the database: a few thousand rows travel instead of one per
    child (what the kelurahan figures need; :func:`by_kelurahan` reads either)."""
    today = today or timezone.localdate()
    rules = rules or convergence_config.rules()
    start = months_before(today, rules.window_months)
    inner = _annotated(_children(user, today), today, start).values_list(*COLUMNS)
    sql, params = inner.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names}, COUNT(*) FROM ({sql}) grouped GROUP BY {names}", params)
        rows = cursor.fetchall()
    cols = list(zip(*rows, strict=True)) if rows else [[]] * (len(COLUMNS) + 1)
    t = Table(today=today, start=start, rules=rules, child_ids=[], household_ids=[],
              posyandu_ids=[], kelurahan_ids=list(cols[0]),
              weight=np.array(cols[-1], dtype=np.int64))  # fmt: skip
    return _evaluate(t, dict(zip(COLUMNS, cols[:-1], strict=True)))


CACHE_SECONDS = 300


def _cached(kind: str, make, user, today: dt.date):
    """``make(rules)``, kept five minutes for users who see a whole city; always fresh for the
    others."""
    from django.core.cache import cache

    scope = city_wide_key(user)
    rules = convergence_config.rules()
    if scope is None:
        return make(rules)
    key = f"convergence:{kind}:{scope}:{today.isoformat()}:{rules.version}"
    table = cache.get(key)
    if table is None:
        table = make(rules)
        cache.set(key, table, CACHE_SECONDS)
    return table


def cached_build(user, today: dt.date | None = None, *, posyandu_id=None) -> Table:
    """:func:`build`, kept five minutes for users who see a whole city (the list of children
    at risk pages through it); one posyandu's is always fresh."""
    today = today or timezone.localdate()
    if posyandu_id is not None:
        return build(user, today, posyandu_id=posyandu_id)
    return _cached("children", lambda rules: build(user, today, rules=rules), user, today)


@dataclass
class KelurahanFigures:
    """The convergence by kelurahan of a scope on a day (small: what is cached)."""

    today: dt.date
    start: dt.date
    rules_version: str
    rows: list
    total: object
    made_at: dt.datetime | None = None  # when counted (from the cache)


def kelurahan_figures(user, today: dt.date | None = None, *,
                      refresh: bool = False) -> KelurahanFigures:  # fmt: skip
    """:func:`by_kelurahan` of :func:`summarise`. For users who see a whole city it comes from
    the ``figures`` cache (tumbuh.lib.figurecache: counted again in the background once five
    minutes old); for the others it is counted now (their scope is small)."""
    from tumbuh.lib import figurecache

    today = today or timezone.localdate()
    rules = convergence_config.rules()

    def make() -> KelurahanFigures:
        t = summarise(user, today, rules=rules)
        rows, total = by_kelurahan(t)
        return KelurahanFigures(today=today, start=t.start, rules_version=rules.version,
                                rows=rows, total=total)  # fmt: skip

    scope = city_wide_key(user)
    if scope is None:
        return make()
    key = f"convergence:kelurahan:{scope}:{today.isoformat()}:{rules.version}"
    entry = figurecache.refresh(key, make) if refresh else figurecache.cached(key, make)
    entry.value.made_at = entry.made_at
    return entry.value


def warm(today: dt.date | None = None) -> int:
    """Count the city-wide figures the pages open with (the convergence page: today; the
    dashboard: the end of the last complete month) for each city-wide scope in use, so that
    the first view of the day does not wait. Returns the number of figures counted."""
    from tumbuh.accounts.models import User
    from tumbuh.lib.dates import month_end

    today = today or timezone.localdate()
    last_month_end = month_end(months_before(today.replace(day=1), 1))
    seen = set()
    for user in User.objects.filter(is_active=True).order_by("pk"):
        scope = city_wide_key(user)
        if scope is None or scope in seen:
            continue
        seen.add(scope)
        for day in (today, last_month_end):
            kelurahan_figures(user, day, refresh=True)
    return 2 * len(seen)


@dataclass
class AreaRow:
    """One kelurahan: children at risk, and per intervention eligible and reached."""

    kelurahan_id: str
    name: str
    at_risk: int
    eligible: dict[str, int]
    reached: dict[str, int]

    def coverage(self, code: str) -> float | None:
        return 100 * self.reached[code] / self.eligible[code] if self.eligible[code] else None

    @property
    def cells(self) -> list[tuple[str, int, int, float | None]]:
        return [(c, self.eligible[c], self.reached[c], self.coverage(c)) for c in INTERVENTIONS]


def by_kelurahan(t: Table) -> tuple[list[AreaRow], AreaRow]:
    """Rows by kelurahan (by name) and the total."""
    from tumbuh.areas.models import Area

    keys = _keys(t.kelurahan_ids)
    labels, index = np.unique(keys, return_inverse=True) if t.n else (np.array([]), np.array([]))
    m = len(labels)

    def count(mask) -> np.ndarray:
        if not t.n:
            return np.zeros(0, dtype=np.int64)
        return np.bincount(index[mask], weights=t.weight[mask], minlength=m).astype(np.int64)

    at_risk = count(t.at_risk)
    eligible = {c: count(t.eligible[c]) for c in INTERVENTIONS}
    reached = {c: count(t.reached[c] & t.eligible[c]) for c in INTERVENTIONS}
    names = dict(Area.objects.filter(pk__in=labels.tolist()).values_list("pk", "name"))
    rows = [
        AreaRow(kelurahan_id=label, name=names.get(label, label), at_risk=int(at_risk[i]),
                eligible={c: int(eligible[c][i]) for c in INTERVENTIONS},
                reached={c: int(reached[c][i]) for c in INTERVENTIONS})
        for i, label in enumerate(labels) if at_risk[i]
    ]  # fmt: skip
    rows.sort(key=lambda r: r.name)
    total = AreaRow(
        kelurahan_id="", name="", at_risk=int(at_risk.sum()),
        eligible={c: int(eligible[c].sum()) for c in INTERVENTIONS},
        reached={c: int(reached[c].sum()) for c in INTERVENTIONS},
    )  # fmt: skip
    return rows, total


@dataclass
class ChildItem:
    child: Child
    risks: list[str]  # labels
    #: (intervention, state, label, help) with state "reached", "missing" or "" (not eligible)
    states: list[tuple]
    missing: int


def children_at_risk(t: Table, *, only_missing: bool = False) -> list[int]:
    """Indices of the children at risk, most missing interventions first."""
    mask = t.at_risk.copy()
    missing = t.missing_count()
    if only_missing:
        mask &= missing > 0
    idx = np.flatnonzero(mask)
    return idx[np.argsort(-missing[idx], kind="stable")].tolist()


def items(t: Table, indices: list[int]) -> list[ChildItem]:
    """The children at ``indices`` (a page), with their risks and interventions (1 query)."""
    ids = [uuid.UUID(t.child_ids[i]) for i in indices]
    by_id = {c.pk: c for c in Child.objects.filter(pk__in=ids).select_related(
        "household", "posyandu")}  # fmt: skip
    out = []
    for i in indices:
        child = by_id.get(uuid.UUID(t.child_ids[i]))
        if child is None:
            continue
        states = []
        for code in INTERVENTIONS:
            if t.reached[code][i]:
                state = "reached"
            elif t.eligible[code][i]:
                state = "missing"
            else:
                state = ""
            states.append((code, state, INTERVENTION_LABELS[code], INTERVENTION_HELP[code]))
        risks = [RISK_LABELS[r] for r in t.rules.child_risks if t.risks[r][i]]
        out.append(ChildItem(child=child, risks=risks, states=states,
                             missing=sum(1 for s in states if s[1] == "missing")))  # fmt: skip
    return out
