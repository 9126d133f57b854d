"""WHO Child Growth Standards z-scores, reproducing WHO anthro's ``anthro_zscores`` exactly.

The rules are those of ``docs/who-zscore-method.md`` (sections 1-10); comments cite them as §n.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import _validation as v
from .lms import lms_z, restrict_with_lms, restrict_with_table_rows, round_z
from .tables import (
    AGE_TABLE_FILES,
    N_AGE_DAYS,
    age_table,
    packed_age_params,
    packed_length_params,
)

#: One month in days (§2).
DAYS_PER_MONTH = 30.4375

#: anthro's output columns, in its order (§10).
ANTHRO_COLUMNS = (
    "clenhei", "cmeasure", "c9mo_flag", "cbmi", "csex",
    "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi",
    "zhc", "fhc", "zac", "fac", "zts", "fts", "zss", "fss",
)  # fmt: skip

#: Output columns that hold whole numbers (NaN = missing); writers print them as integers.
INTEGER_COLUMNS = ("c9mo_flag", "csex", "flen", "fwei", "fwfl", "fbmi", "fhc", "fac", "fts", "fss")

#: z-score column -> (indicator code, flag column). Indicator codes follow WHO (wfa, lhfa, ...).
ZSCORE_INDICATORS = {
    "zlen": ("lhfa", "flen"),
    "zwei": ("wfa", "fwei"),
    "zwfl": ("wfl", "fwfl"),
    "zbmi": ("bfa", "fbmi"),
    "zhc": ("hcfa", "fhc"),
    "zac": ("acfa", "fac"),
    "zts": ("tsfa", "fts"),
    "zss": ("ssfa", "fss"),
}

# (z column, table, input, restricted LMS, blanked by oedema, flag low, flag high) — §6, §8
_AGE_BASED = (
    ("zlen", "lhfa", "clenhei", False, False, -6.0, 6.0),
    ("zwei", "wfa", "weight", True, True, -6.0, 5.0),
    ("zbmi", "bfa", "cbmi", True, True, -5.0, 5.0),
    ("zhc", "hcfa", "headc", False, False, -5.0, 5.0),
    ("zac", "acfa", "armc", True, False, -5.0, 5.0),
    ("zts", "tsfa", "triskin", True, False, -5.0, 5.0),
    ("zss", "ssfa", "subskin", True, False, -5.0, 5.0),
)
_WFL_FLAG = 5.0
#: Rows per block for large inputs (keeps the temporaries in the CPU cache).
_CHUNK_ROWS = 8192
_MEASURE_TEXT = np.array(["", "l", "h"])


def round_half_up(x: np.ndarray) -> np.ndarray:
    """anthro's ``round_up``: ``floor(x) + 1`` when the fraction is >= 0.5 (§2). NaN stays NaN."""
    fl = np.floor(x)
    with np.errstate(invalid="ignore"):
        return np.where(x - fl >= 0.5, fl + 1, fl)


