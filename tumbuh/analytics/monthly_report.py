"""The two monthly reports the health offices know (docs/analytics.md, "Monthly reports").

- :func:`posyandu_report`: the posyandu's monthly form (F1, "Laporan bulanan posyandu"): S, K,
  D, N, T, O, B, 2T and BGM of one posyandu and month by age group (0-5, 6-11, 12-23, 24-59
  months) and sex, with the ratios and the children to follow up. Counted straight from the
  children and the counted measurement rows, with exactly the rules of the stored figures
  (:func:`tumbuh.analytics.figures.counted_rows` and ``count_registered``), so its totals
  equal the posyandu's stored :class:`~tumbuh.analytics.models.PosyanduMonth`.
- :func:`recap`: the puskesmas recap ("Rekapitulasi SKDN puskesmas"): one row per posyandu,
  a subtotal per kelurahan and a total per puskesmas, read from the stored posyandu months.

A child's age group is its age in completed months on the last day of the month, for S, K and
D alike, so that D ≤ S in every cell; a child who turns 60 months during the month (still in
S, being at most 1826 days old on its first day) falls in 24-59.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tumbuh.accounts.scope import visible

from . import figures, skdn
from .grouping import Grouping, Period, add_months, grouping_for, posyandu_in_scope

#: Age groups of the F1 form: (label, first month of the group).
AGE_GROUPS = (("0-5", 0), ("6-11", 6), ("12-23", 12), ("24-59", 24))
_AGE_BOUNDS_MONTHS = np.array([first for _label, first in AGE_GROUPS[1:]])
#: Sexes as stored, and their letter on the form (L: laki-laki, P: perempuan).
SEXES = ("M", "F")
SEX_LETTERS = {"M": "L", "F": "P"}
#: The rows of the form, in its order (stored field names of :data:`skdn.COUNTS`).
ROWS = skdn.COUNTS
ROW_INDEX = {code: i for i, code in enumerate(ROWS)}
#: The ratios of the form (keys of :data:`skdn.RATIO_BY_KEY`).
REPORT_RATIOS = ("k_s", "d_s", "d_k", "n_d", "n_s", "bgm_d", "t_d", "t2_d")
#: The ratios of the recap.
RECAP_RATIOS = ("k_s", "d_s", "n_d", "bgm_d")

REASONS = {
    "2t": gettext_lazy("Did not gain enough weight for the second month in a row (2T)"),
    "bgm": gettext_lazy("Below the red line (BGM)"),
    "not_weighed": gettext_lazy("Not weighed this month"),
}


def percent(num, den) -> np.ndarray:
    """``100 * num / den`` element-wise; NaN where the denominator is 0."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1), np.nan)


def ratios_of(counts: np.ndarray, keys=REPORT_RATIOS) -> dict[str, np.ndarray]:
    """Ratios ``keys`` in percent of ``counts`` (any shape whose first axis is :data:`ROWS`)."""
    out = {}
    for key in keys:
        r = skdn.RATIO_BY_KEY[key]
        den = sum(sign * counts[ROW_INDEX[name]] for name, sign in r.denominator)
        out[key] = percent(counts[ROW_INDEX[r.numerator]], den)
    return out


def age_months_on(birth_dates, day: dt.date) -> np.ndarray:
    """Completed months of age on ``day``, the last day of its month (then a month is
    completed for every birth day: only the calendar months between count)."""
    if len(birth_dates) == 0:
        return np.zeros(0, dtype=np.int64)
    born = np.array(birth_dates, dtype="datetime64[M]")
    return (np.datetime64(day, "M") - born).astype(np.int64)


def age_group_of(age_months: np.ndarray) -> np.ndarray:
    """Index in :data:`AGE_GROUPS` of each age in months (60 months and more: 24-59)."""
    return np.searchsorted(_AGE_BOUNDS_MONTHS, age_months, side="right")


# ---------------------------------------------------------------------------------------------
# The posyandu's monthly form (F1)


@dataclass
class FollowUp:
    """A child to follow up this month."""

    child_id: object
    name: str
    sex: str
    age_months: int
    reasons: list[str]


