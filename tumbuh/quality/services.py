"""The data-quality scorecard: rows per posyandu, recorder (cadre) or area, and month-by-month
trends of one posyandu or one cadre (docs/quality.md).

Every figure is a sum of scorecard cells (:mod:`tumbuh.quality.summary`) that the user may
see: stored cells read through ``accounts.scope.visible(ScorecardCell.objects, user)``, or for
a TPK team (whose scope is a list of households, not whole posyandu) cells computed from
``visible(ChildMeasurement.objects, user)``. Indicators come from
:func:`tumbuh.quality.stats.judge`; this module only groups, formats and orders them.

- :func:`scorecard` — the table page: one row per group at a level, for a month or period.
- :func:`posyandu_scorecard` — one posyandu, months as columns (included in other pages).
- :func:`cadre_scorecard` — one recorder, months as columns.
"""

from __future__ import annotations

import html
import math
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible
from tumbuh.analytics.grouping import LEVEL_LABELS, Period, grouping_for, posyandu_in_scope

from . import stats, summary
from .models import ScorecardCell
from .rules import ScorecardRules, load_rules
from .stats import NA, NONE, POOR, WARN

#: Levels of the table, per role (the first is the default).
CADRE = "cadre"
ALL_LEVELS = ("puskesmas", "posyandu", CADRE, "kelurahan", "kecamatan", "city")
LEVELS_BY_ROLE = {
    Role.KADER: ("posyandu", CADRE),
    Role.TPK: ("posyandu", CADRE),
    Role.BIDAN: ("posyandu", CADRE, "kelurahan", "puskesmas"),
}
LABELS = {**LEVEL_LABELS, CADRE: gettext_lazy("Recorder (cadre)")}
SORTS = ("worst", "name")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    help: str


def columns() -> list[Column]:
    """The indicator columns of the table, in order (labels in the active language)."""
    return [
        Column("flagged", _("% flagged"),
               _("Share of measurements with a WHO implausibility flag on HAZ, WAZ or WHZ.")),
        Column("sd_haz", _("SD HAZ"), _("Standard deviation of length/height-for-age z.")),
        Column("sd_waz", _("SD WAZ"), _("Standard deviation of weight-for-age z.")),
        Column("sd_whz", _("SD WHZ"), _("Standard deviation of weight-for-length/height z.")),
        Column("dps_weight", _("Digits: weight"),
               _("Digit preference score of the 0.1 kg digit of weights (0 = none).")),
        Column("dps_lenhei", _("Digits: length"),
               _("Digit preference score of the 0.1 cm digit of lengths/heights (0 = none).")),
        Column("heaping", _("Birth dates 1st/15th"),
               _("Birth dates on the 1st or 15th of a month, against the number expected.")),
        Column("missing", _("% without length"),
               _("Weighed without length/height (judged in February and August).")),
        Column("jumps", _("% jumps"),
               _("Implausible change since the last visit (weight, length, shorter length).")),
    ]  # fmt: skip


#: Rows of a month-by-month page: (indicator, is a detail of the row above).
TREND_ROWS = (
    ("flagged", False), ("flen", True), ("fwei", True), ("fwfl", True),
    ("sd_haz", False), ("sd_waz", False), ("sd_whz", False),
    ("dps_weight", False), ("dps_weight_05", True),
    ("dps_lenhei", False), ("dps_lenhei_05", True),
    ("heaping", False), ("missing", False),
    ("jumps", False), ("jump_zwei", True), ("jump_zlen", True), ("length_shrank", True),
)  # fmt: skip


def _trend_labels() -> dict[str, str]:
    return {
        "flagged": _("% flagged (any)"), "flen": _("HAZ flagged"), "fwei": _("WAZ flagged"),
        "fwfl": _("WHZ flagged"), "sd_haz": _("SD HAZ"), "sd_waz": _("SD WAZ"),
        "sd_whz": _("SD WHZ"), "dps_weight": _("Digit preference: weight"),
        "dps_weight_05": _("weights ending in .0 or .5 (%)"),
        "dps_lenhei": _("Digit preference: length/height"),
        "dps_lenhei_05": _("lengths ending in .0 or .5 (%)"),
        "heaping": _("Birth dates on the 1st/15th (× expected)"),
        "missing": _("% weighed without length/height"),
        "jumps": _("% implausible jumps"), "jump_zwei": _("weight-for-age jumped"),
        "jump_zlen": _("length-for-age jumped"), "length_shrank": _("length shorter than before"),
    }  # fmt: skip


