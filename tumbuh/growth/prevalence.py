"""Prevalence estimates of WHO anthro's ``anthro_prevalence``, reproduced in NumPy.

The rules are those of ``docs/who-zscore-method.md`` §12 and its appendix
``docs/prevalence-survey-math.md`` (cited as A.n). Four designs: simple (closed forms), weights
only ("hybrid"), and the survey design (clusters / strata / weights; Taylor linearisation with
domain estimation, lonely PSU "adjust", logit intervals from an emulated quasi-binomial fit).
Everything is vectorised over rows; loops run over groupings, indicators and fit iterations.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import _validation as v
from .zscores import DAYS_PER_MONTH, anthro_zscores, round_half_up

__all__ = ["PREVALENCE_INDICATORS", "anthro_prevalence", "student_t_quantile"]

#: (output prefix, z-score column, flag column, uses the oedema -3.1 helper) - §12.
PREVALENCE_INDICATORS = (
    ("HA", "zlen", "flen", False),
    ("WA", "zwei", "fwei", True),
    ("BMI", "zbmi", "fbmi", True),
    ("WH", "zwfl", "fwfl", True),
)
_CUTS = (("_3", -3.0), ("_2", -2.0), ("_1", -1.0), ("1", 1.0), ("2", 2.0), ("3", 3.0))
_AGE_LABELS = ("00-05 mo", "06-11 mo", "12-23 mo", "24-35 mo", "36-47 mo", "48-59 mo")
_AGE_BREAKS = np.array([0.0, 6.0, 12.0, 24.0, 36.0, 48.0, 60.0])
_WEALTH_LABELS = ("Q1: Poorest", "Q2", "Q3", "Q4", "Q5: Richest")
_EPS = 2.220446049250313e-16  # R's DBL_EPSILON (clamps of the logit link, A.7)


# --------------------------------------------------------------------------------------------
# Student t quantile (scipy is not a dependency)
# --------------------------------------------------------------------------------------------
def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the regularised incomplete beta (modified Lentz method)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h


def _lgamma_ratio_half(a: float) -> float:
    """ln Γ(a + 1/2) − ln Γ(a) without the cancellation of two large lgamma values.

    For a >= 30 a Stirling expansion of the difference is used (error < 1e-17); below that
    ``math.lgamma`` is exact to a few ulps of numbers below 100.
    """
    if a < 30.0:
        return math.lgamma(a + 0.5) - math.lgamma(a)

    def corr(x: float) -> float:  # Stirling series of ln Γ(x) minus its leading terms
        x2 = x * x
        return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * x2)) / x2) / x2) / x2) / x

    return 0.5 * math.log(a) + a * math.log1p(0.5 / a) - 0.5 + corr(a + 0.5) - corr(a)


def _betainc_half(a: float, x: float, y: float) -> float:
    """Regularised incomplete beta I_x(a, 1/2), with ``y = 1 - x`` passed exactly."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    b = 0.5
    lbt = (
        _lgamma_ratio_half(a) - math.lgamma(b) + a * math.log1p(-y) + b * math.log(y)
    )  # ln of x^a y^b / B(a, b)
    front = math.exp(lbt)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, y) / b


def _t_upper_tail(t: float, df: float) -> float:
    """P(T > t) for t >= 0: 0.5 * I_{df/(df+t^2)}(df/2, 1/2)."""
    d = df + t * t
    return 0.5 * _betainc_half(df / 2.0, df / d, t * t / d)