def anthro_zscores(
    sex,
    age=None,
    *,
    age_in_months: bool = False,
    weight_kg=None,
    lenhei_cm=None,
    measure=None,
    oedema=None,
    headc_cm=None,
    armc_cm=None,
    triskin_mm=None,
    subskin_mm=None,
    rounded: bool = True,
) -> dict[str, np.ndarray]:
    """Compute every output of WHO anthro's ``anthro_zscores`` in one vectorised pass.

    Parameters
    ----------
    sex : array-like of shape (n,) or scalar
        1 or "m"/"M" for boys, 2 or "f"/"F" for girls (numbers or text, whitespace ignored);
        None/NaN/"" = missing (that row gets no z-score).
    age : array-like of shape (n,) or scalar, optional
        Age in days (``age_in_months=False``) or in months; NaN = missing; must be >= 0.
    age_in_months : bool, default False
        Read ``age`` as months (one month = 30.4375 days).
    weight_kg, lenhei_cm, headc_cm, armc_cm : array-like, optional
        Measurements in kg and cm; NaN = missing.
    triskin_mm, subskin_mm : array-like, optional
        Skinfolds in mm.
    measure : array-like of "l"/"L"/"h"/"H", optional
        Recumbent length or standing height; missing allowed.
    oedema : array-like, optional
        "y"/"Y"/1 for bilateral oedema, "n"/"N"/2 or missing for none.
    rounded : bool, default True
        Round z-scores to 2 decimals like R's ``round(z, 2)``. With False the unrounded z-scores
        are returned; the flags are always judged on the rounded values, as anthro does.

    Returns
    -------
    dict of str to ndarray of shape (n,)
        Keys in ``ANTHRO_COLUMNS`` order. Numbers are float64 with NaN for missing (flags,
        ``csex`` and ``c9mo_flag`` hold whole numbers); ``cmeasure`` is a str array holding
        "l", "h" or "" (missing). z-scores range over the reals (beyond ±3 SD by WHO's
        restricted LMS for weight-based and arm/skinfold indicators).

    Raises
    ------
    ValueError
        For an unknown sex, measure or oedema code, a negative age, non-numeric measurements or
        inputs of different lengths; the message names the input, the index and the value.

    Examples
    --------
    >>> r = anthro_zscores(1, 185, weight_kg=5.4, lenhei_cm=62, measure="l")
    >>> [float(r[k][0]) for k in ("zlen", "zwei", "zwfl", "zbmi")]
    [-2.68, -3.43, -2.36, -2.61]
    """
    n = v.common_length(
        sex=sex, age=age, weight_kg=weight_kg, lenhei_cm=lenhei_cm, measure=measure,
        oedema=oedema, headc_cm=headc_cm, armc_cm=armc_cm, triskin_mm=triskin_mm,
        subskin_mm=subskin_mm,
    )  # fmt: skip
    # --- §1: validate and clean -------------------------------------------------------------
    csex, bad = v.standardize_sex(sex, n)
    if bad.any():
        raise v.first_bad("sex", sex, bad)
    meas, bad = v.standardize_measure(measure, n)
    if bad.any():
        raise v.first_bad("measure", measure, bad)
    oed, bad = v.standardize_oedema(oedema, n)
    if bad.any():
        raise v.first_bad("oedema", oedema, bad)
    age = v.as_float_array(age, "age", n)
    with np.errstate(invalid="ignore"):
        negative = age < 0
    if negative.any():
        i = int(np.flatnonzero(negative)[0])
        raise ValueError(f"age must be >= 0; got {age[i].item()!r} at index {i}")
    inputs = {
        "weight": v.as_float_array(weight_kg, "weight_kg", n),
        "lenhei": v.as_float_array(lenhei_cm, "lenhei_cm", n),
        "headc": v.as_float_array(headc_cm, "headc_cm", n),
        "armc": v.as_float_array(armc_cm, "armc_cm", n),
        "triskin": v.as_float_array(triskin_mm, "triskin_mm", n),
        "subskin": v.as_float_array(subskin_mm, "subskin_mm", n),
    }
    out = {k: np.empty(n, dtype=np.float64) for k in ANTHRO_COLUMNS if k != "cmeasure"}
    cmeasure = np.empty(n, dtype=np.int8)
    # Large inputs go through in cache-sized blocks: the same arithmetic, fewer memory stalls.
    for start in range(0, n, _CHUNK_ROWS):
        sl = slice(start, start + _CHUNK_ROWS)
        _compute(
            csex[sl], age[sl], age_in_months, meas[sl], oed[sl],
            {k: a[sl] for k, a in inputs.items()}, rounded,
            {k: a[sl] for k, a in out.items()}, cmeasure[sl],
        )  # fmt: skip
    out["cmeasure"] = _MEASURE_TEXT[cmeasure]
    return {k: out[k] for k in ANTHRO_COLUMNS}


def _compute(csex, age, age_in_months, meas, oed, inputs, rounded, out, cmeasure) -> None:
    """Fill the ``out`` views (one block of rows) with every anthro column but cmeasure."""
    n = csex.shape[0]
    # --- §2: age ------------------------------------------------------------------------------
    if age_in_months:
        age_days = round_half_up(age * DAYS_PER_MONTH)
        age_mo = age
    else:
        age_days = round_half_up(age)
        age_mo = age / DAYS_PER_MONTH
    out["csex"][:] = csex

    # --- §3: standing under 9 months, then the 0.7 cm correction -------------------------------
    with np.errstate(invalid="ignore"):
        implausible = (meas == 2) & (age_mo < 9)
        meas = np.where(implausible, np.int8(0), meas)
        under_2y = age_days < 731  # NaN compares False
        over_2y = age_days >= 731
    cmeasure[:] = meas
    out["c9mo_flag"][:] = implausible
    lenhei = inputs["lenhei"]
    clenhei = out["clenhei"]
    clenhei[:] = lenhei
    add = np.flatnonzero(under_2y & (meas == 2))
    clenhei[add] = lenhei[add] + 0.7
    sub = np.flatnonzero(over_2y & (meas == 1))
    clenhei[sub] = lenhei[sub] - 0.7
    # --- §4: BMI --------------------------------------------------------------------------------
    weight = inputs["weight"]
    cbmi = out["cbmi"]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        np.divide(clenhei, 100, out=cbmi)
        np.multiply(cbmi, cbmi, out=cbmi)
        np.divide(weight, cbmi, out=cbmi)

    # --- §6: age-based indicators --------------------------------------------------------------
    with np.errstate(invalid="ignore"):
        age_ok = (age_mo < 60) & (age_days <= N_AGE_DAYS - 1) & ~np.isnan(csex)  # NaN -> False
    rows = np.full(n, 2 * N_AGE_DAYS, dtype=np.intp)  # the all-NaN row
    ok = np.flatnonzero(age_ok)
    rows[ok] = ((csex[ok] - 1) * N_AGE_DAYS + age_days[ok]).astype(np.intp)
    measurements = dict(inputs, clenhei=clenhei, cbmi=cbmi)

    packed = packed_age_params()
    gathered = packed.params.take(rows, axis=1)  # every L, M, S for every row, in one gather
    for zcol, code, src, restricted, oedema_blanks, lo, hi in _AGE_BASED:
        table = age_table(AGE_TABLE_FILES[code])
        y = measurements[src]
        with np.errstate(invalid="ignore"):
            not_positive = y <= 0
        if oedema_blanks:
            not_positive |= oed
        if not_positive.any():  # a measurement <= 0 (or oedema) gives no z-score
            y = y.copy()
            y[not_positive] = np.nan
        at = packed.layout[code]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if table.l_is_one:  # (y/M)^1 is y/M and S*1 is S, bit for bit
                z = y / gathered[at]
                z -= 1
                z /= gathered[at + 1]
            else:
                z = lms_z(y, gathered[at], gathered[at + 1], gathered[at + 2])
                if restricted:
                    restrict_with_table_rows(z, y, rows, table)
        _round_and_flag(z, rounded, out[zcol], out[ZSCORE_INDICATORS[zcol][1]], lo, hi)

    z = _weight_for_lenhei(weight, clenhei, meas, age_days, age_mo, csex, oed)
    _round_and_flag(z, rounded, out["zwfl"], out["fwfl"], -_WFL_FLAG, _WFL_FLAG)


