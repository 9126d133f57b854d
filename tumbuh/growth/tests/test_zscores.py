"""anthro_zscores against docs/who-zscore-method.md, rule by rule (§n = section there).

Every test runs once per engine (NumPy and compiled): the ``engine`` fixture of conftest.py
sets TUMBUH_GROWTH_ENGINE, which the calls below follow.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from tumbuh import growth
from tumbuh.growth import anthro_zscores, tables
from tumbuh.growth.tables import calc_sd

pytestmark = pytest.mark.usefixtures("engine")

NAN = float("nan")
Z_COLUMNS = [c for c in growth.ANTHRO_COLUMNS if c.startswith("z")]


def one(**kwargs):
    """Run one child; return {column: scalar}."""
    r = anthro_zscores(**kwargs)
    return {k: r[k][0] for k in r}


def same(a, b):
    """Equality that treats NaN as equal to NaN."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return (math.isnan(a) and math.isnan(b)) or a == b


# --- §11: worked examples produced by the reference package ------------------------------------


def test_it_reproduces_the_worked_example_of_a_boy_of_185_days():
    r = one(sex=1, age=185, weight_kg=5.4, lenhei_cm=62, measure="l")
    assert (r["zlen"], r["zwei"], r["zwfl"], r["zbmi"]) == (-2.68, -3.43, -2.36, -2.61)


def test_it_blanks_a_standing_measure_under_nine_months():
    r = one(sex=1, age=8, age_in_months=True, lenhei_cm=60, measure="h")
    assert (r["c9mo_flag"], r["cmeasure"], r["clenhei"], r["zlen"]) == (1, "", 60.0, -4.81)


def test_it_adds_0_7_cm_to_a_standing_height_at_nine_months():
    r = one(sex=1, age=9, age_in_months=True, lenhei_cm=60, measure="h")
    assert (r["c9mo_flag"], r["cmeasure"], r["zlen"]) == (0, "h", -5.02)
    assert_allclose(r["clenhei"], 60.7, rtol=0, atol=1e-12)  # 60 + 0.7 in binary floating point


@pytest.mark.parametrize("measure", ["h", None])
def test_24_months_is_731_days_and_so_a_height_age(measure):
    r = one(sex=2, age=24, age_in_months=True, lenhei_cm=77.5, measure=measure)
    assert (r["clenhei"], r["zlen"]) == (77.5, -2.55)


@pytest.mark.parametrize(("lenhei", "expected"), [(86.9, -1.05), (87.0, -1.27)])
def test_without_age_or_measure_the_87_cm_rule_picks_the_table(lenhei, expected):
    assert one(sex=1, age=NAN, weight_kg=11, lenhei_cm=lenhei)["zwfl"] == expected


def test_it_checks_the_weight_for_length_range_on_the_corrected_length():
    r = one(sex=2, age=700, weight_kg=14, lenhei_cm=109.5, measure="h")
    assert_allclose(r["clenhei"], 110.2, atol=1e-12)
    assert math.isnan(r["zwfl"]) and math.isnan(r["fwfl"])


def test_oedema_blanks_the_weight_based_z_scores_only():
    r = one(sex=1, age=1000, weight_kg=13, lenhei_cm=92, measure="h", oedema="y")
    assert all(math.isnan(r[c]) for c in ("zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi"))
    assert r["zlen"] == -0.55
    assert not math.isnan(r["cbmi"])  # cbmi does not depend on oedema (§4)


def test_it_reproduces_the_restricted_lms_example():
    """§5: boy, 500 days, 6.0 kg and 15.5 kg."""
    r = anthro_zscores(1, 500, weight_kg=[6.0, 15.5])
    assert r["zwei"].tolist() == [-4.79, 3.48]
    assert r["fwei"].tolist() == [0.0, 0.0]


def test_it_interpolates_lms_between_grid_lengths():
    """§7: girl, 400 days, 8.2 kg, 72.35 cm recumbent."""
    assert one(sex=2, age=400, weight_kg=8.2, lenhei_cm=72.35, measure="l")["zwfl"] == -0.58


def test_zlen_uses_the_corrected_length():
    """§6, from the package's tests: boy, 987 days, 72.86 cm lying."""
    r = one(sex=1, age=987, lenhei_cm=72.86, measure="l")
    assert_allclose(r["clenhei"], 72.16, atol=1e-12)
    assert (r["zlen"], r["flen"]) == (-6.09, 1.0)


