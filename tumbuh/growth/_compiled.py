"""The compiled engine of ``anthro_zscores``: the per-row work fused into numba kernels.

Imported only when the compiled engine is used (``numba`` is the optional extra ``fast``); the
NumPy code in ``zscores.py`` is the reference and this module must give the same doubles,
bit for bit (tests compare both engines on large random inputs and on the golden files).

How exactness is kept:

* the arithmetic is written in the NumPy engine's operation order, one IEEE operation for
  each NumPy operation; numba compiles without ``fastmath``, so LLVM neither reorders nor
  fuses (no FMA contraction) nor drops the ``+ 0.0`` that turns -0 into 0;
* every power is NumPy's own ``np.power``, called between the kernels on cache-sized buffers.
  ``np.power`` is not the C library's ``pow`` (with AVX-512 NumPy uses a vectorised one that
  differs from glibc in the last bit for ~5 % of inputs), and LLVM's ``pow`` would be glibc's,
  so computing powers inside the kernels would drift from the reference;
* the tables are the NumPy engine's own packed arrays (``tables.packed_age_params`` and
  ``tables.packed_length_params``), indexed the same way.

Per block of rows: ``_prepare`` does ages, the 9-month rule, the 0.7 cm correction, BMI, the
table look-ups (with the weight-for-length interpolation), the plain LMS z-scores (length and
head circumference, L = 1) and the ratios ``y / M`` of the six skewed indicators;
``np.power`` raises them to ``L``; ``_finish`` completes the LMS z-scores, rounds and flags them
and lists the few beyond ±3 SD; for those ``np.power`` gives the SD curves and ``_restricted``
applies WHO's restricted LMS. ``clean_codes`` checks the usual input types in one compiled pass
each; anything else, and every bad value, goes through ``_validation`` as in the NumPy engine.
"""

from __future__ import annotations

import math
from functools import cache

import numba
import numpy as np

from . import _validation, zscores
from .tables import N_AGE_DAYS, packed_age_params, packed_length_params

#: No fastmath (exactness), NumPy's error model (x / 0 is inf or NaN, as in NumPy), on-disk
#: cache so that only the first process on a machine compiles.
_jit = numba.njit(cache=True, fastmath=False, error_model="numpy", nogil=True)
#: Small helpers, inlined by numba (scalars only: an array argument would cost two
#: atomic reference-count operations per call, and stop LLVM from vectorising the loop).
_inline = numba.njit(cache=True, fastmath=False, error_model="numpy", inline="always")

DAYS_PER_MONTH = zscores.DAYS_PER_MONTH
#: Rows per block: the kernel buffers (5 x 6 rows x block) stay in the L2 cache.
BLOCK_ROWS = 2048
#: Output rows of the (20, n) block, as in zscores._NUMERIC_COLUMNS.
_CLENHEI, _C9MO, _CBMI, _CSEX, _Z0 = 0, 1, 2, 3, 4
#: Flag thresholds per z-score (anthro's order): flagged when rounded z < low or > high.
_FLAG_LOW = np.ascontiguousarray(zscores._FLAG_LOW[:, 0])
_FLAG_HIGH = np.ascontiguousarray(zscores._FLAG_HIGH[:, 0])
#: z-scores with a skewed L (a power, and the restricted LMS beyond ±3 SD), anthro's order.
POWER_ROWS = (1, 2, 3, 5, 6, 7)
_NAN_AGE_ROW = 2 * N_AGE_DAYS
_CODE_L, _CODE_H = ord("l"), ord("h")
#: |100 z - rint(100 z)| beyond this: near a rounding tie, redone with R's exact rule.
_NEAR_HALF = 0.5 - 1e-6


@_inline
def _round2_r(x):
    """R's ``fround`` for digits = 2 (lms._round2_r, one value)."""
    ax = abs(x)
    x10 = ax * 100.0
    i10 = np.floor(x10)
    xd = i10 / 100.0
    xu = np.ceil(x10) / 100.0
    du = xu - ax
    dd = ax - xd
    up = (du < dd) or ((du == dd) and (np.fmod(i10, 2.0) == 1.0))
    return math.copysign(xu if up else xd, x)


@_inline
def _round_z(z):
    """lms._round_z of one value."""
    x10 = z * 100.0
    r = np.rint(x10)
    if abs(x10 - r) > _NEAR_HALF:
        return _round2_r(z) + 0.0
    return r / 100.0 + 0.0


@_inline
def _flag(r, low, high):
    """The flag of a rounded z: NaN when missing, else 1.0 outside [low, high], else 0.0."""
    if r != r:
        return np.nan
    return 1.0 if (r < low) | (r > high) else 0.0


