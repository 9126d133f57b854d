"""The worklists' configuration: a small versioned TOML file in ``tumbuh/worklists/data/``.

It says which reasons each role works on (and in which order the tabs come), how many months
back each reason looks, and how long the lists are. The meaning of each reason is code
(:mod:`tumbuh.worklists.services`); see docs/worklists.md.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from tumbuh.accounts.models import Role
from tumbuh.lib import tomlconfig

from .models import Reason

DEFAULT_CONFIG_FILE = "worklists-2026.1.toml"
#: Reasons whose window is fixed by their meaning (the current calendar month).
FIXED_WINDOW = frozenset({Reason.NOT_WEIGHED})
MAX_WINDOW_MONTHS = 12


@dataclass(frozen=True)
class WorklistConfig:
    version: str
    origin: str
    per_page: int
    done_days: int
    #: above this many posyandu (and none chosen), "not weighed" lists posyandu, not children
    group_over: int
    #: reason code -> months looked back (1 = the current month only)
    window_months: dict[str, int]
    #: role -> reason codes, in tab order
    roles: dict[str, tuple[str, ...]]

    def reasons_for(self, user) -> tuple[str, ...]:
        """The reasons on ``user``'s worklist (administrators and superusers: the admin's)."""
        role = Role.ADMIN if user.is_administrator else user.role
        return self.roles.get(role, ())


def _int(value, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{where} must be a whole number from {low} to {high}; got {value!r}")
    return value


def parse(data: dict, origin: str) -> WorklistConfig:
    """Check and convert the parsed TOML; every mistake is a ``ValueError`` naming the key."""
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{origin}: 'version' must be a non-empty string")
    lists = data.get("lists", {})
    per_page = _int(lists.get("per_page", 50), f"{origin}: lists.per_page", 5, 500)
    done_days = _int(lists.get("done_days", 31), f"{origin}: lists.done_days", 1, 366)
    group_over = _int(lists.get("group_not_weighed_over", 10),
                      f"{origin}: lists.group_not_weighed_over", 1, 100_000)  # fmt: skip
    reasons = data.get("reasons", {})
    unknown = set(reasons) - set(Reason.values)
    if unknown:
        raise ValueError(f"{origin}: unknown reasons {sorted(unknown)}; known: {Reason.values}")
    window = {}
    for code, spec in reasons.items():
        if code in FIXED_WINDOW:
            if "window_months" in spec:
                raise ValueError(f"{origin}: reasons.{code} is always the current month")
            window[code] = 1
        else:
            window[code] = _int(spec.get("window_months"), f"{origin}: reasons.{code}."
                                "window_months", 1, MAX_WINDOW_MONTHS)  # fmt: skip
    roles = {}
    for role, codes in data.get("roles", {}).items():
        if role not in Role.values:
            raise ValueError(f"{origin}: unknown role {role!r}; known: {Role.values}")
        if not isinstance(codes, list) or len(set(codes)) != len(codes):
            raise ValueError(f"{origin}: roles.{role} must be a list of distinct reasons")
        missing = [c for c in codes if c not in window]
        if missing:
            raise ValueError(f"{origin}: roles.{role} names reasons without a [reasons.*] "
                             f"section: {missing}")  # fmt: skip
        roles[role] = tuple(codes)
    return WorklistConfig(version=version, origin=origin, per_page=per_page,
                          done_days=done_days, group_over=group_over, window_months=window,
                          roles=roles)  # fmt: skip


def load(path: str | Path | None = None) -> WorklistConfig:
    """Read a configuration file (a path, or None for the shipped default)."""
    data, origin = tomlconfig.read("tumbuh.worklists", DEFAULT_CONFIG_FILE, path)
    return parse(data, origin)


@functools.cache
def current() -> WorklistConfig:
    """The shipped configuration, read once per process."""
    return load()