def _round_and_flag(z, rounded, z_out, f_out, low, high) -> None:
    """§8: round to 2 decimals, then flag on the rounded value (NaN stays NaN)."""
    if rounded:
        zr = round_z(z, out=z_out)
    else:
        zr = round_z(z)
        z_out[:] = z
    with np.errstate(invalid="ignore"):
        np.logical_or(zr < low, zr > high, out=f_out, casting="unsafe")
    nan = np.isnan(zr)
    if nan.any():
        f_out[nan] = np.nan


def _weight_for_lenhei(weight, clenhei, meas, age_days, age_mo, csex, oed):
    """Weight-for-length or weight-for-height z-score, unrounded (§7)."""
    packed = packed_length_params()
    wfl, wfh = packed.tables["wfl"], packed.tables["wfh"]
    has_age = ~np.isnan(age_days)
    no_age = ~has_age
    with np.errstate(invalid="ignore"):
        # Table choice: by age when known; else by the measure; else by the 87 cm rule.
        use_l = (
            (has_age & (age_days < 731))
            | (no_age & (meas == 1))
            | (no_age & (meas == 0) & (clenhei < 87))
        )
        in_range = np.where(
            use_l,
            (clenhei >= wfl.min_cm) & (clenhei <= wfl.max_cm),
            (clenhei >= wfh.min_cm) & (clenhei <= wfh.max_cm),
        )
        # Weight <= 0 is deliberately not filtered here (anthro does not either). Rows with no
        # age, measure or length fail the range test (NaN compares False), so no table is used.
        valid = in_range & ~np.isnan(csex) & ~oed & ~np.isnan(weight) & (no_age | (age_mo < 60))
    # Interpolate between the 0.1 cm grid rows exactly as anthro does (float for float):
    # low = trunc(10x)/10, up = trunc(10x + 1)/10, diff = (x - low)/0.1.
    x10 = clenhei * 10
    low_key = np.trunc(x10)
    diff = (clenhei - low_key / 10) / 0.1
    interp = diff > 0  # NaN -> False
    step = np.trunc(x10 + 1) - low_key  # 1, except in float corner cases
    first = np.where(use_l, wfl.first_key, wfh.first_key)
    n_keys = np.where(use_l, wfl.n_keys, wfh.n_keys)
    base = np.where(use_l, packed.base["wfl"], packed.base["wfh"])
    lo = np.full(clenhei.shape[0], packed.nan_row, dtype=np.intp)
    ok = np.flatnonzero(valid)
    lo[ok] = (base[ok] + (csex[ok] - 1) * n_keys[ok] + low_key[ok] - first[ok]).astype(np.intp)
    # Without interpolation the upper row is the lower one, so X_lo + 0 * (X_up - X_lo) == X_lo.
    up = lo + np.where(interp & valid, step, 0).astype(np.intp)
    p_lo = packed.params.take(lo, axis=1)
    p_up = packed.params.take(up, axis=1)
    p_up -= p_lo
    p_up *= diff
    p_lo += p_up
    l_, m_, s_ = p_lo
    z = lms_z(weight, l_, m_, s_)
    return restrict_with_lms(z, weight, l_, m_, s_)
