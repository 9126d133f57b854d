"""Data-quality statistics of anthropometric measurements, as arrays (docs/quality.md).

Two steps, both vectorised and free of Django:

1. :func:`cell_stats` turns measurement rows into *additive* statistics per cell (a cell is
   whatever the caller keys rows by: a posyandu, cadre and month): counts, sums and sums of
   squares, digit counts. Cells of any grouping add up (:func:`combine`), so a month, a
   period, a kelurahan or the whole city is a sum of cells, and nothing is recounted.
2. :func:`judge` turns summed statistics into the scorecard's indicators, each a value, a
   status ("ok", "warn", "poor", "na" for too few values, "" for no judgement) and the number
   of values behind it, with the thresholds of :mod:`tumbuh.quality.rules`.

The definitions follow the data-quality checks of the WHO Anthro Survey Analyser and the
WHO/UNICEF recommendations it implements (WHO flags, SD of z-scores, digit preference, age
heaping, missing data), adapted to routine posyandu data; docs/quality.md gives each formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rules import DigitRule, HeapingRule, ScorecardRules, SdRule, Share

OK, WARN, POOR, NA, NONE = "ok", "warn", "poor", "na", ""
#: Judgements from the worst down (for sorting and summaries).
SEVERITY = {POOR: 2, WARN: 1}

Z_INDICATORS = ("zlen", "zwei", "zwfl")  # HAZ, WAZ, WHZ
FLAG_OF = {"zlen": "flen", "zwei": "fwei", "zwfl": "fwfl"}
DIGITS = tuple(range(10))
JUMP_KEYS = ("jump_zwei", "jump_zlen", "length_shrank")

#: Integer statistics of a cell.
INT_FIELDS = (
    "rows",
    "flag_n", "flag_any",
    *(f for flag in FLAG_OF.values() for f in (f"{flag}_n", flag)),
    *(f"{z}_n" for z in Z_INDICATORS),
    "weighed", "weighed_no_lenhei", "lenhei_n",
    *(f"wd{d}" for d in DIGITS), *(f"ld{d}" for d in DIGITS),
    "heaped",
    *JUMP_KEYS, "jump_any",
)  # fmt: skip
#: Real-valued statistics of a cell.
FLOAT_FIELDS = (
    *(f for z in Z_INDICATORS for f in (f"{z}_sum", f"{z}_sumsq")),
    "heaped_expected",
)  # fmt: skip
FIELDS = INT_FIELDS + FLOAT_FIELDS


def _present(values: np.ndarray) -> np.ndarray:
    return ~np.isnan(values)


def final_digit(values: np.ndarray) -> np.ndarray:
    """The tenths digit of each value after rounding to 0.1 (half up): 7.3 → 3, 72.35 → 4.

    NaN gives -1.
    """
    tenths = np.floor(np.where(np.isnan(values), 0.0, values) * 10 + 0.5)
    return np.where(np.isnan(values), -1, np.mod(tenths, 10).astype(np.int64))


def birth_day_heaping(
    birth_date: np.ndarray, days: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """``(heaped, expected)`` per row: whether the birth date falls on one of ``days`` of its
    month, and the chance of that under uniform birth days (``len(days) / days in the month``).

    ``birth_date`` is ``datetime64[D]``; NaT gives (False, 0).
    """
    valid = ~np.isnat(birth_date)
    safe = np.where(valid, birth_date, np.datetime64("2000-01-01", "D"))
    month = safe.astype("datetime64[M]")
    day = (safe - month.astype("datetime64[D]")).astype(np.int64) + 1
    month_length = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(
        np.int64
    )
    heaped = valid & np.isin(day, np.array(days, dtype=np.int64))
    expected = np.where(valid, len(days) / month_length, 0.0)
    return heaped, expected


def cell_stats(
    key: np.ndarray,
    n_cells: int,
    *,
    weight_kg: np.ndarray,
    lenhei_cm: np.ndarray,
    zlen: np.ndarray,
    zwei: np.ndarray,
    zwfl: np.ndarray,
    flen: np.ndarray,
    fwei: np.ndarray,
    fwfl: np.ndarray,
    birth_date: np.ndarray,
    jump_zwei: np.ndarray,
    jump_zlen: np.ndarray,
    length_shrank: np.ndarray,
    heaping_days: tuple[int, ...] = (1, 15),
) -> dict[str, np.ndarray]:
    """Additive statistics of measurement rows, summed per cell.

    Parameters
    ----------
    key : int array of shape (n_rows,)
        The cell of each row, 0 .. ``n_cells - 1``.
    weight_kg, lenhei_cm, zlen, zwei, zwfl : float arrays of shape (n_rows,)
        Measured values and stored z-scores; NaN where missing.
    flen, fwei, fwfl : float arrays of shape (n_rows,)
        WHO flags as 1.0 / 0.0, NaN where the z-score could not be computed.
    birth_date : datetime64[D] array of shape (n_rows,)
    jump_zwei, jump_zlen, length_shrank : bool arrays of shape (n_rows,)
        Whether the row's warnings hold that key.

    Returns
    -------
    dict of field name (:data:`FIELDS`) → array of shape (n_cells,): int64 for counts,
    float64 for sums.
    """
    key = np.asarray(key, dtype=np.int64)
    per_row: dict[str, np.ndarray] = {"rows": np.ones(key.shape[0], bool)}
    flags = {"flen": flen, "fwei": fwei, "fwfl": fwfl}
    assessed = np.zeros(key.shape[0], bool)
    flagged = np.zeros(key.shape[0], bool)
    for name, f in flags.items():
        per_row[f"{name}_n"] = _present(f)
        per_row[name] = f == 1
        assessed |= per_row[f"{name}_n"]
        flagged |= per_row[name]
    per_row["flag_n"], per_row["flag_any"] = assessed, flagged
    zs = {"zlen": zlen, "zwei": zwei, "zwfl": zwfl}
    float_rows: dict[str, np.ndarray] = {}
    for z, values in zs.items():
        usable = _present(values) & (flags[FLAG_OF[z]] == 0)
        per_row[f"{z}_n"] = usable
        clean = np.where(usable, values, 0.0)
        float_rows[f"{z}_sum"] = clean
        float_rows[f"{z}_sumsq"] = clean * clean
    weighed = _present(weight_kg)
    measured = _present(lenhei_cm)
    per_row["weighed"] = weighed
    per_row["weighed_no_lenhei"] = weighed & ~measured
    per_row["lenhei_n"] = measured
    wd, ld = final_digit(weight_kg), final_digit(lenhei_cm)
    for d in DIGITS:
        per_row[f"wd{d}"] = wd == d
        per_row[f"ld{d}"] = ld == d
    heaped, expected = birth_day_heaping(birth_date, heaping_days)
    per_row["heaped"] = heaped
    float_rows["heaped_expected"] = expected
    jumps = {"jump_zwei": jump_zwei, "jump_zlen": jump_zlen, "length_shrank": length_shrank}
    any_jump = np.zeros(key.shape[0], bool)
    for name, values in jumps.items():
        per_row[name] = np.asarray(values, bool)
        any_jump |= per_row[name]
    per_row["jump_any"] = any_jump

    out = {}
    for name in INT_FIELDS:
        out[name] = np.bincount(key, weights=per_row[name], minlength=n_cells).astype(np.int64)
    for name in FLOAT_FIELDS:
        out[name] = np.bincount(key, weights=float_rows[name], minlength=n_cells)
    return out


def combine(
    cells: dict[str, np.ndarray], group: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    """Sum the statistics of cells into groups (``group``: the group of each cell, -1 = none)."""
    group = np.asarray(group, dtype=np.int64)
    keep = group >= 0
    out = {}
    for name in FIELDS:
        values = np.asarray(cells[name])[keep]
        summed = np.bincount(group[keep], weights=values, minlength=n_groups)
        out[name] = summed.astype(np.int64) if name in INT_FIELDS else summed
    return out


def empty(n_groups: int) -> dict[str, np.ndarray]:
    return {name: np.zeros(n_groups, np.int64 if name in INT_FIELDS else np.float64)
            for name in FIELDS}  # fmt: skip


# --- Judging ----------------------------------------------------------------------------------


@dataclass
class Indicator:
    """One indicator for every group: value (NaN when there is nothing to compute), status, and
    the number of values behind it."""

    value: np.ndarray
    status: np.ndarray
    n: np.ndarray

    def __len__(self) -> int:
        return len(self.value)


def _ratio(numerator, denominator, scale=1.0) -> np.ndarray:
    numerator = np.asarray(numerator, np.float64)
    denominator = np.asarray(denominator, np.float64)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(scale * numerator, denominator, out=out, where=denominator > 0)
    return out


def share(count, n, rule: Share) -> Indicator:
    """Percentage ``100 * count / n`` judged against ``rule``."""
    n = np.asarray(n, np.int64)
    pct = _ratio(count, n, 100.0)
    status = np.where(pct >= rule.poor_pct, POOR, np.where(pct >= rule.warn_pct, WARN, OK))
    status = np.where(n < rule.min_n, NA, status)
    return Indicator(pct, status.astype(object), n)


def standard_deviation(n, total, total_sq, rule: SdRule) -> Indicator:
    """Sample SD (n − 1 denominator) from the count, sum and sum of squares."""
    n = np.asarray(n, np.int64)
    nf = n.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (np.asarray(total_sq) - np.asarray(total) ** 2 / np.maximum(nf, 1)) / (nf - 1)
    sd = np.where(n > 1, np.sqrt(np.maximum(var, 0.0)), np.nan)
    inside_ok = (sd >= rule.ok[0]) & (sd <= rule.ok[1])
    inside_warn = (sd >= rule.warn[0]) & (sd <= rule.warn[1])
    status = np.where(inside_ok, OK, np.where(inside_warn, WARN, POOR))
    status = np.where(n < rule.min_n, NA, status)
    return Indicator(sd, status.astype(object), n)


def digit_preference(
    counts: np.ndarray, rule: DigitRule
) -> tuple[Indicator, np.ndarray, np.ndarray]:
    """SMART digit preference score of final-digit counts of shape (n_groups, 10).

    ``DPS = 100 * sqrt(X2 / (n * (k - 1)))`` with ``X2`` the chi-squared statistic of the counts
    against equal digits (``k = 10``). Judged only when ``X2 >= rule.chi2_critical``.
    Returns ``(indicator, X2, share of digits 0 and 5 in %)``.
    """
    counts = np.asarray(counts, np.float64).reshape(-1, 10)
    n = counts.sum(axis=1)
    expected = n / 10
    with np.errstate(invalid="ignore", divide="ignore"):
        x2 = np.where(n > 0, ((counts - expected[:, None]) ** 2).sum(axis=1)
                      / np.maximum(expected, 1e-12), np.nan)  # fmt: skip
        dps = np.where(n > 0, 100 * np.sqrt(x2 / (np.maximum(n, 1) * 9)), np.nan)
    significant = x2 >= rule.chi2_critical
    status = np.where(
        significant & (dps >= rule.poor_dps), POOR,
        np.where(significant & (dps >= rule.warn_dps), WARN, OK),
    )  # fmt: skip
    status = np.where(n < rule.min_n, NA, status)
    zero_five = _ratio(counts[:, 0] + counts[:, 5], n, 100.0)
    return Indicator(dps, status.astype(object), n.astype(np.int64)), x2, zero_five


def heaping(heaped, expected, n, rule: HeapingRule) -> Indicator:
    """Observed / expected birth dates on the heaping days; judged only when the excess is
    significant, ``(observed - expected) / sqrt(expected) >= rule.z_critical``."""
    heaped = np.asarray(heaped, np.float64)
    expected = np.asarray(expected, np.float64)
    n = np.asarray(n, np.int64)
    ratio = _ratio(heaped, expected)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(expected > 0, (heaped - expected) / np.sqrt(np.maximum(expected, 1e-12)),
                     np.nan)  # fmt: skip
    significant = z >= rule.z_critical
    status = np.where(
        significant & (ratio >= rule.poor_ratio), POOR,
        np.where(significant & (ratio >= rule.warn_ratio), WARN, OK),
    )  # fmt: skip
    status = np.where(n < rule.min_n, NA, status)
    return Indicator(ratio, status.astype(object), n)


def judge(
    stats: dict[str, np.ndarray],
    rules: ScorecardRules,
    *,
    length_month_weighed: np.ndarray | None = None,
    length_month_missing: np.ndarray | None = None,
) -> dict[str, Indicator]:
    """Every indicator of the scorecard for summed statistics (one entry per group).

    ``length_month_weighed`` / ``length_month_missing``: the ``weighed`` and
    ``weighed_no_lenhei`` counts of the same groups restricted to the months in
    ``rules.missing.length_months``; missing length is judged on those only (where they are
    zero, the all-months share is shown without a judgement).
    """
    out: dict[str, Indicator] = {}
    out["flagged"] = share(stats["flag_any"], stats["flag_n"], rules.flags)
    for flag in FLAG_OF.values():
        out[flag] = share(stats[flag], stats[f"{flag}_n"], rules.flags)
    for z, name in (("zlen", "sd_haz"), ("zwei", "sd_waz"), ("zwfl", "sd_whz")):
        out[name] = standard_deviation(
            stats[f"{z}_n"], stats[f"{z}_sum"], stats[f"{z}_sumsq"], rules.sd
        )
    for prefix, name in (("wd", "dps_weight"), ("ld", "dps_lenhei")):
        counts = np.stack([stats[f"{prefix}{d}"] for d in DIGITS], axis=1)
        out[name], _, out[f"{name}_05"] = _with_zero_five(counts, rules.digits)
    out["heaping"] = heaping(stats["heaped"], stats["heaped_expected"], stats["rows"],
                             rules.heaping)  # fmt: skip
    everything = share(stats["weighed_no_lenhei"], stats["weighed"], rules.missing)
    everything.status = np.full(len(everything), NONE, dtype=object)
    if length_month_weighed is not None:
        judged = share(length_month_missing, length_month_weighed, rules.missing)
        in_length_months = np.asarray(length_month_weighed) > 0
        out["missing"] = Indicator(
            np.where(in_length_months, judged.value, everything.value),
            np.where(in_length_months, judged.status, everything.status).astype(object),
            np.where(in_length_months, judged.n, everything.n),
        )
    else:
        out["missing"] = everything
    out["no_lenhei_all"] = everything
    out["jumps"] = share(stats["jump_any"], stats["rows"], rules.jumps)
    for key in JUMP_KEYS:
        out[key] = share(stats[key], stats["rows"], rules.jumps)
    return out


def _with_zero_five(counts, rule):
    indicator, x2, zero_five = digit_preference(counts, rule)
    return indicator, x2, Indicator(zero_five, np.full(len(zero_five), NONE, dtype=object),
                                    indicator.n)


#: The indicators that make a group's judgement (details such as fwei are not counted twice).
HEADLINE = ("flagged", "sd_haz", "sd_waz", "sd_whz", "dps_weight", "dps_lenhei", "heaping",
            "missing", "jumps")  # fmt: skip


def severity(indicators: dict[str, Indicator]) -> tuple[np.ndarray, np.ndarray]:
    """``(poor, warn)``: how many headline indicators of each group are judged so."""
    poor = sum((indicators[k].status == POOR).astype(np.int64) for k in HEADLINE)
    warn = sum((indicators[k].status == WARN).astype(np.int64) for k in HEADLINE)
    return np.asarray(poor), np.asarray(warn)
