"""The convergence rule set: ``tumbuh/convergence/data/convergence-*.toml``.

Which children count as at risk, and which triggers make a child eligible for each
intervention. ``TUMBUH_CONVERGENCE_RULES`` points at another file; mistakes are ``ValueError``
naming the key.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from tumbuh.lib import tomlconfig

DEFAULT_FILE = "convergence-2026.1.toml"
RULES_ENV = "TUMBUH_CONVERGENCE_RULES"

#: What can make a child at risk.
RISKS = ("stunted", "wasted", "underweight", "faltering", "bgm", "family_at_risk")
#: Interventions, in the order of the pages.
INTERVENTIONS = ("pmt", "protein", "tpk_visit", "wash", "referral")
#: What can trigger an intervention.
TRIGGERS = (
    "gizi_kurang", "gizi_buruk", "bb_kurang", "bb_sangat_kurang", "tidak_naik", "two_t", "bgm",
    "pendek", "sangat_pendek", "family_at_risk", "no_layak_water", "no_layak_sanitation",
)  # fmt: skip


@dataclass(frozen=True)
class ConvergenceRules:
    version: str
    origin: str
    window_months: int
    child_risks: tuple[str, ...]
    #: intervention -> its triggers
    triggers: dict[str, tuple[str, ...]]


def _codes(value, where: str, allowed) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where} must be a non-empty list")
    for code in value:
        if code not in allowed:
            raise ValueError(f"{where}: {code!r} is not one of {', '.join(allowed)}")
    return tuple(dict.fromkeys(value))


def parse(data: dict, origin: str) -> ConvergenceRules:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{origin}: 'version' must be a non-empty string")
    window = data.get("window_months", 12)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 36:
        raise ValueError(f"{origin}: window_months must be a whole number from 1 to 36; "
                         f"got {window!r}")  # fmt: skip
    tables = data.get("interventions", {})
    unknown = set(tables) - set(INTERVENTIONS)
    if unknown:
        raise ValueError(f"{origin}: unknown interventions {', '.join(sorted(unknown))}")
    triggers = {}
    for code in INTERVENTIONS:
        if code not in tables:
            raise ValueError(f"{origin}: [interventions.{code}] is missing")
        triggers[code] = _codes(tables[code].get("triggers"),
                                f"{origin}: interventions.{code}.triggers", TRIGGERS)  # fmt: skip
    return ConvergenceRules(
        version=version, origin=str(data.get("origin", "")), window_months=window,
        child_risks=_codes(data.get("child_risks"), f"{origin}: child_risks", RISKS),
        triggers=triggers,
    )  # fmt: skip


def load(path: str | Path | None = None):
    data, origin = tomlconfig.read("tumbuh.convergence", DEFAULT_FILE, path)
    return parse(data, origin)


@functools.cache
def _cached(path: str):
    return load(path or None)


def rules() -> ConvergenceRules:
    return _cached(os.environ.get(RULES_ENV, "").strip())