# --- Cells of a table ----------------------------------------------------------------------


@dataclass
class Cell:
    """One figure as shown: text, status (ok/warn/poor/na/""), a tooltip, the visible mark that
    carries the status without colour, and the words a screen reader says instead."""

    text: str
    status: str = NONE
    title: str = ""
    mark: str = ""
    spoken: str = ""

    def html(self) -> str:
        """The table cell (``<td>``); numbers and marks are plain, texts are escaped."""
        title = f' title="{html.escape(self.title)}"' if self.title else ""
        mark = f'<span class="q-mark" aria-hidden="true">{self.mark}</span>' if self.mark else ""
        spoken = (f'<span class="visually-hidden"> ({html.escape(self.spoken)})</span>'
                  if self.spoken else "")  # fmt: skip
        return (f'<td class="q--{self.status or "none"}"{title}>{html.escape(self.text)}'
                f"{mark}{spoken}</td>")  # fmt: skip


def cells_html(cells: list[Cell]) -> str:
    return mark_safe("".join(cell.html() for cell in cells))  # noqa: S308 - escaped in html()


class _Formatter:
    """Turns indicator values into :class:`Cell` objects in the active language; translated
    texts and the decimal separator are looked up once per page, not once per cell."""

    def __init__(self, rules: ScorecardRules, *, every_title: bool = True):
        self.rules = rules
        #: Give every figure its count as a tooltip (month pages), or only the judged ones
        #: (long tables: a city's recorders would carry 1,300 x 9 of them).
        self.every_title = every_title
        self.sep = get_format("DECIMAL_SEPARATOR")
        self.too_few = _("Too few values to judge: %(n)d (at least %(min)d needed).")
        self.values = _("%(n)d values")
        self.spoken = {POOR: _("problem"), WARN: _("check"), NA: _("too few values")}
        self.min_n = {
            "sd": rules.sd.min_n, "dps": rules.digits.min_n, "heaping": rules.heaping.min_n,
            "missing": rules.missing.min_n, "jumps": rules.jumps.min_n,
            "flags": rules.flags.min_n,
        }  # fmt: skip

    def number(self, value: float, decimals: int) -> str:
        text = f"{value:.{decimals}f}"
        if text.startswith("-") and float(text) == 0:
            text = text[1:]
        return text.replace(".", self.sep)

    def pct(self, value: float) -> str:
        return f"{self.number(value, 1)}%"

    def text(self, kind: str, value: float) -> str:
        if value is None or math.isnan(value):
            return "—"
        if kind.startswith("sd_"):
            return self.number(value, 2)
        if kind in ("dps_weight", "dps_lenhei"):
            return self.number(value, 1)
        if kind == "heaping":
            return f"{self.number(value, 1)}×"
        return self.pct(value)

    def _min(self, kind: str) -> int:
        if kind.startswith(("sd_", "dps_")):
            return self.min_n[kind[:kind.index("_")]]
        if kind in ("heaping", "missing"):
            return self.min_n[kind]
        if kind in ("jumps", *stats.JUMP_KEYS):
            return self.min_n["jumps"]
        return self.min_n["flags"]

    def cell(self, kind: str, ind: stats.Indicator, i: int) -> Cell:
        status = ind.status[i]
        n = int(ind.n[i])
        if status == NA:
            title = self.too_few % {"n": n, "min": self._min(kind)} if self.every_title else ""
            return Cell("–", NA, title, "", self.spoken[NA])
        text = self.text(kind, float(ind.value[i]))
        title = self.values % {"n": n} if self.every_title or status in (POOR, WARN) else ""
        if status == POOR:
            return Cell(text, POOR, title, "!!", self.spoken[POOR])
        if status == WARN:
            return Cell(text, WARN, title, "!", self.spoken[WARN])
        return Cell(text, status, title)


