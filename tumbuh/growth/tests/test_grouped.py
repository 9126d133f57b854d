"""grouped_prevalence: anthro's simple design from stored counts, one analysis per group.

Checked against anthro_prevalence run on each group's rows alone (its "All" row), against the
R package's golden output (tests/golden), and against closed forms worked by hand.
Spec: docs/who-zscore-method.md §12, docs/prevalence-survey-math.md A.6-A.8.
"""

import csv
import math
import statistics
import warnings
from decimal import Decimal, getcontext
from pathlib import Path

import numpy as np
import pytest

from tumbuh import growth
from tumbuh.growth import grouped as grouped_module
from tumbuh.growth.grouped import (
    COUNT_KEYS,
    count_table,
    grouped_prevalence,
    prevalence_from_counts,
    student_t_quantiles,
    zscore_summary_from_sums,
)
from tumbuh.growth.prevalence import anthro_prevalence, student_t_quantile

GOLDEN = Path(__file__).parent / "golden"
_Z_SUMMARY_SPREAD = tuple(f"{p}_{s}" for p in ("HA", "WA", "BMI", "WH") for s in ("se", "stdev"))


# --------------------------------------------------------------------------------------------
# Synthetic rows: groups of every size, missing and flagged values, oedema, old children
# --------------------------------------------------------------------------------------------
def _rows(seed: int, n_groups: int = 60):
    rng = np.random.default_rng(seed)
    sizes = rng.choice([0, 1, 2, 3, 4, 6, 10, 25, 60, 150], n_groups)
    group = np.repeat(np.arange(n_groups), sizes)
    rng.shuffle(group)
    n = group.size
    age = rng.integers(0, 1900, n).astype(float)  # some above 1826 days: not analysed
    age[rng.random(n) < 0.05] += 0.5
    age[rng.random(n) < 0.03] = np.nan  # kept, as in anthro
    sex = rng.choice([1.0, 2.0, np.nan], n, p=[0.49, 0.49, 0.02])
    months = np.nan_to_num(age, nan=400.0) / 30.4375
    length = 50 + 25 * (1 - np.exp(-months / 12)) + 0.3 * months + rng.normal(-1.5, 3.5, n)
    weight = 3.3 + 9 * (1 - np.exp(-months / 14)) + 0.17 * months + rng.normal(-0.3, 1.3, n)
    weight = np.round(np.clip(weight, 1.0, None), 2)
    length = np.round(length, 1)
    length[rng.random(n) < 0.05] = np.nan
    weight[rng.random(n) < 0.05] = np.nan
    extreme = rng.random(n) < 0.03  # flagged z-scores
    weight[extreme] *= rng.choice([0.4, 2.5], int(extreme.sum()))
    rows = {
        "sex": sex, "age": age, "weight_kg": weight, "lenhei_cm": length,
        "measure": np.where(age < 731, "l", "h"),
        "oedema": np.where(rng.random(n) < 0.04, "y", "n"),
    }  # fmt: skip
    return group, rows


def _zscores(rows):
    return growth.anthro_zscores(
        rows["sex"], rows["age"], weight_kg=rows["weight_kg"], lenhei_cm=rows["lenhei_cm"],
        measure=rows["measure"], oedema=rows["oedema"],
    )  # fmt: skip


def _anthro_all_row(rows, mask):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ages above 1826 days are dropped with a warning
        out = anthro_prevalence(**{k: v[mask] for k, v in rows.items()})
    assert out["Group"][0] == "All"
    return {k: out[k][0] for k in out if k != "Group"}


def _assert_close(got, exp, col, rtol):
    if math.isnan(exp):
        assert math.isnan(got), col
    else:
        # atol: values that are 0 in exact arithmetic (a mean of -0.5 and 0.5) hold ~1e-17 of
        # floating-point noise on one side.
        assert got == pytest.approx(exp, rel=rtol, abs=1e-14), col


