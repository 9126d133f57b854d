"""The food reserve's configuration: a small versioned TOML file in ``tumbuh/foodreserve/data/``.

It holds the parameters of each eligibility rule (:class:`~tumbuh.foodreserve.models.Eligibility`)
and how far back a receipt may be dated. The meaning of each rule is code
(:func:`tumbuh.foodreserve.services.eligible_households`); see docs/foodreserve.md.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from tumbuh.lib import tomlconfig

from .models import Eligibility

DEFAULT_CONFIG_FILE = "foodreserve-2026.1.toml"


@dataclass(frozen=True)
class Rule:
    code: str
    #: a child younger than this many months on the day (None: no child condition)
    child_under_months: int | None = None
    #: an ongoing pregnancy also qualifies (with ``child_under_months``: either one)
    pregnant: bool = False
    pregnancy_max_weeks: int = 44


@dataclass(frozen=True)
class FoodReserveConfig:
    version: str
    origin: str
    rules: dict[str, Rule]
    receipt_backdate_days: int


def _int(value, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{where} must be a whole number from {low} to {high}; got {value!r}")
    return value


def parse(data: dict, origin: str) -> FoodReserveConfig:
    """Check and convert the parsed TOML; every mistake is a ``ValueError`` naming the key."""
    version = data.get("version")
    if not isinstance(version, str) or not version or len(version) > 16:
        raise ValueError(f"{origin}: 'version' must be a non-empty string of at most 16 characters")
    sections = data.get("eligibility")
    if not isinstance(sections, dict):
        raise ValueError(f"{origin}: an [eligibility.<rule>] section is needed for every rule")
    unknown = set(sections) - set(Eligibility.values)
    if unknown:
        raise ValueError(f"{origin}: unknown eligibility rules {sorted(unknown)}; "
                         f"known: {Eligibility.values}")  # fmt: skip
    missing = set(Eligibility.values) - set(sections)
    if missing:
        raise ValueError(f"{origin}: no [eligibility.<rule>] section for {sorted(missing)}")
    rules = {}
    for code, spec in sections.items():
        where = f"{origin}: eligibility.{code}"
        extra = set(spec) - {"child_under_months", "pregnant", "pregnancy_max_weeks"}
        if extra:
            raise ValueError(f"{where}: unknown keys {sorted(extra)}")
        child = spec.get("child_under_months")
        if child is not None:
            child = _int(child, f"{where}.child_under_months", 1, 60)
        pregnant = spec.get("pregnant", False)
        if not isinstance(pregnant, bool):
            raise ValueError(f"{where}.pregnant must be true or false; got {pregnant!r}")
        weeks = _int(spec.get("pregnancy_max_weeks", 44), f"{where}.pregnancy_max_weeks", 36, 46)
        if code == Eligibility.AT_RISK and (child is not None or pregnant):
            raise ValueError(f"{where}: this rule takes every family at risk; it has no keys")
        if code == Eligibility.AT_RISK_YOUNG_CHILD_OR_PREGNANT and child is None and not pregnant:
            raise ValueError(f"{where}: set child_under_months, pregnant = true, or both")
        rules[code] = Rule(code=code, child_under_months=child, pregnant=pregnant,
                           pregnancy_max_weeks=weeks)  # fmt: skip
    stock = data.get("stock", {})
    backdate = _int(stock.get("receipt_backdate_days", 31),
                    f"{origin}: stock.receipt_backdate_days", 0, 366)  # fmt: skip
    return FoodReserveConfig(version=version, origin=origin, rules=rules,
                             receipt_backdate_days=backdate)  # fmt: skip


def load(path: str | Path | None = None) -> FoodReserveConfig:
    """Read a configuration file (a path, or None for the shipped default)."""
    data, origin = tomlconfig.read("tumbuh.foodreserve", DEFAULT_CONFIG_FILE, path)
    return parse(data, origin)


@functools.cache
def current() -> FoodReserveConfig:
    """The shipped configuration, read once per process."""
    return load()
