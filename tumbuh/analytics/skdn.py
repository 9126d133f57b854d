"""SKDN per area and month, with its ratios (docs/domain-indonesia.md §2.2–2.3).

For a user, a level (:data:`tumbuh.analytics.grouping.LEVELS`), an optional area within it and a
period of months, :func:`skdn_table` gives S, K, D, N, T, O, B, 2T and BGM of every group and
month, plus a last row for the whole of the user's area (the totals). The counts come from the
stored posyandu months (:class:`~tumbuh.analytics.models.PosyanduMonth`), summed per group and
month with NumPy, so a city's 500 posyandu × 24 months is a few thousand rows.

A TPK member's scope is the families assigned to the team, not whole posyandu: their figures
are counted directly from the measurements and children they may see
(:func:`tumbuh.analytics.figures.count_cells` and ``count_registered`` on
``accounts.scope.visible`` querysets), grouped the same way.

S is the registered number of under-fives. Where an administrator entered the projected number
(:class:`~tumbuh.analytics.models.UnderFiveProjection`) for every posyandu of a group, D/S over
the projected S is given beside it. Targets of the ratios are configuration, per year
(``tumbuh/analytics/data/skdn-targets-*.toml``).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.utils.translation import gettext_lazy as _

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible
from tumbuh.lib import tomlconfig

from . import figures
from .grouping import Grouping, Period, grouping_for
from .models import PosyanduMonth, UnderFiveProjection

#: The counts, in the order of the posyandu's monthly form (F1), as stored field names.
COUNTS = ("s", "k", "d", "n", "t", "o", "b", "t2", "bgm")
COUNT_LABELS = {"s": "S", "k": "K", "d": "D", "n": "N", "t": "T", "o": "O", "b": "B",
                "t2": "2T", "bgm": "BGM"}  # fmt: skip
COUNT_NAMES = {
    "s": _("Under-fives registered (sasaran)"),
    "k": _("With a KIA book or growth card (kartu)"),
    "d": _("Weighed this month (ditimbang)"),
    "n": _("Gained enough weight (naik)"),
    "t": _("Did not gain enough weight (tidak naik)"),
    "o": _("Not weighed last month"),
    "b": _("Weighed for the first time (baru)"),
    "t2": _("Two months in a row without enough gain (2T)"),
    "bgm": _("Below the red line (BGM)"),
}
_INDEX = {c: i for i, c in enumerate(COUNTS)}


@dataclass(frozen=True)
class Ratio:
    """A ratio of the counts, in percent: ``numerator`` over the sum of ``denominator``
    (count, sign) terms. ``lower_is_better``: its target is a ceiling."""

    key: str
    label: str
    name: str
    numerator: str
    denominator: tuple[tuple[str, int], ...]
    formula: str
    lower_is_better: bool = False


RATIOS = (
    Ratio("k_s", "K/S", _("Coverage: children with a growth card"), "k", (("s", 1),), "K / S"),
    Ratio("d_s", "D/S", _("Participation: children weighed"), "d", (("s", 1),), "D / S"),
    Ratio("d_k", "D/K", _("Continuity of weighing among card holders"), "d", (("k", 1),),
          "D / K"),
    Ratio("n_d", "N/D", _("Weighing result: weighed children who gained enough"), "n",
          (("d", 1),), "N / D"),
    Ratio("n_dj", "N/D′", _("Weighing result among the children who could be judged"), "n",
          (("d", 1), ("o", -1), ("b", -1)), "N / (D − O − B)"),
    Ratio("n_s", "N/S", _("Programme achievement"), "n", (("s", 1),), "N / S"),
    Ratio("bgm_d", "BGM/D", _("Weighed children below the red line"), "bgm", (("d", 1),),
          "BGM / D", lower_is_better=True),
    Ratio("t_d", "T/D", _("Weighed children who did not gain enough"), "t", (("d", 1),),
          "T / D", lower_is_better=True),
    Ratio("t2_d", "2T/D", _("Weighed children with two months in a row without enough gain"),
          "t2", (("d", 1),), "2T / D", lower_is_better=True),
)  # fmt: skip
RATIO_BY_KEY = {r.key: r for r in RATIOS}


# ---------------------------------------------------------------------------------------------
# Targets: versioned configuration, per year


DEFAULT_TARGETS_FILE = "skdn-targets-2026.1.toml"


@dataclass(frozen=True)
class Targets:
    """Targets of the ratios (percent) per year; a year's targets hold until a later year."""

    version: str
    origin: str
    years: dict[int, dict[str, float]] = field(default_factory=dict)

    def for_year(self, year: int) -> dict[str, float]:
        listed = [y for y in self.years if y <= year]
        return self.years[max(listed)] if listed else {}

    def series(self, key: str, months) -> list[float | None]:
        """The target of ratio ``key`` in each month (None where there is none)."""
        return [self.for_year(m.year).get(key) for m in months]


