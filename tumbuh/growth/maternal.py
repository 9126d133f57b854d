"""Nutrition status of pregnant women: risiko KEK (LiLA), KEK (BMI) and anaemia (Hb).

Definitions from docs/domain-indonesia.md §3.1, thresholds from the versioned rules:

- **risiko KEK**: LiLA (mid-upper arm circumference) below 23.5 cm;
- **KEK** (kurang energi kronis): BMI before pregnancy, or measured in the first trimester,
  below 18.5 kg/m²; a BMI measured later in pregnancy says nothing (gestational weight);
- **anaemia**: haemoglobin below 11.0 g/dL.
"""

from __future__ import annotations

import numpy as np

from .rules import GrowthRules, load_rules


def pregnancy_status(
    *,
    muac_cm=None,
    hb_g_dl=None,
    weight_kg=None,
    height_cm=None,
    gestational_weeks=None,
    pre_pregnancy_bmi=None,
    rules: GrowthRules | None = None,
) -> dict[str, np.ndarray]:
    """Judge each check of a pregnant woman.

    Returns a dict of arrays: ``bmi`` (float, NaN when not computable), ``risiko_kek``,
    ``kek``, ``anemia`` (float 1.0/0.0, NaN when the measurement that decides it is missing).
    """
    rules = rules or load_rules()
    arrays = [muac_cm, hb_g_dl, weight_kg, height_cm, gestational_weeks, pre_pregnancy_bmi]
    n = max((np.size(a) for a in arrays if a is not None), default=0)

    def arr(x):
        return np.full(n, np.nan) if x is None else np.broadcast_to(
            np.asarray(x, dtype=np.float64), (n,))

    muac, hb, w, h, weeks, pre_bmi = (arr(a) for a in arrays)
    with np.errstate(invalid="ignore", divide="ignore"):
        bmi = w / (h / 100) ** 2
        early = weeks < rules.kek_measured_before_weeks
        deciding_bmi = np.where(np.isnan(pre_bmi), np.where(early, bmi, np.nan), pre_bmi)

        def judge(value, threshold):
            out = (value < threshold).astype(np.float64)
            out[np.isnan(value)] = np.nan
            return out

        return {
            "bmi": bmi,
            "risiko_kek": judge(muac, rules.risiko_kek_muac_below_cm),
            "kek": judge(deciding_bmi, rules.kek_bmi_below),
            "anemia": judge(hb, rules.anemia_hb_below_g_dl),
        }