# --- §2: age ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age_days", "has_z"),
    [(0, True), (730, True), (731, True), (1826, True), (1826.2, True), (1826.3, False),
     (1827, False), (1856, False)],
)  # fmt: skip
def test_age_based_indicators_end_before_60_months(age_days, has_z):
    r = one(sex=1, age=age_days, weight_kg=12, lenhei_cm=90, measure="h", headc_cm=48)
    for col in ("zlen", "zwei", "zbmi", "zhc", "zwfl"):
        assert math.isnan(r[col]) != has_z, col


@pytest.mark.parametrize(("months", "has_z"), [(59.999, True), (60, False)])
def test_age_in_months_ends_before_60(months, has_z):
    r = one(sex=2, age=months, age_in_months=True, weight_kg=15)
    assert math.isnan(r["zwei"]) != has_z


def test_ages_are_rounded_half_up_to_whole_days():
    # 730.5 days rounds to 731: a height age, so a lying length loses 0.7 cm.
    assert_allclose(one(sex=1, age=730.5, lenhei_cm=85, measure="l")["clenhei"], 84.3)
    assert one(sex=1, age=730.49, lenhei_cm=85, measure="l")["clenhei"] == 85.0
    assert_array_equal(growth.zscores.round_half_up(np.array([72.5, 730.49, NAN]))[:2], [73, 730])


def test_the_day_273_is_under_nine_months_and_274_is_not():
    r = anthro_zscores(1, [273, 274], lenhei_cm=68, measure="h")
    assert r["c9mo_flag"].tolist() == [1.0, 0.0]
    assert r["cmeasure"].tolist() == ["", "h"]


@pytest.mark.parametrize("col", ["zac", "zts", "zss"])
def test_arm_and_skinfolds_start_at_91_days(col):
    r = anthro_zscores(1, [90, 91], armc_cm=13.5, triskin_mm=9.7, subskin_mm=7.7)
    assert math.isnan(r[col][0]) and not math.isnan(r[col][1])


# --- §3, §7: lengths, tables and ranges ---------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "lenhei", "measure", "has_z"),
    [
        (300, 45.0, "l", True), (300, 44.9, "l", False), (600, 110.0, "l", True),
        (600, 110.1, "l", False), (800, 65.0, "h", True), (800, 64.9, "h", False),
        (800, 120.0, "h", True), (800, 120.1, "h", False),
        (800, 65.5, "l", False),  # 65.5 lying at 800 days -> 64.8 cm: below weight-for-height
        (600, 109.5, "l", True),
    ],
)  # fmt: skip
def test_weight_for_length_and_height_have_inclusive_ranges(age, lenhei, measure, has_z):
    r = one(sex=1, age=age, weight_kg=9, lenhei_cm=lenhei, measure=measure)
    assert math.isnan(r["zwfl"]) != has_z


@pytest.mark.parametrize(("measure", "table"), [("l", "wfl"), ("h", "wfh")])
def test_without_age_the_measure_picks_the_table(measure, table):
    r = one(sex=1, age=NAN, weight_kg=9.5, lenhei_cm=80.0, measure=measure)
    t = tables.length_table(tables.LENGTH_TABLE_FILES[table])
    key = (800 - t.first_key)
    expected = growth.round_z(((9.5 / t.m[key]) ** t.l[key] - 1) / (t.s[key] * t.l[key]))
    assert r["zwfl"] == expected


def test_without_age_nothing_is_corrected_and_age_based_scores_are_missing():
    r = one(sex=1, age=NAN, weight_kg=9.5, lenhei_cm=80.0, measure="h", headc_cm=45)
    assert r["clenhei"] == 80.0 and r["c9mo_flag"] == 0
    assert all(math.isnan(r[c]) for c in ("zlen", "zwei", "zbmi", "zhc"))


def test_the_length_correction_is_plain_binary_floating_point():
    r = one(sex=1, age=800, weight_kg=8, lenhei_cm=66.1, measure="l")
    assert r["clenhei"] == 66.1 - 0.7  # 65.39999999999999, as in R


# --- §9: missing and invalid values -------------------------------------------------------------


def test_missing_sex_gives_no_z_score_but_keeps_the_cleaned_columns():
    r = one(sex=None, age=400, weight_kg=9, lenhei_cm=75, measure="h")
    assert all(math.isnan(r[c]) for c in Z_COLUMNS)
    assert_allclose(r["clenhei"], 75.7)
    assert r["cmeasure"] == "h" and not math.isnan(r["cbmi"]) and math.isnan(r["csex"])


