"""WHO Child Growth Standards z-scores, reproducing WHO anthro's ``anthro_zscores`` exactly.

The rules are those of ``docs/who-zscore-method.md`` (sections 1-10); comments cite them as §n.
"""

from __future__ import annotations

import os

import numpy as np

from . import _validation as v
from .lms import _round_z
from .tables import (
    N_AGE_DAYS,
    calc_sd,
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

#: Flag thresholds per z row (§8), in anthro's order (zlen, zwei, zwfl, zbmi, zhc, zac, zts,
#: zss): flagged when the rounded z < low or > high (strict).
_FLAG_LOW = np.array([-6.0, -6.0, -5.0, -5.0, -5.0, -5.0, -5.0, -5.0])[:, None]
_FLAG_HIGH = np.array([6.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0])[:, None]
#: Rows of the z block that use the restricted LMS beyond ±3 SD (§5): all but zlen and zhc.
_RESTRICTED_ROWS = (slice(1, 4), slice(5, 8))
#: Numeric output columns (all but cmeasure), stored as rows of one (20, n) array.
_NUMERIC_COLUMNS = tuple(c for c in ANTHRO_COLUMNS if c != "cmeasure")
_ROW = {c: i for i, c in enumerate(_NUMERIC_COLUMNS)}
_Z_ROWS = slice(_ROW["zlen"], _ROW["fss"] + 1, 2)  # zlen, zwei, ... (anthro alternates z, f)
_F_ROWS = slice(_ROW["flen"], _ROW["fss"] + 1, 2)
#: Rows per block for large inputs (keeps the temporaries in the CPU cache).
_CHUNK_ROWS = 8192
_MEASURE_TEXT = np.array(["", "l", "h"])

#: Engines of :func:`anthro_zscores` (docs/growth.md, "Engines").
ENGINES = ("auto", "numpy", "compiled")
#: Environment variable naming the engine when the call does not (docs/configuration.md).
ENGINE_ENV = "TUMBUH_GROWTH_ENGINE"
#: "auto" uses the compiled engine for calls of this many rows or more, and for every call once
#: it is loaded. A process that only ever scores a few children (a web request) keeps the NumPy
#: engine, which needs under a millisecond there, and does not load numba and LLVM (about half
#: a second and 100 MB).
AUTO_MIN_ROWS = 10_000
_compiled_module = None
_compiled_error: Exception | None = None


def compiled_engine():
    """The compiled engine's module (``tumbuh.growth._compiled``), or None without numba.

    The import is attempted once per process; :func:`compiled_engine_error` tells why it
    failed (numba missing, or a numba release that does not support the installed NumPy).
    """
    global _compiled_module, _compiled_error
    if _compiled_module is None and _compiled_error is None:
        try:
            from . import _compiled
        # ImportError: numba absent, or too old or new for this NumPy. RuntimeError: numba
        # finds no writable directory for its cache (set NUMBA_CACHE_DIR).
        except (ImportError, RuntimeError) as exc:
            _compiled_error = exc
        else:
            _compiled_module = _compiled
    return _compiled_module


def compiled_engine_error() -> Exception | None:
    """Why the compiled engine is unavailable (None when it is available)."""
    compiled_engine()
    return _compiled_error


def resolve_engine(engine: str | None = None, n: int = AUTO_MIN_ROWS) -> str:
    """The engine ("numpy" or "compiled") a call of ``n`` rows runs on.

    ``engine`` None means ``$TUMBUH_GROWTH_ENGINE``, and "auto" when that is unset or empty.
    "auto" is "compiled" when numba is installed and either ``n >= AUTO_MIN_ROWS`` or the
    compiled engine is already loaded in this process; else "numpy". Asking for "compiled"
    without numba raises ImportError.
    """
    source = "engine"
    if engine is None:
        engine = os.environ.get(ENGINE_ENV, "").strip().lower() or "auto"
        source = ENGINE_ENV
    if engine not in ENGINES:
        raise ValueError(f"{source} must be one of {', '.join(ENGINES)}; got {engine!r}")
    if engine == "numpy":
        return "numpy"
    if engine == "auto":
        if _compiled_module is None and n < AUTO_MIN_ROWS:
            return "numpy"  # without importing numba
        return "numpy" if compiled_engine() is None else "compiled"
    if compiled_engine() is None:
        raise ImportError(
            "the compiled growth engine needs numba (pip install 'tumbuh[fast]'): "
            f"{_compiled_error}"
        ) from _compiled_error
    return "compiled"


def round_half_up(x: np.ndarray) -> np.ndarray:
    """anthro's ``round_up``: ``floor(x) + 1`` when the fraction is >= 0.5 (§2). NaN stays NaN."""
    fl = np.floor(x)
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
    engine: str | None = None,
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
    engine : {"auto", "numpy", "compiled"}, optional
        "numpy": the vectorised NumPy engine (the reference); "compiled": the same rules fused
        into numba kernels (``pip install 'tumbuh[fast]'``), bit-identical results, about
        2.5 times as fast; "auto": compiled when numba is installed, for calls of at least
        ``AUTO_MIN_ROWS`` rows or once loaded (see :func:`resolve_engine`). Default:
        ``$TUMBUH_GROWTH_ENGINE``, else "auto".

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
        Also for an unknown engine.
    ImportError
        For ``engine="compiled"`` when numba is not installed.

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
    use = resolve_engine(engine, n)
    # --- §1: validate and clean -------------------------------------------------------------
    # The compiled engine checks the usual input types in one pass; anything else, and any
    # bad code (for the error message), goes through _validation.
    codes = compiled_engine().clean_codes(sex, measure, oedema, n) if use == "compiled" else None
    csex, meas, oed = codes or _clean_codes(sex, measure, oedema, n)
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
    block = np.empty((len(_NUMERIC_COLUMNS), n), dtype=np.float64)
    if use == "compiled":
        # A z-score whose measurement was not given is NaN without being computed.
        both = weight_kg is not None and lenhei_cm is not None
        active = [lenhei_cm is not None, weight_kg is not None, both, both,
                  headc_cm is not None, armc_cm is not None, triskin_mm is not None,
                  subskin_mm is not None]  # fmt: skip
        cmeasure_text = np.empty(n, dtype=_MEASURE_TEXT.dtype)
        compiled_engine().fill(
            csex, age, age_in_months, meas, oed, inputs, rounded, block, cmeasure_text, active
        )
        out = {c: block[i] for i, c in enumerate(_NUMERIC_COLUMNS)}
        out["cmeasure"] = cmeasure_text
        return {k: out[k] for k in ANTHRO_COLUMNS}
    # Only the leading z rows whose measurements were given are computed; the others are NaN.
    given = [lenhei_cm, weight_kg, None, None, headc_cm, armc_cm, triskin_mm, subskin_mm]
    k = max((i + 1 for i, value in enumerate(given) if value is not None), default=0)
    if weight_kg is not None or lenhei_cm is not None:
        k = max(k, 4)  # length, weight, weight-for-length and BMI go together
    block[_Z_ROWS][k:] = np.nan
    block[_F_ROWS][k:] = np.nan
    cmeasure = np.empty(n, dtype=np.int8)
    # Large inputs go through in cache-sized blocks: the same arithmetic, fewer memory stalls.
    # NaN, infinities and 0 ** negative are expected (they mean "no z-score"): no warnings.
    with np.errstate(all="ignore"):
        for start in range(0, n, _CHUNK_ROWS):
            sl = slice(start, start + _CHUNK_ROWS)
            _compute(
                csex[sl], age[sl], age_in_months, meas[sl], oed[sl],
                {name: a[sl] for name, a in inputs.items()}, rounded, block[:, sl],
                cmeasure[sl], k,
            )  # fmt: skip
    out = {c: block[i] for i, c in enumerate(_NUMERIC_COLUMNS)}
    out["cmeasure"] = _MEASURE_TEXT[cmeasure]
    return {k: out[k] for k in ANTHRO_COLUMNS}


def _clean_codes(sex, measure, oedema, n):
    """(sex as float 1/2/NaN, measure as int8 0/1/2, oedema as bool); ValueError if bad."""
    csex, bad = v.standardize_sex(sex, n)
    if bad.any():
        raise v.first_bad("sex", sex, bad)
    meas, bad = v.standardize_measure(measure, n)
    if bad.any():
        raise v.first_bad("measure", measure, bad)
    oed, bad = v.standardize_oedema(oedema, n)
    if bad.any():
        raise v.first_bad("oedema", oedema, bad)
    return csex, meas, oed


def _compute(csex, age, age_in_months, meas, oed, inputs, rounded, out, cmeasure, k=8) -> None:
    """Fill ``out`` (a (20, c) view: one row per numeric anthro column) for one block of rows.

    Only the first ``k`` z-scores (anthro's order) are computed; the caller set the rest to NaN.
    """
    n = csex.shape[0]
    row = _ROW
    # --- §2: age ------------------------------------------------------------------------------
    if age_in_months:
        age_days = round_half_up(age * DAYS_PER_MONTH)
        age_mo = age
    else:
        age_days = round_half_up(age)
        age_mo = age / DAYS_PER_MONTH
    out[row["csex"]] = csex

    # --- §3: standing under 9 months, then the 0.7 cm correction -------------------------------
    implausible = (meas == 2) & (age_mo < 9)  # NaN compares False
    meas = np.where(implausible, np.int8(0), meas)
    cmeasure[:] = meas
    out[row["c9mo_flag"]] = implausible
    lenhei = inputs["lenhei"]
    clenhei = out[row["clenhei"]]
    clenhei[:] = lenhei
    add = np.flatnonzero((age_days < 731) & (meas == 2))
    clenhei[add] = lenhei[add] + 0.7
    sub = np.flatnonzero((age_days >= 731) & (meas == 1))
    clenhei[sub] = lenhei[sub] - 0.7
    # --- §4: BMI --------------------------------------------------------------------------------
    weight = inputs["weight"]
    cbmi = out[row["cbmi"]]
    np.divide(clenhei, 100, out=cbmi)
    np.multiply(cbmi, cbmi, out=cbmi)
    np.divide(weight, cbmi, out=cbmi)

    # --- the measurement behind each z-score, one row each (anthro's column order) -------------
    if k == 0:
        return
    sources = (clenhei, weight, weight, cbmi, inputs["headc"], inputs["armc"],
               inputs["triskin"], inputs["subskin"])  # fmt: skip
    y = np.empty((k, n))
    for i in range(k):
        y[i] = sources[i]
    not_positive = y <= 0  # §6: a measurement <= 0 gives no age-based z-score ...
    if k > 2:
        not_positive[2] = False  # ... but weight-for-length/height keeps it (§7)
    if not_positive.any():
        y[not_positive] = np.nan
    if oed.any():
        y[1:4:2, oed] = np.nan  # oedema: no weight-for-age nor BMI-for-age (WFL: its validity)

    # --- §6: L, M, S of every age-based table, gathered in one take ----------------------------
    age_ok = (age_mo < 60) & (age_days <= N_AGE_DAYS - 1) & ~np.isnan(csex)  # NaN -> False
    rows = np.full(n, 2 * N_AGE_DAYS, dtype=np.intp)  # the all-NaN row
    ok = np.flatnonzero(age_ok)
    rows[ok] = ((csex[ok] - 1) * N_AGE_DAYS + age_days[ok]).astype(np.intp)
    lms = packed_age_params(k).params.take(rows, axis=1).reshape(3, k, n)
    # --- §7: weight-for-length/height: L, M, S interpolated by length, into row 2 --------------
    if k > 2:
        _weight_for_lenhei_lms(lms[:, 2], clenhei, meas, age_days, age_mo, csex, oed, weight)

    # --- §5: LMS z-scores, all eight at once ----------------------------------------------------
    l_, m_, s_ = lms
    z = y / m_
    # L is exactly 1 for zlen (row 0) and zhc (row 4), and (y/M)^1 is y/M bit for bit: no power.
    np.power(z[1:4], l_[1:4], out=z[1:4])
    np.power(z[5:], l_[5:], out=z[5:])
    z -= 1
    z /= s_ * l_
    _restrict(z, y, l_, m_, s_)

    # --- §8: round, then flag on the rounded value ----------------------------------------------
    z_out = out[_Z_ROWS][:k]
    if rounded:
        zr = _round_z(z, out=z_out)
    else:
        zr = _round_z(z)
        z_out[...] = z
    flagged = zr < _FLAG_LOW[:k]
    flagged |= zr > _FLAG_HIGH[:k]
    f_out = out[_F_ROWS][:k]
    f_out[...] = flagged
    np.copyto(f_out, np.nan, where=np.isnan(zr))


def _restrict(z, y, l_, m_, s_) -> None:
    """WHO's restricted LMS beyond ±3 SD, in place, on the rows that use it (§5).

    Beyond +3: ``3 + (y - SD3pos) / (SD3pos - SD2pos)``; below -3:
    ``-3 + (y - SD3neg) / (SD2neg - SD3neg)``; exactly ±3 is left alone. Few values lie beyond
    ±3, so the SD curves are evaluated for those only, in anthro's operation order.
    """
    for rows in _RESTRICTED_ROWS:
        zz = z[rows].reshape(-1)  # contiguous rows of a C-ordered block: views
        if not zz.size:
            continue
        hit = np.flatnonzero(np.abs(zz) > 3)
        if not hit.size:
            continue
        zh = zz[hit]
        yh = y[rows].reshape(-1)[hit]
        lh, mh, sh = (p[rows].reshape(-1)[hit] for p in (l_, m_, s_))
        sign = np.where(zh > 0, 1.0, -1.0)
        sd3 = calc_sd(lh, mh, sh, 3 * sign)
        sd2 = calc_sd(lh, mh, sh, 2 * sign)
        # +3 + (y - SD3pos) / (SD3pos - SD2pos), or -3 + (y - SD3neg) / (SD2neg - SD3neg)
        zz[hit] = np.where(sign > 0, 3 + (yh - sd3) / (sd3 - sd2), -3 + (yh - sd3) / (sd2 - sd3))


def _weight_for_lenhei_lms(dest, clenhei, meas, age_days, age_mo, csex, oed, weight) -> None:
    """Fill ``dest`` (3, c) with the L, M, S of weight-for-length or -height (§7).

    Rows with no valid z-score get NaN. L, M and S are interpolated linearly between the 0.1 cm
    grid rows exactly as anthro does it, float for float.
    """
    packed = packed_length_params()
    wfl, wfh = packed.tables["wfl"], packed.tables["wfh"]
    has_age = ~np.isnan(age_days)
    no_age = ~has_age
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
    # Weight <= 0 is deliberately not filtered here (anthro does not either). Rows with no age,
    # measure or length fail the range test (NaN compares False), so no table is used.
    valid = in_range & ~np.isnan(csex) & ~oed & ~np.isnan(weight) & (no_age | (age_mo < 60))
    # low = trunc(10x)/10, up = trunc(10x + 1)/10, diff = (x - low)/0.1, as in anthro.
    x10 = clenhei * 10
    low_key = np.trunc(x10)
    diff = (clenhei - low_key / 10) / 0.1
    step = np.trunc(x10 + 1) - low_key  # 1, except in float corner cases
    first = np.where(use_l, wfl.first_key, wfh.first_key)
    n_keys = np.where(use_l, wfl.n_keys, wfh.n_keys)
    base = np.where(use_l, packed.base["wfl"], packed.base["wfh"])
    lo = np.full(clenhei.shape[0], packed.nan_row, dtype=np.intp)
    ok = np.flatnonzero(valid)
    lo[ok] = (base[ok] + (csex[ok] - 1) * n_keys[ok] + low_key[ok] - first[ok]).astype(np.intp)
    # Without interpolation the upper row is the lower one, so X_lo + 0 * (X_up - X_lo) == X_lo.
    up = lo + np.where(valid & (diff > 0), step, 0).astype(np.intp)
    params = packed.params
    dest[...] = params.take(lo, axis=1)
    upper = params.take(up, axis=1)
    upper -= dest
    upper *= diff
    dest += upper