# --------------------------------------------------------------------------------------------
# (1) Each group is anthro_prevalence on that group's rows alone
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_group_equals_anthro_prevalence_on_its_own_rows(seed):
    group, rows = _rows(seed)
    n_groups = 60
    counts = count_table(
        group, _zscores(rows), oedema=rows["oedema"], age_days=rows["age"], n_groups=n_groups
    )
    exact = grouped_prevalence(counts, decimals=2)
    from_floats = grouped_prevalence(counts)
    checked = 0
    for g in range(n_groups):
        ref = _anthro_all_row(rows, group == g)
        assert list(ref) == list(exact)
        for col, exp in ref.items():
            # decimals=2: sums snapped to the 0.01 grid of the rounded z-scores, every column
            # within 1e-12 relative (observed <= 1e-13, the rounding of both computations).
            _assert_close(exact[col][g], exp, col, 1e-12)
            # Float sums: the SD comes from Σz² − (Σz)²/n, which loses a factor
            # (mean² + SD²)/SD² of precision to cancellation (observed <= 1e-11).
            rtol = 1e-10 if col in _Z_SUMMARY_SPREAD else 1e-12
            _assert_close(from_floats[col][g], exp, col, rtol)
        checked += 1
    assert checked == n_groups
    assert {0, 1, 2} <= set(counts["n_rows"].tolist())  # empty and one-row groups included


