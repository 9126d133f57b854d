"""The scorecard's thresholds, read from a versioned TOML file (``data/scorecard-*.toml``).

Nothing here imports Django: :mod:`tumbuh.quality.stats` judges arrays with these rules, and
tests can build rules of their own with :func:`parse`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

DEFAULT_RULES_FILE = "scorecard-2025.1.toml"


@dataclass(frozen=True)
class Share:
    """A percentage judged "warn" from ``warn_pct`` and "poor" from ``poor_pct`` (inclusive)."""

    min_n: int
    warn_pct: float
    poor_pct: float


@dataclass(frozen=True)
class SdRule:
    min_n: int
    ok: tuple[float, float]
    warn: tuple[float, float]


@dataclass(frozen=True)
class DigitRule:
    min_n: int
    warn_dps: float
    poor_dps: float
    chi2_critical: float


@dataclass(frozen=True)
class HeapingRule:
    min_n: int
    days: tuple[int, ...]
    warn_ratio: float
    poor_ratio: float
    z_critical: float


@dataclass(frozen=True)
class MissingRule(Share):
    length_months: tuple[int, ...] = (2, 8)


@dataclass(frozen=True)
class ScorecardRules:
    version: str
    description: str
    flags: Share
    sd: SdRule
    digits: DigitRule
    heaping: HeapingRule
    missing: MissingRule
    jumps: Share


def _pair(value, origin: str, name: str) -> tuple[float, float]:
    low, high = (float(v) for v in value)
    if not low < high:
        raise ValueError(f"{origin}: {name} must be [low, high] with low < high; got {value}")
    return low, high


def parse(data: dict, origin: str = "rules") -> ScorecardRules:
    """Rules from the TOML's dictionary; a missing or bad value raises ValueError naming it."""
    try:
        sd = data["sd"]
        digits = data["digits"]
        heaping = data["heaping"]
        missing = data["missing"]
        rules = ScorecardRules(
            version=str(data["version"]),
            description=str(data.get("description", "")),
            flags=Share(int(data["flags"]["min_n"]), float(data["flags"]["warn_pct"]),
                        float(data["flags"]["poor_pct"])),
            sd=SdRule(int(sd["min_n"]), _pair(sd["ok"], origin, "sd.ok"),
                      _pair(sd["warn"], origin, "sd.warn")),
            digits=DigitRule(int(digits["min_n"]), float(digits["warn_dps"]),
                             float(digits["poor_dps"]), float(digits["chi2_critical"])),
            heaping=HeapingRule(int(heaping["min_n"]), tuple(int(d) for d in heaping["days"]),
                                float(heaping["warn_ratio"]), float(heaping["poor_ratio"]),
                                float(heaping["z_critical"])),
            missing=MissingRule(int(missing["min_n"]), float(missing["warn_pct"]),
                                float(missing["poor_pct"]),
                                tuple(int(m) for m in missing["length_months"])),
            jumps=Share(int(data["jumps"]["min_n"]), float(data["jumps"]["warn_pct"]),
                        float(data["jumps"]["poor_pct"])),
        )  # fmt: skip
    except KeyError as exc:
        raise ValueError(f"{origin}: missing setting {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{origin}: {exc}") from None
    if not (rules.sd.warn[0] <= rules.sd.ok[0] and rules.sd.ok[1] <= rules.sd.warn[1]):
        raise ValueError(f"{origin}: sd.warn must contain sd.ok")
    if not all(1 <= d <= 28 for d in rules.heaping.days):
        raise ValueError(f"{origin}: heaping.days must be days 1..28 (in every month)")
    return rules


@cache
def load_rules(name: str = DEFAULT_RULES_FILE) -> ScorecardRules:
    """The shipped rules file ``name`` (in tumbuh/quality/data/)."""
    text = resources.files("tumbuh.quality").joinpath("data", name).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name}: {exc}") from None
    return parse(data, name)