def parse_targets(data: dict, origin: str) -> Targets:
    """Check and convert parsed TOML; every mistake is a ``ValueError`` naming the key."""
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{origin}: 'version' must be a non-empty string")
    unknown = set(data) - {"version", "years"}
    if unknown:
        raise ValueError(f"{origin}: unknown keys {sorted(unknown)}")
    years = {}
    for year_text, values in data.get("years", {}).items():
        try:
            year = int(year_text)
        except ValueError:
            raise ValueError(f"{origin}: years.{year_text} is not a year") from None
        if not 2000 <= year <= 2100 or not isinstance(values, dict):
            raise ValueError(f"{origin}: years.{year_text} must be a year's table of targets")
        targets = {}
        for key, value in values.items():
            if key not in RATIO_BY_KEY:
                raise ValueError(f"{origin}: years.{year}.{key}: unknown ratio; known: "
                                 f"{sorted(RATIO_BY_KEY)}")  # fmt: skip
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                0 <= value <= 100
            ):
                raise ValueError(f"{origin}: years.{year}.{key} must be a percentage from 0 "
                                 f"to 100; got {value!r}")  # fmt: skip
            targets[key] = float(value)
        years[year] = targets
    return Targets(version=version, origin=origin, years=years)


def load_targets(path: str | Path | None = None) -> Targets:
    """Read a targets file (a path, or None for the shipped default)."""
    data, origin = tomlconfig.read("tumbuh.analytics", DEFAULT_TARGETS_FILE, path)
    return parse_targets(data, origin)


@functools.cache
def current_targets() -> Targets:
    """The shipped targets, read once per process."""
    return load_targets()


# ---------------------------------------------------------------------------------------------
# The table


@dataclass
class SkdnTable:
    """SKDN of each group × month; the last group (index ``len(grouping)``) is the total."""

    grouping: Grouping
    period: Period
    #: (groups + 1) × months × len(COUNTS), integers
    counts: np.ndarray
    #: projected S per (groups + 1) × months; NaN where a posyandu of the group has none
    projected: np.ndarray
    #: True for a TPK member: the figures hold the team's families only, not whole posyandu
    households_only: bool = False
    targets: Targets = field(default_factory=lambda: current_targets())

    @property
    def total(self) -> int:
        """Index of the totals row."""
        return len(self.grouping)

    def count(self, name: str) -> np.ndarray:
        return self.counts[..., _INDEX[name]]

    @functools.cached_property
    def _ratios(self) -> dict[str, np.ndarray]:
        out = {}
        for r in RATIOS:
            den = sum(sign * self.count(name) for name, sign in r.denominator)
            out[r.key] = _percent(self.count(r.numerator), den)
        return out

    def ratio(self, key: str) -> np.ndarray:
        """Ratio ``key`` in percent, (groups + 1) × months; NaN where the denominator is 0."""
        return self._ratios[key]

    @property
    def has_projection(self) -> bool:
        return bool(np.isfinite(self.projected).any())

    @functools.cached_property
    def _ds_projected(self) -> np.ndarray:
        den = np.where(np.isfinite(self.projected), self.projected, 0.0)
        return _percent(self.count("d"), den)

    def ds_projected(self) -> np.ndarray:
        """D over the projected S in percent; NaN where no complete projection exists."""
        return self._ds_projected


def _percent(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1), np.nan)


def check_within(within: str) -> str:
    """``within`` as :func:`grouping_for` takes it — an area code (digits and dots) or a
    puskesmas pk — or ValueError with a message for the user."""
    within = within.strip()
    if not within or (within[:1].isdigit() and "." in within):
        if within and not all(part.isdigit() for part in within.split(".")):
            raise ValueError(_("Unknown area: %(value)s") % {"value": within})
        return within
    try:
        return str(uuid.UUID(within))
    except ValueError:
        raise ValueError(_("Unknown area: %(value)s") % {"value": within}) from None


def skdn_table(user, level: str, period: Period, *, within: str = "") -> SkdnTable:
    """SKDN of the posyandu ``user`` may see, grouped at ``level`` (narrowed to ``within``:
    an area code or a puskesmas pk, see :func:`check_within`), for each month of ``period``."""
    return table_for(user, grouping_for(user, level, within=within), period)


def is_households_only(user) -> bool:
    """True for a TPK member, whose figures hold the families of the team only."""
    return getattr(user, "role", None) == Role.TPK and not user.is_superuser


def table_for(user, grouping: Grouping, period: Period) -> SkdnTable:
    """SKDN of each group of ``grouping`` (the posyandu ``user`` may see) and each month."""
    households_only = is_households_only(user)
    if households_only:
        rows = _direct_counts(user, grouping, period)
        group_of = grouping.group_of_posyandu
    else:
        rows = _stored_counts(list(grouping.posyandu), period)
        # raw rows hold the posyandu's key as the database stores it
        group_of = {figures.db_pk(pk): g for pk, g in grouping.group_of_posyandu.items()}
    counts = _sum_by_group(rows, group_of, len(grouping), period)
    if households_only:  # a projection is of the whole posyandu, not of the team's families
        projected = np.full(counts.shape[:2], np.nan)
    else:
        projected = _projected(grouping, period)
    return SkdnTable(grouping=grouping, period=period, counts=counts, projected=projected,
                     households_only=households_only)  # fmt: skip


