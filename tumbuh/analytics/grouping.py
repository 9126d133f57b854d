"""Periods of months and the grouping of posyandu into areas, shared by every monthly report.

Monthly figures are counted per posyandu (the child's posyandu) and rolled up along the
posyandu's own links: its kelurahan, its puskesmas, the kelurahan's kecamatan, the city. A
report asks :func:`grouping_for` for the posyandu the user may see, grouped at one level, and
:class:`Period` for the months to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import posyandu_for, visible

#: Levels a report can group by, from the smallest to the largest.
LEVELS = ("posyandu", "kelurahan", "puskesmas", "kecamatan", "city")
LEVEL_LABELS = {
    "posyandu": gettext_lazy("Posyandu"),
    "kelurahan": gettext_lazy("Kelurahan"),
    "puskesmas": gettext_lazy("Puskesmas"),
    "kecamatan": gettext_lazy("Kecamatan"),
    "city": gettext_lazy("City"),
}
#: The longest period a report shows (months).
MAX_MONTHS = 60


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    k = month.year * 12 + month.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def parse_month(text: str) -> dt.date:
    """``YYYY-MM`` → the first day of that month; ValueError with a message otherwise."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(
            _("“%(value)s” is not a month: write it as YYYY-MM, e.g. 2026-03.") % {"value": text}
        ) from None


@dataclass(frozen=True)
class Period:
    """A run of whole calendar months, ``first`` to ``last`` (first days of months)."""

    first: dt.date
    last: dt.date

    def __post_init__(self):
        if self.first.day != 1 or self.last.day != 1:
            raise ValueError("a period runs from the first day of a month")
        if self.last < self.first:
            raise ValueError(_("The period ends before it starts."))

    def __len__(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def months(self) -> list[dt.date]:
        return [add_months(self.first, i) for i in range(len(self))]

    @property
    def end(self) -> dt.date:
        """The day after the period (exclusive bound for date filters)."""
        return add_months(self.last, 1)

    def index(self, months: np.ndarray) -> np.ndarray:
        """Position of each month (``datetime64``) in the period; -1 outside it."""
        m = np.asarray(months, dtype="datetime64[M]").astype(np.int64)
        first = np.datetime64(self.first, "M").astype(np.int64)
        i = m - first
        return np.where((i >= 0) & (i < len(self)), i, -1)

    @classmethod
    def last_months(cls, n: int, today: dt.date | None = None) -> Period:
        last = month_start(today or dt.date.today())
        return cls(add_months(last, -(n - 1)), last)

    @classmethod
    def from_query(cls, query, *, default_months: int = 12, today: dt.date | None = None):
        """The period in a GET query (``dari``, ``sampai`` as YYYY-MM), or the last
        ``default_months`` months up to this one. Raises ValueError with a message for the user.
        """
        default = cls.last_months(default_months, today)
        first_text, last_text = query.get("dari", ""), query.get("sampai", "")
        last = parse_month(last_text) if last_text else default.last
        if first_text:
            first = parse_month(first_text)
        else:
            first = add_months(last, -(default_months - 1))
        period = cls(first, last)
        if len(period) > MAX_MONTHS:
            raise ValueError(_("Choose at most %(n)d months.") % {"n": MAX_MONTHS})
        return period


@dataclass
class Grouping:
    """The posyandu a user may see, each assigned to one group of the chosen level."""

    level: str
    keys: list[str] = field(default_factory=list)  # one key per group (pk or area code)
    labels: list[str] = field(default_factory=list)  # display name per group
    parents: list[str] = field(default_factory=list)  # the group's larger area, for context
    #: posyandu pk → group index
    group_of_posyandu: dict = field(default_factory=dict)
    #: posyandu pk → the Posyandu (with kelurahan, kecamatan and puskesmas loaded)
    posyandu: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.keys)

    def group_index(self, posyandu_ids) -> np.ndarray:
        """Group index of each posyandu pk (-1 for one outside the grouping)."""
        get = self.group_of_posyandu.get
        return np.fromiter((get(p, -1) for p in posyandu_ids), dtype=np.int64)


_AREA_PATHS = ("kelurahan", "kelurahan__parent", "kelurahan__parent__parent")


def posyandu_in_scope(user):
    """The posyandu whose children the user may count: their own posyandu, or for a TPK
    member the posyandu of the children of the households assigned to the team."""
    from tumbuh.areas.models import Posyandu
    from tumbuh.registry.models import Child

    if getattr(user, "role", None) == Role.TPK and not user.is_superuser:
        children = visible(Child.objects.all(), user).values("posyandu_id")
        qs = Posyandu.objects.filter(pk__in=children)
    else:
        qs = posyandu_for(user)
    # The areas' boundaries are large GeoJSON: never load them here.
    return qs.select_related(
        "kelurahan", "kelurahan__parent", "kelurahan__parent__parent", "puskesmas"
    ).defer(*(f"{path}__{f}" for path in _AREA_PATHS for f in ("boundary", "aliases")))


def _group_key(p, level: str) -> tuple[str, str, str]:
    """(key, label, parent label) of a posyandu's group at ``level``."""
    kel = p.kelurahan
    kec = kel.parent if kel is not None else None
    city = kec.parent if kec is not None else None
    if level == "posyandu":
        return str(p.pk), p.name, kel.name if kel else ""
    if level == "kelurahan":
        return kel.code, kel.name, kec.name if kec else ""
    if level == "puskesmas":
        pk = p.puskesmas
        return (str(pk.pk), pk.name, "") if pk else ("", _("No puskesmas"), "")
    if level == "kecamatan":
        return (kec.code, kec.name, city.name if city else "") if kec else ("", "", "")
    if level == "city":
        return (city.code, city.name, "") if city else ("", "", "")
    raise ValueError(f"unknown level {level!r}")


def grouping_for(user, level: str, *, within: str = "") -> Grouping:
    """Group the posyandu ``user`` may see at ``level``.

    ``within`` narrows to an area: a kecamatan or kelurahan code (or its prefix), or a
    puskesmas pk. Groups are ordered by their larger area, then by name.
    """
    if level not in LEVELS:
        raise ValueError(_("Unknown level: %(level)s") % {"level": level})
    qs = posyandu_in_scope(user)
    if within:
        if within[:1].isdigit() and "." in within:
            qs = qs.filter(kelurahan__code__startswith=within)
        else:
            qs = qs.filter(puskesmas_id=within)
    rows = sorted(
        ((_group_key(p, level), p) for p in qs),
        key=lambda item: (item[0][2], item[0][1], item[0][0]),
    )
    g = Grouping(level=level)
    index: dict[str, int] = {}
    for (key, label, parent), p in rows:
        if key not in index:
            index[key] = len(g.keys)
            g.keys.append(key)
            g.labels.append(label)
            g.parents.append(parent)
        g.group_of_posyandu[p.pk] = index[key]
        g.posyandu[p.pk] = p
    return g
