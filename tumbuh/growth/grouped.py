"""Prevalence from stored counts: WHO anthro's simple design, one analysis per group, vectorised.

A report of prevalence by area and month does not need the children's rows: for the *simple*
design of ``anthro_prevalence`` (no weights, clusters or strata; ``docs/who-zscore-method.md``
§12, ``docs/prevalence-survey-math.md`` A.6-A.8) every number of a group's "All" row is a closed
form in a handful of counts and sums of that group. This module holds that arithmetic, over
arrays of groups (any shape, e.g. kelurahan x month), and the reference for the counts
(:func:`count_table`, from row-level arrays, with ``np.bincount``).

Each group is its **own analysis**: the result for a group is the "All" row of
``anthro_prevalence`` called on that group's rows alone, so ``N`` (the number of analysed rows,
which sets the ``N/(N-1)`` factor of the standard errors and the ``t(N-1)`` quantile of the
intervals) is the group's own row count. anthro's subgroup rows ("Sex: Female", ...) use the
``N`` of the whole input instead; pass that ``N`` as ``n_rows`` to get them (docs/growth.md).

Count keys (:data:`COUNT_KEYS`), per group:

``n_rows``
    ``N``: analysed rows (children measured, rounded age <= 1826 days or age unknown), whether
    or not their z-scores are usable.
``<X>_n`` (X = HA, WA, BMI, WH)
    rows with a usable value: an unflagged z-score, or (WA, BMI, WH) oedema, which anthro
    counts as -3.1 (its ``<X>Z_unwpop``).
``<X>_3``, ``<X>_2``, ``<X>_1``, ``<X>1``, ``<X>2``, ``<X>3``
    of those, values < -3, < -2, < -1, > 1, > 2, > 3 (strict; anthro's cut-off codes).
``<X>_zn``, ``<X>_zsum``, ``<X>_zsumsq``
    unflagged, non-missing z-scores (oedema rows excluded): their count, sum and sum of squares.
``HA_2_WH_2_n``, ``HA_2_WH_2``, ``HA_2_WH2``
    rows with both a usable HA and WH value; of those, stunted and wasted (HA < -2 and WH < -2),
    stunted and overweight (HA < -2 and WH > 2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from . import _validation as v
from .prevalence import PREVALENCE_INDICATORS
from .zscores import round_half_up

__all__ = [
    "COUNT_KEYS",
    "count_table",
    "grouped_prevalence",
    "prevalence_from_counts",
    "student_t_quantiles",
    "zscore_summary_from_sums",
]

_CUT_CODES = ("_3", "_2", "_1", "1", "2", "3")
_OEDEMA_VALUE = -3.1  # anthro's helper value for oedema (A.2 step 6)
_MAX_AGE_DAYS = 1826  # A.2 step 2
_COMBINED = ("HA_2_WH_2", "HA_2_WH2")


def _indicator_keys(prefix: str) -> tuple[str, ...]:
    return (
        f"{prefix}_n",
        *(prefix + c for c in _CUT_CODES),
        f"{prefix}_zn",
        f"{prefix}_zsum",
        f"{prefix}_zsumsq",
    )


_PREFIXES = tuple(p for p, _, _, _ in PREVALENCE_INDICATORS)  # HA, WA, BMI, WH (anthro's order)
_COMBINED_KEYS = ("HA_2_WH_2_n", *_COMBINED)
#: Every key :func:`count_table` returns and :func:`grouped_prevalence` reads, in this order.
COUNT_KEYS: tuple[str, ...] = (
    "n_rows",
    *(k for p in _PREFIXES for k in _indicator_keys(p)),
    *_COMBINED_KEYS,
)
_SUM_KEYS = frozenset(k for k in COUNT_KEYS if k.endswith(("_zsum", "_zsumsq")))


# --------------------------------------------------------------------------------------------
# Student t quantiles, vectorised over the degrees of freedom
# --------------------------------------------------------------------------------------------
def _stirling_corr(x: np.ndarray) -> np.ndarray:
    x2 = x * x
    return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * x2)) / x2) / x2) / x2) / x


def _lgamma_ratio_half(a: np.ndarray) -> np.ndarray:
    """ln Γ(a + 1/2) − ln Γ(a), elementwise (a Stirling expansion of the difference from 30 on,
    as in ``prevalence._lgamma_ratio_half``; ``math.lgamma`` on the few smaller values)."""
    out = np.empty_like(a)
    small = a < 30.0
    out[small] = [math.lgamma(x + 0.5) - math.lgamma(x) for x in a[small].tolist()]
    b = a[~small]
    out[~small] = (
        0.5 * np.log(b) + b * np.log1p(0.5 / b) - 0.5 + _stirling_corr(b + 0.5) - _stirling_corr(b)
    )
    return out


def _betacf(a, b, x: np.ndarray) -> np.ndarray:
    """Continued fraction of the regularised incomplete beta (modified Lentz), elementwise.

    The same recurrence and stopping rule as the scalar ``prevalence._betacf``; converged
    elements leave the working set.
    """
    tiny = 1e-300
    a = np.broadcast_to(a, x.shape).astype(np.float64)
    b = np.broadcast_to(b, x.shape).astype(np.float64)
    out = np.empty_like(x)
    idx = np.arange(x.size)
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = 1.0 / np.where(np.abs(d) > tiny, d, tiny)
    h = d.copy()
    for m in range(1, 100000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / np.where(np.abs(d) > tiny, d, tiny)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) > tiny, c, tiny)
        h = h * d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / np.where(np.abs(d) > tiny, d, tiny)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) > tiny, c, tiny)
        delta = d * c
        h = h * delta
        done = np.abs(delta - 1.0) < 1e-16
        if done.any():
            out[idx[done]] = h[done]
            keep = ~done
            if not keep.any():
                break
            idx, a, b, x, qab, qap, qam, c, d, h = (
                arr[keep] for arr in (idx, a, b, x, qab, qap, qam, c, d, h)
            )
    return out


def _t_upper_tail(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    """P(T > t) for t > 0: 0.5 * I_{df/(df+t²)}(df/2, 1/2), elementwise (cf. the scalar)."""
    d = df + t * t
    x, y = df / d, t * t / d
    a = df / 2.0
    lbt = _lgamma_ratio_half(a) - math.lgamma(0.5) + a * np.log1p(-y) + 0.5 * np.log(y)
    front = np.exp(lbt)
    left = x < (a + 1.0) / (a + 2.5)
    out = np.empty_like(t)
    if left.any():
        out[left] = front[left] * _betacf(a[left], 0.5, x[left]) / a[left]
    right = ~left
    if right.any():
        out[right] = 1.0 - front[right] * _betacf(0.5, a[right], y[right]) / 0.5
    return 0.5 * out


def _t_density(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    log_c = _lgamma_ratio_half(df / 2.0) - 0.5 * np.log(df * math.pi)
    return np.exp(log_c - (df + 1.0) / 2.0 * np.log1p(t * t / df))


_NORMAL_UPPER: dict[float, float] = {}


def _normal_upper_quantile(tail: float) -> float:
    """z with P(Z > z) = tail, by the bisection of ``student_t_quantile`` (bit for bit)."""
    if tail not in _NORMAL_UPPER:

        def upper(t):
            return 0.5 * math.erfc(t / math.sqrt(2.0))

        lo, hi = 0.0, 1.0
        while upper(hi) > tail:
            lo, hi = hi, hi * 2.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            if upper(mid) > tail:
                lo = mid
            else:
                hi = mid
        _NORMAL_UPPER[tail] = 0.5 * (lo + hi)
    return _NORMAL_UPPER[tail]


def _cornish_fisher(z: float, df: np.ndarray) -> np.ndarray:
    """t quantile from the normal one (A&S 26.7.5), written as in ``student_t_quantile``."""
    z2 = z * z
    g1 = (z2 + 1) * z / 4
    g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df


def _upper_t_quantiles(tail: float, df: np.ndarray) -> np.ndarray:
    """t > 0 with P(T > t) = tail (0 < tail < 0.5) for each df > 0."""
    z = _normal_upper_quantile(tail)
    out = np.empty_like(df)
    big = df >= 1000.0  # as the scalar: normal quantile + Cornish-Fisher, error O(df^-5)
    out[big] = _cornish_fisher(z, df[big])
    out[df == 1.0] = math.tan(math.pi * (0.5 - tail))  # Cauchy, exact
    out[df == 2.0] = (1.0 - 2.0 * tail) / math.sqrt(2.0 * tail * (1.0 - tail))  # exact
    odd = ~big & (df < 3.0) & (df != 1.0) & (df != 2.0)  # rare: fractional df below 3
    if odd.any():
        from .prevalence import student_t_quantile

        out[odd] = [student_t_quantile(1.0 - tail, d) for d in df[odd].tolist()]
    todo = np.flatnonzero(~big & (df >= 3.0))
    if todo.size:
        # Newton on the upper tail from the Cornish-Fisher start. The tail is convex for t > 0,
        # so after the first step the iterates approach the root from below; t never goes below
        # z (a t quantile exceeds the normal one). Stop per element when the step is below
        # 1e-13 relative or no longer shrinks (the noise floor of the tail, ~3e-14 relative).
        nu = df[todo]
        t = np.maximum(_cornish_fisher(z, nu), z)
        last = np.full(nu.shape, np.inf)
        active = np.arange(nu.size)
        for _ in range(50):
            tt, dd = t[active], nu[active]
            step = (_t_upper_tail(tt, dd) - tail) / _t_density(tt, dd)
            size = np.abs(step)
            grow = size >= last[active]
            t[active] = np.where(grow, tt, np.maximum(tt + step, z))
            last[active] = size
            active = active[~grow & (size > 1e-13 * tt)]
            if not active.size:
                break
        out[todo] = t
    return out


def student_t_quantiles(p: float, df) -> np.ndarray:
    """Quantiles of Student's t for many degrees of freedom at once (``qt(p, df)`` in R).

    The vectorised companion of :func:`tumbuh.growth.student_t_quantile` (same upper-tail
    function, Newton instead of bisection): agrees with it to 3e-14 relative for df < 1000 and
    bit for bit from 1000 on (both use the same normal + Cornish-Fisher series there); df 1 and
    2 use the exact closed forms. ``df <= 0`` or NaN gives NaN.

    Parameters
    ----------
    p : float
        Probability, 0 < p < 1 (anything else gives NaN everywhere).
    df : array-like of float, any shape

    Returns
    -------
    ndarray of float64, the shape of ``df``
    """
    nu = np.asarray(df, dtype=np.float64)
    out = np.full(nu.shape, np.nan)
    if not (0.0 < p < 1.0):
        return out
    ok = nu > 0
    if p == 0.5:
        out[ok] = 0.0
        return out
    tail = 1.0 - p if p > 0.5 else p
    sign = 1.0 if p > 0.5 else -1.0
    out[ok] = sign * _upper_t_quantiles(tail, nu[ok])
    return out


_T975_CACHE: dict[float, float] = {}
_T975_CACHE_MAX = 1 << 16


def _t975_of_n(n_rows: np.ndarray) -> np.ndarray:
    """t(0.975, N - 1) for an array of row counts (NaN for N < 2), one evaluation per distinct N.

    Results are cached per df for the life of the process (bounded), so a report asking for
    the same months again pays only the look-up.
    """
    uniq, inv = np.unique(n_rows, return_inverse=True)
    df = uniq - 1.0
    vals = np.array([_T975_CACHE.get(d, np.nan) for d in df.tolist()])
    need = (df > 0) & np.isnan(vals)
    if need.any():
        vals[need] = student_t_quantiles(0.975, df[need])
        if len(_T975_CACHE) > _T975_CACHE_MAX:
            _T975_CACHE.clear()
        _T975_CACHE.update(zip(df[need].tolist(), vals[need].tolist(), strict=True))
    return vals[inv.reshape(n_rows.shape)]


# --------------------------------------------------------------------------------------------
# The closed forms (simple design, A.6 and A.7), on validated float arrays
# --------------------------------------------------------------------------------------------
def _se_scale(n_rows: np.ndarray) -> np.ndarray:
    """N/(N-1), and 1 for N < 2.

    With one analysed row every deviation is 0, so the standard errors are 0: the survey
    package's value (a single PSU, "adjust": scale 1, A.5 point 2; ``anthro_prevalence``
    gives the same). R's closed form in prevalence-simple.R would give sqrt(1/0) * 0 = NaN.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n_rows >= 2, n_rows / (n_rows - 1.0), 1.0)