def _stored_counts(ids, period: Period) -> list[tuple]:
    """(posyandu key as stored, month, *COUNTS) of the stored months, read raw."""
    if not ids:
        return []
    figures.ensure(ids, period)
    qs = PosyanduMonth.objects.filter(month__gte=period.first, month__lte=period.last)
    if len(ids) <= 900:
        qs = qs.filter(posyandu_id__in=ids)
    return figures.raw_rows(qs.values_list("posyandu_id", "month", *COUNTS))


def _direct_counts(user, grouping: Grouping, period: Period) -> list[tuple]:
    """(posyandu pk, month, *COUNTS) counted straight from the measurements and children the
    user may see (a TPK team's families)."""
    from tumbuh.monitoring.models import ChildMeasurement
    from tumbuh.registry.models import Child

    measured = ChildMeasurement.objects.filter(child__posyandu_id__in=list(grouping.posyandu))
    totals: dict[tuple, list[int]] = {}
    for c in figures.count_cells(visible(measured, user), period):
        row = totals.setdefault((c["posyandu"], c["month"]), [0] * len(COUNTS))
        for i, name in enumerate(COUNTS[2:], start=2):
            row[i] += c[name]
    children = Child.objects.filter(posyandu_id__in=list(grouping.posyandu))
    for key, (s, k) in figures.count_registered(visible(children, user), period).items():
        row = totals.setdefault(key, [0] * len(COUNTS))
        row[0], row[1] = s, k
    return [(pid, month, *values) for (pid, month), values in totals.items()]


def _sum_by_group(rows: list[tuple], group_of: dict, n_groups: int,
                  period: Period) -> np.ndarray:  # fmt: skip
    """Sum rows (posyandu, month, *COUNTS) into (groups + 1) × months × counts, the group of
    a row being ``group_of[posyandu]`` (rows of other posyandu are left out); the last group
    is the whole."""
    n_months = len(period)
    out = np.zeros((n_groups + 1, n_months, len(COUNTS)), dtype=np.int64)
    if not rows:
        return out
    columns = list(zip(*rows, strict=True))
    get_group = group_of.get
    g = np.fromiter((get_group(p, -1) for p in columns[0]), dtype=np.int64, count=len(rows))
    # months come as dates, or as ISO text from raw SQLite rows
    month_index = {}
    for i, month in enumerate(period.months):
        month_index[month] = month_index[month.isoformat()] = i
    get_month = month_index.get
    m = np.fromiter((get_month(v, -1) for v in columns[1]), dtype=np.int64, count=len(rows))
    keep = (g >= 0) & (m >= 0)
    cell = g[keep] * n_months + m[keep]
    for j, column in enumerate(columns[2:]):
        weights = np.asarray(column, dtype=np.float64)[keep]
        summed = np.bincount(cell, weights=weights, minlength=n_groups * n_months)
        out[:-1, :, j] = np.rint(summed).astype(np.int64).reshape(n_groups, n_months)
    out[-1] = out[:-1].sum(axis=0)
    return out


def _projected(grouping: Grouping, period: Period) -> np.ndarray:
    """Projected S of each group and month: the sum of its posyandu's projections for the
    month's year, where every posyandu of the group has one (NaN otherwise)."""
    n_groups, months = len(grouping), period.months
    out = np.full((n_groups + 1, len(months)), np.nan)
    if not n_groups:
        return out
    years = sorted({m.year for m in months})
    qs = UnderFiveProjection.objects.filter(year__in=years)
    ids = list(grouping.posyandu)
    if len(ids) <= 900:
        qs = qs.filter(posyandu_id__in=ids)
    found = list(qs.values_list("posyandu_id", "year", "under_fives"))
    if not found:
        return out
    # posyandu per group, the whole included
    members = np.bincount(grouping.group_index(ids), minlength=n_groups + 1)
    members[-1] = len(ids)
    g = grouping.group_index([r[0] for r in found])
    keep = g >= 0
    year_index = {y: i for i, y in enumerate(years)}
    y = np.array([year_index[r[1]] for r in found])[keep]
    values = np.array([r[2] for r in found], dtype=float)[keep]
    g = g[keep]
    have = np.zeros((n_groups + 1, len(years)), dtype=np.int64)
    total = np.zeros((n_groups + 1, len(years)))
    for rows in (g, np.full(len(g), n_groups)):  # each group, then the whole
        np.add.at(have, (rows, y), 1)
        np.add.at(total, (rows, y), values)
    complete = have == members[:, None]
    by_year = np.where(complete, total, np.nan)
    month_year = np.array([year_index[m.year] for m in months])
    return by_year[:, month_year]
