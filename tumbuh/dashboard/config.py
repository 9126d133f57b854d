"""The dashboard's settings: ``tumbuh/dashboard/data/dashboard-*.toml``
(``TUMBUH_DASHBOARD_RULES`` names another file)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from tumbuh.lib import tomlconfig

DEFAULT_FILE = "dashboard-2026.1.toml"
RULES_ENV = "TUMBUH_DASHBOARD_RULES"


@dataclass(frozen=True)
class DashboardRules:
    version: str
    min_cell: int
    trend_months: int


def _int(value, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{where} must be a whole number from {low} to {high}; got {value!r}")
    return value


def parse(data: dict, origin: str) -> DashboardRules:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{origin}: 'version' must be a non-empty string")
    return DashboardRules(
        version=version,
        min_cell=_int(data.get("min_cell", 10), f"{origin}: min_cell", 1, 1000),
        trend_months=_int(data.get("trend_months", 12), f"{origin}: trend_months", 2, 36),
    )


def load(path: str | Path | None = None) -> DashboardRules:
    data, origin = tomlconfig.read("tumbuh.dashboard", DEFAULT_FILE, path)
    return parse(data, origin)


@functools.cache
def _cached(path: str) -> DashboardRules:
    return load(path or None)


def rules() -> DashboardRules:
    return _cached(os.environ.get(RULES_ENV, "").strip())
