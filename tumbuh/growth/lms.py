"""Small kernels: LMS z-scores, the restricted LMS beyond ±3 SD, and R-compatible rounding.

The kernels run inside the caller's ``np.errstate(all="ignore")``: NaN and infinities are
expected values here (they mean "no z-score").

The kernels trust their input (validation happens once, in ``_validation``). The operation
order follows WHO anthro exactly, so results agree to the last bit before rounding.
"""

from __future__ import annotations

import numpy as np


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
    with np.errstate(invalid="ignore"):
        return _round_z(x, out)


def _round_z(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """round_z for the engine's hot path (runs inside the caller's errstate)."""
    x10 = x * 100.0
    out = np.rint(x10, out=out)  # NaN and ±Inf pass through unchanged, as in R
    np.subtract(x10, out, out=x10)
    np.abs(x10, out=x10)
    idx = np.nonzero(x10 > 0.5 - 1e-6)  # |100x - rint(100x)| is at most 0.5
    out /= 100.0
    if idx[0].size:
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
