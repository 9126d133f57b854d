"""The PMT rule set: a small versioned TOML file (``tumbuh/pmt/data/pmt-*.toml``).

It says who is eligible (age range, the reasons in priority order), for how many days, what
counts as recovered at the end, and how the automatic closure waits for the end measurement.
Every enrolment stores the version it was decided under. ``TUMBUH_PMT_RULES`` points at another
file (docs/pmt.md); every mistake in a file is a ``ValueError`` that names the key.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from tumbuh.lib import tomlconfig

from .models import CHILD_REASONS, PREGNANT_REASONS, Group

DEFAULT_RULES_FILE = "pmt-2026.1.toml"
RULES_ENV = "TUMBUH_PMT_RULES"


@dataclass(frozen=True)
class ReasonRule:
    code: str
    days: int
    recovered_above_whz: float | None = None
    recovered_above_waz: float | None = None
    recovered_waz_gain: float | None = None
    recovered_kg_per_week: float | None = None


@dataclass(frozen=True)
class PmtRules:
    version: str
    origin: str
    child_min_age_months: int
    child_max_age_months: int
    child_measurement_max_age_days: int
    include_severely_underweight: bool
    pregnant_measurement_max_age_days: int
    #: group -> the group's reasons in priority order
    reasons: dict[str, tuple[ReasonRule, ...]]
    end_window_before_days: int
    grace_days: int
    completed_share: float

    def rule(self, code: str) -> ReasonRule:
        for rules in self.reasons.values():
            for rule in rules:
                if rule.code == code:
                    return rule
        raise KeyError(code)

    def days(self, code: str) -> int:
        return self.rule(code).days


def _number(value, where: str, low: float, high: float, *, whole: bool = False):
    ok_type = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type or not low <= value <= high:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{where} must be {kind} from {low} to {high}; got {value!r}")
    return value


_SUCCESS_KEYS = {
    "gizi_kurang": "recovered_above_whz",
    "bb_kurang": "recovered_above_waz",
    "tidak_naik": "recovered_waz_gain",
    "kek": "recovered_kg_per_week",
    "risiko_kek": "recovered_kg_per_week",
}


def _reasons(data: dict, group: str, allowed, origin: str) -> tuple[ReasonRule, ...]:
    entries = data.get("reasons")
    where = f"{origin}: {group}.reasons"
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{where} must be a non-empty list of tables")
    seen, rules = set(), []
    for i, entry in enumerate(entries):
        at = f"{where}[{i}]"
        code = entry.get("code")
        if code not in allowed:
            raise ValueError(f"{at}.code must be one of {', '.join(allowed)}; got {code!r}")
        if code in seen:
            raise ValueError(f"{at}.code {code!r} appears twice")
        seen.add(code)
        days = _number(entry.get("days"), f"{at}.days", 1, 365, whole=True)
        key = _SUCCESS_KEYS[code]
        low, high = (0.0, 5.0) if key in ("recovered_waz_gain", "recovered_kg_per_week") else (
            -5.0, 5.0
        )
        success = _number(entry.get(key), f"{at}.{key}", low, high)
        unknown = set(entry) - {"code", "days", key}
        if unknown:
            raise ValueError(f"{at}: unknown keys {', '.join(sorted(unknown))}")
        rules.append(ReasonRule(code=code, days=days, **{key: float(success)}))
    return tuple(rules)


def parse(data: dict, origin: str) -> PmtRules:
    """Check and convert the parsed TOML."""
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{origin}: 'version' must be a non-empty string")
    child = data.get("child", {})
    pregnant = data.get("pregnant", {})
    closure = data.get("closure", {})
    low = _number(child.get("min_age_months", 6), f"{origin}: child.min_age_months", 0, 59,
                  whole=True)  # fmt: skip
    high = _number(child.get("max_age_months", 59), f"{origin}: child.max_age_months", low, 59,
                   whole=True)  # fmt: skip
    severe = child.get("include_severely_underweight", False)
    if not isinstance(severe, bool):
        raise ValueError(f"{origin}: child.include_severely_underweight must be true or false")
    return PmtRules(
        version=version,
        origin=str(data.get("origin", "")),
        child_min_age_months=low,
        child_max_age_months=high,
        child_measurement_max_age_days=_number(
            child.get("measurement_max_age_days", 45),
            f"{origin}: child.measurement_max_age_days", 1, 366, whole=True,
        ),  # fmt: skip
        include_severely_underweight=severe,
        pregnant_measurement_max_age_days=_number(
            pregnant.get("measurement_max_age_days", 60),
            f"{origin}: pregnant.measurement_max_age_days", 1, 366, whole=True,
        ),  # fmt: skip
        reasons={
            Group.CHILD: _reasons(child, "child", [r.value for r in CHILD_REASONS], origin),
            Group.PREGNANT: _reasons(
                pregnant, "pregnant", [r.value for r in PREGNANT_REASONS], origin
            ),
        },
        end_window_before_days=_number(
            closure.get("end_window_before_days", 7),
            f"{origin}: closure.end_window_before_days", 0, 60, whole=True,
        ),  # fmt: skip
        grace_days=_number(closure.get("grace_days", 14), f"{origin}: closure.grace_days", 0,
                           120, whole=True),  # fmt: skip
        completed_share=float(_number(closure.get("completed_share", 0.9),
                                      f"{origin}: closure.completed_share", 0.0, 1.0)),
    )  # fmt: skip


def load(path: str | Path | None = None):
    data, origin = tomlconfig.read("tumbuh.pmt", DEFAULT_RULES_FILE, path)
    return parse(data, origin)


@functools.cache
def _cached(path: str):
    return load(path or None)


def rules() -> PmtRules:
    """The rule set in force: ``$TUMBUH_PMT_RULES`` or the shipped file."""
    return _cached(os.environ.get(RULES_ENV, "").strip())