# Helpers take scalars only: an array argument costs two atomic reference-count operations
# per call, even inlined. The main loops are written so that LLVM vectorises them (no calls,
# no early exits, one-dimensional views): the common case -- rint(100 z) / 100 -- is computed
# for every value, and the rare ones (within 1e-6 of a rounding tie, or beyond ±3 SD) are
# marked in ``special`` and redone by a scalar loop afterwards.


@_inline
def _z_out(z, restricted, rounded, low, high):
    """The vectorisable part of rounding and flagging one z (see the comment above).

    Returns (value to store, flag, special).
    """
    x10 = z * 100.0
    r = np.rint(x10)
    res = r / 100.0 + 0.0  # + 0.0: -0 -> 0
    flag = np.nan if res != res else (1.0 if (res < low) | (res > high) else 0.0)
    special = (abs(x10 - r) > _NEAR_HALF) | (restricted & (abs(z) > 3.0))
    return (res if rounded else z), flag, special


@_jit
def _prepare(
    start, stop, csex, age, age_in_months, meas, oed, weight, lenhei, headc, armc, triskin,
    subskin, active, slot_of, age_params, len_params, len_geom, out, cmeasure, rounded, low,
    high, power, lbuf, mbuf, sbuf, ybuf, days, months, table_row, up_row, mcode, zkeep,
    special,
):  # fmt: skip
    """Rows start:stop up to the power of the six skewed indicators (see the module doc).

    One pass for the cleaned columns, then one pass per z-score, so that each pass streams
    through a few arrays only. ``len_geom`` = (wfl first key, wfl rows per sex, wfl base, wfl
    min cm, wfl max cm, the same five for wfh, the NaN column). ``power`` ... ``ybuf`` are
    (slots, BLOCK_ROWS), ``days`` ... ``special`` (BLOCK_ROWS,) scratch; column = row - start.
    """
    w = stop - start
    sex_v = csex[start:stop]
    oed_v = oed[start:stop]
    weight_v = weight[start:stop]
    clenhei = out[_CLENHEI, start:stop]
    cbmi = out[_CBMI, start:stop]
    # §2, §3: age rounded half-up, the 9-month rule; sex; the age-keyed table row (§6)
    age_v = age[start:stop]
    meas_v = meas[start:stop]
    csex_out = out[_CSEX, start:stop]
    c9mo = out[_C9MO, start:stop]
    cmeas_v = cmeasure[start:stop]
    for c in range(w):
        sx = sex_v[c]
        a = age_v[c]
        if age_in_months:
            t = a * DAYS_PER_MONTH
            age_mo = a
        else:
            t = a
            age_mo = a / DAYS_PER_MONTH
        fl = np.floor(t)
        age_days = fl + 1.0 if t - fl >= 0.5 else fl
        days[c] = age_days
        months[c] = age_mo
        csex_out[c] = sx
        m = meas_v[c]
        implausible = (m == 2) & (age_mo < 9.0)
        m = 0 if implausible else m
        c9mo[c] = 1.0 if implausible else 0.0
        mcode[c] = m
        cmeas_v[c] = _CODE_L if m == 1 else (_CODE_H if m == 2 else 0)
        ok = (age_mo < 60.0) & (age_days <= N_AGE_DAYS - 1) & (sx == sx)
        key = (sx - 1.0) * N_AGE_DAYS + age_days
        table_row[c] = int(key) if ok else _NAN_AGE_ROW
    # §3: the 0.7 cm correction; §4: BMI
    lenhei_v = lenhei[start:stop]
    for c in range(w):
        age_days = days[c]
        m = mcode[c]
        lh = lenhei_v[c]
        if (age_days < 731.0) & (m == 2):
            clh = lh + 0.7
        elif (age_days >= 731.0) & (m == 1):
            clh = lh - 0.7
        else:
            clh = lh
        clenhei[c] = clh
        b = clh / 100.0
        b = b * b
        cbmi[c] = weight_v[c] / b
    # §5, §6: the age-keyed z-scores
    for j in range(8):
        if j == 2:
            continue
        zrow = out[_Z0 + 2 * j, start:stop]
        frow = out[_Z0 + 2 * j + 1, start:stop]
        if not active[j]:
            zrow[:] = np.nan
            frow[:] = np.nan
            continue
        if j == 0:
            src = clenhei
        elif j == 1:
            src = weight_v
        elif j == 3:
            src = cbmi
        elif j == 4:
            src = headc[start:stop]
        elif j == 5:
            src = armc[start:stop]
        elif j == 6:
            src = triskin[start:stop]
        else:
            src = subskin[start:stop]
        table = age_params[j]
        lo_j = low[j]
        hi_j = high[j]
        # The look-ups first (a gather loop), then the arithmetic (a vectorised loop).
        s = slot_of[j] if slot_of[j] >= 0 else power.shape[0] - 1  # the last: scratch
        p_s, l_s, m_s, s_s, y_s = power[s], lbuf[s], mbuf[s], sbuf[s], ybuf[s]
        for c in range(w):
            row = table_row[c]
            l_s[c] = table[row, 0]
            m_s[c] = table[row, 1]
            s_s[c] = table[row, 2]
        if j == 0 or j == 4:
            # L = 1: (y/M)^1 is y/M, no power (as in the NumPy engine); never restricted
            for c in range(w):
                y = src[c]
                y = np.nan if y <= 0.0 else y
                z = (y / m_s[c] - 1.0) / (s_s[c] * l_s[c])
                zkeep[c] = z
                zrow[c], frow[c], special[c] = _z_out(z, False, rounded, lo_j, hi_j)
            for c in range(w):
                if special[c]:
                    r = _round_z(zkeep[c])
                    zrow[c] = r if rounded else zkeep[c]
                    frow[c] = _flag(r, lo_j, hi_j)
        else:
            weight_based = (j == 1) | (j == 3)
            for c in range(w):
                y = src[c]
                y = np.nan if (y <= 0.0) | (weight_based & oed_v[c]) else y
                p_s[c] = y / m_s[c]
                y_s[c] = y
    # §7: weight-for-length/height, L M S interpolated on the 0.1 cm grid
    if not active[2]:
        out[_Z0 + 4, start:stop] = np.nan
        out[_Z0 + 5, start:stop] = np.nan
        return
    wfl_first, wfl_keys, wfl_base = int(len_geom[0]), int(len_geom[1]), int(len_geom[2])
    wfl_min, wfl_max = len_geom[3], len_geom[4]
    wfh_first, wfh_keys, wfh_base = int(len_geom[5]), int(len_geom[6]), int(len_geom[7])
    wfh_min, wfh_max = len_geom[8], len_geom[9]
    len_nan = int(len_geom[10])
    s = slot_of[2]
    p_s, l_s, m_s, s_s, y_s = power[s], lbuf[s], mbuf[s], sbuf[s], ybuf[s]
    lo_row = table_row  # scratch from here on
    for c in range(w):  # the table rows, without branches (the choice of table is random)
        age_days = days[c]
        m = mcode[c]
        clh = clenhei[c]
        sx = sex_v[c]
        wt = weight_v[c]
        has_age = age_days == age_days
        use_l = (has_age & (age_days < 731.0)) | (
            ~has_age & ((m == 1) | ((m == 0) & (clh < 87.0)))
        )
        in_range = (clh >= (wfl_min if use_l else wfh_min)) & (
            clh <= (wfl_max if use_l else wfh_max)
        )
        # Weight <= 0 is not refused here (anthro does not either).
        valid = in_range & (sx == sx) & ~oed_v[c] & (wt == wt) & (~has_age | (months[c] < 60.0))
        x10 = clh * 10.0
        low_key = np.trunc(x10)
        diff = (clh - low_key / 10.0) / 0.1
        step = np.trunc(x10 + 1.0) - low_key
        base = wfl_base - wfl_first if use_l else wfh_base - wfh_first
        keys = wfl_keys if use_l else wfh_keys
        lo = base + int(sx - 1.0) * keys + int(low_key) if valid else len_nan
        lo_row[c] = lo
        up_row[c] = lo + (int(step) if valid & (diff > 0.0) else 0)
        y_s[c] = diff
    for c in range(w):  # L, M, S interpolated on the 0.1 cm grid
        lo = lo_row[c]
        up = up_row[c]
        diff = y_s[c]
        p = len_params[lo, 0]
        l_s[c] = p + (len_params[up, 0] - p) * diff
        p = len_params[lo, 1]
        m_s[c] = p + (len_params[up, 1] - p) * diff
        p = len_params[lo, 2]
        s_s[c] = p + (len_params[up, 2] - p) * diff
    for c in range(w):
        wt = weight_v[c]
        p_s[c] = wt / m_s[c]
        y_s[c] = wt