@dataclass
class PosyanduReport:
    posyandu: object
    month: dt.date
    #: len(ROWS) × len(AGE_GROUPS) × len(SEXES), integers
    counts: np.ndarray
    #: True for a TPK member: the families assigned to the team only
    households_only: bool = False
    #: the children to follow up; None when the user may not see identities
    follow_up: list[FollowUp] | None = None

    @property
    def last_day(self) -> dt.date:
        return add_months(self.month, 1) - dt.timedelta(days=1)

    @property
    def totals(self) -> np.ndarray:
        """len(ROWS) × 3: L, P and L+P over the age groups."""
        by_sex = self.counts.sum(axis=1)
        return np.concatenate([by_sex, by_sex.sum(axis=1, keepdims=True)], axis=1)

    def row_total(self, code: str) -> int:
        return int(self.totals[ROW_INDEX[code], 2])

    def ratios(self) -> dict[str, np.ndarray]:
        """The ratios of the form for L, P and L+P (percent, NaN for a zero denominator)."""
        return ratios_of(self.totals)

    def check(self) -> tuple[np.ndarray, np.ndarray]:
        """(D, N + T + O + B) for L, P and L+P."""
        t = self.totals
        return t[ROW_INDEX["d"]], sum(t[ROW_INDEX[c]] for c in "ntob")


def posyandu_report(user, posyandu, month: dt.date) -> PosyanduReport:
    """The F1 form of ``posyandu`` (one the user may see) for ``month`` (its first day).

    Two queries: the children in S, the counted weighed rows of the month. A TPK member's
    figures hold the families of the team only, as on the posyandu's SKDN page.
    """
    from tumbuh.monitoring.models import ChildMeasurement
    from tumbuh.registry.models import Child

    period = Period(month, month)
    end = add_months(month, 1)
    last_day = end - dt.timedelta(days=1)
    identity = bool(user.may_see_identity())
    children = visible(Child.objects.filter(posyandu=posyandu), user).filter(
        merged_into__isnull=True,
        birth_date__lt=end,
        birth_date__gte=month - dt.timedelta(days=figures.MAX_AGE_DAYS),
    )
    fields = ["pk", "sex", "birth_date", "has_kia_book", *(["name"] if identity else [])]
    registered = list(children.values_list(*fields).order_by())
    measured = visible(ChildMeasurement.objects.filter(child__posyandu=posyandu), user)
    weighed = list(
        figures.counted_rows(measured, period)
        .filter(weight_kg__isnull=False)
        .values_list("child_id", "child__sex", "child__birth_date", "growth_status", "is_2t",
                     "is_bgm")
        .order_by()
    )  # fmt: skip

    counts = np.zeros((len(ROWS), len(AGE_GROUPS), len(SEXES)), dtype=np.int64)

    def add(code: str, group: np.ndarray, sex: np.ndarray, where: np.ndarray) -> None:
        np.add.at(counts[ROW_INDEX[code]], (group[where], sex[where]), 1)

    s_cols = list(zip(*registered, strict=True)) if registered else [[]] * len(fields)
    s_ages = age_months_on(s_cols[2], last_day)
    s_group = age_group_of(s_ages)
    s_sex = np.array([SEXES.index(x) for x in s_cols[1]], dtype=np.int64)
    everyone = np.ones(len(registered), dtype=bool)
    add("s", s_group, s_sex, everyone)
    add("k", s_group, s_sex, np.array(s_cols[3], dtype=bool))

    d_cols = list(zip(*weighed, strict=True)) if weighed else [[]] * 6
    d_group = age_group_of(age_months_on(d_cols[2], last_day))
    d_sex = np.array([SEXES.index(x) for x in d_cols[1]], dtype=np.int64)
    status = np.array(d_cols[3], dtype=object)
    is_2t = np.array(d_cols[4], dtype=bool)
    is_bgm = np.array(d_cols[5], dtype=bool)
    add("d", d_group, d_sex, np.ones(len(weighed), dtype=bool))
    for code in "NTOB":
        add(code.lower(), d_group, d_sex, status == code)
    add("t2", d_group, d_sex, is_2t)
    add("bgm", d_group, d_sex, is_bgm)

    follow_up = None
    if identity:
        follow_up = _follow_up(registered, s_ages, weighed, is_2t, is_bgm)
    return PosyanduReport(
        posyandu=posyandu, month=month, counts=counts,
        households_only=skdn.is_households_only(user), follow_up=follow_up,
    )  # fmt: skip


def _follow_up(registered, ages, weighed, is_2t, is_bgm) -> list[FollowUp]:
    """Children of S with 2T, BGM, or not weighed (in S, not in D), by name."""
    weighed_ids = {row[0] for row in weighed}
    reasons: dict = {}
    for i in np.flatnonzero(is_2t | is_bgm):
        reasons[weighed[i][0]] = [k for k, hit in (("2t", is_2t[i]), ("bgm", is_bgm[i])) if hit]
    out = []
    for i, (pk, sex, _birth, _kia, name) in enumerate(registered):
        if pk in weighed_ids and pk not in reasons:
            continue
        keys = reasons.get(pk, ["not_weighed"])
        out.append(FollowUp(child_id=pk, name=name, sex=SEX_LETTERS.get(sex, sex),
                            age_months=int(ages[i]),
                            reasons=[str(REASONS[k]) for k in keys]))  # fmt: skip
    out.sort(key=lambda f: (f.name.casefold(), str(f.child_id)))
    return out