# --- Scope ---------------------------------------------------------------------------------


def _uses_stored_cells(user) -> bool:
    """TPK teams see households, not whole posyandu: their cells are computed from their rows."""
    return not (getattr(user, "role", None) == Role.TPK and not user.is_superuser)


def _is_kader(user) -> bool:
    return user.role == Role.KADER and not user.is_superuser


def levels_for(user) -> tuple[str, ...]:
    if user.is_administrator:
        return ALL_LEVELS
    return LEVELS_BY_ROLE.get(user.role, ALL_LEVELS)


def get_posyandu(user, pk):
    """The posyandu ``pk`` if the user may see its scorecard, else 404."""
    posyandu = posyandu_in_scope(user).filter(pk=pk).first()
    if posyandu is None:
        raise Http404
    return posyandu


def get_cadre(user, pk):
    """The recorder ``pk`` if the user may see their scorecard, else 404: a kader only
    themselves; others a user assigned to a posyandu in their scope, or who recorded a
    measurement they may see."""
    from tumbuh.monitoring.models import ChildMeasurement

    cadre = get_user_model().objects.filter(pk=pk).first()
    if cadre is None:
        raise Http404
    if _is_kader(user):
        if cadre.pk != user.pk:
            raise Http404
        return cadre
    in_scope = posyandu_in_scope(user).values("pk")
    if cadre.posyandu.filter(pk__in=in_scope).exists():
        return cadre
    if visible(ChildMeasurement.objects, user).filter(created_by=cadre).exists():
        return cadre
    raise Http404


def _cells(user, period: Period, *, posyandu_ids, cadre_id=None) -> summary.Cells:
    """The cells the user may see for ``posyandu_ids`` (and one recorder) in ``period``."""
    from tumbuh.monitoring.models import ChildMeasurement

    posyandu_ids = list(posyandu_ids)
    if _uses_stored_cells(user):
        summary.ensure(posyandu_ids, period)
        qs = visible(ScorecardCell.objects, user).filter(
            month__gte=period.first, month__lte=period.last
        )
        if len(posyandu_ids) <= summary.ALL_POSYANDU_FROM:
            qs = qs.filter(posyandu_id__in=posyandu_ids)
        if cadre_id is not None:
            qs = qs.filter(cadre_id=cadre_id)
        return summary.stored_cells(qs)
    ms = visible(ChildMeasurement.objects, user).filter(child__posyandu_id__in=posyandu_ids)
    if cadre_id is not None:
        ms = ms.filter(created_by_id=cadre_id)
    return summary.cells_from(ms, period)


def _grouped(cells: summary.Cells, group: np.ndarray, n_groups: int, rules: ScorecardRules):
    """Indicators of the groups: all cells, and the length months apart for missing length."""
    totals = stats.combine(cells.values, group, n_groups)
    month_of_year = cells.month.astype(np.int64) % 12 + 1
    in_length_months = np.isin(month_of_year, rules.missing.length_months)
    length_months = stats.combine(cells.values, np.where(in_length_months, group, -1), n_groups)
    indicators = stats.judge(
        totals, rules, length_month_weighed=length_months["weighed"],
        length_month_missing=length_months["weighed_no_lenhei"],
    )  # fmt: skip
    return totals, indicators


# --- The table -----------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    parent: str
    url: str
    n: int
    cells: list[Cell]
    poor: int
    warn: int
    flagged: float  # for sorting
    checks: str = ""  # "1 problem, 2 to check"
    cells_html: str = ""  # the indicator cells as <td> elements
    #: Every indicator's value (NaN when there is none) and status, by indicator name.
    values: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)


@dataclass
class Scorecard:
    level: str
    period: Period
    within: str
    sort: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None
    levels: tuple[str, ...]
    rules: ScorecardRules
    #: The figures are those of the families assigned to the user's TPK team.
    households_only: bool = False

    @property
    def level_label(self) -> str:
        return LABELS[self.level]