def test_a_measurement_of_zero_or_less_gives_no_age_based_z_score():
    r = anthro_zscores(1, 400, weight_kg=[0.0, -1.0], headc_cm=[0.0, -2.0])
    assert np.isnan(r["zwei"]).all() and np.isnan(r["zhc"]).all()


def test_weight_zero_still_gets_a_flagged_weight_for_length():
    r = one(sex=1, age=300, weight_kg=0.0, lenhei_cm=70, measure="l")
    assert r["zwfl"] < -10 and r["fwfl"] == 1.0


def test_length_zero_gives_infinite_bmi_and_a_flagged_infinite_zbmi():
    r = one(sex=1, age=300, weight_kg=8.0, lenhei_cm=0.0, measure="l")
    assert r["cbmi"] == math.inf and r["zbmi"] == math.inf and r["fbmi"] == 1.0
    assert math.isnan(r["zlen"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sex": [1, 3]}, r"sex: unrecognised code 3 at index 1"),
        ({"sex": ["m", "x"]}, r"sex: unrecognised code 'x' at index 1"),
        ({"sex": 1, "measure": ["l", "s"]}, r"measure: unrecognised code 's' at index 1"),
        ({"sex": 1, "oedema": ["n", "maybe"]}, r"oedema: unrecognised code 'maybe' at index 1"),
        ({"sex": 1, "age": [3, -1]}, r"age must be >= 0; got -1.0 at index 1"),
        ({"sex": 1, "weight_kg": ["7", "7,5"]}, r"weight_kg must be numeric; got '7,5' at index 1"),
        ({"sex": [1, 2], "weight_kg": [7, 8, 9]},
         r"inputs have different lengths: sex has 2, weight_kg has 3"),
    ],
)
def test_bad_input_raises_naming_input_index_and_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        anthro_zscores(**kwargs)


def test_codes_are_read_like_anthro_reads_them():
    r = anthro_zscores(
        ["1", "2", "m", "F", " M ", 1, 2.0],
        400,
        weight_kg=9,
        measure=["L", "H", "l", "h", None, "", NAN],
        oedema=["N", "Y", "1", "2", None, 1, 2],
    )
    assert r["csex"].tolist() == [1, 2, 1, 2, 1, 1, 2]
    assert r["cmeasure"].tolist() == ["l", "h", "l", "h", "", "", ""]
    assert np.isnan(r["zwei"]).tolist() == [False, True, True, False, False, True, False]


def test_scalars_broadcast_to_the_longest_input():
    r = anthro_zscores(2, [100, 200, 300], weight_kg=6.5)
    assert all(len(r[c]) == 3 for c in growth.ANTHRO_COLUMNS)


def test_empty_input_gives_empty_columns():
    r = anthro_zscores(np.array([]), np.array([]))
    assert all(len(r[c]) == 0 for c in growth.ANTHRO_COLUMNS)


# --- §5, §8: LMS, restriction, rounding and flags -----------------------------------------------

RESTRICTED = {"wfa": "weight_kg", "bfa": None, "acfa": "armc_cm", "tsfa": "triskin_mm",
              "ssfa": "subskin_mm"}  # fmt: skip
PLAIN = {"lhfa": "lenhei_cm", "hcfa": "headc_cm"}
ZCOL = {"wfa": "zwei", "lhfa": "zlen", "hcfa": "zhc", "acfa": "zac", "tsfa": "zts", "ssfa": "zss"}


def _age_rows(rng, code, n):
    t = tables.age_table(tables.AGE_TABLE_FILES[code])
    sex = rng.integers(1, 3, n)
    age = rng.integers(max(t.min_age_days, 0), 1827, n)
    # Ages >= 731 with a height, under with a length, so clenhei is the input.
    return t, sex, age, (sex - 1) * tables.N_AGE_DAYS + age


@pytest.mark.parametrize("code", ["wfa", "lhfa", "hcfa", "acfa", "tsfa", "ssfa"])
@pytest.mark.parametrize("k", [-3, -2, -1, 0, 1, 2, 3])
def test_a_value_on_the_sd_k_curve_has_z_equal_to_k(code, k):
    rng = np.random.default_rng(abs(k) * 7 + len(code))
    t, sex, age, row = _age_rows(rng, code, 500)
    y = calc_sd(t.l[row], t.m[row], t.s[row], k)
    arg = RESTRICTED.get(code) or PLAIN[code]
    measure = np.where(age < 731, "l", "h") if code == "lhfa" else None
    r = anthro_zscores(sex, age, measure=measure, rounded=False, **{arg: y})
    # Tolerance: the SD curve is evaluated in floating point and inverted again.
    assert_allclose(r[ZCOL[code]], k, atol=1e-9)


