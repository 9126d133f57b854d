"""Ages from dates, vectorised: whole days (WHO look-ups) and completed months (Permenkes, KBM)."""

from __future__ import annotations

import numpy as np


def _as_days(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype="datetime64[D]")
    if arr.ndim != 1:
        arr = np.atleast_1d(arr)
    return arr


def age_in_days(birth_date, on_date) -> np.ndarray:
    """Whole days from birth to ``on_date`` (float64, NaN where a date is missing).

    Dates are anything NumPy reads as ``datetime64[D]`` (ISO strings, ``datetime.date``); NaT is
    missing. A date before birth gives a negative number: the caller validates that.
    """
    b = _as_days(birth_date, "birth_date")
    d = _as_days(on_date, "on_date")
    diff = (d - b).astype("float64")
    diff[np.isnat(b) | np.isnat(d)] = np.nan
    return diff


def completed_months(birth_date, on_date) -> np.ndarray:
    """Age in completed calendar months ("umur dalam bulan penuh"), float64 with NaN for missing.

    2 months 29 days counts as 2 months. A month is completed on the same day of the month as
    the birth day, or on the last day of a shorter month (born 31 January: one month on
    28 or 29 February).

    >>> completed_months(["2024-01-31", "2024-01-15"], ["2024-02-29", "2024-04-14"]).tolist()
    [1.0, 2.0]
    """
    b = _as_days(birth_date, "birth_date")
    d = _as_days(on_date, "on_date")
    b, d = np.broadcast_arrays(b, d)
    missing = np.isnat(b) | np.isnat(d)
    bm = b.astype("datetime64[M]")
    dm = d.astype("datetime64[M]")
    months = (dm - bm).astype(np.int64)
    b_day = (b - bm.astype("datetime64[D]")).astype(np.int64) + 1
    d_day = (d - dm.astype("datetime64[D]")).astype(np.int64) + 1
    d_last_of_month = (d + 1).astype("datetime64[M]") != dm
    not_yet = (d_day < b_day) & ~d_last_of_month
    out = (months - not_yet).astype(np.float64)
    out[missing] = np.nan
    return out
