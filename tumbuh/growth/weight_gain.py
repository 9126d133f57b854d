"""Posyandu weight-gain judgement between consecutive weighings: N, T, O, B, 2T and BGM.

Rules from the Buku KIA as written in docs/domain-indonesia.md §2.2-2.5, with the KBM table and
the open thresholds taken from the versioned rules (:mod:`tumbuh.growth.rules`):

- **B** (baru): first weighing ever in the registry;
- **O**: weighed before, but not in the previous calendar month;
- **T** (tidak naik): weighed last month, and the gain in whole grams is <= 0 or below the KBM
  for the child's age in completed months at the current weighing;
- **N** (naik): weighed last month, gain >= KBM;
- **2T**: T this month and T last month;
- **BGM** (bawah garis merah): weight-for-age z below the red line (rules ``bgm.waz_below``).
"""

from __future__ import annotations

import numpy as np

from .rules import GrowthRules, load_rules

#: Status codes, in the order of the SKDN form.
STATUS_CODES = ("N", "T", "O", "B")
_STATUS = np.array(["N", "T", "O", "B", ""])


def weight_gain_status(
    weight_kg,
    previous_weight_kg,
    age_months,
    *,
    weighed_last_month,
    weighed_before,
    previous_status=None,
    waz=None,
    days_since_previous=None,
    rules: GrowthRules | None = None,
) -> dict[str, np.ndarray]:
    """Judge every weighing in one call.

    Parameters
    ----------
    weight_kg : array-like of shape (n,)
        This month's weight (NaN = not weighed: every output is empty/False for that row).
    previous_weight_kg : array-like of shape (n,)
        The weight of the previous calendar month's weighing (NaN when there was none).
    age_months : array-like of shape (n,)
        Age in completed months at this weighing (see :func:`tumbuh.growth.completed_months`).
    weighed_last_month, weighed_before : array-like of bool, shape (n,)
        Whether the child was weighed in the previous calendar month / ever before this weighing.
    previous_status : array-like of str, optional
        Last month's status code ("N", "T", ...), for 2T.
    waz : array-like, optional
        Unrounded weight-for-age z-score of this weighing, for BGM.
    days_since_previous : array-like, optional
        Days between the two weighings; outside the rules' review window the row is flagged.
    rules : GrowthRules, optional
        Defaults to the shipped rules (:func:`tumbuh.growth.rules.load_rules`).

    Returns
    -------
    dict with
        ``status``: str array of "N", "T", "O", "B" or "" (not weighed);
        ``gain_g``: weight gain in whole grams (NaN unless judged N or T);
        ``kbm_g``: the KBM that applied (NaN unless judged);
        ``is_2t``, ``is_bgm``, ``needs_review``: bool arrays.
    """
    rules = rules or load_rules()
    w = np.asarray(weight_kg, dtype=np.float64)
    prev = np.asarray(previous_weight_kg, dtype=np.float64)
    age = np.asarray(age_months, dtype=np.float64)
    last = np.asarray(weighed_last_month, dtype=bool)
    before = np.asarray(weighed_before, dtype=bool)
    n = w.shape[0]
    weighed = ~np.isnan(w)
    judged = weighed & before & last & ~np.isnan(prev)

    gain_g = np.full(n, np.nan)
    gain_g[judged] = np.rint((w[judged] - prev[judged]) * 1000)
    kbm_g = np.full(n, np.nan)
    age_idx = np.clip(np.nan_to_num(age, nan=0), 0, rules.kbm_g.shape[0] - 1).astype(np.intp)
    kbm_g[judged] = rules.kbm_g[age_idx[judged]]
    with np.errstate(invalid="ignore"):
        naik = judged & (gain_g > 0) & (gain_g >= kbm_g)

    idx = np.full(n, 4, dtype=np.intp)  # ""
    idx[weighed & ~before] = 3  # B
    idx[weighed & before & ~judged] = 2  # O
    idx[judged] = 1  # T
    idx[naik] = 0  # N
    status = _STATUS[idx]

    if previous_status is None:
        is_2t = np.zeros(n, bool)
    else:
        is_2t = (status == "T") & (np.asarray(previous_status).astype(str) == "T")
    if waz is None:
        is_bgm = np.zeros(n, bool)
    else:
        with np.errstate(invalid="ignore"):
            is_bgm = weighed & (np.asarray(waz, dtype=np.float64) < rules.bgm_waz_below)
    needs_review = np.zeros(n, bool)
    if days_since_previous is not None:
        days = np.asarray(days_since_previous, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            needs_review = judged & (
                (days < rules.review_min_days) | (days > rules.review_max_days)
            )
    return {
        "status": status,
        "gain_g": gain_g,
        "kbm_g": kbm_g,
        "is_2t": is_2t,
        "is_bgm": is_bgm,
        "needs_review": needs_review,
    }