@pytest.mark.parametrize("table", ["wfl", "wfh"])
@pytest.mark.parametrize("k", [-3, -2, 0, 2, 3])
def test_a_weight_on_the_sd_k_curve_of_a_grid_length_has_z_equal_to_k(table, k):
    t = tables.length_table(tables.LENGTH_TABLE_FILES[table])
    keys = np.arange(t.first_key, t.first_key + t.n_keys, 7)
    sex = np.repeat([1, 2], len(keys))
    row = (sex - 1) * t.n_keys + np.tile(keys, 2) - t.first_key
    w = calc_sd(t.l[row], t.m[row], t.s[row], k)
    age = 300 if table == "wfl" else 1000
    measure = "l" if table == "wfl" else "h"
    r = anthro_zscores(sex, age, weight_kg=w, lenhei_cm=np.tile(keys, 2) / 10, measure=measure,
                       rounded=False)  # fmt: skip
    assert_allclose(r["zwfl"], k, atol=1e-9)


@pytest.mark.parametrize("code", ["wfa", "acfa", "tsfa", "ssfa"])
@pytest.mark.parametrize("k", [-3, 3])
def test_z_is_continuous_where_the_formula_changes_at_3_sd(code, k):
    rng = np.random.default_rng(11)
    t, sex, age, row = _age_rows(rng, code, 200)
    y = calc_sd(t.l[row], t.m[row], t.s[row], k)
    eps = 1e-7 * y
    arg = RESTRICTED[code]
    below = anthro_zscores(sex, age, rounded=False, **{arg: y - eps})[ZCOL[code]]
    above = anthro_zscores(sex, age, rounded=False, **{arg: y + eps})[ZCOL[code]]
    # The two formulas meet at +-3; a 2e-7 relative step in y moves z by well under 1e-4.
    assert_allclose(above, below, atol=1e-4)
    assert (above > below).all()


def test_beyond_3_sd_the_restricted_z_is_linear_in_the_sd_distance():
    t = tables.age_table(tables.AGE_TABLE_FILES["wfa"])
    row = 500  # boy, 500 days
    sd2, sd3 = calc_sd(t.l[row], t.m[row], t.s[row], 2), calc_sd(t.l[row], t.m[row], t.s[row], 3)
    r = anthro_zscores(1, 500, weight_kg=[sd3 + (sd3 - sd2), sd3 + 2 * (sd3 - sd2)], rounded=False)
    assert_allclose(r["zwei"], [4.0, 5.0], atol=1e-12)


def test_flags_are_judged_on_the_rounded_z_score():
    """§8: an unrounded 5.004 rounds to 5.00 and is not flagged; 5.006 -> 5.01 is."""
    t = tables.age_table(tables.AGE_TABLE_FILES["hcfa"])
    row = 400
    m, s = t.m[row], t.s[row]
    hc = m * (1 + s * np.array([5.004, 5.006, -5.004, -5.006]))
    r = anthro_zscores(1, 400, headc_cm=hc)
    assert r["zhc"].tolist() == [5.0, 5.01, -5.0, -5.01]
    assert r["fhc"].tolist() == [0.0, 1.0, 0.0, 1.0]
    unrounded = anthro_zscores(1, 400, headc_cm=hc, rounded=False)
    assert_allclose(unrounded["zhc"], [5.004, 5.006, -5.004, -5.006], atol=1e-9)
    assert unrounded["fhc"].tolist() == [0.0, 1.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("col", "arg", "z_in", "flag"),
    [("zlen", "lenhei_cm", [6.0, 6.01, -6.0, -6.01], [0, 1, 0, 1]),
     ("zwei", "weight_kg", [5.0, 5.01, -6.0, -6.01], [0, 1, 0, 1])],
)  # fmt: skip
def test_flag_thresholds_are_strict_and_asymmetric_for_weight(col, arg, z_in, flag):
    code = "lhfa" if col == "zlen" else "wfa"
    t = tables.age_table(tables.AGE_TABLE_FILES[code])
    row = 200
    l_, m, s = t.l[row], t.m[row], t.s[row]
    z_in = np.array(z_in)
    if code == "lhfa":
        y = m * (1 + s * z_in)
    else:  # invert the restricted LMS beyond +-3
        sd3p, sd2p = calc_sd(l_, m, s, 3), calc_sd(l_, m, s, 2)
        sd3n, sd2n = calc_sd(l_, m, s, -3), calc_sd(l_, m, s, -2)
        y = np.where(z_in > 0, sd3p + (z_in - 3) * (sd3p - sd2p), sd3n + (z_in + 3) * (sd2n - sd3n))
    r = anthro_zscores(1, 200, measure="l", **{arg: y})
    assert r[col.replace("z", "f", 1)].tolist() == flag