def student_t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom (``qt(p, df)`` in R).

    Method: the upper tail ``P(T > t) = I_{df/(df+t²)}(df/2, 1/2) / 2`` (regularised incomplete
    beta by its continued fraction, modified Lentz; the prefactor's ln Γ(a+½) − ln Γ(a) by a
    Stirling expansion for large df, so precision holds for any df) is inverted by bisection
    until the bracket is below one ulp; accurate to about 1e-14 relative.
    ``df <= 0`` or NaN gives NaN.
    """
    if not (df > 0) or not (0.0 < p < 1.0):
        return math.nan
    if p == 0.5:
        return 0.0
    tail = 1.0 - p if p > 0.5 else p
    big = df >= 1000.0  # normal quantile + Cornish-Fisher series (A&S 26.7.5), error O(df^-5)
    upper = (
        (lambda t: 0.5 * math.erfc(t / math.sqrt(2.0))) if big else (lambda t: _t_upper_tail(t, df))
    )
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
    t = 0.5 * (lo + hi)
    if big:
        z = t
        z2 = z * z
        g1 = (z2 + 1) * z / 4
        g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
        g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
        g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
        t = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
    return t if p > 0.5 else -t


def _t975(df: float) -> float:
    return student_t_quantile(0.975, df)


# --------------------------------------------------------------------------------------------
# Codes and groupings
# --------------------------------------------------------------------------------------------
def _clean_codes(values, n: int, name: str):
    """(keys, missing, numeric) for a code vector, vectorised.

    Numbers (a numeric array, or an object array holding only numbers) give float keys;
    anything else gives stripped text keys. None, NaN and "" (after stripping) are missing.
    """
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = np.repeat(arr, n)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{name} must be one-dimensional of length {n}; got shape {arr.shape}")
    if arr.dtype.kind in "biuf":
        keys = arr.astype(np.float64)
        return keys, np.isnan(keys), True
    obj = arr.astype(object)
    none = np.equal(obj, None) | np.not_equal(obj, obj)  # None or NaN
    text = np.char.strip(np.where(none, "", obj).astype(str))
    miss = none | (text == "")
    if arr.dtype.kind == "O" and not miss.all():
        probe = np.array(obj[~miss].tolist())  # numeric dtype only if every value is a number
        if probe.dtype.kind in "iuf":
            keys = np.full(n, np.nan)
            keys[~miss] = probe.astype(np.float64)
            return keys, miss, True
    return text, miss, False


def _factorize(values, n: int, name: str, order: str):
    """Codes (int, -1 = missing), level labels, numeric flag and missing mask.

    ``order``: "sorted" (numbers numerically, text by code point = R's sort in a C locale)
    or "first" (first appearance).
    """
    keys, miss, numeric = _clean_codes(values, n, name)
    codes = np.full(n, -1, dtype=np.int64)
    if miss.all():
        return codes, [], numeric, miss
    uniq, first, inv = np.unique(keys[~miss], return_index=True, return_inverse=True)
    if order == "first":
        perm = np.argsort(first, kind="stable")
        rank = np.empty_like(perm)
        rank[perm] = np.arange(perm.size)
        uniq = uniq[perm]
        inv = rank[inv]
    codes[~miss] = inv
    if numeric:
        labels = [str(int(u)) if float(u).is_integer() else repr(float(u)) for u in uniq]
    else:
        labels = [str(u) for u in uniq]
    return codes, labels, numeric, miss


def _wealth_codes(values, n: int) -> np.ndarray:
    """wealthq: 1-5 or Q1-Q5 -> 0..4; other values -> missing with a warning (§12 row 4)."""
    keys, miss, numeric = _clean_codes(values, n, "wealthq")
    codes = np.full(n, -1, dtype=np.int64)
    if numeric:
        ok = ~miss & np.isin(keys, [1.0, 2.0, 3.0, 4.0, 5.0])
        codes[ok] = keys[ok].astype(np.int64) - 1
    else:
        up = np.char.upper(keys)
        for k in range(1, 6):
            codes[(up == str(k)) | (up == f"Q{k}") | (up == f"{k}.0")] = k - 1
    bad = ~miss & (codes < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        warnings.warn(
            f"wealthq: {int(bad.sum())} value(s) not in 1-5 / Q1-Q5 (first {keys[i]!r} at index "
            f"{i}) set to missing",
            stacklevel=3,
        )
    return codes


def _level_matrix(codes: np.ndarray, k: int) -> np.ndarray:
    return codes[None, :] == np.arange(k)[:, None]


# --------------------------------------------------------------------------------------------
# Design and Taylor variance (A.3, A.5)
# --------------------------------------------------------------------------------------------
class _Design:
    """PSU / stratum structure of the analysed rows."""

    def __init__(self, w: np.ndarray, psu: np.ndarray | None, stratum: np.ndarray):
        n = w.shape[0]
        self.w = w
        self.n = n
        if psu is None:  # every row its own PSU
            self.order = None
            psu_stratum = stratum
        else:
            self.order = np.argsort(psu, kind="stable")
            sp = psu[self.order]
            self.starts = np.flatnonzero(np.r_[True, sp[1:] != sp[:-1]])
            psu_stratum = stratum[self.order][self.starts]
            psu = np.unique(psu, return_inverse=True)[1]
        n_strata = int(stratum.max()) + 1 if n else 0
        self.onehot = (psu_stratum[:, None] == np.arange(n_strata)[None, :]).astype(np.float64)
        self.n_h = self.onehot.sum(axis=0)  # PSUs per stratum over all analysed rows
        with np.errstate(divide="ignore", invalid="ignore"):
            self.scale = np.where(self.n_h >= 2, self.n_h / (self.n_h - 1.0), 1.0)
        self.lonely = self.n_h == 1
        # Design df (A.3): distinct PSUs minus distinct strata among rows with w != 0.
        pos = w != 0
        if psu is None:
            n_psu = int(pos.sum())
        else:
            n_psu = np.unique(psu[pos]).size
        self.df = float(n_psu - np.unique(stratum[pos]).size)

    def variance(self, u: np.ndarray) -> np.ndarray:
        """V(u) of A.5 for each row of u (groups x rows): domain centring over all n_h PSUs."""
        t = u if self.order is None else np.add.reduceat(u[:, self.order], self.starts, axis=1)
        sums = t @ self.onehot
        with np.errstate(divide="ignore", invalid="ignore"):
            means = np.where(self.lonely, 0.0, sums / self.n_h)  # lonely PSU: not centred
        tc = t - means @ self.onehot.T
        return (tc * tc) @ self.onehot @ self.scale


# --------------------------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------------------------
def _domain_mean(groups, y, w, design):
    """Weighted domain mean, W(S), n_S and Taylor SE of A.5 for every group."""
    m = groups & ~np.isnan(y)
    y0 = np.where(np.isnan(y), 0.0, y)
    wm = m * w[None, :]
    wsum = wm.sum(axis=1)
    n_s = m.sum(axis=1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (wm @ y0) / wsum
        dev = np.where(m, y0[None, :] - mean[:, None], 0.0)
        u = np.where(wsum[:, None] > 0, wm * dev / wsum[:, None], 0.0)
    se = np.sqrt(design.variance(u))
    return mean, se, wsum, n_s, m, dev


def _linkinv(eta):
    tmp = np.where(eta < -30, _EPS, np.where(eta > 30, 1.0 / _EPS, np.exp(np.clip(eta, -30, 30))))
    return tmp / (1.0 + tmp)


def _mu_eta(eta):
    e = np.exp(np.clip(eta, -30, 30))
    return np.where((eta > 30) | (eta < -30), _EPS, e / ((1.0 + e) * (1.0 + e)))


def _logit_fit(groups, y, w, design):
    """Emulated svyglm(quasibinomial) intercept fit and sandwich SE of beta (A.7)."""
    miss = np.isnan(y)
    m = groups & ~miss
    y0 = np.where(miss, 0.0, y)[None, :]
    cnt = groups.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        wbar = (groups * w[None, :]).sum(axis=1) / cnt  # mean weight over the whole group D
        a = np.where(m, w[None, :] / wbar[:, None], 0.0)
    good = m & (a > 0)
    a = np.where(good, a, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = np.where(good, (a * y0 + 0.5) / (a + 1.0), 0.5)
        eta = np.log(mu / (1.0 - mu))

        def deviance(mu_):
            r = np.where(y0 == 1, -np.log(mu_), -np.log(1.0 - mu_))
            return 2.0 * np.where(good, a * r, 0.0).sum(axis=1)

        dev_old = deviance(mu)
        ng = groups.shape[0]
        active = good.any(axis=1)
        beta = np.full(ng, np.nan)
        v_last = np.zeros_like(a)
        for _ in range(25):
            if not active.any():
                break
            g = _mu_eta(eta)
            vv = np.where(good, a * g * g / (mu * (1.0 - mu)), 0.0)
            z = np.where(good, eta + (y0 - mu) / g, 0.0)
            b_new = (vv * z).sum(axis=1) / vv.sum(axis=1)
            beta = np.where(active, b_new, beta)
            v_last = np.where(active[:, None], vv, v_last)
            eta = np.where(active[:, None], b_new[:, None], eta)
            mu = np.where(active[:, None], _linkinv(b_new)[:, None], mu)
            dev = deviance(mu)
            conv = np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < 1e-8
            dev_old = np.where(active, dev, dev_old)
            active = active & ~conv
        mu_hat = _linkinv(beta)
        g_hat = _mu_eta(beta)
        psi = np.where(
            good,
            (y0 - mu_hat[:, None]) / g_hat[:, None] * v_last / v_last.sum(axis=1)[:, None],
            0.0,
        )
    se_beta = np.sqrt(design.variance(psi))
    return beta, se_beta


def _expit(x):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / (1.0 + e)


# --------------------------------------------------------------------------------------------
# Public function
# --------------------------------------------------------------------------------------------
def anthro_prevalence(
    sex,
    age,
    *,
    age_in_months: bool = False,
    weight_kg=None,
    lenhei_cm=None,
    measure=None,
    oedema=None,
    sw=None,
    cluster=None,
    strata=None,
    typeres=None,
    gregion=None,
    wealthq=None,
    mothered=None,
    othergr=None,
) -> dict[str, np.ndarray]:
    """Prevalence table of WHO anthro's ``anthro_prevalence`` (§12 and its appendix).

    Parameters
    ----------
    sex, age, age_in_months, weight_kg, lenhei_cm, measure, oedema
        As for :func:`anthro_zscores` (age in days unless ``age_in_months``). Oedema codes are
        those ``anthro_zscores`` accepts (the R function only takes lower-case n/y; that
        restriction is a reference quirk and is not reproduced).
    sw : array-like of float, optional
        Sampling weights, >= 0; NaN = missing = weight 0 (A.2 step 4).
    cluster, strata : array-like of codes, optional
        Survey design (PSU and stratum codes). Rows with a missing code are dropped (warning).
    typeres, gregion, mothered, othergr : array-like of codes, optional
        Text (or numeric) grouping codes; None/NaN/"" = missing.
    wealthq : array-like, optional
        Wealth quintile 1-5 or "Q1"-"Q5"; other values become missing with a warning.

    Returns
    -------
    dict of str to ndarray
        anthro's columns in its order: ``Group`` (str array) then 134 float64 columns
        (NaN = missing); one entry per output row, in anthro's row order. Prevalences, their SEs
        and limits are percentages; means, SEs and SDs are z units.

    Raises
    ------
    ValueError
        Negative weights, inputs of different lengths, unknown sex/measure/oedema codes.
    """
    n = v.common_length(
        sex=sex, age=age, weight_kg=weight_kg, lenhei_cm=lenhei_cm, measure=measure,
        oedema=oedema, sw=sw, cluster=cluster, strata=strata, typeres=typeres, gregion=gregion,
        wealthq=wealthq, mothered=mothered, othergr=othergr,
    )  # fmt: skip
    z = anthro_zscores(
        sex, age, age_in_months=age_in_months, weight_kg=weight_kg, lenhei_cm=lenhei_cm,
        measure=measure, oedema=oedema,
    )  # fmt: skip
    oed, _ = v.standardize_oedema(oedema, n)
    age_f = v.as_float_array(age, "age", n)
    w_all = v.as_float_array(sw, "sw", n) if sw is not None else np.ones(n)
    with np.errstate(invalid="ignore"):
        neg = w_all < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise ValueError(f"sw must be >= 0; got {w_all[i].item()!r} at index {i}")

    # --- A.2 step 2: age filter on rounded days ------------------------------------------
    age_days = age_f * DAYS_PER_MONTH if age_in_months else age_f
    age_mo = age_f if age_in_months else age_f / DAYS_PER_MONTH
    with np.errstate(invalid="ignore"):
        keep = ~(round_half_up(age_days) > 1826)

    # Groupings present (checked before the cluster/strata filter, A.4).
    text_groups = [
        ("Area", typeres, "typeres"), ("Geographical region", gregion, "gregion"),
        ("Maternal education", mothered, "mothered"), ("Other grouping", othergr, "othergr"),
    ]  # fmt: skip

    def _present(values, name, rows):
        if values is None:
            return False
        _, miss, _ = _clean_codes(values, n, name)
        return bool((~miss & rows).any())

    survey = cluster is not None or strata is not None
    weights_only = not survey and sw is not None
    # --- A.2 step 3: drop rows with a missing cluster / stratum --------------------------
    cl_codes = st_codes = None
    if cluster is not None:
        cl_codes, _, _, cl_miss = _factorize(cluster, n, "cluster", "sorted")
        if (cl_miss & keep).any():
            warnings.warn("rows with a missing cluster were dropped", stacklevel=2)
        keep_age = keep
        keep = keep & ~cl_miss
    else:
        keep_age = keep
    present_before = {name: _present(vals, name, keep_age) for _, vals, name in text_groups}
    wealth_all = _wealth_codes(wealthq, n) if wealthq is not None else None
    wealth_present = wealth_all is not None and bool(((wealth_all >= 0) & keep_age).any())
    if strata is not None:
        st_codes, _, _, st_miss = _factorize(strata, n, "strata", "sorted")
        if (st_miss & keep).any():
            warnings.warn("rows with a missing stratum were dropped", stacklevel=2)
        keep = keep & ~st_miss
    idx = np.flatnonzero(keep)
    nn = idx.size
    w = np.where(np.isnan(w_all[idx]), 0.0, w_all[idx])  # A.2 step 4
    if weights_only and np.all(w == 1.0):
        weights_only = False  # intended behaviour of the "all weights 1" bug (A.9)

    # --- design ---------------------------------------------------------------------------
    if survey:
        stratum = (
            np.unique(st_codes[idx], return_inverse=True)[1]
            if st_codes is not None
            else np.zeros(nn, np.int64)
        )
        psu = None
        if cl_codes is not None and np.unique(cl_codes[idx]).size >= 2:
            psu = stratum * (int(cl_codes.max()) + 1) + cl_codes[idx]  # nested in strata
        design = _Design(w, psu, stratum)
    else:
        design = _Design(w, None, np.zeros(nn, np.int64))
    df_design = design.df
    t_all = _t975(nn - 1)  # simple / weights-only z-score summaries: t(N - 1)

    # --- groups (A.4) ----------------------------------------------------------------------
    labels: list[str] = ["All"]
    mats: list[np.ndarray] = [np.ones((1, nn), bool)]
    am = age_mo[idx]
    with np.errstate(invalid="ignore"):
        age_code = np.searchsorted(_AGE_BREAKS, am, side="right") - 1
    age_code = np.where(np.isnan(am) | (am >= 60) | (am < 0), -1, age_code)
    csex = z["csex"][idx]
    sex_code = np.where(csex == 2, 0, np.where(csex == 1, 1, -1))
    labels += [f"Age group: {a}" for a in _AGE_LABELS]
    mats.append(_level_matrix(age_code, 6))
    labels += ["Sex: Female", "Sex: Male"]
    mats.append(_level_matrix(sex_code, 2))
    labels += [f"Age + sex: {a}.{s}" for s in ("Female", "Male") for a in _AGE_LABELS]
    as_code = np.where((age_code >= 0) & (sex_code >= 0), sex_code * 6 + age_code, -1)
    mats.append(_level_matrix(as_code, 12))
    order = "sorted" if survey else "first"
    for pos, (label, values, name) in enumerate(text_groups):
        if pos == 2 and wealthq is not None and wealth_present:
            wc = wealth_all[idx]
            labels += [f"Wealth quintile: {q}" for q in _WEALTH_LABELS]
            mats.append(_level_matrix(wc, 5))
        if values is None or not present_before[name]:
            continue
        sub = np.asarray(values)[idx] if np.ndim(values) else values
        codes, levels, _, miss = _factorize(sub, nn, name, order)
        mat = _level_matrix(codes, len(levels))
        names = [f"{label}: {lv}" for lv in levels]
        if not survey and miss.any():  # simple / weights only: an empty "<label>: NA" row
            first_miss = int(np.flatnonzero(miss)[0])
            before = np.unique(codes[:first_miss][codes[:first_miss] >= 0]).size
            names.insert(before, f"{label}: NA")
            mat = np.insert(mat, before, False, axis=0)
        labels += names
        mats.append(mat)
    groups = np.vstack(mats)

    # --- variables (A.2) ---------------------------------------------------------------------
    out: dict[str, np.ndarray] = {"Group": np.array(labels, dtype=str)}
    oed_k = oed[idx]
    cols: dict[str, np.ndarray] = {}
    helpers = {}
    zvals = {}
    for prefix, zc, fc, uses_helper in PREVALENCE_INDICATORS:
        zz = z[zc][idx].copy()
        zz[z[fc][idx] == 1] = np.nan
        zvals[prefix] = zz
        helpers[prefix] = np.where(oed_k, -3.1, zz) if uses_helper else zz
    with np.errstate(invalid="ignore"):
        ha, wh = helpers["HA"], helpers["WH"]
        both = ~np.isnan(ha) & ~np.isnan(wh)
        combo1 = np.where(both, ((ha < -2) & (wh < -2)).astype(float), np.nan)
        combo2 = np.where(both, ((ha < -2) & (wh > 2)).astype(float), np.nan)

    def counts(ok):
        g = groups & ok[None, :]
        pop = g.sum(axis=1).astype(float) if not (survey or weights_only) else g @ w
        return pop, g.sum(axis=1).astype(float)

    def prevalence(ind, key):
        mean, se, wsum, n_s, _, _ = _domain_mean(groups, ind, w, design)
        r, se = 100.0 * mean, 100.0 * se
        if survey or weights_only:
            beta, se_b = _logit_fit(groups, ind, w, design)
            q = _t975(df_design)
            ll = 100.0 * _expit(beta - q * se_b)
            ul = 100.0 * _expit(beta + q * se_b)
            ll = np.where(r == 0, 0.0, np.where(r == 1, 1.0, ll))
            ul = np.where(r == 0, 0.0, np.where(r == 1, 1.0, ul))
            bad = ~(wsum > 0)
        else:
            p = mean
            with np.errstate(divide="ignore", invalid="ignore"):
                half = t_all * np.sqrt(np.float64(nn) / (nn - 1.0) / (n_s * p * (1.0 - p)))
                lg = np.log(p / (1.0 - p))
                ll = 100.0 * _expit(lg - half)
                ul = 100.0 * _expit(lg + half)
            ll = np.where(p == 0, 0.0, np.where(p == 1, 100.0, ll))
            ul = np.where(p == 0, 0.0, np.where(p == 1, 100.0, ul))
            bad = n_s == 0
        for suffix, val in (("_r", r), ("_se", se), ("_ll", ll), ("_ul", ul)):
            cols[key + suffix] = np.where(bad, np.nan, val)

    def zsummary(zz, key):
        mean, se, wsum, n_s, m, dev = _domain_mean(groups, zz, w, design)
        with np.errstate(divide="ignore", invalid="ignore"):
            ss = (m * w[None, :] * dev * dev).sum(axis=1) / wsum
            if survey:
                q = _t975(df_design)
                n_d = (groups & (w != 0)[None, :]).sum(axis=1).astype(float)
                sd = np.sqrt(n_d / (n_d - 1.0) * ss)
                sd = np.where(n_d >= 2, sd, np.nan)
                bad = ~(wsum > 0)
            else:
                q = t_all
                sd = np.sqrt(n_s / (n_s - 1.0) * ss)
                sd = np.where(n_s >= 2, sd, np.nan)
                bad = ~(wsum > 0)
        for suffix, val in (("_r", mean), ("_se", se), ("_ll", mean - q * se),
                            ("_ul", mean + q * se), ("_stdev", sd)):  # fmt: skip
            cols[key + suffix] = np.where(bad, np.nan, val)

    for prefix, _, _, _ in PREVALENCE_INDICATORS:
        h = helpers[prefix]
        pop, unw_pop = counts(~np.isnan(h))
        out[f"{prefix}Z_pop"], out[f"{prefix}Z_unwpop"] = pop, unw_pop
        for cut_name, cut in _CUTS:
            with np.errstate(invalid="ignore"):
                hit = (h < cut) if cut < 0 else (h > cut)
            ind = np.where(np.isnan(h), np.nan, hit.astype(float))
            prevalence(ind, prefix + cut_name)
            for s in ("_r", "_se", "_ll", "_ul"):
                out[prefix + cut_name + s] = cols[prefix + cut_name + s]
        zsummary(zvals[prefix], prefix)
        for s in ("_r", "_se", "_ll", "_ul", "_stdev"):
            out[prefix + s] = cols[prefix + s]
    pop, unw_pop = counts(~np.isnan(combo1))
    out["HA_2_WH_2_pop"], out["HA_2_WH_2_unwpop"] = pop, unw_pop
    for key, ind in (("HA_2_WH_2", combo1), ("HA_2_WH2", combo2)):
        prevalence(ind, key)
        for s in ("_r", "_se", "_ll", "_ul"):
            out[key + s] = cols[key + s]
    return out
