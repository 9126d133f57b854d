"""The scorecard's statistics as arrays (tumbuh.quality.stats): no database.

Reference values are computed here in plain Python, one value at a time, from the formulas in
docs/quality.md.
"""

from __future__ import annotations

import calendar
import math
import statistics

import numpy as np
import pytest

from tumbuh.quality import stats
from tumbuh.quality.rules import load_rules, parse

RULES = load_rules()


def rows(n: int, seed: int = 1) -> dict:
    """``n`` random measurement rows, as cell_stats takes them."""
    rng = np.random.default_rng(seed)
    weight = np.round(rng.uniform(3, 20, n), 1)
    weight[rng.random(n) < 0.1] = np.nan
    lenhei = np.round(rng.uniform(50, 110, n), 1)
    lenhei[rng.random(n) < 0.3] = np.nan
    z = {k: np.round(rng.normal(0, 1.1, n), 2) for k in ("zlen", "zwei", "zwfl")}
    flags = {}
    for zk, fk in stats.FLAG_OF.items():
        f = (rng.random(n) < 0.05).astype(float)
        f[rng.random(n) < 0.1] = np.nan
        z[zk][np.isnan(f)] = np.nan
        flags[fk] = f
    birth = np.datetime64("2022-01-01") + rng.integers(0, 1200, n).astype("timedelta64[D]")
    return dict(
        weight_kg=weight, lenhei_cm=lenhei, **z, **flags, birth_date=birth,
        jump_zwei=rng.random(n) < 0.05, jump_zlen=rng.random(n) < 0.03,
        length_shrank=rng.random(n) < 0.02,
    )  # fmt: skip


def recount(r: dict, idx) -> dict:
    """The statistics of rows ``idx``, one row at a time in plain Python."""
    out: dict = {name: 0 for name in stats.INT_FIELDS}
    out.update({name: 0.0 for name in stats.FLOAT_FIELDS})
    for i in idx:
        out["rows"] += 1
        flags = {f: r[f][i] for f in ("flen", "fwei", "fwfl")}
        if any(not math.isnan(v) for v in flags.values()):
            out["flag_n"] += 1
        if any(v == 1 for v in flags.values()):
            out["flag_any"] += 1
        for f, v in flags.items():
            out[f"{f}_n"] += not math.isnan(v)
            out[f] += v == 1
        for z, f in stats.FLAG_OF.items():
            if not math.isnan(r[z][i]) and flags[f] == 0:
                out[f"{z}_n"] += 1
                out[f"{z}_sum"] += r[z][i]
                out[f"{z}_sumsq"] += r[z][i] ** 2
        w, h = r["weight_kg"][i], r["lenhei_cm"][i]
        if not math.isnan(w):
            out["weighed"] += 1
            out[f"wd{round(w * 10) % 10}"] += 1
            out["weighed_no_lenhei"] += math.isnan(h)
        if not math.isnan(h):
            out["lenhei_n"] += 1
            out[f"ld{round(h * 10) % 10}"] += 1
        born = r["birth_date"][i].item()
        out["heaped"] += born.day in (1, 15)
        out["heaped_expected"] += 2 / calendar.monthrange(born.year, born.month)[1]
        jumped = False
        for key in stats.JUMP_KEYS:
            out[key] += bool(r[key][i])
            jumped |= bool(r[key][i])
        out["jump_any"] += jumped
    return out


def test_cell_statistics_equal_a_recount_row_by_row():
    r = rows(400)
    key = np.random.default_rng(2).integers(0, 3, 400)
    cells = stats.cell_stats(key, 3, **r)
    for c in range(3):
        expected = recount(r, np.flatnonzero(key == c))
        for name in stats.INT_FIELDS:
            assert cells[name][c] == expected[name], name
        for name in stats.FLOAT_FIELDS:
            # Sums of 2-decimal z-scores in a different order: float rounding only.
            assert cells[name][c] == pytest.approx(expected[name], rel=1e-12, abs=1e-9), name