@_jit
def _finish(
    start, stop, slots, power, lbuf, sbuf, out, rounded, low, high, special, hit_at, hit_sign,
    base3, base2, inv_l,
):  # fmt: skip
    """LMS z of the skewed rows from ``power`` = (y/M)^L; returns the number beyond ±3 SD.

    Those are listed (``hit_at`` = slot * BLOCK_ROWS + column) with the bases and exponent of
    their SD curves ``M * (1 + L*S*k)^(1/L)``, k = ±3 and ±2, for ``np.power``.
    """
    w = stop - start
    h = 0
    for s in range(slots.shape[0]):
        j = slots[s]
        zrow = out[_Z0 + 2 * j, start:stop]
        frow = out[_Z0 + 2 * j + 1, start:stop]
        p_s, l_s, s_s = power[s], lbuf[s], sbuf[s]
        lo_j = low[j]
        hi_j = high[j]
        for c in range(w):
            z = (p_s[c] - 1.0) / (s_s[c] * l_s[c])
            p_s[c] = z
            zrow[c], frow[c], special[c] = _z_out(z, True, rounded, lo_j, hi_j)
        for c in range(w):
            if special[c]:
                z = p_s[c]
                if abs(z) > 3.0:
                    sign = 1.0 if z > 0.0 else -1.0
                    ls = l_s[c] * s_s[c]
                    hit_at[h] = s * BLOCK_ROWS + c
                    hit_sign[h] = sign
                    base3[h] = 1.0 + ls * (3.0 * sign)
                    base2[h] = 1.0 + ls * (2.0 * sign)
                    inv_l[h] = 1.0 / l_s[c]
                    h += 1
                else:
                    r = _round_z(z)
                    zrow[c] = r if rounded else z
                    frow[c] = _flag(r, lo_j, hi_j)
    return h