# --- registry: every z column has an indicator, a flag and a rounding rule (test_common idea) ----


def test_every_z_column_is_registered_with_its_flag():
    assert set(growth.ZSCORE_INDICATORS) == set(Z_COLUMNS)
    for zcol, (_, fcol) in growth.ZSCORE_INDICATORS.items():
        assert fcol in growth.ANTHRO_COLUMNS
        assert growth.ANTHRO_COLUMNS.index(fcol) == growth.ANTHRO_COLUMNS.index(zcol) + 1
    assert set(growth.INTEGER_COLUMNS) == {c for c in growth.ANTHRO_COLUMNS if c[0] == "f"} | {
        "c9mo_flag", "csex"}  # fmt: skip


def test_output_has_anthros_columns_in_order_and_types():
    r = anthro_zscores([1, 2], [100, 900], weight_kg=[6, 12], lenhei_cm=[60, 85], measure="l")
    assert tuple(r) == growth.ANTHRO_COLUMNS
    assert r["cmeasure"].dtype.kind == "U"
    assert all(r[c].dtype == np.float64 for c in growth.ANTHRO_COLUMNS if c != "cmeasure")


def test_large_inputs_give_the_same_result_as_small_blocks():
    """The engine works in blocks; block edges must not change anything."""
    rng = np.random.default_rng(3)
    n = growth.zscores._CHUNK_ROWS * 2 + 17
    kwargs = dict(
        sex=rng.integers(1, 3, n), age=rng.uniform(0, 1900, n),
        weight_kg=rng.uniform(2, 25, n), lenhei_cm=rng.uniform(44, 121, n),
        measure=rng.choice(["l", "h", ""], n), headc_cm=rng.uniform(30, 55, n),
    )  # fmt: skip
    whole = anthro_zscores(**kwargs)
    for start in (0, growth.zscores._CHUNK_ROWS - 5, n - 30):
        part = anthro_zscores(**{k: v[start : start + 40] for k, v in kwargs.items()})
        for col in growth.ANTHRO_COLUMNS:
            a, b = whole[col][start : start + 40], part[col]
            assert all(same(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)), col


# --- properties ---------------------------------------------------------------------------------

finite = dict(allow_nan=False, allow_infinity=False)
child = st.fixed_dictionaries(
    {
        "sex": st.sampled_from([1, 2, None]),
        "age": st.one_of(st.none(), st.floats(0, 1900, **finite)),
        "weight_kg": st.one_of(st.none(), st.floats(0.5, 40, **finite)),
        "lenhei_cm": st.one_of(st.none(), st.floats(40, 125, **finite)),
        "measure": st.sampled_from(["l", "h", None]),
        "oedema": st.sampled_from(["n", "y", None]),
        "headc_cm": st.one_of(st.none(), st.floats(25, 60, **finite)),
        "armc_cm": st.one_of(st.none(), st.floats(7, 25, **finite)),
        "triskin_mm": st.one_of(st.none(), st.floats(2, 30, **finite)),
        "subskin_mm": st.one_of(st.none(), st.floats(2, 30, **finite)),
    }
)


def _columns(children):
    def col(key, missing):
        return [missing if c[key] is None else c[key] for c in children]

    return dict(
        sex=np.array(col("sex", NAN), dtype=float), age=col("age", NAN),
        weight_kg=col("weight_kg", NAN), lenhei_cm=col("lenhei_cm", NAN),
        measure=np.array(col("measure", ""), dtype=str), oedema=np.array(col("oedema", "n")),
        headc_cm=col("headc_cm", NAN), armc_cm=col("armc_cm", NAN),
        triskin_mm=col("triskin_mm", NAN), subskin_mm=col("subskin_mm", NAN),
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(child, min_size=1, max_size=30))
def test_the_vectorised_call_equals_a_loop_over_single_children(children):
    cols = _columns(children)
    whole = anthro_zscores(**cols)
    for i in range(len(children)):
        single = anthro_zscores(**{k: np.asarray(v)[i : i + 1] for k, v in cols.items()})
        for col in growth.ANTHRO_COLUMNS:
            assert same(whole[col][i].item(), single[col][0].item()), (col, children[i])