# ---------------------------------------------------------------------------------------------
# The puskesmas recap


ALL = "all"


def puskesmas_in_scope(user) -> list[tuple[str, str]]:
    """(pk, name) of the puskesmas of the posyandu the user may see, by name."""
    from tumbuh.areas.models import Puskesmas

    ids = posyandu_in_scope(user).exclude(puskesmas__isnull=True).values("puskesmas_id")
    rows = Puskesmas.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", "name")
    return [(str(pk), name) for pk, name in rows]


@dataclass
class RecapRow:
    #: "posyandu", "kelurahan" (a subtotal), "puskesmas" (a total) or "all"
    kind: str
    label: str
    counts: np.ndarray  # len(ROWS) integers
    posyandu_id: object = None
    kelurahan: str = ""


@dataclass
class RecapBlock:
    puskesmas_id: str
    name: str
    rows: list[RecapRow] = field(default_factory=list)


@dataclass
class Recap:
    month: dt.date
    blocks: list[RecapBlock]
    #: the total of every block (when more than one puskesmas is shown)
    total: RecapRow | None = None

    def all_rows(self):
        for block in self.blocks:
            for row in block.rows:
                yield block, row
        if self.total is not None:
            yield None, self.total


def recap(user, month: dt.date, puskesmas: str) -> Recap:
    """The recap of ``month`` for one puskesmas (its pk) or every puskesmas in the user's scope
    (:data:`ALL`), one block each: its posyandu grouped by kelurahan, a subtotal per kelurahan
    and the puskesmas' total. Read from the stored posyandu months (built first where missing)."""
    period = Period(month, month)
    grouping = grouping_for(user, "posyandu", within="" if puskesmas == ALL else puskesmas)
    table = skdn.table_for(user, grouping, period)
    counts = table.counts[:-1, 0, :]
    return build_recap(grouping, counts, month, several=puskesmas == ALL)


def build_recap(grouping: Grouping, counts: np.ndarray, month: dt.date, *,
                several: bool) -> Recap:  # fmt: skip
    """Blocks of the recap from the counts of each posyandu group of ``grouping``."""
    by_puskesmas: dict[str, list] = {}
    for p in grouping.posyandu.values():
        key = str(p.puskesmas_id) if p.puskesmas_id else ""
        by_puskesmas.setdefault(key, []).append(p)
    blocks = []
    for key, members in by_puskesmas.items():
        first = members[0]
        name = first.puskesmas.name if first.puskesmas_id else _("No puskesmas")
        members.sort(key=lambda p: (p.kelurahan.name if p.kelurahan else "",
                                    p.kelurahan_id or "", p.name.casefold(),
                                    str(p.pk)))  # fmt: skip
        block = RecapBlock(puskesmas_id=key, name=name)
        current, kel_rows = None, []

        def close(kel_label, kel_rows, block=block):
            if kel_rows:
                block.rows.append(RecapRow(
                    "kelurahan", kel_label,
                    counts[[grouping.group_of_posyandu[r.posyandu_id] for r in kel_rows]].sum(0),
                    kelurahan=kel_label))  # fmt: skip

        for p in members:
            kel_label = p.kelurahan.name if p.kelurahan else _("No kelurahan")
            if p.kelurahan_id != current or not kel_rows:
                close(kel_rows[0].kelurahan if kel_rows else "", kel_rows)
                current, kel_rows = p.kelurahan_id, []
            row = RecapRow("posyandu", p.name, counts[grouping.group_of_posyandu[p.pk]],
                           posyandu_id=p.pk, kelurahan=kel_label)  # fmt: skip
            kel_rows.append(row)
            block.rows.append(row)
        close(kel_rows[0].kelurahan if kel_rows else "", kel_rows)
        idx = [grouping.group_of_posyandu[p.pk] for p in members]
        block.rows.append(RecapRow("puskesmas", name, counts[idx].sum(0)))
        blocks.append(block)
    blocks.sort(key=lambda b: (b.puskesmas_id == "", b.name.casefold(), b.puskesmas_id))
    total = None
    if several and len(blocks) > 1:
        total = RecapRow("all", _("All puskesmas"), counts.sum(0))
    return Recap(month=month, blocks=blocks, total=total)