@_jit
def _restricted(
    start, n_hits, slots, hit_at, hit_sign, pow3, pow2, mbuf, ybuf, out, rounded, low, high
):
    """WHO's restricted LMS for the listed values (zscores._restrict, value by value)."""
    for h in range(n_hits):
        s = hit_at[h] // BLOCK_ROWS
        c = hit_at[h] - s * BLOCK_ROWS
        mu = mbuf[s, c]
        y = ybuf[s, c]
        sd3 = mu * pow3[h]
        sd2 = mu * pow2[h]
        if hit_sign[h] > 0:
            z = 3.0 + (y - sd3) / (sd3 - sd2)
        else:
            z = -3.0 + (y - sd3) / (sd2 - sd3)
        j = slots[s]
        r = _round_z(z)
        out[_Z0 + 2 * j, start + c] = r if rounded else z
        out[_Z0 + 2 * j + 1, start + c] = _flag(r, low[j], high[j])


@cache
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The NumPy engine's packed tables with L, M, S side by side (one cache line per look-up).

    Returns (age-keyed (8 z-scores, 2*1827+1 rows, 4), length-keyed (rows + 1, 4), geometry
    of the length tables as _prepare reads it). The doubles are the same, only the layout
    differs.
    """
    age = packed_age_params().params.reshape(3, 8, -1)
    age4 = np.full((8, age.shape[2], 4), np.nan)
    age4[..., :3] = age.transpose(1, 2, 0)
    packed = packed_length_params()
    len4 = np.full((packed.params.shape[1], 4), np.nan)
    len4[:, :3] = packed.params.T
    geom = []
    for code in ("wfl", "wfh"):
        t = packed.tables[code]
        geom += [t.first_key, t.n_keys, packed.base[code], t.min_cm, t.max_cm]
    geom.append(packed.nan_row)
    return age4, len4, np.array(geom, dtype=np.float64)


@_jit
def _sex_invalid(values):
    """True when a value is neither 1, 2 nor NaN (as _validation.standardize_sex judges)."""
    invalid = False
    for i in range(values.shape[0]):  # no early exit, no branches: vectorised
        x = values[i]
        invalid |= (x != 1.0) & (x != 2.0) & (x == x)
    return invalid


@_jit
def _map_code_points(code_points, values, bad, out):
    """One-character codes through _validation's ASCII tables; True when one is invalid."""
    invalid = False
    for i in range(code_points.shape[0]):
        cp = code_points[i]
        ascii_ = cp < 128
        k = cp if ascii_ else 0
        out[i] = values[k]
        invalid |= bad[k] | ~ascii_
    return invalid


def _plain(a, n: int, dtype: str | None = None) -> bool:
    return (
        isinstance(a, np.ndarray) and a.ndim == 1 and a.shape[0] == n
        and a.flags.c_contiguous and a.flags.writeable and (dtype is None or a.dtype == dtype)
    )  # fmt: skip


def _text_codes(values, n: int, mapping: dict, missing, dtype):
    """_validation._map_text for a '<U1' array, or None for other input (or a bad code)."""
    if values is None:
        return np.full(n, missing, dtype=dtype)
    if not _plain(values, n, "<U1"):
        return None
    table, bad = _validation._ascii_table(mapping, missing, dtype)
    out = np.empty(n, dtype=dtype)
    if _map_code_points(values.view(np.uint32), table, bad, out):
        return None
    return out