def test_cells_add_up_to_the_statistics_of_all_their_rows():
    r = rows(300, seed=5)
    key = np.random.default_rng(6).integers(0, 7, 300)
    cells = stats.cell_stats(key, 7, **r)
    whole = stats.cell_stats(np.zeros(300, np.int64), 1, **r)
    summed = stats.combine(cells, np.zeros(7, np.int64), 1)
    for name in stats.FIELDS:
        assert summed[name][0] == pytest.approx(whole[name][0], rel=1e-12), name


def test_combine_leaves_out_cells_without_a_group():
    cells = stats.cell_stats(np.array([0, 1, 1]), 2, **rows(3))
    summed = stats.combine(cells, np.array([-1, 0]), 1)
    assert summed["rows"].tolist() == [2]


def test_the_final_digit_is_the_tenths_after_rounding_half_up():
    values = np.array([7.3, 12.0, 72.35, 0.95, np.nan, 104.9])
    assert stats.final_digit(values).tolist() == [3, 0, 4, 0, -1, 9]


def test_birth_dates_heap_against_the_length_of_their_own_month():
    dates = np.array(["2024-02-01", "2024-02-15", "2023-02-14", "2024-04-30", "NaT"],
                     dtype="datetime64[D]")  # fmt: skip
    heaped, expected = stats.birth_day_heaping(dates, (1, 15))
    assert heaped.tolist() == [True, True, False, False, False]
    assert expected == pytest.approx([2 / 29, 2 / 29, 2 / 28, 2 / 30, 0.0])


