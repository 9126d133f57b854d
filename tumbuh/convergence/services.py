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

Everything is a handful of queries, whatever the number of children (one per source), and the
combination is NumPy over arrays aligned on the children. See docs/convergence.md.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import numpy as np
from django.db.models import CharField, OuterRef, Q, Subquery
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
    """One row per child under five in scope (arrays aligned on the children)."""

    today: dt.date
    start: dt.date
    rules: convergence_config.ConvergenceRules
    child_ids: list
    household_ids: list
    posyandu_ids: list
    kelurahan_ids: list
    triggers: dict[str, np.ndarray] = field(default_factory=dict)
    risks: dict[str, np.ndarray] = field(default_factory=dict)
    at_risk: np.ndarray | None = None
    eligible: dict[str, np.ndarray] = field(default_factory=dict)
    reached: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.child_ids)

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


def _in(keys: np.ndarray, found) -> np.ndarray:
    found = _keys(set(found))
    if not len(keys) or not len(found):
        return np.zeros(len(keys), dtype=bool)
    return np.isin(keys, found)


def build(user, today: dt.date | None = None, *, posyandu_id=None, rules=None) -> Table:
    """The table for ``user``'s scope (one posyandu when ``posyandu_id`` is given)."""
    from tumbuh.families.models import Referral, Visit
    from tumbuh.families.services import households_at_risk
    from tumbuh.foodreserve.models import Issue
    from tumbuh.pmt.models import Enrolment
    from tumbuh.wash import rules as wash_rules
    from tumbuh.wash.models import ProjectHousehold
    from tumbuh.worklists.models import Action, FollowUp

    today = today or timezone.localdate()
    rules = rules or convergence_config.rules()
    start = months_before(today, rules.window_months)
    children = visible(Child.objects.active(), user).filter(
        birth_date__gt=months_before(today, 60), birth_date__lte=today
    )
    if posyandu_id is not None:
        children = children.filter(posyandu_id=posyandu_id)
    rows = list(children.order_by().values_list(
        _text("pk"), _text("household_id"), _text("posyandu_id"), "household__kelurahan_id",
        "household__water_source", "household__sanitation",
    ))  # fmt: skip
    cols = list(zip(*rows, strict=True)) if rows else [[]] * 6
    t = Table(today=today, start=start, rules=rules, child_ids=list(cols[0]),
              household_ids=list(cols[1]), posyandu_ids=list(cols[2]),
              kelurahan_ids=list(cols[3]))  # fmt: skip
    n = t.n
    child_keys, household_keys = _keys(cols[0]), _keys(cols[1])
    child_ids = Subquery(children.order_by().values("pk"))
    household_ids = Subquery(children.order_by().values("household_id"))

    # --- the latest counted weighing of the window ----------------------------------------------
    latest = (
        ChildMeasurement.objects.filter(
            child=OuterRef("pk"), measured_on__gte=start, measured_on__lte=today,
            counts_for_month=True,
        ).order_by("-measured_on").values("pk")[:1]
    )  # fmt: skip
    measured = ChildMeasurement.objects.filter(
        pk__in=Subquery(children.order_by().annotate(m=latest).values("m"))
    ).values_list(_text("child_id"), "status_tbu", "status_bbtb", "status_bbu", "growth_status",
                  "is_2t", "is_bgm")  # fmt: skip
    status = {r[0]: r[1:] for r in measured}
    blank = ("", "", "", "", False, False)
    per_child = [status.get(k, blank) for k in child_keys]
    if n:
        tbu, bbtb, bbu, gs, two_t, bgm = (
            np.array(c, dtype=object) for c in zip(*per_child, strict=True)
        )
    else:
        tbu = bbtb = bbu = gs = two_t = bgm = np.array([], dtype=object)
    water = np.array(cols[4], dtype=object)
    sanitation = np.array(cols[5], dtype=object)
    at_risk_families = households_at_risk(today).filter(pk__in=household_ids).values_list(
        _text("pk"), flat=True
    )
    tr = {
        "gizi_kurang": bbtb == "gizi_kurang",
        "gizi_buruk": bbtb == "gizi_buruk",
        "bb_kurang": bbu == "kurang",
        "bb_sangat_kurang": bbu == "sangat_kurang",
        "tidak_naik": gs == "T",
        "two_t": two_t.astype(bool),
        "bgm": bgm.astype(bool),
        "pendek": tbu == "pendek",
        "sangat_pendek": tbu == "sangat_pendek",
        "family_at_risk": _in(household_keys, at_risk_families),
        # unknown (blank) is not "not layak"
        "no_layak_water": np.nan_to_num(wash_rules.water_layak_array(water), nan=1) == 0,
        "no_layak_sanitation": np.nan_to_num(wash_rules.sanitation_layak_array(sanitation),
                                             nan=1) == 0,  # fmt: skip
    }
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

    # --- what reached them ----------------------------------------------------------------------
    pmt = Enrolment.objects.filter(child_id__in=child_ids, started_on__lte=today,
                                   planned_end__gte=start).values_list(_text("child_id"), flat=True)
    protein = Issue.objects.active().filter(
        household_id__in=household_ids, issued_on__gte=start, issued_on__lte=today
    ).values_list(_text("household_id"), flat=True)
    visits = Visit.objects.filter(
        household_id__in=household_ids, visited_on__gte=start, visited_on__lte=today
    ).values_list(_text("household_id"), flat=True)
    wash = ProjectHousehold.objects.filter(
        household_id__in=household_ids, completed_on__gte=start, completed_on__lte=today
    ).values_list(_text("household_id"), flat=True)
    referred = set(Referral.objects.filter(
        child_id__in=child_ids, referred_on__gte=start, referred_on__lte=today
    ).values_list(_text("child_id"), flat=True))  # fmt: skip
    referred |= set(FollowUp.objects.filter(
        Q(child_id__in=child_ids), action=Action.REFERRED, done_on__gte=start, done_on__lte=today
    ).values_list(_text("child_id"), flat=True))  # fmt: skip
    t.reached = {
        "pmt": _in(child_keys, pmt),
        "protein": _in(household_keys, protein),
        "tpk_visit": _in(household_keys, visits),
        "wash": _in(household_keys, wash),
        "referral": _in(child_keys, referred),
    }
    for code in INTERVENTIONS:
        trigger = np.zeros(n, dtype=bool)
        for name in rules.triggers[code]:
            trigger |= g[name]
        t.eligible[code] = t.at_risk & (trigger | t.reached[code])
        t.reached[code] = t.reached[code] & t.at_risk
    return t


CACHE_SECONDS = 300


def cached_build(user, today: dt.date | None = None, *, posyandu_id=None) -> Table:
    """:func:`build`, kept five minutes for users who see a whole city (about a second and a
    half of database work on a city of 60,000 under-fives); always fresh for the others."""
    from django.core.cache import cache

    today = today or timezone.localdate()
    scope = city_wide_key(user)
    if scope is None or posyandu_id is not None:
        return build(user, today, posyandu_id=posyandu_id)
    rules = convergence_config.rules()
    key = f"convergence:{scope}:{today.isoformat()}:{rules.version}"
    table = cache.get(key)
    if table is None:
        table = build(user, today, rules=rules)
        cache.set(key, table, CACHE_SECONDS)
    return table


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
        return np.bincount(index[mask], minlength=m) if t.n else np.zeros(0, dtype=np.int64)

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