def test_the_output_columns_are_anthros_in_its_order():
    group, rows = _rows(4, n_groups=3)
    counts = count_table(group, _zscores(rows), oedema=rows["oedema"], n_groups=3)
    out = grouped_prevalence(counts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = anthro_prevalence(**rows)
    assert list(out) == [c for c in ref if c != "Group"]
    assert len(out) == 134
    assert all(v.dtype == np.float64 and v.shape == (3,) for v in out.values())
    assert list(counts) == list(COUNT_KEYS) and len(COUNT_KEYS) == 44


# --------------------------------------------------------------------------------------------
# (2) The golden output of the R package
# --------------------------------------------------------------------------------------------
def _golden():
    with open(GOLDEN / "prevalence_input.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))

    def num(k):
        return np.array([np.nan if r[k] == "NA" else float(r[k]) for r in rows])

    def txt(k):
        return np.array([None if r[k] == "NA" else r[k] for r in rows], dtype=object)

    data = {
        "sex": num("sex"), "age": num("age"), "weight_kg": num("weight"),
        "lenhei_cm": num("lenhei"), "measure": txt("measure"), "oedema": txt("oedema"),
    }  # fmt: skip
    with open(GOLDEN / "prevalence_simple_expected.csv", newline="", encoding="utf-8") as fh:
        expected = {
            r["Group"]: {k: np.nan if x == "NA" else float(x) for k, x in r.items() if k != "Group"}
            for r in csv.DictReader(fh)
        }
    return data, expected


_AGES = ("00-05 mo", "06-11 mo", "12-23 mo", "24-35 mo", "36-47 mo", "48-59 mo")


def _golden_groupings(data):
    """Group codes of anthro's All, Age group, Sex and Age + sex rows (-1 = in no group)."""
    months = data["age"] / 30.4375
    with np.errstate(invalid="ignore"):
        age = np.searchsorted([0, 6, 12, 24, 36, 48, 60], months, side="right") - 1
        age = np.where(np.isnan(months) | (months >= 60), -1, age)
    sex = np.where(data["sex"] == 2, 0, np.where(data["sex"] == 1, 1, -1))
    both = np.where((age >= 0) & (sex >= 0), sex * 6 + age, -1)
    return {
        "All": (np.zeros(sex.size, np.int64), ["All"]),
        "Age": (age, [f"Age group: {a}" for a in _AGES]),
        "Sex": (sex, ["Sex: Female", "Sex: Male"]),
        "Age + sex": (both, [f"Age + sex: {a}.{s}" for s in ("Female", "Male") for a in _AGES]),
    }


@pytest.mark.parametrize("grouping", ["All", "Age", "Sex", "Age + sex"])
def test_golden_subgroup_rows_with_the_whole_inputs_n(grouping):
    # anthro's subgroup rows are domains of one analysis: N (for N/(N-1) and t(N-1)) is the
    # whole input's. Passing that N as n_rows reproduces them, cell for cell.
    data, expected = _golden()
    z = growth.anthro_zscores(**data)
    codes, labels = _golden_groupings(data)[grouping]
    counts = count_table(
        codes, z, oedema=data["oedema"], age_days=data["age"], n_groups=len(labels)
    )
    whole_n = count_table(np.zeros(codes.size, np.int64), {}, age_days=data["age"])["n_rows"][0]
    assert whole_n == 1495  # 1500 rows, five older than 1826 days
    out = grouped_prevalence({**counts, "n_rows": whole_n}, decimals=2)
    for i, label in enumerate(labels):
        for col, exp in expected[label].items():
            # R's output, written with 15-17 significant digits; intervals via plogis.
            _assert_close(out[col][i], exp, f"{label} {col}", 1e-12)


def test_golden_sex_rows_as_separate_analyses_differ_only_by_n():
    # As separate analyses (each group its own N), estimates and counts are the same, and each
    # standard error is scaled by sqrt[(N_g/(N_g-1)) / (N/(N-1))]; the intervals use t(N_g-1).
    data, expected = _golden()
    z = growth.anthro_zscores(**data)
    codes, labels = _golden_groupings(data)["Sex"]
    counts = count_table(codes, z, oedema=data["oedema"], age_days=data["age"], n_groups=2)
    out = grouped_prevalence(counts, decimals=2)
    big_n = 1495
    for i, label in enumerate(labels):
        exp = expected[label]
        n_g = counts["n_rows"][i]
        assert 600 < n_g < big_n
        factor = math.sqrt((n_g / (n_g - 1)) / (big_n / (big_n - 1)))
        for col in ("HA_2", "WH_2", "WA_2", "WH2", "HA_2_WH_2", "HA", "WH"):
            assert out[col + "_r"][i] == pytest.approx(exp[col + "_r"], rel=1e-12)
            assert out[col + "_se"][i] == pytest.approx(exp[col + "_se"] * factor, rel=1e-12)
        for col in ("HAZ_pop", "WHZ_unwpop", "HA_stdev", "BMI_stdev"):
            assert out[col][i] == pytest.approx(exp[col], rel=1e-12)
        t_g = student_t_quantile(0.975, n_g - 1)
        assert out["HA_ul"][i] == pytest.approx(out["HA_r"][i] + t_g * out["HA_se"][i], rel=1e-13)
        assert out["HA_ul"][i] != pytest.approx(exp["HA_ul"], rel=1e-6)


# --------------------------------------------------------------------------------------------
# (3) Closed forms worked by hand
# --------------------------------------------------------------------------------------------
def test_prevalence_closed_forms_by_hand():
    # N = 11 children, n = 8 with a usable value, k = 2 below the cut-off.
    big_n, n, k = 11, 8, 2
    t = float(_t975_even_df(10))  # exact to 40 digits: 2.228138851986273...
    assert t == pytest.approx(2.228138851986273, rel=1e-15)
    p = k / n
    se = math.sqrt(big_n / (big_n - 1)) * math.sqrt(p * (1 - p) / n)
    half = t * math.sqrt(big_n / (big_n - 1) / (n * p * (1 - p)))
    lo = 1 / (1 + math.exp(-(math.log(p / (1 - p)) - half)))
    hi = 1 / (1 + math.exp(-(math.log(p / (1 - p)) + half)))
    r = prevalence_from_counts(big_n, n, k)
    assert r["r"] == 25.0
    assert r["se"] == pytest.approx(100 * se, rel=1e-13)
    assert r["ll"] == pytest.approx(100 * lo, rel=1e-13)
    assert r["ul"] == pytest.approx(100 * hi, rel=1e-13)
    # The same numbers by hand: se = 100 sqrt(1.1 * 0.1875 / 8) = 100 sqrt(0.02578125),
    # logit 0.25 = -ln 3 = -1.098612, half-width 2.228139 * sqrt(1.1 / 1.5) = 1.908064.
    got = (float(r["se"]), float(r["ll"]), float(r["ul"]))
    assert got == pytest.approx((16.056541, 4.712517, 69.199268), abs=1e-6)


def test_zscore_summary_closed_forms_by_hand():
    zs = [-2.31, -1.05, 0.42, -0.88, -1.7]
    big_n = 7  # two analysed children without a usable z-score
    n = len(zs)
    mean = statistics.fmean(zs)
    sd = statistics.stdev(zs)
    se = math.sqrt(big_n / (big_n - 1)) * math.sqrt(sum((z - mean) ** 2 for z in zs)) / n
    t = float(_t975_even_df(6))  # 2.446911851144969
    for decimals in (None, 2):
        out = zscore_summary_from_sums(
            big_n, n, sum(zs), sum(z * z for z in zs), decimals=decimals
        )
        assert out["r"] == pytest.approx(-1.104, rel=1e-14)
        assert out["r"] == pytest.approx(mean, rel=1e-14)
        assert out["stdev"] == pytest.approx(sd, rel=1e-13)
        assert out["se"] == pytest.approx(se, rel=1e-13)
        assert out["ll"] == pytest.approx(mean - t * se, rel=1e-13)
        assert out["ul"] == pytest.approx(mean + t * se, rel=1e-13)


# --------------------------------------------------------------------------------------------
# (4) Edges of the simple path
# --------------------------------------------------------------------------------------------
def test_prevalence_edges():
    #            p = 0   p = 1   n = 0   N = 1, p = 0   N = 1, p = 1   N = 0
    big_n = np.array([5, 5, 5, 1, 1, 0])
    n = np.array([4, 4, 0, 1, 1, 0])
    k = np.array([0, 4, 0, 0, 1, 0])
    r = prevalence_from_counts(big_n, n, k)
    np.testing.assert_array_equal(r["r"], [0, 100, np.nan, 0, 100, np.nan])
    np.testing.assert_array_equal(r["ll"], [0, 100, np.nan, 0, 100, np.nan])
    np.testing.assert_array_equal(r["ul"], [0, 100, np.nan, 0, 100, np.nan])
    # se: 0 at p = 0 and p = 1, N = 1 included (anthro_prevalence: a single PSU, scale 1;
    # R's closed form would give sqrt(1/0) * 0 = NaN).
    np.testing.assert_array_equal(r["se"], [0, 0, np.nan, 0, 0, np.nan])


def test_zscore_summary_edges():
    #            n = 1 of N = 3   N = 1   n = 0   two equal values
    out = zscore_summary_from_sums(
        [3, 1, 4, 2], [1, 1, 0, 2], [-1.5, 0.25, 0.0, -1.2], [2.25, 0.0625, 0.0, 0.72],
        decimals=2,
    )  # fmt: skip
    np.testing.assert_array_equal(out["r"], [-1.5, 0.25, np.nan, -0.6])
    np.testing.assert_array_equal(out["se"], [0.0, 0.0, np.nan, 0.0])
    np.testing.assert_array_equal(out["ll"], [-1.5, np.nan, np.nan, -0.6])  # t(0) undefined
    np.testing.assert_array_equal(out["ul"], [-1.5, np.nan, np.nan, -0.6])
    np.testing.assert_array_equal(out["stdev"], [np.nan, np.nan, np.nan, 0.0])


def test_equal_values_give_an_exact_zero_sd_on_the_grid():
    zs = np.full(37, -2.13)
    s1, s2 = float(np.sum(zs)), float(np.sum(zs * zs))
    assert zscore_summary_from_sums(40, 37, s1, s2, decimals=2)["stdev"] == 0.0
    # The textbook formula keeps the cancellation noise (clamped at 0, never NaN).
    assert 0.0 <= zscore_summary_from_sums(40, 37, s1, s2)["stdev"] < 1e-6


def test_a_one_row_group():
    # Prevalence 0 or 100 with interval [0, 0] / [100, 100] and se 0; mean = the value with
    # se 0, its interval missing (t with 0 degrees of freedom), SD missing; as anthro_prevalence.
    rows = {"sex": np.array([1.0]), "age": np.array([400.0]), "weight_kg": np.array([7.0]),
            "lenhei_cm": np.array([68.0]), "measure": np.array(["l"]),
            "oedema": np.array(["y"])}  # fmt: skip
    z = _zscores(rows)
    assert z["zlen"][0] < -2
    out = grouped_prevalence(count_table([0], z, oedema=rows["oedema"]), decimals=2)
    ref = _anthro_all_row(rows, np.array([True]))
    for col, exp in ref.items():
        _assert_close(out[col][0], exp, col, 1e-12)
    assert out["HA_2_r"][0] == 100 and out["HA_2_ll"][0] == 100 and out["HA_2_ul"][0] == 100
    assert out["HA1_r"][0] == 0 and out["HA1_ll"][0] == 0 and out["HA1_ul"][0] == 0
    assert out["HA_2_se"][0] == 0 and out["HA_se"][0] == 0
    assert out["HA_r"][0] == z["zlen"][0]
    assert all(math.isnan(out[c][0]) for c in ("HA_ll", "HA_ul", "HA_stdev"))
    # Oedema: a usable WH value (-3.1) but no z-score to average.
    assert out["WHZ_pop"][0] == 1 and out["WH_3_r"][0] == 100
    assert math.isnan(out["WH_r"][0]) and math.isnan(out["WH_stdev"][0])
    assert out["HA_2_WH_2_pop"][0] == 1 and out["HA_2_WH_2_r"][0] == 100


def test_empty_groups_have_zero_counts_and_missing_estimates():
    counts = {k: np.zeros(3) for k in COUNT_KEYS}
    out = grouped_prevalence(counts)
    for col, val in out.items():
        if col.endswith(("_pop", "_unwpop")):
            np.testing.assert_array_equal(val, 0.0)
        else:
            assert np.isnan(val).all(), col


# --------------------------------------------------------------------------------------------
# (5) Student t quantiles for many degrees of freedom
# --------------------------------------------------------------------------------------------
def _t975_even_df(nu: int) -> Decimal:
    """qt(0.975, nu) for even nu to 40 digits: P(|T| <= t) = sin θ Σ c_k cos^2k θ (A&S 26.7.3)."""
    getcontext().prec = 50

    def inside(t: Decimal) -> Decimal:
        s2 = nu + t * t
        c2, term, total = Decimal(nu) / s2, Decimal(1), Decimal(1)
        for k in range(1, nu // 2):
            term = term * c2 * (2 * k - 1) / (2 * k)
            total += term
        return t / s2.sqrt() * total

    t, h = Decimal(student_t_quantile(0.975, nu)), Decimal("1e-25")
    for _ in range(4):
        t -= (inside(t) - Decimal("0.95")) / ((inside(t + h) - inside(t - h)) / (2 * h))
    return t


def test_t_quantiles_match_the_scalar_and_exact_values():
    vec = student_t_quantiles(0.975, np.arange(1, 1201, dtype=float))
    # The scalar (a bisection, ~2 ms a call) on a sample: every df to 120, then a stride.
    df = np.r_[1:121, 121:995:7, 995:1006, 1100, 1200]
    ref = np.array([student_t_quantile(0.975, d) for d in df.tolist()])
    np.testing.assert_allclose(vec[df - 1], ref, rtol=5e-14, atol=0)
    np.testing.assert_array_equal(vec[df - 1][df >= 1000], ref[df >= 1000])  # same series
    assert vec[0] == pytest.approx(math.tan(math.pi * 0.475), rel=1e-15)
    assert vec[1] == pytest.approx(0.95 / math.sqrt(0.04875), rel=1e-15)
    for nu in (4, 6, 10, 60, 500, 996):
        exact = float(_t975_even_df(nu))
        assert vec[nu - 1] == pytest.approx(exact, rel=3e-14)


def test_t_quantiles_other_probabilities_and_invalid_df():
    df = np.array([[1.0, 2.5, 7.0], [30.0, 999.0, 4000.0]])
    for p in (0.005, 0.05, 0.6, 0.95):
        ref = np.vectorize(lambda d, p=p: student_t_quantile(p, d))(df)
        np.testing.assert_allclose(student_t_quantiles(p, df), ref, rtol=1e-13)
    np.testing.assert_array_equal(student_t_quantiles(0.5, [3.0, 0.0]), [0.0, np.nan])
    assert np.isnan(student_t_quantiles(0.975, [0.0, -2.0, np.nan])).all()
    assert np.isnan(student_t_quantiles(1.0, [5.0])).all()


# --------------------------------------------------------------------------------------------
# (6) count_table, input forms and validation
# --------------------------------------------------------------------------------------------
def test_count_table_by_hand():
    group = [0, 0, 0, 1, 1, -1, 0, 1]
    z = {
        "zlen": [-3.5, -2.5, 0.5, 2.5, np.nan, -4.0, -1.5, -6.5],
        "flen": [0, 0, 0, 0, None, 0, 0, 1],  # the last one flagged
        "zwfl": np.array([-2.5, 1.0, None, 2.5, 0.0, -4.0, -2.5, 0.2], dtype=object),
        "fwfl": [False, False, None, False, False, False, False, False],
    }
    oedema = ["n", "n", "y", "n", "n", "n", "n", "n"]
    age = [100, 200, 300, 400, np.nan, 500, 1826.6, 1826.4]  # 1826.6 rounds to 1827: dropped
    c = count_table(group, z, oedema=oedema, age_days=age, n_groups=(2, 1))
    assert list(c) == ["n_rows", *[k for k in COUNT_KEYS if k.startswith("HA")][:10],
                       *[k for k in COUNT_KEYS if k.startswith("WH")], "HA_2_WH_2_n",
                       "HA_2_WH_2", "HA_2_WH2"]  # fmt: skip
    assert c["n_rows"].shape == (2, 1) and c["n_rows"].dtype == np.int64
    np.testing.assert_array_equal(c["n_rows"].ravel(), [3, 3])
    np.testing.assert_array_equal(c["HA_n"].ravel(), [3, 1])  # missing and flagged z left out
    np.testing.assert_array_equal(c["HA_3"].ravel(), [1, 0])
    np.testing.assert_array_equal(c["HA_2"].ravel(), [2, 0])
    np.testing.assert_array_equal(c["HA2"].ravel(), [0, 1])
    np.testing.assert_array_equal(c["HA_zsum"].ravel(), [-5.5, 2.5])
    np.testing.assert_array_equal(c["HA_zsumsq"].ravel(), [12.25 + 6.25 + 0.25, 6.25])
    # WH: oedema (row 2) counts as -3.1 but not in the mean.
    np.testing.assert_array_equal(c["WH_n"].ravel(), [3, 3])
    np.testing.assert_array_equal(c["WH_3"].ravel(), [1, 0])
    np.testing.assert_array_equal(c["WH_2"].ravel(), [2, 0])
    np.testing.assert_array_equal(c["WH_zn"].ravel(), [2, 3])
    np.testing.assert_array_equal(c["WH2"].ravel(), [0, 1])
    np.testing.assert_array_equal(c["HA_2_WH_2_n"].ravel(), [3, 1])
    np.testing.assert_array_equal(c["HA_2_WH_2"].ravel(), [1, 0])  # row 0; row 2 has -3.1 but
    np.testing.assert_array_equal(c["HA_2_WH2"].ravel(), [0, 0])  # HA 0.5
    with pytest.raises(KeyError, match="fwei"):
        count_table(group, {"zwei": z["zlen"]})
    with pytest.raises(ValueError, match="beyond 2 groups"):
        count_table([0, 2], {}, n_groups=2)


def test_structured_arrays_and_any_shape():
    group, rows = _rows(5, n_groups=12)
    flat = count_table(group, _zscores(rows), oedema=rows["oedema"], n_groups=12)
    shaped = count_table(group, _zscores(rows), oedema=rows["oedema"], n_groups=(3, 4))
    table = np.zeros(12, dtype=[(k, "f8") for k in flat])
    for k, val in flat.items():
        table[k] = val
    a = grouped_prevalence(flat)
    b = grouped_prevalence(table)
    c = grouped_prevalence(shaped)
    for col in a:
        np.testing.assert_array_equal(a[col], b[col])
        np.testing.assert_array_equal(a[col], c[col].ravel())
        assert c[col].shape == (3, 4)


def test_only_the_blocks_given_are_computed():
    out = grouped_prevalence({k: [10, 4] for k in ("n_rows", "HA_n", "HA_zn")} | {
        "HA_3": [0, 0], "HA_2": [1, 1], "HA_1": [2, 2], "HA1": [1, 0], "HA2": [0, 0],
        "HA3": [0, 0], "HA_zsum": [-5.0, -2.0], "HA_zsumsq": [9.0, 2.5],
    })  # fmt: skip
    assert {c[:2] for c in out} == {"HA"} and len(out) == 31
    assert out["HA_2_r"][1] == 25.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"HA_2": [-1]}, "HA_2 must be a whole number >= 0; got -1.0 at index 0"),
        ({"HA_2": [0.5]}, "HA_2 must be a whole number >= 0"),
        ({"n_rows": [np.nan]}, "n_rows must be a whole number"),
        ({"HA_zsum": [np.inf]}, "HA_zsum must be finite"),
        ({"HA_n": [11]}, "HA_n > n_rows at index 0"),
        ({"HA_2": [3]}, "HA_2 > HA_1 at index 0"),
        ({"HA1": [9]}, "HA1 > HA_n"),
        ({"HA_zn": [9]}, "HA_zn > HA_n"),
        ({"HA_2_WH_2": [9]}, "HA_2_WH_2 > HA_2_WH_2_n"),
    ],
)
def test_inconsistent_counts_are_refused(change, message):
    counts = {k: [0.0] for k in COUNT_KEYS} | {"n_rows": [10], "HA_n": [8], "HA_1": [2],
                                              "HA_zn": [8], "HA_2_WH_2_n": [5]}  # fmt: skip
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        grouped_prevalence(counts | change)


