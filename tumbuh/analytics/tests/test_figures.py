"""Stored monthly figures equal a direct recount of the measurements, and follow the data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from tumbuh.analytics import figures
from tumbuh.analytics.grouping import Period, add_months, month_start
from tumbuh.analytics.models import (
    AGE_GROUP_DAYS,
    CELL_FIELDS,
    SKDN_FIELDS,
    PosyanduMonth,
    PrevalenceCell,
)
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.registry.models import Child
from tumbuh.registry.services import merge_children

from .conftest import TODAY

THIS_MONTH = month_start(TODAY)


def _month(offset: int, day: int = 1) -> dt.date:
    return add_months(THIS_MONTH, offset) + dt.timedelta(days=day - 1)


def _child(cast, name, *, days_old, posyandu=None, sex="F", kia=True):
    return Child.objects.create(
        name=name, sex=sex, birth_date=TODAY - dt.timedelta(days=days_old),
        household=cast.hh_a1, mother=cast.mother_a1, posyandu=posyandu or cast.pos_a1,
        has_kia_book=kia,
    )  # fmt: skip


def _measure(child, on, weight=None, length=None, **kw):
    return record_measurement(
        child=child, confirm=True,
        data=MeasurementInput(measured_on=on, weight_kg=weight, lenhei_cm=length,
                              measure="l" if length else "", **kw),
    )  # fmt: skip


@pytest.fixture
def data(cast):
    """Children of posyandu A1 and B1 over four months: gains, losses, a month missed, two
    weighings in one month, a length-only visit, oedema, a flagged value, a child over five,
    a child without KIA book, a merged duplicate."""
    a = cast.child_a1  # 400 days old, boy
    for offset, w, ln in ((-3, 9.0, 72.0), (-2, 9.3, 73.0), (-1, 9.3, 73.5), (0, 9.2, 74.0)):
        _measure(a, _month(offset, 3), w, ln)
    b = _child(cast, "Bunga", days_old=200, kia=False)
    _measure(b, _month(-3, 5), 6.5, 63.0)
    _measure(b, _month(-1, 5), 7.2, 66.0)  # missed month -2: O
    _measure(b, _month(-1, 20), 7.3)  # second weighing of month -1: this one counts
    _measure(b, _month(0, 2), length=67.5)  # length only, no weight: not in D
    c = _child(cast, "Citra", days_old=700, sex="M")
    _measure(c, _month(-2, 4), 7.0, 70.0)  # very low weight: sangat kurang, BGM
    _measure(c, _month(-1, 4), 7.5, 70.5, oedema=True)
    _measure(c, _month(0, 4), 30.0, 71.0)  # implausible weight: flagged
    old = _child(cast, "Dewi", days_old=1900)
    _measure(old, _month(0, 1), 17.0, 108.0)  # over five: no z-scores, not counted
    dup = _child(cast, "Bunga (ganda)", days_old=200)
    _measure(dup, _month(-2, 6), 6.9)
    e = cast.child_b1
    _measure(e, _month(-1, 7), 9.5, 75.0)
    _measure(e, _month(0, 7), 10.0, 76.0)
    return {"merged": (b, dup)}


PERIOD = Period(add_months(THIS_MONTH, -3), THIS_MONTH)


def recount(period: Period) -> tuple[dict, dict]:
    """SKDN and prevalence cells straight from the rows, without the stored
    ``counts_for_month`` flag: per child and month, the last row with a weight (else the last
    row)."""
    skdn = defaultdict(lambda: dict.fromkeys(SKDN_FIELDS, 0))
    cells = defaultdict(lambda: dict.fromkeys(CELL_FIELDS, 0))
    children = list(Child.objects.filter(merged_into__isnull=True))
    for ch in children:
        for m in period.months:
            end = add_months(m, 1)
            if ch.birth_date < end and (m - ch.birth_date).days <= 1826:
                skdn[(ch.posyandu_id, m)]["s"] += 1
                skdn[(ch.posyandu_id, m)]["k"] += ch.has_kia_book
        rows = defaultdict(list)
        for r in ChildMeasurement.objects.filter(child=ch).order_by("measured_on"):
            rows[month_start(r.measured_on)].append(r)
        for m, month_rows in rows.items():
            if m not in period.months:
                continue
            weighed = [r for r in month_rows if r.weight_kg is not None]
            r = (weighed or month_rows)[-1]
            if r.age_days > 1826:
                continue
            key = (ch.posyandu_id, m)
            if r.weight_kg is not None:
                s = skdn[key]
                s["d"] += 1
                s[r.growth_status.lower()] += 1
                s["t2"] += r.is_2t
                s["bgm"] += r.is_bgm
                s["d_length"] += r.lenhei_cm is not None
            group = sum(r.age_days >= bound for bound in AGE_GROUP_DAYS[:-1])
            cell = cells[(ch.posyandu_id, m, ch.sex, group)]
            cell["rows"] += 1
            helper = {}
            for ind, z, f, oed in (("ha", "zlen", "flen", False), ("wa", "zwei", "fwei", True),
                                   ("wh", "zwfl", "fwfl", True),
                                   ("bmi", "zbmi", "fbmi", True)):  # fmt: skip
                value = getattr(r, z) if getattr(r, f) is False else None
                if oed and r.oedema:
                    value, h = None, -3.1
                else:
                    h = value
                helper[ind] = h
                if h is not None:
                    cell[f"{ind}_n"] += 1
                    hits = {"lt3": h < -3, "lt2": h < -2, "lt1": h < -1,
                            "gt1": h > 1, "gt2": h > 2, "gt3": h > 3}  # fmt: skip
                    for suffix, hit in hits.items():
                        cell[f"{ind}_{suffix}"] += hit
                if value is not None:
                    cell[f"{ind}_zn"] += 1
                    cell[f"{ind}_zsum"] += value
                    cell[f"{ind}_zsumsq"] += value * value
            if helper["ha"] is not None and helper["wh"] is not None:
                cell["hawh_n"] += 1
                cell["ha2_wh2"] += helper["ha"] < -2 and helper["wh"] < -2
                cell["ha2_whp2"] += helper["ha"] < -2 and helper["wh"] > 2
    return dict(skdn), dict(cells)


def stored() -> tuple[dict, dict]:
    skdn = {(r.posyandu_id, r.month): {f: getattr(r, f) for f in SKDN_FIELDS}
            for r in PosyanduMonth.objects.all()}  # fmt: skip
    cells = {(r.posyandu_id, r.month, r.sex, r.age_group): {f: getattr(r, f) for f in CELL_FIELDS}
             for r in PrevalenceCell.objects.all()}  # fmt: skip
    return skdn, cells


def assert_equal(expected, got):
    skdn_e, cells_e = expected
    skdn_g, cells_g = got
    for key in set(skdn_e) | set(skdn_g):
        e = skdn_e.get(key, dict.fromkeys(SKDN_FIELDS, 0))
        g = skdn_g.get(key)
        if g is None:  # months outside what was stored
            continue
        assert g == e, key
    assert set(cells_g) == set(cells_e)
    for key, e in cells_e.items():
        g = cells_g[key]
        for f in CELL_FIELDS:
            assert g[f] == pytest.approx(e[f], abs=1e-9), (key, f)


def test_the_stored_figures_equal_a_direct_recount(cast, data):
    written = figures.rebuild(period=PERIOD)
    assert written == 3 * len(PERIOD)  # every posyandu, every month, zeros included
    assert_equal(recount(PERIOD), stored())
    a1 = {r.month: r for r in PosyanduMonth.objects.filter(posyandu=cast.pos_a1)}
    for row in a1.values():
        assert row.d == row.n + row.t + row.o + row.b
        assert row.d <= row.s and row.k <= row.s
    # a hand check of the month before this one at Melati
    last = a1[add_months(THIS_MONTH, -1)]
    assert (last.s, last.k, last.d) == (4, 3, 3)  # Bunga has no KIA book; Dewi is over five
    assert (last.o, last.t) == (1, 1)  # Bunga missed a month; Anak A1 did not gain


def test_counts_follow_new_measurements_edits_and_merges(cast, data):
    figures.rebuild(period=PERIOD)
    newborn = _child(cast, "Eka", days_old=40)  # S of this month grows at once
    _measure(newborn, _month(0, 2), 4.5, 54.0)
    assert_equal(recount(PERIOD), stored())
    # moving a child to another posyandu moves its counts
    newborn.posyandu = cast.pos_a2
    newborn.save()
    assert_equal(recount(PERIOD), stored())
    b, dup = data["merged"]
    merge_children(keep=b, remove=dup, user=cast.bidan_a)
    assert_equal(recount(PERIOD), stored())
    ChildMeasurement.objects.filter(child=cast.child_b1, measured_month=THIS_MONTH).delete()
    assert_equal(recount(PERIOD), stored())


def test_ensure_builds_missing_months_once(cast, data):
    ids = [cast.pos_a1.pk, cast.pos_b1.pk]
    assert figures.ensure(ids, PERIOD) == 2 * len(PERIOD)
    assert figures.ensure(ids, PERIOD) == 0
    assert_equal(recount(PERIOD), stored())
    longer = Period(add_months(THIS_MONTH, -5), THIS_MONTH)
    assert figures.ensure(ids, longer) == 2 * 2  # only the two months not stored yet
    assert PosyanduMonth.objects.filter(month=longer.first).count() == 2
    assert figures.ensure([cast.pos_a2.pk], PERIOD) == len(PERIOD)


def test_direct_counts_for_a_tpk_team_hold_only_its_households(cast, data):
    from tumbuh.accounts.scope import visible

    rows = figures.count_cells(visible(ChildMeasurement.objects.all(), cast.tpk_a), PERIOD)
    assert rows and {r["posyandu"] for r in rows} == {cast.pos_a1.pk}
    assert sum(r["rows"] for r in rows) < sum(
        r["rows"] for r in figures.count_cells(ChildMeasurement.objects.all(), PERIOD)
    )


def test_a_corrected_birth_date_rederives_the_stored_rows(cast, client, data):
    from tumbuh.registry.services import save_child

    child = cast.child_a1
    before = list(ChildMeasurement.objects.filter(child=child).values_list("age_days", flat=True))
    child.birth_date -= dt.timedelta(days=30)
    save_child(child, changed=["birth_date"])
    after = list(ChildMeasurement.objects.filter(child=child).values_list("age_days", flat=True))
    assert [a - b for a, b in zip(after, before, strict=True)] == [30] * len(before)
