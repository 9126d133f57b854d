"""Small kernels: LMS z-scores, the restricted LMS beyond ±3 SD, and R-compatible rounding.

The kernels trust their input (validation happens once, in ``_validation``). The operation
order follows WHO anthro exactly, so results agree to the last bit before rounding.
"""

from __future__ import annotations

import numpy as np

from .tables import calc_sd


def lms_z(y: np.ndarray, l: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray:  # noqa: E741
    """Plain LMS z-score ``((y/M)^L - 1) / (S*L)``; NaN in gives NaN out."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        z = y / m
        np.power(z, l, out=z)
        z -= 1
        z /= s * l
        return z


def restrict_with_table_rows(z, y, rows, table) -> np.ndarray:
    """Restricted LMS for age-keyed tables, whose SD lines are precomputed per table row."""
    with np.errstate(invalid="ignore", divide="ignore"):
        hi = np.flatnonzero(z > 3)
        if hi.size:
            r = rows[hi]
            z[hi] = 3 + (y[hi] - table.sd3pos[r]) / table.sd23pos[r]
        lo = np.flatnonzero(z < -3)
        if lo.size:
            r = rows[lo]
            z[lo] = -3 + (y[lo] - table.sd3neg[r]) / table.sd23neg[r]
    return z


def restrict_with_lms(z, y, l, m, s) -> np.ndarray:  # noqa: E741
    """Restricted LMS where L, M, S vary per row (interpolated weight-for-length/height)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        hi = np.flatnonzero(z > 3)
        if hi.size:
            lh, mh, sh = l[hi], m[hi], s[hi]
            sd3 = calc_sd(lh, mh, sh, 3)
            z[hi] = 3 + (y[hi] - sd3) / (sd3 - calc_sd(lh, mh, sh, 2))
        lo = np.flatnonzero(z < -3)
        if lo.size:
            ll, ml, sl = l[lo], m[lo], s[lo]
            sd3 = calc_sd(ll, ml, sl, -3)
            z[lo] = -3 + (y[lo] - sd3) / (calc_sd(ll, ml, sl, -2) - sd3)
    return z


def round_z(x, out: np.ndarray | None = None) -> np.ndarray:
    """Round to 2 decimals exactly as R's ``round(x, 2)`` (R >= 4.0.0) does.

    R picks, of the two candidates ``floor(100x)/100`` and ``ceil(100x)/100``, the one nearer to
    ``x`` in double arithmetic, and on an exact tie the one with an even last digit. Away from
    ties that is ``rint(100x)/100``; the (rare) values whose ``100x`` lies within 1e-6 of a
    half are redone with R's exact rule.

    >>> round_z([2.675, -4.7865, 0.125, 1.005]).tolist()
    [2.67, -4.79, 0.12, 1.0]
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return round_z(x.reshape(1))[0]
    x10 = x * 100.0
    out = np.rint(x10, out=out)  # NaN and ±Inf pass through unchanged, as in R
    with np.errstate(invalid="ignore"):
        np.subtract(x10, out, out=x10)
        np.abs(x10, out=x10)
        idx = np.flatnonzero(x10 > 0.5 - 1e-6)  # |100x - rint(100x)| is at most 0.5
    out /= 100.0
    if idx.size:
        out[idx] = _round2_r(x[idx])
    out += 0.0  # turns a negative zero into zero
    return out


def _round2_r(x: np.ndarray) -> np.ndarray:
    """R's ``fround`` algorithm for digits = 2, on finite values."""
    ax = np.abs(x)
    x10 = ax * 100.0
    i10 = np.floor(x10)
    xd = i10 / 100.0
    xu = np.ceil(x10) / 100.0
    du = xu - ax
    dd = ax - xd
    up = (du < dd) | ((du == dd) & (np.fmod(i10, 2.0) == 1))
    return np.copysign(np.where(up, xu, xd), x)
