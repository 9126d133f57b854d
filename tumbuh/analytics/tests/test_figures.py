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
from tumbuh.registry.models import Child
from tumbuh.registry.services import merge_children

from .conftest import PERIOD, THIS_MONTH, _child, _measure, _month  # noqa: F401


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
            _ = skdn[key]  # the month is stored even without a weighing
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
    # the month rows also hold the prevalence fields summed over sex and age group
    for r in PosyanduMonth.objects.all():
        skdn[(r.posyandu_id, r.month)].update({f"total_{f}": getattr(r, f) for f in CELL_FIELDS})
    cells = {(r.posyandu_id, r.month, r.sex, r.age_group): {f: getattr(r, f) for f in CELL_FIELDS}
             for r in PrevalenceCell.objects.all()}  # fmt: skip
    return skdn, cells


def assert_equal(expected, got):
    skdn_e, cells_e = expected
    skdn_g, cells_g = got
    for (pid, m, _sex, _group), cell in cells_e.items():
        for f, v in cell.items():
            total = skdn_e[(pid, m)]
            total[f"total_{f}"] = total.get(f"total_{f}", 0) + v
    zeros = dict.fromkeys([*SKDN_FIELDS, *(f"total_{f}" for f in CELL_FIELDS)], 0)
    for key in set(skdn_e) | set(skdn_g):
        e = {**zeros, **skdn_e.get(key, {})}
        g = skdn_g.get(key)
        if g is None:  # months outside what was stored
            continue
        assert g == pytest.approx(e, abs=1e-9), key
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
