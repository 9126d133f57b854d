"""Versioned configuration for the thresholds the national sources leave open.

The rules live in TOML files under ``tumbuh/growth/data/rules/`` (one file per version). The
default is the newest shipped version; callers may pass another file. Each result carries the
rules version through :data:`tumbuh.growth.METHOD_VERSION` or :func:`method_version`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

DEFAULT_RULES_FILE = "rules-2023.1.toml"


@dataclass(frozen=True)
class GrowthRules:
    version: str
    description: str
    #: KBM in grams indexed by completed month 0..max_age_months (index 0 uses month 1's value).
    kbm_g: np.ndarray
    review_min_days: int
    review_max_days: int
    bgm_waz_below: float
    risiko_kek_muac_below_cm: float
    kek_bmi_below: float
    kek_measured_before_weeks: float
    anemia_hb_below_g_dl: float
    z_jump: float
    z_jump_within_days: int
    length_shrink_cm: float


def _parse(data: dict, origin: str) -> GrowthRules:
    try:
        version = str(data["version"])
        kbm = {int(k): int(v) for k, v in data["kbm"]["grams_by_month"].items()}
        max_age = int(data["kbm"]["max_age_months"])
        wg = data["weight_gain"]
        bgm = float(data["bgm"]["waz_below"])
        preg = {k: float(v) for k, v in data["pregnancy"].items()}
        plaus = data["plausibility"]
        plausibility = {
            "z_jump": float(plaus["z_jump"]),
            "z_jump_within_days": int(plaus["z_jump_within_days"]),
            "length_shrink_cm": float(plaus["length_shrink_cm"]),
        }
        pregnancy = {k: preg[k] for k in (
            "risiko_kek_muac_below_cm", "kek_bmi_below", "kek_measured_before_weeks",
            "anemia_hb_below_g_dl")}  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{origin}: missing or invalid rule {exc}") from None
    if not kbm or min(kbm) < 1:
        raise ValueError(f"{origin}: kbm.grams_by_month needs keys from 1 upwards")
    months = np.arange(max_age + 1)
    keys = np.array(sorted(kbm))
    # The value for month m is the one of the largest key <= m; month 0 takes the first key.
    pos = np.clip(np.searchsorted(keys, months, side="right") - 1, 0, None)
    table = np.array([kbm[k] for k in keys], dtype=np.int64)[pos]
    return GrowthRules(
        version=version,
        description=str(data.get("description", "")),
        kbm_g=table,
        review_min_days=int(wg["review_min_days"]),
        review_max_days=int(wg["review_max_days"]),
        bgm_waz_below=bgm,
        **pregnancy,
        **plausibility,
    )


@cache
def load_rules(path: str | None = None) -> GrowthRules:
    """Load a rules file (a path, or None for the default shipped version)."""
    if path is None:
        res = resources.files("tumbuh.growth").joinpath("data", "rules", DEFAULT_RULES_FILE)
        text, origin = res.read_text(encoding="utf-8"), DEFAULT_RULES_FILE
    else:
        text, origin = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{origin}: {exc}") from None
    return _parse(data, origin)