def test_missing_keys_and_bad_decimals_are_refused():
    base = {k: [0.0] for k in COUNT_KEYS} | {"n_rows": [3]}
    with pytest.raises(KeyError, match="n_rows"):
        grouped_prevalence({k: v for k, v in base.items() if k != "n_rows"})
    with pytest.raises(KeyError, match="'WA_n' but not 'WA_zsum'"):
        grouped_prevalence({k: v for k, v in base.items() if k != "WA_zsum"})
    with pytest.raises(KeyError, match="no indicator"):
        grouped_prevalence({"n_rows": [3]})
    with pytest.raises(ValueError, match="not a sum of values with 2 decimals"):
        zscore_summary_from_sums(3, 2, -1.234, 2.0, decimals=2)
    with pytest.raises(ValueError, match="decimals must be"):
        grouped_prevalence(base, decimals=-1)
    with pytest.raises(ValueError, match="n > n_rows"):
        prevalence_from_counts(3, 4, 1)
    with pytest.raises(ValueError, match="count > n"):
        prevalence_from_counts(3, 2, 3)


def test_blocks_of_groups_give_the_same_result(monkeypatch):
    # Large inputs are computed in blocks of groups; block edges must not show.
    group, rows = _rows(6, n_groups=60)
    counts = count_table(group, _zscores(rows), oedema=rows["oedema"], n_groups=(6, 10))
    whole = grouped_prevalence(counts, decimals=2)
    monkeypatch.setattr(grouped_module, "_BLOCK", 7)
    blocked = grouped_prevalence(counts, decimals=2)
    for col in whole:
        np.testing.assert_array_equal(blocked[col], whole[col], err_msg=col)