def clean_codes(sex, measure, oedema, n: int):
    """(sex, measure, oedema) cleaned as in zscores._clean_codes, for the usual input types.

    Sex as float64 1/2/NaN and measure and oedema as one-character text ('<U1') or None are
    checked in one compiled pass each; anything else, or a bad value, returns None and the
    caller uses _validation (which also words the error).
    """
    if not _plain(sex, n, "float64") or _sex_invalid(sex):
        return None
    meas = _text_codes(measure, n, _validation._MEASURE_CODES, 0, np.int8)
    if meas is None:
        return None
    if _plain(oedema, n, "bool"):
        oed = oedema
    else:
        oed = _text_codes(oedema, n, _validation._OEDEMA_CODES, False, np.bool_)
    if oed is None:
        return None
    return sex, meas, oed


def _contiguous(a: np.ndarray, dtype) -> np.ndarray:
    """A C-contiguous, writeable array (so numba compiles one specialisation per kernel)."""
    a = np.ascontiguousarray(a, dtype=dtype)
    return a if a.flags.writeable else a.copy()


def fill(csex, age, age_in_months, meas, oed, inputs, rounded, block, cmeasure, active) -> None:
    """Fill ``block`` (20, n) and ``cmeasure`` (n, '<U1') as zscores._compute does.

    ``inputs`` maps weight, lenhei, headc, armc, triskin, subskin to float64 arrays;
    ``active[j]`` says whether z-score j (anthro's order) is computed (else NaN).
    """
    n = csex.shape[0]
    age_params, len_params, len_geom = _tables()
    active = np.asarray(active, dtype=np.bool_)
    slots = np.array([j for j in POWER_ROWS if active[j]], dtype=np.int64)
    n_slots = slots.shape[0]
    slot_of = np.full(8, -1, dtype=np.int64)
    slot_of[slots] = np.arange(n_slots)
    # One row per skewed z-score, plus one of scratch for the plain ones.
    power, lam, mu, sig, y = (np.empty((n_slots + 1, BLOCK_ROWS)) for _ in range(5))
    days, months = np.empty(BLOCK_ROWS), np.empty(BLOCK_ROWS)
    table_row, up_row = (np.empty(BLOCK_ROWS, dtype=np.int64) for _ in range(2))
    mcode = np.empty(BLOCK_ROWS, dtype=np.int8)
    zkeep = np.empty(BLOCK_ROWS)
    special = np.empty(BLOCK_ROWS, dtype=np.bool_)
    cap = max(n_slots, 1) * BLOCK_ROWS
    hit_at = np.empty(cap, dtype=np.int64)
    hit_sign, base3, base2, inv_l = (np.empty(cap) for _ in range(4))
    arrays = [_contiguous(inputs[name], np.float64)
              for name in ("weight", "lenhei", "headc", "armc", "triskin", "subskin")]  # fmt: skip
    csex = _contiguous(csex, np.float64)
    age = _contiguous(age, np.float64)
    meas = _contiguous(meas, np.int8)
    oed = _contiguous(oed, np.bool_)
    code_points = cmeasure.view(np.uint32)
    age_in_months, rounded = bool(age_in_months), bool(rounded)
    with np.errstate(all="ignore"):
        for start in range(0, n, BLOCK_ROWS):
            stop = min(start + BLOCK_ROWS, n)
            w = stop - start
            _prepare(
                start, stop, csex, age, age_in_months, meas, oed, *arrays, active, slot_of,
                age_params, len_params, len_geom, block, code_points, rounded, _FLAG_LOW,
                _FLAG_HIGH, power, lam, mu, sig, y, days, months, table_row, up_row, mcode,
                zkeep, special,
            )  # fmt: skip
            if not n_slots:
                continue
            p = power[:n_slots, :w]  # contiguous but for the last block
            np.power(p, lam[:n_slots, :w], out=p)
            hits = _finish(
                start, stop, slots, power, lam, sig, block, rounded, _FLAG_LOW, _FLAG_HIGH,
                special, hit_at, hit_sign, base3, base2, inv_l,
            )  # fmt: skip
            if hits:
                pow3 = np.power(base3[:hits], inv_l[:hits])
                pow2 = np.power(base2[:hits], inv_l[:hits])
                _restricted(
                    start, hits, slots, hit_at, hit_sign, pow3, pow2, mu, y, block, rounded,
                    _FLAG_LOW, _FLAG_HIGH,
                )  # fmt: skip