@settings(max_examples=60, deadline=None)
@given(
    sex=st.sampled_from([1, 2]),
    age=st.integers(91, 1826),
    values=st.lists(st.floats(0.1, 80, **finite), min_size=2, max_size=20),
)
def test_z_rises_with_the_measurement(sex, age, values):
    y = np.sort(np.array(values))
    r = anthro_zscores(sex, age, weight_kg=y, headc_cm=y, armc_cm=y, triskin_mm=y, subskin_mm=y,
                       rounded=False)  # fmt: skip
    for col in ("zwei", "zhc", "zac", "zts", "zss"):
        z = r[col]
        assert (np.diff(z) >= 0).all(), col


@settings(max_examples=40, deadline=None)
@given(st.lists(child, min_size=1, max_size=10), st.sampled_from(
    ["weight_kg", "lenhei_cm", "headc_cm", "armc_cm", "triskin_mm", "subskin_mm", "sex"]))
def test_missing_in_gives_missing_out(children, blank):
    cols = _columns(children)
    cols[blank] = np.full(len(children), NAN)
    r = anthro_zscores(**cols)
    depends = {
        "weight_kg": ["zwei", "zwfl", "zbmi", "cbmi"], "lenhei_cm": ["zlen", "zwfl", "zbmi"],
        "headc_cm": ["zhc"], "armc_cm": ["zac"], "triskin_mm": ["zts"], "subskin_mm": ["zss"],
        "sex": Z_COLUMNS,
    }[blank]  # fmt: skip
    for col in depends:
        assert np.isnan(r[col]).all(), col


def test_one_character_codes_take_the_fast_path_with_the_same_meaning():
    """'<U1' arrays are mapped by code point; longer text by its unique values: same result."""
    codes = ["l", "h", "L", "H", "", " l", "x", "é"]
    fast = growth.standardize_measure(np.array(codes[:5] + [""], dtype="<U1"))
    slow = growth.standardize_measure(np.array(codes[:5] + [""], dtype=object))
    assert fast[0].tolist() == slow[0].tolist() == [1, 2, 1, 2, 0, 0]
    assert not fast[1].any()
    assert growth.standardize_measure(np.array(["x", "é"], dtype="<U1"))[1].tolist() == [
        True, True]  # fmt: skip
    assert growth.standardize_oedema(np.array(["y", "1", "n", "2", ""], dtype="<U1"))[
        0].tolist() == [True, True, False, False, False]  # fmt: skip
    assert growth.standardize_sex(np.array(["m", "F", "1", "2", ""], dtype="<U1"))[0][
        :4].tolist() == [1, 2, 1, 2]  # fmt: skip


@pytest.mark.parametrize(
    "given",
    [("weight_kg",), ("lenhei_cm",), ("weight_kg", "lenhei_cm", "headc_cm"), ("armc_cm",),
     ("subskin_mm",), ()],
)  # fmt: skip
def test_indicators_without_input_are_skipped_without_changing_the_others(given):
    rng = np.random.default_rng(4)
    n = 300
    full = dict(
        weight_kg=rng.uniform(3, 20, n), lenhei_cm=rng.uniform(48, 115, n),
        headc_cm=rng.uniform(33, 52, n), armc_cm=rng.uniform(10, 18, n),
        triskin_mm=rng.uniform(4, 15, n), subskin_mm=rng.uniform(3, 12, n),
    )  # fmt: skip
    sex, age = rng.integers(1, 3, n), rng.uniform(91, 1800, n)
    measure = np.where(age < 731, "l", "h")
    everything = anthro_zscores(sex, age, measure=measure, **full)
    partial = anthro_zscores(sex, age, measure=measure, **{k: full[k] for k in given})
    inputs_of = {"zlen": "lenhei_cm", "zwei": "weight_kg", "zhc": "headc_cm", "zac": "armc_cm",
                 "zts": "triskin_mm", "zss": "subskin_mm"}  # fmt: skip
    for zcol, arg in inputs_of.items():
        fcol = growth.ZSCORE_INDICATORS[zcol][1]
        if arg in given:
            assert_array_equal(partial[zcol], everything[zcol])
            assert_array_equal(partial[fcol], everything[fcol])
        else:
            assert np.isnan(partial[zcol]).all() and np.isnan(partial[fcol]).all(), zcol