def _prevalence(scale, t, n, k):
    """r, se, ll, ul in percent (A.7, simple path); NaN where n = 0 (there k/n is 0/0).

    Written in place: with hundreds of thousands of groups the time goes into memory traffic,
    so each call allocates little beyond its four outputs.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.divide(k, n, out=np.empty(n.shape))  # out=: stays an array when 0-d
        se = np.subtract(1.0, p, out=np.empty(n.shape))
        se *= p
        se *= scale
        se /= n
        np.sqrt(se, out=se)
    se *= 100.0
    # Interval: [0, 0] at p = 0, [100, 100] at p = 1, the logit formula strictly between
    # (evaluated there only: in small groups most cut-offs sit at 0 %).
    ll = np.full(p.shape, np.nan)
    ll[p == 0] = 0.0
    ll[p == 1] = 100.0
    inner = np.flatnonzero((p > 0) & (p < 1))
    if inner.size:
        pi, ni = p.ravel()[inner], n.ravel()[inner]
        qi = 1.0 - pi
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            half = t.ravel()[inner] * np.sqrt(scale.ravel()[inner] / (ni * pi * qi))
            # expit(logit(p) ∓ h) = p / (p + (1 - p) e^{±h}): one exp, no log.
            e = np.exp(half)
            ul = ll.copy()
            ll.ravel()[inner] = 100.0 * pi / (pi + qi * e)
            ul.ravel()[inner] = 100.0 * pi / (pi + qi / e)
    else:
        ul = ll.copy()
    p *= 100.0
    return p, se, ll, ul


def _summary(scale, t, n, s1, s2, decimals):
    with np.errstate(divide="ignore", invalid="ignore"):
        if decimals is None:
            mean = s1 / n
            ss = s2 - s1 * mean  # Σ (z - mean)²
        else:
            f = 10.0**decimals
            k1, k2 = np.rint(s1 * f), np.rint(s2 * f * f)  # sums in grid units, exact integers
            mean = k1 / f / n
            # n Σk² − (Σk)², exactly, in integers (float64 holds them exactly below 2^53).
            exact = np.abs(n * k2) < 2.0**53
            num = np.where(exact, n * k2 - k1 * k1, np.nan)
            ss = np.where(exact, num / n / (f * f), s2 - s1 * (s1 / n))
        ss = np.where(n <= 1, 0.0, np.maximum(ss, 0.0))
        se = np.sqrt(scale * ss) / n
        sd = np.where(n >= 2, np.sqrt(n / (n - 1.0) * (ss / n)), np.nan)
        ll, ul = mean - t * se, mean + t * se
    bad = n == 0
    return tuple(np.where(bad, np.nan, val) for val in (mean, se, ll, ul, sd))


# --------------------------------------------------------------------------------------------
# Validation at the edge
# --------------------------------------------------------------------------------------------
def _as_array(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric") from None
    return arr


def _first(mask: np.ndarray) -> tuple[str, int]:
    """(index, position) of the first True of ``mask``, the index as a caller would write it."""
    flat = int(np.flatnonzero(mask.ravel())[0])
    i = np.unravel_index(flat, mask.shape)
    return (str(i[0]) if len(i) == 1 else str(tuple(int(j) for j in i))), flat


def _check_values(arr: np.ndarray, name: str, *, is_sum: bool) -> None:
    """A count must be a whole number >= 0; a sum must be finite."""
    if is_sum:
        bad, what = ~np.isfinite(arr), "finite"
    else:
        bad, what = ~(arr >= 0) | np.isinf(arr) | (arr != np.floor(arr)), "a whole number >= 0"
    if bad.any():
        where, flat = _first(bad)
        got = float(arr.ravel()[flat])
        raise ValueError(f"{name} must be {what}; got {got!r} at index {where}")


def _check_order(arrays: dict[str, np.ndarray], small: str, big: str, names=None) -> None:
    """``arrays[small] <= arrays[big]`` wherever both are given (broadcast)."""
    if small in arrays and big in arrays:
        bad = arrays[small] > arrays[big]
        if bad.any():
            names = names or {}
            raise ValueError(
                f"{names.get(small, small)} > {names.get(big, big)} at index {_first(bad)[0]}"
            )


def _check_counts(arrays: dict[str, np.ndarray], names: dict[str, str] | None = None) -> None:
    """Counts whole and >= 0, sums finite, and the counts consistent with each other.

    ``names`` maps the internal keys to the names a caller used (for the messages).
    """
    names = names or {}
    for key, arr in arrays.items():
        _check_values(arr, names.get(key, key), is_sum=key in _SUM_KEYS)
    pairs = [("HA_2_WH_2_n", "n_rows"), ("HA_2_WH_2", "HA_2_WH_2_n"), ("HA_2_WH2", "HA_2_WH_2_n")]
    for p in _PREFIXES:
        pairs += [
            (f"{p}_n", "n_rows"), (f"{p}_zn", f"{p}_n"),
            (f"{p}_3", f"{p}_2"), (f"{p}_2", f"{p}_1"), (f"{p}_1", f"{p}_n"),
            (f"{p}3", f"{p}2"), (f"{p}2", f"{p}1"), (f"{p}1", f"{p}_n"),
        ]  # fmt: skip
    for small, big in pairs:
        _check_order(arrays, small, big, names)


def _present_blocks(counts) -> tuple[list[str], bool]:
    """Indicator blocks present in ``counts`` (a block is present when its ``_n`` key is)."""
    names = counts.dtype.names if isinstance(counts, np.ndarray) else counts.keys()
    names = set(names or ())
    if "n_rows" not in names:
        raise KeyError("counts has no 'n_rows'")
    prefixes = [p for p in _PREFIXES if f"{p}_n" in names]
    combined = "HA_2_WH_2_n" in names
    for keys in [_indicator_keys(p) for p in prefixes] + ([_COMBINED_KEYS] if combined else []):
        missing = [k for k in keys if k not in names]
        if missing:
            raise KeyError(f"counts has {keys[0]!r} but not {', '.join(map(repr, missing))}")
    if not prefixes and not combined:
        raise KeyError("counts holds no indicator (no 'HA_n', 'WA_n', 'BMI_n', 'WH_n' or "
                       "'HA_2_WH_2_n')")  # fmt: skip
    return prefixes, combined


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------
def prevalence_from_counts(n_rows, n, count) -> dict[str, np.ndarray]:
    """One cut-off of the simple design, for many groups: anthro's ``<X><cut>_r/_se/_ll/_ul``.

    Parameters
    ----------
    n_rows : array-like of int
        ``N``, the group's analysed rows (sets ``N/(N-1)`` and ``t(N-1)``).
    n : array-like of int
        Rows with a usable value (``<X>Z_unwpop``), ``n <= n_rows``.
    count : array-like of int
        Rows beyond the cut-off, ``count <= n``.

    The three are broadcast together.

    Returns
    -------
    dict with ``"r"``, ``"se"``, ``"ll"``, ``"ul"``: float64 arrays in percent.
    ``r = 100 k/n``; ``se = 100 sqrt(N/(N-1) p(1-p)/n)``; the interval is
    ``expit(logit p ∓ t(N-1) sqrt(N/(N-1)/(n p(1-p))))``, [0, 0] at p = 0 and [100, 100] at
    p = 1. NaN where ``n = 0``. With ``N = 1``: se 0, as ``anthro_prevalence``.

    Examples
    --------
    >>> r = prevalence_from_counts(10, 8, 2)
    >>> round(float(r["r"]), 6), round(float(r["se"]), 6)
    (25.0, 16.137431)
    """
    names = {"n_rows": "n_rows", "HA_n": "n", "HA_1": "count"}
    arrays = {"n_rows": _as_array(n_rows, "n_rows"), "HA_n": _as_array(n, "n"),
              "HA_1": _as_array(count, "count")}  # fmt: skip
    _check_counts(arrays, names)
    big_n, nn, k = np.broadcast_arrays(*arrays.values())
    r, se, ll, ul = _prevalence(_se_scale(big_n), _t975_of_n(big_n), nn, k)
    return {"r": r, "se": se, "ll": ll, "ul": ul}


def zscore_summary_from_sums(
    n_rows, n, z_sum, z_sumsq, *, decimals: int | None = None
) -> dict[str, np.ndarray]:
    """The z-score mean of the simple design, for many groups: anthro's ``<X>_r ... _stdev``.

    Parameters
    ----------
    n_rows : array-like of int
        ``N``, the group's analysed rows.
    n, z_sum, z_sumsq : array-like
        Count, sum and sum of squares of the usable (unflagged, non-missing) z-scores.
    decimals : int, optional
        The z-scores summed were rounded to this many decimals (anthro and the stored rows use
        2): the sums are snapped to that grid and the sum of squared deviations is computed
        exactly in integers, so the SD is exact (0 for identical values). ``ValueError`` when a
        sum is more than a quarter of a grid step away from the grid (values not rounded).
        ``None`` (default): the textbook ``Σz² − (Σz)²/n``.

    Returns
    -------
    dict with ``"r"`` (mean), ``"se"`` (``sqrt(N/(N-1)) sqrt(Σ(z-r)²)/n``), ``"ll"``, ``"ul"``
    (``r ∓ t(N-1) se``), ``"stdev"`` (sample SD, NaN for n < 2); z units. All NaN where
    ``n = 0``. With ``N = 1``: se 0 and ``ll``, ``ul`` NaN (t with 0 degrees of freedom), as
    ``anthro_prevalence``.
    """
    names = {"n_rows": "n_rows", "HA_zn": "n", "HA_zsum": "z_sum", "HA_zsumsq": "z_sumsq"}
    arrays = {"n_rows": _as_array(n_rows, "n_rows"), "HA_zn": _as_array(n, "n"),
              "HA_zsum": _as_array(z_sum, "z_sum"), "HA_zsumsq": _as_array(z_sumsq, "z_sumsq")}
    _check_counts(arrays, names)
    _check_order(arrays, "HA_zn", "n_rows", names)
    _check_grid(arrays, decimals, names)
    big_n, nn, s1, s2 = np.broadcast_arrays(*arrays.values())
    vals = _summary(_se_scale(big_n), _t975_of_n(big_n), nn, s1, s2, decimals)
    return dict(zip(("r", "se", "ll", "ul", "stdev"), vals, strict=True))


def _check_grid(arrays: dict[str, np.ndarray], decimals: int | None, names=None) -> None:
    if decimals is None:
        return
    if not isinstance(decimals, (int, np.integer)) or not 0 <= decimals <= 6:
        raise ValueError(f"decimals must be an integer from 0 to 6 or None; got {decimals!r}")
    f = 10.0**decimals
    for key in _SUM_KEYS & arrays.keys():
        scaled = arrays[key] * (f * f if key.endswith("sumsq") else f)
        bad = np.abs(scaled - np.rint(scaled)) > 0.25
        if bad.any():
            raise ValueError(
                f"{(names or {}).get(key, key)} at index {_first(bad)[0]} is not a sum of values "
                f"with {decimals} decimals"
            )


def grouped_prevalence(counts, *, decimals: int | None = None) -> dict[str, np.ndarray]:
    """anthro's simple-design prevalence table, one "All" row per group, from stored counts.

    Parameters
    ----------
    counts : mapping of str to array-like, or a structured ndarray
        The keys of :data:`COUNT_KEYS` (module docstring), each an array over the groups
        (any shape; the arrays are broadcast together). ``n_rows`` is required; an indicator
        block (``HA_*``, ``WA_*``, ``BMI_*``, ``WH_*``, the combined ``HA_2_WH_2_*``) is
        computed when its ``_n`` key is present, and must then be complete.
        :func:`count_table` builds this from rows.
    decimals : int, optional
        See :func:`zscore_summary_from_sums` (use 2 for anthro's rounded z-scores).

    Returns
    -------
    dict of str to ndarray
        anthro's column names in its order, without ``Group``: ``HAZ_pop``, ``HAZ_unwpop``,
        ``HA_3_r``, ``HA_3_se``, ``HA_3_ll``, ``HA_3_ul``, ... ``HA_r``, ``HA_se``, ``HA_ll``,
        ``HA_ul``, ``HA_stdev``, the same for WA, BMI, WH, then ``HA_2_WH_2_pop``,
        ``HA_2_WH_2_unwpop``, ``HA_2_WH_2_r`` ... ``HA_2_WH2_ul`` (134 columns when every block
        is given). float64, the broadcast shape of the inputs; NaN where anthro gives NA.
        For each group the values equal the "All" row of ``anthro_prevalence`` called on the
        group's rows alone (rounding aside: docs/growth.md states the tolerance).

    Raises
    ------
    KeyError
        ``n_rows`` missing, an incomplete block, or no block at all.
    ValueError
        A count that is negative, fractional or not finite, a non-finite sum, counts that
        contradict each other (``HA_2 > HA_1``, ``HA_n > n_rows``, ...), or sums off the
        ``decimals`` grid.
    """
    prefixes, combined = _present_blocks(counts)
    keys = ["n_rows"] + [k for p in prefixes for k in _indicator_keys(p)]
    keys += list(_COMBINED_KEYS) if combined else []
    arrays = {k: _as_array(counts[k], k) for k in keys}
    _check_counts(arrays)
    _check_grid(arrays, decimals)
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    flat = {k: np.broadcast_to(a, shape).reshape(-1) for k, a in arrays.items()}
    columns = _output_columns(prefixes, combined)
    out = {c: np.empty(shape) for c in columns}
    out_flat = {c: a.reshape(-1) for c, a in out.items()}
    size = int(np.prod(shape))
    # Blocks of groups: the temporaries of a block stay in the CPU cache (with 10^5 groups and
    # more, whole-array temporaries would make the time a matter of memory traffic).
    for lo in range(0, max(size, 1), _BLOCK):
        sl = slice(lo, min(lo + _BLOCK, size))
        block = _grouped_block({k: a[sl] for k, a in flat.items()}, prefixes, combined, decimals)
        for c, val in block.items():
            out_flat[c][sl] = val
    return out


_BLOCK = 8192


def _output_columns(prefixes, combined) -> list[str]:
    cols = []
    for p in prefixes:
        cols += [f"{p}Z_pop", f"{p}Z_unwpop"]
        cols += [p + c + s for c in _CUT_CODES for s in ("_r", "_se", "_ll", "_ul")]
        cols += [p + s for s in ("_r", "_se", "_ll", "_ul", "_stdev")]
    if combined:
        cols += ["HA_2_WH_2_pop", "HA_2_WH_2_unwpop"]
        cols += [k + s for k in _COMBINED for s in ("_r", "_se", "_ll", "_ul")]
    return cols


def _grouped_block(arrays, prefixes, combined, decimals) -> dict[str, np.ndarray]:
    """Every output column for one block of groups (1-D arrays of validated counts)."""
    big_n = arrays["n_rows"]
    scale = _se_scale(big_n)
    t = _t975_of_n(big_n)
    out: dict[str, np.ndarray] = {}

    def cut_columns(key: str, n: np.ndarray, k: np.ndarray) -> None:
        for suffix, val in zip(("_r", "_se", "_ll", "_ul"), _prevalence(scale, t, n, k),
                               strict=True):  # fmt: skip
            out[key + suffix] = val

    for p in prefixes:
        n = arrays[f"{p}_n"]
        out[f"{p}Z_pop"] = n
        out[f"{p}Z_unwpop"] = n
        for code in _CUT_CODES:
            cut_columns(p + code, n, arrays[p + code])
        summary = _summary(scale, t, arrays[f"{p}_zn"], arrays[f"{p}_zsum"],
                           arrays[f"{p}_zsumsq"], decimals)  # fmt: skip
        for suffix, val in zip(("_r", "_se", "_ll", "_ul", "_stdev"), summary, strict=True):
            out[p + suffix] = val
    if combined:
        n = arrays["HA_2_WH_2_n"]
        out["HA_2_WH_2_pop"] = n
        out["HA_2_WH_2_unwpop"] = n
        for key in _COMBINED:
            cut_columns(key, n, arrays[key])
    return out


def count_table(
    group,
    zscores: Mapping,
    *,
    oedema=None,
    age_days=None,
    n_groups: int | tuple[int, ...] | None = None,
) -> dict[str, np.ndarray]:
    """The counts and sums :func:`grouped_prevalence` reads, from row-level arrays.

    The reference for a stored summary (e.g. SQL ``COUNT``/``SUM`` per posyandu and month): each
    key is defined here by the rows it counts (module docstring), following anthro's row rules
    (A.2): flagged z-scores are unusable, oedema counts as -3.1 for WA, BMI and WH (and leaves
    the z-score mean), rows with a rounded age above 1826 days are not analysed.

    Parameters
    ----------
    group : array-like of int, shape (rows,)
        Group of each row, a flat index into ``n_groups``; negative = the row is not counted.
    zscores : mapping
        ``zlen``/``flen``, ``zwei``/``fwei``, ``zwfl``/``fwfl``, ``zbmi``/``fbmi`` per row (the
        output of ``anthro_zscores`` or the stored, rounded columns; a flag is set when it
        equals 1, None/NaN = not flagged). An indicator whose z key is absent is left out (its
        flag key is then not needed); the combined block needs ``zlen`` and ``zwfl``.
    oedema : array-like, optional
        Oedema codes as ``anthro_zscores`` takes them (y/n/1/2, booleans); None = no oedema.
    age_days : array-like of float, optional
        Age in days; rows whose age, rounded half-up, is above 1826 are dropped (missing ages
        are kept, as in anthro). None = every row is analysed.
    n_groups : int or tuple of int, optional
        Number (or shape) of groups; default ``max(group) + 1``. Every output has this shape.

    Returns
    -------
    dict of str to ndarray
        The keys of :data:`COUNT_KEYS` that the given z-scores allow: counts int64, sums
        float64.
    """
    g = np.asarray(group)
    if g.ndim != 1 or (g.size and g.dtype.kind not in "iu"):
        raise ValueError("group must be a one-dimensional integer array")
    rows = g.shape[0]
    shape = (int(g.max()) + 1 if rows else 0,) if n_groups is None else n_groups
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    size = int(np.prod(shape))
    if rows and g.max() >= size:
        raise ValueError(f"group holds {int(g.max())}, beyond {size} groups")
    keep = g >= 0
    if age_days is not None:
        age = v.as_float_array(age_days, "age_days", rows)
        with np.errstate(invalid="ignore"):
            keep &= ~(round_half_up(age) > _MAX_AGE_DAYS)
    oed = v.standardize_oedema(oedema, rows)[0] if oedema is not None else np.zeros(rows, bool)
    gk = g[keep].astype(np.intp)
    oed = oed[keep]

    def count(mask=None) -> np.ndarray:
        sel = gk if mask is None else gk[mask]
        return np.bincount(sel, minlength=size).astype(np.int64).reshape(shape)

    def total(values) -> np.ndarray:
        return np.bincount(gk, weights=values, minlength=size).reshape(shape)

    out: dict[str, np.ndarray] = {"n_rows": count()}
    helpers: dict[str, np.ndarray] = {}
    for prefix, zc, fc, uses_oedema in PREVALENCE_INDICATORS:
        if zc not in zscores:
            continue
        if fc not in zscores:
            raise KeyError(f"zscores has {zc!r} but not its flag {fc!r}")
        z = v.as_float_array(zscores[zc], zc, rows)[keep]
        flag = np.asarray(zscores[fc])
        flag = (np.broadcast_to(flag, (rows,)) == 1)[keep]
        z = np.where(flag, np.nan, z)
        if uses_oedema:
            z = np.where(oed, np.nan, z)
            h = np.where(oed, _OEDEMA_VALUE, z)
        else:
            h = z
        helpers[prefix] = h
        # One pass over the rows: the band of each value, 0: < -3, 1: [-3, -2), 2: [-2, -1),
        # 3: [-1, 1], 4: (1, 2], 5: (2, 3], 6: > 3, 7: no usable value; the counts of
        # COUNT_KEYS are cumulative sums of the bands (same strict cut-offs as anthro).
        with np.errstate(invalid="ignore"):
            band = 3 - (h < -3).astype(np.intp) - (h < -2) - (h < -1) + (h > 1) + (h > 2) + (h > 3)
        band[np.isnan(h)] = 7
        bands = np.bincount(gk * 8 + band, minlength=8 * size).reshape(size, 8).astype(np.int64)
        below = np.cumsum(bands[:, :3], axis=1)  # < -3, < -2, < -1
        above = np.cumsum(bands[:, 6:3:-1], axis=1)  # > 3, > 2, > 1
        out[f"{prefix}_n"] = bands[:, :7].sum(axis=1).reshape(shape)
        for j, code in enumerate(_CUT_CODES[:3]):
            out[prefix + code] = below[:, j].reshape(shape)
        for j, code in enumerate(_CUT_CODES[:2:-1]):
            out[prefix + code] = above[:, j].reshape(shape)
        zok = ~np.isnan(z)
        z0 = np.where(zok, z, 0.0)
        out[f"{prefix}_zn"] = count(zok)
        out[f"{prefix}_zsum"] = total(z0)
        out[f"{prefix}_zsumsq"] = total(z0 * z0)
    if "HA" in helpers and "WH" in helpers:
        ha, wh = helpers["HA"], helpers["WH"]
        both = ~np.isnan(ha) & ~np.isnan(wh)
        with np.errstate(invalid="ignore"):
            out["HA_2_WH_2_n"] = count(both)
            out["HA_2_WH_2"] = count(both & (ha < -2) & (wh < -2))
            out["HA_2_WH2"] = count(both & (ha < -2) & (wh > 2))
    return {k: out[k] for k in COUNT_KEYS if k in out}