def _checks(poor: int, warn: int) -> str:
    parts = []
    if poor:
        parts.append(ngettext("%(n)d problem", "%(n)d problems", poor) % {"n": poor})
    if warn:
        parts.append(ngettext("%(n)d to check", "%(n)d to check", warn) % {"n": warn})
    return ", ".join(parts)


def _rows(keys, labels, parents, urls, totals, indicators, rules) -> list[Row]:
    poor, warn = stats.severity(indicators)
    fmt = _Formatter(rules, every_title=len(keys) <= 50)
    kinds = [c.key for c in columns()]
    flagged = indicators["flagged"].value
    rows = []
    for i in range(len(keys)):
        cells = [fmt.cell(kind, indicators[kind], i) for kind in kinds]
        rows.append(Row(
            key=keys[i], label=labels[i], parent=parents[i], url=urls[i],
            n=int(totals["rows"][i]), cells=cells, poor=int(poor[i]), warn=int(warn[i]),
            flagged=-1.0 if math.isnan(flagged[i]) else float(flagged[i]),
            checks=_checks(int(poor[i]), int(warn[i])), cells_html=cells_html(cells),
            values={k: float(ind.value[i]) for k, ind in indicators.items()},
            status={k: ind.status[i] for k, ind in indicators.items()},
        ))  # fmt: skip
    return rows


def period_query(period: Period, **extra) -> str:
    """The query string of a page showing ``period`` (plus ``extra`` parameters)."""
    params = {"dari": f"{period.first:%Y-%m}", "sampai": f"{period.last:%Y-%m}"}
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


def scorecard(user, *, level: str, period: Period, within: str = "", sort: str = "worst"):
    """The scorecard table at ``level`` (a grouping level or "cadre") for ``period``."""
    rules = load_rules()
    if level not in levels_for(user):
        raise ValueError(_("Unknown level: %(level)s") % {"level": level})
    base = grouping_for(user, "posyandu" if level == CADRE else level, within=within)
    posyandu_ids = list(base.posyandu)
    cadre_id = user.pk if (level == CADRE and _is_kader(user)) else None
    cells = _cells(user, period, posyandu_ids=posyandu_ids, cadre_id=cadre_id)
    if level == CADRE:
        keys, labels, parents, urls, group = _cadre_groups(user, base, cells, period)
    else:
        group = base.group_index(cells.posyandu)
        keys, labels, parents = list(base.keys), list(base.labels), list(base.parents)
        urls = _group_urls(level, keys, period)
    totals, indicators = _grouped(cells, group, len(keys), rules)
    rows = _rows(keys, labels, parents, urls, totals, indicators, rules)
    if sort == "worst":
        rows.sort(key=lambda r: (-r.poor, -r.warn, -r.flagged, -r.n, r.label))
    everything = np.where(group >= 0, 0, -1)
    total_stats, total_ind = _grouped(cells, everything, 1, rules)
    total = _rows(["all"], [_("All")], [""], [""], total_stats, total_ind, rules)[0]
    return Scorecard(
        level=level, period=period, within=within, sort=sort, columns=columns(), rows=rows,
        total=total if len(rows) > 1 else None, levels=levels_for(user), rules=rules,
        households_only=not _uses_stored_cells(user),
    )  # fmt: skip


_PLACEHOLDER = uuid.UUID(int=0)


def _url_maker(name: str, example, query: str):
    """A function key → URL of ``name`` with ``?query``: reverse() once, not once per row."""
    base = reverse(name, args=[example])
    head, tail = base.split(str(example), 1)
    return lambda key: f"{head}{key}{tail}?{query}"


def _group_urls(level: str, keys: list[str], period: Period) -> list[str]:
    if level == "posyandu":
        url = _url_maker("quality:posyandu", _PLACEHOLDER, period_query(period))
        return [url(key) for key in keys]
    base = reverse("quality:scorecard")
    return [f"{base}?{period_query(period, tingkat='posyandu', wilayah=key)}" if key else ""
            for key in keys]  # fmt: skip


def _names(pks) -> dict[int, str]:
    """Display names of users: full name, else username (one query)."""
    return {
        pk: (f"{first} {last}".strip() or username)
        for pk, first, last, username in get_user_model().objects.filter(pk__in=pks).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }


