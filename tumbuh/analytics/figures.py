"""Compute and keep the stored monthly figures (:mod:`tumbuh.analytics.models`) up to date.

One aggregate query over the counted measurement rows gives both the SKDN counts and the
prevalence cells of any set of posyandu and months; one over the children gives S and K.
:func:`rebuild` replaces the stored rows of a set of posyandu and months with fresh ones.
The same counts can be taken directly from any queryset of measurements
(:func:`count_cells`), which is how figures are given to a TPK team (whose scope is a list of
households, not whole posyandu) and how the tests recount what was stored.

The stored rows follow the data: saving a measurement, re-deriving a child, a recompute, and
creating, editing or merging a child refresh the months of the posyandu concerned (signal
receivers in :mod:`tumbuh.analytics.receivers`); months never stored yet are built when a
report first asks for them (:func:`ensure`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from .grouping import Period, add_months, month_start
from .models import (
    AGE_GROUP_DAYS,
    CELL_FIELDS,
    CUTS,
    INDICATORS,
    SKDN_FIELDS,
    PosyanduMonth,
    PrevalenceCell,
)

#: Oldest age (days) WHO anthro analyses; the limit of D and of the prevalence rows too.
MAX_AGE_DAYS = 1826


def _age_group() -> Case:
    whens = [When(age_days__lt=bound, then=Value(i)) for i, bound in enumerate(AGE_GROUP_DAYS[:-1])]
    return Case(*whens, default=Value(len(AGE_GROUP_DAYS) - 1), output_field=IntegerField())


def _n(condition: Q) -> Sum:
    """The number of rows meeting ``condition`` (``SUM(CASE WHEN … THEN 1 ELSE 0 END)``: on
    SQLite about three times faster than ``COUNT(…) FILTER (WHERE …)``)."""
    return Sum(Case(When(condition, then=Value(1)), default=Value(0)), output_field=IntegerField())


def _cell_aggregates() -> dict:
    """Aggregates of one prevalence cell plus the SKDN counts, over counted measurement rows."""
    agg: dict = {"rows": Count("pk")}
    for ind, (z, flag, oedema_counts) in INDICATORS.items():
        # A flag is stored (true or false) only beside a z-score: "not flagged" implies one.
        valid = Q(**{flag: False})
        if oedema_counts:
            valid &= Q(oedema=False)
            usable = valid | Q(oedema=True)
        else:
            usable = valid
        agg[f"{ind}_n"] = _n(usable)
        for suffix, (op, cut) in CUTS.items():
            hit = valid & Q(**{f"{z}__{op}": cut})
            if oedema_counts and op == "lt":
                hit |= Q(oedema=True)  # oedema counts as -3.1: below -3, -2 and -1
            agg[f"{ind}_{suffix}"] = _n(hit)
        agg[f"{ind}_zn"] = _n(valid)
        agg[f"{ind}_zsum"] = Sum(Case(When(valid, then=F(z)), default=Value(0.0)))
        agg[f"{ind}_zsumsq"] = Sum(Case(When(valid, then=F(z) * F(z)), default=Value(0.0)))
    ha_valid = Q(flen=False)
    wh_valid = Q(fwfl=False, oedema=False)
    agg["hawh_n"] = _n(ha_valid & (wh_valid | Q(oedema=True)))
    agg["ha2_wh2"] = _n(
        ha_valid & Q(zlen__lt=-2) & ((wh_valid & Q(zwfl__lt=-2)) | Q(oedema=True))
    )
    agg["ha2_whp2"] = _n(ha_valid & Q(zlen__lt=-2) & wh_valid & Q(zwfl__gt=2))
    weighed = Q(weight_kg__isnull=False)
    agg["d"] = _n(weighed)
    for code in "NTOB":
        agg[code.lower()] = _n(weighed & Q(growth_status=code))
    agg["t2"] = _n(weighed & Q(is_2t=True))
    agg["bgm"] = _n(weighed & Q(is_bgm=True))
    agg["d_length"] = _n(weighed & Q(lenhei_cm__isnull=False))
    return agg


def counted_rows(measurements: QuerySet, period: Period) -> QuerySet:
    """The rows monthly figures count, among ``measurements``: one per child and month, of
    children not merged away, aged at most 1826 days, in the period."""
    return measurements.filter(
        counts_for_month=True,
        measured_month__gte=period.first,
        measured_month__lte=period.last,
        age_days__lte=MAX_AGE_DAYS,
        child__merged_into__isnull=True,
    )


def count_cells(measurements: QuerySet, period: Period) -> list[dict]:
    """Counts per (posyandu, month, sex, age group) of a queryset of measurements: dicts with
    ``posyandu``, ``month``, ``sex``, ``age_group`` and every field of :data:`CELL_FIELDS` and
    :data:`SKDN_FIELDS` but ``s`` and ``k``. Sums are 0.0 where nothing was summed."""
    rows = (
        counted_rows(measurements, period)
        .annotate(age_group=_age_group())
        .values("child__posyandu_id", "measured_month", "child__sex", "age_group")
        .annotate(**_cell_aggregates())
        .order_by()
    )
    out = []
    for r in rows:
        r["posyandu"] = r.pop("child__posyandu_id")
        r["month"] = r.pop("measured_month")
        r["sex"] = r.pop("child__sex")
        for name in CELL_FIELDS:
            if r[name] is None:
                r[name] = 0.0
        out.append(r)
    return out


def count_registered(children: QuerySet, period: Period) -> dict[tuple, tuple[int, int]]:
    """S and K per (posyandu, month) of a queryset of children: children not merged away,
    born by the end of the month and at most 1826 days old on its first day; K those with a
    KIA book. Months with no child are left out."""
    aggregates = {}
    months = period.months
    for i, m in enumerate(months):
        born = Q(birth_date__lt=add_months(m, 1), birth_date__gte=m - dt.timedelta(MAX_AGE_DAYS))
        aggregates[f"s{i}"] = _n(born)
        aggregates[f"k{i}"] = _n(born & Q(has_kia_book=True))
    rows = (
        children.filter(merged_into__isnull=True)
        .values("posyandu_id")
        .annotate(**aggregates)
        .order_by()
    )
    out = {}
    for r in rows:
        for i, m in enumerate(months):
            if r[f"s{i}"]:
                out[(r["posyandu_id"], m)] = (r[f"s{i}"], r[f"k{i}"])
    return out


def _insert(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert many rows with ``executemany`` (bulk_create sends ~20 rows per statement on
    SQLite for a model this wide)."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(f).column for f in fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(meta.db_table),
        ", ".join(connection.ops.quote_name(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _pk_value(pk):
    """A primary key as the database takes it in raw SQL (UUIDs as hex on SQLite)."""
    from tumbuh.areas.models import Posyandu

    return Posyandu._meta.pk.get_db_prep_value(pk, connection)


@transaction.atomic
def rebuild(*, posyandu_ids=None, period: Period | None = None) -> int:
    """Replace the stored figures of ``posyandu_ids`` (all posyandu when None) for the months
    of ``period`` (default: from the first measured month to this month) with fresh counts.
    Returns the number of posyandu months written."""
    from tumbuh.areas.models import Posyandu
    from tumbuh.monitoring.models import ChildMeasurement
    from tumbuh.registry.models import Child

    if period is None:
        period = default_period()
        if period is None:
            return 0
    posyandu = Posyandu.objects.all()
    measurements = ChildMeasurement.objects.all()
    children = Child.objects.all()
    if posyandu_ids is not None:
        ids = list(posyandu_ids)
        posyandu = posyandu.filter(pk__in=ids)
        measurements = measurements.filter(child__posyandu_id__in=ids)
        children = children.filter(posyandu_id__in=ids)
    all_ids = list(posyandu.values_list("pk", flat=True))
    cells = count_cells(measurements, period)
    registered = count_registered(children, period)

    # A posyandu month: the SKDN counts, then the prevalence fields summed over its cells.
    fields = [*SKDN_FIELDS, *CELL_FIELDS]
    index = {f: i for i, f in enumerate(fields)}
    summed = [index[f] for f in fields if f not in ("s", "k")]
    totals: dict[tuple, np.ndarray] = defaultdict(lambda: np.zeros(len(fields)))
    for c in cells:
        totals[(c["posyandu"], c["month"])][summed] += [c[f] for f in fields if f not in ("s", "k")]
    for key, (s, k) in registered.items():
        totals[key][index["s"]] = s
        totals[key][index["k"]] = k
    is_sum = np.array([f.endswith(("_zsum", "_zsumsq")) for f in fields])

    scope_months = Q(month__gte=period.first, month__lte=period.last)
    for model in (PosyanduMonth, PrevalenceCell):
        stale = model.objects.filter(scope_months)
        if posyandu_ids is not None:
            stale = stale.filter(posyandu_id__in=all_ids)
        stale.delete()
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    db_month = {m: ops.adapt_datefield_value(m) for m in period.months}
    zero = np.zeros(len(fields))
    month_rows = []
    for pid in all_ids:
        db_pid = _pk_value(pid)
        for m in period.months:
            values = totals.get((pid, m), zero)
            month_rows.append(
                (db_pid, db_month[m],
                 *(float(v) if is_sum[i] else int(v) for i, v in enumerate(values.tolist())),
                 now)
            )  # fmt: skip
    _insert(PosyanduMonth, ["posyandu", "month", *fields, "refreshed_at"], month_rows)
    _insert(
        PrevalenceCell,
        ["posyandu", "month", "sex", "age_group", *CELL_FIELDS],
        [
            (_pk_value(c["posyandu"]), db_month[c["month"]], c["sex"], c["age_group"],
             *(c[f] for f in CELL_FIELDS))
            for c in cells
        ],
    )  # fmt: skip
    return len(month_rows)


def default_period(today: dt.date | None = None) -> Period | None:
    """From the first measured month to this month (None when nothing was measured)."""
    from tumbuh.monitoring.models import ChildMeasurement

    first = ChildMeasurement.objects.order_by("measured_month").values_list(
        "measured_month", flat=True
    ).first()  # fmt: skip
    if first is None:
        return None
    return Period(first, max(first, month_start(today or timezone.localdate())))


def ensure(posyandu_ids, period: Period) -> int:
    """Build the stored months of ``period`` that are missing for any of ``posyandu_ids``
    (a month starts empty; the first report to ask for it builds it). Returns the number of
    posyandu months built. When nothing is missing this is one small query."""
    ids = list(posyandu_ids)
    if not ids:
        return 0
    stored = PosyanduMonth.objects.filter(month__gte=period.first, month__lte=period.last)
    if len(ids) <= 900:
        stored = stored.filter(posyandu_id__in=ids)
    else:  # a whole city: count every posyandu's rows, compare with all posyandu's count
        from tumbuh.areas.models import Posyandu

        if len(ids) != Posyandu.objects.count():
            stored = stored.filter(posyandu_id__in=ids)
    per_month = dict(stored.values_list("month").annotate(n=Count("pk")).order_by())
    missing_months = [m for m in period.months if per_month.get(m, 0) < len(ids)]
    if not missing_months:
        return 0
    have = defaultdict(set)
    for pid, m in stored.filter(month__in=missing_months).values_list("posyandu_id", "month"):
        have[m].add(pid)
    wanted = set(ids)
    missing_ids = set()
    for m in missing_months:
        missing_ids |= wanted - have[m]
    everyone = len(missing_ids) > 200
    return rebuild(
        posyandu_ids=None if everyone else sorted(missing_ids, key=str),
        period=Period(missing_months[0], missing_months[-1]),
    )


def raw_rows(queryset: QuerySet) -> list:
    """The rows of a ``values_list`` queryset straight from the database cursor, without
    Django's per-value conversion (ten times faster for thousands of rows): primary keys come
    back as the database stores them (see :func:`db_pk`), dates as text on SQLite."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def db_pk(pk):
    """A posyandu primary key as the database returns it in raw rows."""
    value = _pk_value(pk)
    return value if connection.vendor == "sqlite" else pk


def refresh(posyandu_ids, *, since: dt.date | None = None) -> int:
    """Recount the months already stored for ``posyandu_ids`` (from ``since``'s month on):
    what the receivers call when data changes. Months not stored yet are left to
    :func:`ensure`. Returns the number of posyandu months rewritten."""
    ids = [pid for pid in set(posyandu_ids) if pid is not None]
    if not ids:
        return 0
    stored = PosyanduMonth.objects.filter(posyandu_id__in=ids)
    if since is not None:
        stored = stored.filter(month__gte=month_start(since))
    months = sorted(set(stored.values_list("month", flat=True)))
    if not months:
        return 0
    return rebuild(posyandu_ids=ids, period=Period(months[0], months[-1]))
