"""Read measurement rows into scorecard cells, store them, and keep them up to date.

A cell holds the additive statistics (:mod:`tumbuh.quality.stats`) of the counted measurement
rows of one posyandu's children, recorded by one user, in one month. :func:`cells_from` computes
cells from any queryset of measurements (how a TPK team gets its figures, and how tests
recount); :func:`build` stores them for a block of posyandu and months; :func:`ensure` builds
what a page needs and is not stored yet; :func:`invalidate` drops what changed data made stale.

Which rows count follows the monthly reports: one row per child and month (the row whose
``counts_for_month`` is set), children not merged into another record, aged at most 1826
days; each under the posyandu the child is registered with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Case, CharField, F, FloatField, IntegerField, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from tumbuh.analytics.grouping import Period, month_start

from . import stats
from .models import ScorecardCell, ScorecardMonth
from .rules import load_rules

#: Oldest age (days) the WHO standards cover; older children's rows are not counted.
MAX_AGE_DAYS = 1826
#: With more posyandu than this missing, a block is built for every posyandu at once.
ALL_POSYANDU_FROM = 200

#: Missing numbers come from the database as this value (NumPy turns plain floats into an
#: array in C; a column holding None goes through Python one value at a time).
_MISSING = -9999.0
_FLOAT_COLUMNS = ("weight_kg", "lenhei_cm", "zlen", "zwei", "zwfl")
_FLAG_COLUMNS = ("flen", "fwei", "fwfl")


def counted(measurements: QuerySet, period: Period, *, whole_city: bool = False) -> QuerySet:
    """The rows the scorecard counts among ``measurements``, in ``period`` (children merged
    into another record are dropped after reading: see :func:`cells_from`).

    How the months are written steers SQLite's planner, which has no statistics: for a few
    posyandu or children a range (it then walks the children's rows), for the whole city a
    list (``measured_month IN (...)``: it walks the month index instead of every child).
    """
    if whole_city:
        months = {"measured_month__in": period.months}
    else:
        months = {"measured_month__gte": period.first, "measured_month__lte": period.last}
    return measurements.filter(counts_for_month=True, age_days__lte=MAX_AGE_DAYS,
                               **months).order_by()  # fmt: skip


def _warning(key: str) -> Case:
    return Case(When(warnings__icontains=key, then=Value(1)), default=Value(0),
                output_field=IntegerField())  # fmt: skip


def _flag(name: str) -> Case:
    """A WHO flag as 1 / 0, or -1 when the z-score could not be computed."""
    return Case(When(**{name: True}, then=Value(1)), When(**{name: False}, then=Value(0)),
                default=Value(-1), output_field=IntegerField())  # fmt: skip


def _row_columns() -> dict:
    """The columns :func:`cells_from` reads, as expressions that the database returns as plain
    numbers and text (no per-value conversion in Python)."""
    columns = {
        "q_id": F("pk"),  # keeps rows apart under a scope that adds DISTINCT
        "q_merged": Case(When(child__merged_into__isnull=True, then=Value(0)), default=Value(1),
                         output_field=IntegerField()),  # fmt: skip
        "q_posyandu": F("child__posyandu_id"),
        "q_cadre": Coalesce(F("created_by_id"), Value(-1)),
        "q_month": Cast("measured_month", CharField()),
        "q_birth": Cast("child__birth_date", CharField()),
    }
    for name in _FLOAT_COLUMNS:
        columns[f"q_{name}"] = Coalesce(F(name), Value(_MISSING), output_field=FloatField())
    for name in _FLAG_COLUMNS:
        columns[f"q_{name}"] = _flag(name)
    for key in stats.JUMP_KEYS:
        columns[f"q_{key}"] = _warning(key)
    return columns


def _index(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(distinct keys, index of each key among them)``; numbers with NumPy, other keys
    (UUIDs) with a dictionary."""
    keys = np.asarray(keys)
    if keys.dtype != object:
        distinct, index = np.unique(keys, return_inverse=True)
        return distinct, index.reshape(-1).astype(np.int64)
    seen: dict = {}
    index = np.fromiter((seen.setdefault(k, len(seen)) for k in keys), np.int64, len(keys))
    distinct = np.empty(len(seen), dtype=object)
    for k, i in seen.items():
        distinct[i] = k
    return distinct, index


def _unique_keys(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct combinations of integer ``columns`` and the index of each row's among them.

    Each column is ranked on its own and the ranks are packed into one int64 (1-D sorts: much
    faster than ``np.unique(axis=0)``, which sorts rows as raw bytes).
    """
    distinct, ranks = [], []
    for column in columns:
        values, rank = np.unique(np.asarray(column, np.int64), return_inverse=True)
        distinct.append(values)
        ranks.append(rank.reshape(-1).astype(np.int64))
    packed = np.zeros(len(ranks[0]), np.int64)
    for values, rank in zip(distinct, ranks, strict=True):
        packed = packed * len(values) + rank
    combos, index = np.unique(packed, return_inverse=True)
    out = []
    for values in reversed(distinct):
        out.append(values[combos % len(values)])
        combos = combos // len(values)
    return out[::-1], index.reshape(-1)


@dataclass
class Cells:
    """Cells as columns: the posyandu pk, recorder pk (-1 unknown) and month of each cell, and
    the statistics (:data:`tumbuh.quality.stats.FIELDS`) as arrays."""

    posyandu: np.ndarray  # object array of posyandu pks
    cadre: np.ndarray  # int64, -1 when the recorder is unknown
    month: np.ndarray  # datetime64[M]
    values: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.cadre)

    @classmethod
    def empty(cls) -> Cells:
        return cls(np.empty(0, object), np.empty(0, np.int64), np.empty(0, "datetime64[M]"),
                   stats.empty(0))  # fmt: skip

    @classmethod
    def from_arrays(
        cls, *, posyandu: np.ndarray, cadre: np.ndarray, month: np.ndarray, **rows
    ) -> Cells:
        """Cells of measurement rows given as arrays: ``posyandu`` (pks), ``cadre`` (user pk,
        -1 unknown) and ``month`` (``datetime64[M]``) key each row into a cell; ``rows`` are
        the columns :func:`tumbuh.quality.stats.cell_stats` takes."""
        if len(cadre) == 0:
            return cls.empty()
        pos_list, pos_key = _index(posyandu)
        (pos, cad, mon), key = _unique_keys(
            pos_key, cadre, np.asarray(month, "datetime64[M]").astype(np.int64)
        )
        values = stats.cell_stats(key, len(pos), heaping_days=load_rules().heaping.days, **rows)
        return cls(pos_list[pos], cad, mon.astype("datetime64[M]"), values)

    @classmethod
    def merge(cls, parts: list[Cells]) -> Cells:
        """One set of cells from several, summing cells with the same key."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        pos_list, pos_key = _index(np.concatenate([p.posyandu for p in parts]))
        cadre = np.concatenate([p.cadre for p in parts])
        month = np.concatenate([p.month for p in parts]).astype(np.int64)
        (pos, cad, mon), group = _unique_keys(pos_key, cadre, month)
        values = {name: np.concatenate([p.values[name] for p in parts]) for name in stats.FIELDS}
        return cls(pos_list[pos], cad, mon.astype("datetime64[M]"),
                   stats.combine(values, group, len(pos)))  # fmt: skip

    @classmethod
    def from_rows(cls, rows: list[tuple]) -> Cells:
        """From ``(posyandu, cadre, month, *FIELDS)`` tuples (as stored)."""
        if not rows:
            return cls.empty()
        columns = list(zip(*rows, strict=True))
        values = {}
        for i, name in enumerate(stats.FIELDS):
            dtype = np.int64 if name in stats.INT_FIELDS else np.float64
            values[name] = np.array(columns[3 + i], dtype=dtype)
        return cls(
            np.array(columns[0], dtype=object),
            np.array([-1 if c is None else c for c in columns[1]], dtype=np.int64),
            np.array(columns[2], dtype="datetime64[D]").astype("datetime64[M]"),
            values,
        )


def _raw_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a values_list queryset as the database driver returns them, without
    Django's per-value converters (a city month is ~49,000 rows: converters would double the
    time). UUIDs may come as hex strings and dates as ISO strings; callers convert columns."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. an empty ``__in`` list, or ``.none()``
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _days(column) -> np.ndarray:
    """ISO dates as text (what ``Cast(date, CharField())`` returns) as ``datetime64[D]``."""
    return np.array([v[:10] for v in column], dtype="datetime64[D]")


def cells_from(measurements: QuerySet, period: Period, *, whole_city: bool = False) -> Cells:
    """Compute the cells of ``measurements`` (already scoped) in ``period``, from their rows:
    one query, then NumPy. ``whole_city``: the measurements are not narrowed to a few
    posyandu or children (see :func:`counted`)."""
    from tumbuh.areas.models import Posyandu

    expressions = _row_columns()
    rows = _raw_rows(
        counted(measurements, period, whole_city=whole_city)
        .annotate(**expressions)
        .values_list(*expressions)
    )
    if not rows:
        return Cells.empty()
    columns = dict(zip(expressions, zip(*rows, strict=True), strict=True))
    keep = np.array(columns["q_merged"], dtype=np.int64) == 0  # not merged into another child
    numbers = {}
    for name in _FLOAT_COLUMNS:
        values = np.array(columns[f"q_{name}"], dtype=np.float64)[keep]
        numbers[name] = np.where(values == _MISSING, np.nan, values)
    for name in _FLAG_COLUMNS:
        values = np.array(columns[f"q_{name}"], dtype=np.float64)[keep]
        numbers[name] = np.where(values < 0, np.nan, values)
    jumps = {key: (np.array(columns[f"q_{key}"], dtype=np.int64) > 0)[keep]
             for key in stats.JUMP_KEYS}  # fmt: skip
    raw_pk = np.array(columns["q_posyandu"], dtype=object)[keep]
    to_pk = {raw: Posyandu._meta.pk.to_python(raw) for raw in set(raw_pk)}
    return Cells.from_arrays(
        posyandu=np.array([to_pk[raw] for raw in raw_pk], dtype=object),
        cadre=np.array(columns["q_cadre"], dtype=np.int64)[keep],
        month=_days(columns["q_month"])[keep].astype("datetime64[M]"),
        birth_date=_days(columns["q_birth"])[keep], **numbers, **jumps,
    )


# --- Stored cells -----------------------------------------------------------------------------


def _month_date(m: np.datetime64) -> dt.date:
    return m.astype("datetime64[D]").item()


def _insert(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert rows with ``executemany`` (``bulk_create`` prepares every value in Python and, on
    SQLite, sends ~18 cells per statement). Values go through each field's own preparation
    once per distinct value (UUIDs, dates) or not at all (numbers)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    prepared_columns = []
    for i, name in enumerate(fields):
        f = meta.get_field(name)
        column = [r[i] for r in rows]
        if f.get_internal_type() in ("ForeignKey", "DateField", "DateTimeField", "UUIDField"):
            memo: dict = {}
            target = f.target_field if f.is_relation else f
            column = [None if v is None else memo.setdefault(
                v, target.get_db_prep_save(v, connection)) for v in column]  # fmt: skip
        prepared_columns.append(column)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(meta.db_table),
        ", ".join(connection.ops.quote_name(meta.get_field(n).column) for n in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = list(zip(*prepared_columns, strict=True))
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])


@transaction.atomic
def build(*, posyandu_ids=None, period: Period) -> int:
    """Store fresh cells for ``posyandu_ids`` (every posyandu when None) and the months of
    ``period``, replacing what was stored for them. Returns the number of cells written."""
    from tumbuh.monitoring.models import ChildMeasurement

    measurements = ChildMeasurement.objects.all()
    if posyandu_ids is not None:
        posyandu_ids = list(posyandu_ids)
        measurements = measurements.filter(child__posyandu_id__in=posyandu_ids)
    cells = cells_from(measurements, period, whole_city=posyandu_ids is None)
    return store(cells, posyandu_ids=posyandu_ids, period=period)


@transaction.atomic
def store(cells: Cells, *, posyandu_ids=None, period: Period) -> int:
    """Replace the stored cells of ``posyandu_ids`` (every posyandu when None) in ``period``
    with ``cells``, and mark those months as stored. Returns the number of cells written."""
    from tumbuh.areas.models import Posyandu

    posyandu = Posyandu.objects.all()
    if posyandu_ids is not None:
        posyandu = posyandu.filter(pk__in=list(posyandu_ids))
    all_ids = list(posyandu.values_list("pk", flat=True))
    in_period = {"month__gte": period.first, "month__lte": period.last}
    for model in (ScorecardCell, ScorecardMonth):
        stale = model.objects.filter(**in_period)
        if posyandu_ids is not None:
            stale = stale.filter(posyandu_id__in=all_ids)
        stale.delete()
    now = timezone.now()
    _insert(ScorecardMonth, ["posyandu", "month", "built_at"],
            [(pk, m, now) for pk in all_ids for m in period.months])  # fmt: skip
    known = set(all_ids)
    first, last = np.datetime64(period.first, "M"), np.datetime64(period.last, "M")
    keep = [i for i in range(len(cells))
            if cells.posyandu[i] in known and first <= cells.month[i] <= last]  # fmt: skip
    columns = [cells.posyandu[keep].tolist(),
               [None if c < 0 else c for c in cells.cadre[keep].tolist()],
               [_month_date(m) for m in cells.month[keep]],
               *(cells.values[name][keep].tolist() for name in stats.FIELDS)]  # fmt: skip
    rows = list(zip(*columns, strict=True))
    _insert(ScorecardCell, ["posyandu", "cadre", "month", *stats.FIELDS], rows)
    return len(rows)


def ensure(posyandu_ids, period: Period) -> int:
    """Build the cells of ``period`` that are not stored yet for any of ``posyandu_ids``.
    Returns the number of cells written (0 when everything was there)."""
    ids = set(posyandu_ids)
    if not ids:
        return 0
    stored = ScorecardMonth.objects.filter(month__gte=period.first, month__lte=period.last)
    if len(ids) <= ALL_POSYANDU_FROM:
        stored = stored.filter(posyandu_id__in=ids)
    have = set(stored.values_list("posyandu_id", "month"))
    missing = [(pk, m) for m in period.months for pk in ids if (pk, m) not in have]
    if not missing:
        return 0
    months = sorted({m for _, m in missing})
    missing_ids = {pk for pk, _ in missing}
    block = Period(months[0], months[-1])
    try:
        with transaction.atomic():
            return build(
                posyandu_ids=None if len(missing_ids) > ALL_POSYANDU_FROM else missing_ids,
                period=block,
            )
    except IntegrityError:  # another request built the same block meanwhile
        return 0


def invalidate(posyandu_ids=None, *, since: dt.date | None = None) -> int:
    """Drop the stored cells of ``posyandu_ids`` (all when None) from ``since``'s month on
    (every month when None); the next page that needs them builds them again."""
    markers = ScorecardMonth.objects.all()
    cells = ScorecardCell.objects.all()
    if posyandu_ids is not None:
        ids = [pk for pk in set(posyandu_ids) if pk is not None]
        if not ids:
            return 0
        markers = markers.filter(posyandu_id__in=ids)
        cells = cells.filter(posyandu_id__in=ids)
    if since is not None:
        markers = markers.filter(month__gte=month_start(since))
        cells = cells.filter(month__gte=month_start(since))
    cells.delete()
    deleted, _ = markers.delete()
    return deleted


def stored_cells(queryset: QuerySet) -> Cells:
    """Read cells from a (scoped) queryset of :class:`ScorecardCell`: one query."""
    rows = list(queryset.order_by().values_list("posyandu_id", "cadre_id", "month", *stats.FIELDS))
    return Cells.from_rows(rows)


def measured_period(first: dt.date | None = None, last: dt.date | None = None) -> Period | None:
    """From ``first`` (default: the first measured month) to ``last`` (default: the last
    measured month); None when nothing was measured."""
    from tumbuh.monitoring.models import ChildMeasurement

    months = ChildMeasurement.objects.exclude(measured_month__isnull=True).order_by()
    if first is None:
        first = months.order_by("measured_month").values_list("measured_month", flat=True).first()
    if last is None:
        last = months.order_by("-measured_month").values_list("measured_month", flat=True).first()
    if first is None or last is None or last < first:
        return None
    return Period(first, last)