def _cadre_groups(user, base, cells: summary.Cells, period: Period):
    """Groups of the cadre level: recorders of the cells and the cadres assigned to the
    posyandu (a kader: only themselves), then "recorder not known" when some rows have none."""
    in_scope = base.group_index(cells.posyandu) >= 0
    if _is_kader(user):
        cadres = {user.pk}
    else:
        cadres = set(cells.cadre[in_scope & (cells.cadre >= 0)].tolist())
        if _uses_stored_cells(user):
            assigned = get_user_model().objects.filter(
                role=Role.KADER, posyandu__in=list(base.posyandu)
            )
            cadres |= set(assigned.values_list("pk", flat=True))
    people = _names(cadres)
    # Context for each recorder: the posyandu where they counted the most rows.
    rows_at: dict[tuple[int, object], int] = {}
    for i in np.flatnonzero(in_scope):
        key = (int(cells.cadre[i]), cells.posyandu[i])
        rows_at[key] = rows_at.get(key, 0) + int(cells.values["rows"][i])
    main_posyandu: dict[int, tuple[int, object]] = {}
    for (pk, posyandu), n in rows_at.items():
        if pk not in main_posyandu or n > main_posyandu[pk][0]:
            main_posyandu[pk] = (n, posyandu)
    order = sorted(people, key=lambda pk: (people[pk].lower(), pk))
    keys = [str(pk) for pk in order]
    labels = [people[pk] for pk in order]
    parents = []
    for pk in order:
        where = main_posyandu.get(pk)
        p = base.posyandu.get(where[1]) if where else None
        parents.append(p.name if p else "")
    url = _url_maker("quality:cadre", 987654321, period_query(period))
    urls = [url(pk) for pk in order]
    index = {pk: i for i, pk in enumerate(order)}
    if (in_scope & (cells.cadre < 0)).any() and not _is_kader(user):
        index[-1] = len(keys)
        keys.append("unknown")
        labels.append(_("Recorder not known"))
        parents.append("")
        urls.append("")
    lookup = np.vectorize(lambda c: index.get(int(c), -1), otypes=[np.int64])
    group = lookup(cells.cadre) if len(cells) else np.empty(0, np.int64)
    return keys, labels, parents, urls, np.where(in_scope, group, -1)


# --- Month by month ------------------------------------------------------------------------


@dataclass
class TrendRow:
    key: str
    label: str
    detail: bool
    cells: list[Cell]  # one per month, then the whole period
    cells_html: str = ""


@dataclass
class DigitBar:
    digit: int
    count: int
    pct: float
    text: str


@dataclass
class Trend:
    """One posyandu's or one recorder's indicators with the months as columns."""

    title: str
    subject: str
    period: Period
    months: list = field(default_factory=list)
    n: list[int] = field(default_factory=list)  # per month, then the whole period
    rows: list[TrendRow] = field(default_factory=list)
    url: str = ""
    weight_digits: list[DigitBar] = field(default_factory=list)
    lenhei_digits: list[DigitBar] = field(default_factory=list)
    recorders: list[Row] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    households_only: bool = False

    @property
    def has_data(self) -> bool:
        return bool(self.n and self.n[-1])


def _digits(totals: dict, prefix: str, fmt: _Formatter) -> list[DigitBar]:
    counts = [int(totals[f"{prefix}{d}"][0]) for d in stats.DIGITS]
    n = sum(counts)
    bars = []
    for d, count in enumerate(counts):
        pct = 100 * count / n if n else 0.0
        bars.append(DigitBar(d, count, pct, fmt.pct(pct)))
    return bars


