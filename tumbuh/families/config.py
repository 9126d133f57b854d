"""The KRS configuration: a small versioned TOML file in ``tumbuh/families/data/``.

It says who is a target family, which risk factors count and their thresholds, the topics of a
visit and how often each kind of target family is due for one. The meaning of each rule is code
(:mod:`tumbuh.families.rules`); see docs/families.md.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from tumbuh.lib import tomlconfig

from .models import Factor, Target, Topic

DEFAULT_CONFIG_FILE = "krs-2026.1.toml"
AGE_WOMEN_CHOICES = ("mothers", "all_women")
SANITATION_DEFINITIONS = ("krs", "national")


@dataclass(frozen=True)
class KrsConfig:
    version: str
    origin: str
    pus_min_age_years: int
    pus_max_age_years: int
    baduta_max_months: int
    balita_max_months: int
    pregnancy_max_weeks: int
    postpartum_days: int
    factors: tuple[str, ...]
    min_factors: int
    sanitation_definition: str
    age_factors_women: str
    too_young_under_years: int
    too_old_over_years: int
    too_close_under_months: int
    same_birth_within_days: int
    too_close_counts_pregnancy: bool
    too_many_over: int
    short_mother_under_cm: float
    topics: tuple[str, ...]
    #: target code -> days after the last visit when a new one is due
    due_after_days: dict[str, int]
    visited_within_days: int

    def due_days_for(self, targets) -> int | None:
        """Days between visits for a family with these target types (the first that applies)."""
        for code in Target.values:
            if code in targets:
                return self.due_after_days[code]
        return None


def _int(value, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{where} must be a whole number from {low} to {high}; got {value!r}")
    return value


def _codes(value, where: str, known: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} must be a list of codes; got {value!r}")
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ValueError(f"{where}: unknown codes {unknown}; known: {known}")
    if len(set(value)) != len(value):
        raise ValueError(f"{where} lists a code twice")
    return tuple(value)


def _choice(value, where: str, choices) -> str:
    if value not in choices:
        raise ValueError(f"{where} must be one of {list(choices)}; got {value!r}")
    return value


def parse(data: dict, origin: str) -> KrsConfig:
    """Check and convert the parsed TOML; every mistake is a ``ValueError`` naming the key."""
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{origin}: 'version' must be a non-empty string")
    for section in ("target", "risk", "visits", "summary"):
        if not isinstance(data.get(section), dict):
            raise ValueError(f"{origin}: section [{section}] is missing")
    t, r, v, s = data["target"], data["risk"], data["visits"], data["summary"]

    def need(section: dict, name: str, key: str):
        if key not in section:
            raise ValueError(f"{origin}: {name}.{key} is missing")
        return section[key]

    def ti(key, low, high):
        return _int(need(t, "target", key), f"{origin}: target.{key}", low, high)

    def ri(key, low, high):
        return _int(need(r, "risk", key), f"{origin}: risk.{key}", low, high)

    pus_min, pus_max = ti("pus_min_age_years", 10, 60), ti("pus_max_age_years", 10, 60)
    if pus_min > pus_max:
        raise ValueError(f"{origin}: target.pus_min_age_years is above pus_max_age_years")
    baduta, balita = ti("baduta_max_months", 1, 59), ti("balita_max_months", 1, 71)
    if baduta >= balita:
        raise ValueError(f"{origin}: target.baduta_max_months must be below balita_max_months")
    counts_pregnancy = need(r, "risk", "too_close_counts_pregnancy")
    if not isinstance(counts_pregnancy, bool):
        raise ValueError(f"{origin}: risk.too_close_counts_pregnancy must be true or false")
    short = need(r, "risk", "short_mother_under_cm")
    if not isinstance(short, int | float) or isinstance(short, bool) or not 100 <= short <= 180:
        raise ValueError(f"{origin}: risk.short_mother_under_cm must be a number from 100 to 180;"
                         f" got {short!r}")  # fmt: skip
    due = need(v, "visits", "due_after_days")
    if not isinstance(due, dict):
        raise ValueError(f"{origin}: [visits.due_after_days] is missing")
    missing = [code for code in Target.values if code not in due]
    if missing:
        raise ValueError(f"{origin}: visits.due_after_days has no value for {missing}")
    _codes(list(due), f"{origin}: visits.due_after_days", Target.values)
    due_days = {code: _int(due[code], f"{origin}: visits.due_after_days.{code}", 1, 730)
                for code in Target.values}  # fmt: skip
    return KrsConfig(
        version=version, origin=origin, pus_min_age_years=pus_min, pus_max_age_years=pus_max,
        baduta_max_months=baduta, balita_max_months=balita,
        pregnancy_max_weeks=ti("pregnancy_max_weeks", 30, 52),
        postpartum_days=ti("postpartum_days", 0, 365),
        factors=_codes(need(r, "risk", "factors"), f"{origin}: risk.factors", Factor.values),
        min_factors=ri("min_factors", 1, len(Factor.values)),
        sanitation_definition=_choice(need(r, "risk", "sanitation_definition"),
                                      f"{origin}: risk.sanitation_definition",
                                      SANITATION_DEFINITIONS),
        age_factors_women=_choice(need(r, "risk", "age_factors_women"),
                                  f"{origin}: risk.age_factors_women", AGE_WOMEN_CHOICES),
        too_young_under_years=ri("too_young_under_years", 10, 30),
        too_old_over_years=ri("too_old_over_years", 25, 60),
        too_close_under_months=ri("too_close_under_months", 1, 120),
        same_birth_within_days=ri("same_birth_within_days", 0, 60),
        too_close_counts_pregnancy=counts_pregnancy,
        too_many_over=ri("too_many_over", 1, 20),
        short_mother_under_cm=float(short),
        topics=_codes(need(v, "visits", "topics"), f"{origin}: visits.topics", Topic.values),
        due_after_days=due_days,
        visited_within_days=_int(need(s, "summary", "visited_within_days"),
                                 f"{origin}: summary.visited_within_days", 1, 730),
    )  # fmt: skip


def load(path: str | Path | None = None) -> KrsConfig:
    """Read a configuration file (a path, or None for the shipped default)."""
    data, origin = tomlconfig.read("tumbuh.families", DEFAULT_CONFIG_FILE, path)
    return parse(data, origin)


@functools.cache
def current() -> KrsConfig:
    """The shipped configuration, read once per process."""
    return load()