def test_digit_preference_score_follows_the_smart_formula():
    counts = np.array([
        [10] * 10,  # no preference
        [100, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # every value ends in 0
        [30, 5, 6, 4, 5, 30, 5, 6, 4, 5],  # rounding to .0 and .5
        [2, 1, 0, 1, 3, 1, 0, 1, 2, 1],  # a dozen values: too few to judge
    ])  # fmt: skip
    ind, x2, zero_five = stats.digit_preference(counts, RULES.digits)
    for row, (dps, chi2) in zip(counts, zip(ind.value, x2, strict=True), strict=True):
        n = row.sum()
        e = n / 10
        expected_x2 = sum((o - e) ** 2 / e for o in row)
        assert chi2 == pytest.approx(expected_x2)
        assert dps == pytest.approx(100 * math.sqrt(expected_x2 / (n * 9)))
    assert ind.value[0] == 0 and ind.value[1] == pytest.approx(100)
    assert list(ind.status) == ["ok", "poor", "poor", "na"]
    assert zero_five[0] == pytest.approx(20) and zero_five[2] == pytest.approx(60)


def test_a_digit_score_is_judged_only_when_the_chi_squared_test_rejects():
    # 40 values, DPS about 17 ("acceptable" in SMART's classes) but X2 = 10.5 < 21.666: noise.
    counts = np.array([[7, 2, 4, 3, 5, 6, 3, 4, 2, 4]])
    ind, x2, _ = stats.digit_preference(counts, RULES.digits)
    assert x2[0] < RULES.digits.chi2_critical
    assert ind.value[0] > RULES.digits.warn_dps
    assert ind.status[0] == "ok"


def test_sd_from_sums_is_the_sample_standard_deviation():
    values = np.round(np.random.default_rng(3).normal(0.2, 1.4, 50), 2)
    ind = stats.standard_deviation([50], [values.sum()], [(values**2).sum()], RULES.sd)
    assert ind.value[0] == pytest.approx(statistics.stdev(values.tolist()), rel=1e-9)
    assert ind.status[0] == "poor"  # outside 0.7-1.3


@pytest.mark.parametrize(("sd", "status"), [(1.0, "ok"), (0.8, "ok"), (1.25, "warn"),
                                             (0.75, "warn"), (1.31, "poor"), (0.5, "poor")])
def test_sd_bands(sd, status):
    n = 100
    values = np.tile([-sd, sd], n // 2) * math.sqrt((n - 1) / n)  # sample SD exactly ``sd``
    ind = stats.standard_deviation([n], [values.sum()], [(values**2).sum()], RULES.sd)
    assert ind.value[0] == pytest.approx(sd)
    assert ind.status[0] == status


def test_shares_are_judged_from_their_thresholds_and_need_enough_values():
    ind = stats.share([0, 3, 1, 2, 5], [100, 100, 40, 19, 0], RULES.flags)
    assert ind.value[:4] == pytest.approx([0, 3, 2.5, 100 * 2 / 19])
    assert math.isnan(ind.value[4])
    assert list(ind.status) == ["ok", "warn", "warn", "na", "na"]


def test_heaping_needs_a_significant_excess():
    # 100 children, 6.6 expected on the 1st/15th: 20 is 3x and significant; 11 is 1.7x, not.
    ind = stats.heaping([20, 11, 40], [6.6, 6.6, 6.6], [100, 100, 30], RULES.heaping)
    assert ind.value == pytest.approx([20 / 6.6, 11 / 6.6, 40 / 6.6])
    assert list(ind.status) == ["poor", "ok", "na"]


def test_missing_length_is_judged_in_the_length_months_only():
    base = stats.combine(stats.cell_stats(np.zeros(40, np.int64), 1, **rows(40)),
                         np.zeros(1, np.int64), 1)  # fmt: skip
    judged = stats.judge(base, RULES, length_month_weighed=np.array([30]),
                         length_month_missing=np.array([6]))  # fmt: skip
    assert judged["missing"].value[0] == pytest.approx(20)
    assert judged["missing"].status[0] == "warn"
    outside = stats.judge(base, RULES, length_month_weighed=np.array([0]),
                          length_month_missing=np.array([0]))  # fmt: skip
    assert outside["missing"].status[0] == ""
    assert outside["missing"].value[0] == pytest.approx(
        100 * base["weighed_no_lenhei"][0] / base["weighed"][0]
    )


def test_severity_counts_headline_indicators_only():
    cells = stats.cell_stats(np.zeros(60, np.int64), 1, **rows(60))
    judged = stats.judge(cells, RULES)
    judged["fwei"].status[:] = "poor"  # a detail: not counted again
    judged["jumps"].status[:] = "poor"
    judged["sd_haz"].status[:] = "warn"
    poor, warn = stats.severity(judged)
    assert poor[0] >= 1 and warn[0] >= 1
    assert poor[0] == sum(judged[k].status[0] == "poor" for k in stats.HEADLINE)


def test_the_shipped_rules_parse_and_bad_rules_say_what_is_wrong():
    assert RULES.version == "2025.1"
    assert RULES.heaping.days == (1, 15)
    assert RULES.missing.length_months == (2, 8)
    data = {
        "version": "x", "flags": {"min_n": 1, "warn_pct": 1, "poor_pct": 2},
        "sd": {"min_n": 1, "ok": [0.8, 1.2], "warn": [0.9, 1.3]},
        "digits": {"min_n": 1, "warn_dps": 1, "poor_dps": 2, "chi2_critical": 1},
        "heaping": {"min_n": 1, "days": [1], "warn_ratio": 1, "poor_ratio": 2, "z_critical": 1},
        "missing": {"min_n": 1, "length_months": [2], "warn_pct": 1, "poor_pct": 2},
        "jumps": {"min_n": 1, "warn_pct": 1, "poor_pct": 2},
    }  # fmt: skip
    with pytest.raises(ValueError, match="sd.warn must contain sd.ok"):
        parse(data, "test.toml")
    del data["jumps"]
    with pytest.raises(ValueError, match="test.toml: missing setting 'jumps'"):
        parse(data, "test.toml")


def test_stats_and_rules_do_not_import_django():
    """They judge arrays; the Django side (summary, services) feeds them."""
    from tumbuh.quality import rules

    for module in (stats, rules):
        source = open(module.__file__, encoding="utf-8").read()
        imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
        assert not [line for line in imports if "django" in line], module.__name__