def _trend(cells: summary.Cells, period: Period, rules: ScorecardRules, **kwargs) -> Trend:
    months = period.months
    by_month = period.index(cells.month)
    month_stats, month_ind = _grouped(cells, by_month, len(months), rules)
    whole = np.where(by_month >= 0, 0, -1)
    total_stats, total_ind = _grouped(cells, whole, 1, rules)
    labels = _trend_labels()
    fmt = _Formatter(rules)
    rows = []
    for key, detail in TREND_ROWS:
        cells = [fmt.cell(key, month_ind[key], i) for i in range(len(months))]
        cells.append(fmt.cell(key, total_ind[key], 0))
        rows.append(TrendRow(key, labels[key], detail, cells, cells_html(cells)))
    return Trend(
        period=period, months=months,
        n=[int(x) for x in month_stats["rows"]] + [int(total_stats["rows"][0])], rows=rows,
        weight_digits=_digits(total_stats, "wd", fmt),
        lenhei_digits=_digits(total_stats, "ld", fmt),
        columns=columns(), **kwargs,
    )  # fmt: skip


def posyandu_scorecard(posyandu, period: Period, user) -> Trend:
    """The scorecard of one posyandu, month by month over ``period``, with what ``user`` may
    see (the caller checks the posyandu is in scope: :func:`get_posyandu`).

    Fixed number of queries: the stored-cell markers, the cells (plus building what is
    missing, once).
    """
    rules = load_rules()
    cells = _cells(user, period, posyandu_ids=[posyandu.pk])
    return _trend(
        cells, period, rules,
        title=_("Data quality of posyandu %(name)s") % {"name": posyandu.name},
        subject=posyandu.name,
        url=f"{reverse('quality:posyandu', args=[posyandu.pk])}?{period_query(period)}",
        households_only=not _uses_stored_cells(user),
    )  # fmt: skip


def posyandu_recorders(posyandu, period: Period, user) -> list[Row]:
    """Rows per recorder at one posyandu over the whole period (a kader: only themselves)."""
    rules = load_rules()
    cadre_id = user.pk if _is_kader(user) else None
    cells = _cells(user, period, posyandu_ids=[posyandu.pk], cadre_id=cadre_id)
    recorders = sorted(set(cells.cadre.tolist()))
    if _is_kader(user) and user.pk not in recorders:
        recorders.append(user.pk)
    people = _names([pk for pk in recorders if pk >= 0])
    order = sorted((pk for pk in recorders if pk >= 0), key=lambda pk: people.get(pk, ""))
    if -1 in recorders:
        order.append(-1)
    index = {pk: i for i, pk in enumerate(order)}
    group = np.array([index.get(int(c), -1) for c in cells.cadre], dtype=np.int64)
    totals, indicators = _grouped(cells, group, len(order), rules)
    query = period_query(period)
    return _rows(
        [str(pk) for pk in order],
        [people.get(pk, _("Recorder not known")) for pk in order],
        [posyandu.name] * len(order),
        [f"{reverse('quality:cadre', args=[pk])}?{query}" if pk >= 0 else "" for pk in order],
        totals, indicators, rules,
    )  # fmt: skip


def cadre_scorecard(cadre, period: Period, user) -> Trend:
    """The scorecard of one recorder, month by month, over the posyandu ``user`` may see."""
    from tumbuh.monitoring.models import ChildMeasurement

    rules = load_rules()
    # Only the posyandu of the children this recorder measured (not the whole city).
    measured_at = (
        visible(ChildMeasurement.objects, user)
        .filter(created_by=cadre, measured_month__gte=period.first,
                measured_month__lte=period.last)
        .order_by().values("child__posyandu_id").distinct()
    )  # fmt: skip
    posyandu_ids = list(
        posyandu_in_scope(user).filter(pk__in=measured_at).values_list("pk", flat=True)
    )
    cells = _cells(user, period, posyandu_ids=posyandu_ids, cadre_id=cadre.pk)
    name = cadre.get_full_name() or cadre.username
    return _trend(
        cells, period, rules, title=_("Data quality of %(name)s") % {"name": name},
        subject=name,
        url=f"{reverse('quality:cadre', args=[cadre.pk])}?{period_query(period)}",
        households_only=not _uses_stored_cells(user),
    )  # fmt: skip


def recorder_posyandu(cadre, user) -> list:
    """The posyandu in the user's scope the recorder is assigned to (for the cadre page)."""
    return list(
        posyandu_in_scope(user).filter(Q(cadres=cadre)).order_by("name").distinct()
    )
