"""Is a household's drinking water / sanitation "layak"? (rule set: data/wash-2026.1.toml)

The registry's ``Household.water_source`` and ``Household.sanitation`` are the source of truth;
these functions only judge their codes. ``None`` means "not known" (blank or an unknown code),
which coverage figures count apart, never as "not layak".

Two sanitation definitions (docs/wash.md):

- ``"national"`` (default; BPS / SDG 6.2): own or shared latrine with a septic tank or sewer.
- ``"krs"`` (BKKBN's stunting-risk factor): the family's own latrine with a septic tank.

Scalar helpers for one household, vectorised helpers for numpy arrays, and ``Q`` objects for
querysets (so coverage is counted in the database).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db.models import Q

from . import config


def rule_version() -> str:
    return config.current().version


def _judge(code: str | None, layak: frozenset[str], known: Iterable[str]) -> bool | None:
    if not code or code not in known:
        return None
    return code in layak


def water_is_layak(code: str | None) -> bool | None:
    """True / False for a WaterSource code; None for blank or unknown."""
    from tumbuh.registry.models import WaterSource

    return _judge(code, config.current().water_layak, WaterSource.values)


def sanitation_is_layak(code: str | None, definition: str = "national") -> bool | None:
    """True / False for a Sanitation code; None for blank or unknown."""
    from tumbuh.registry.models import Sanitation

    return _judge(code, _sanitation_codes(definition), Sanitation.values)


def wastewater_is_safe(code: str | None) -> bool | None:
    """True / False for a Wastewater (grey water) code; None for blank or unknown."""
    from tumbuh.registry.models import Wastewater

    return _judge(code, config.current().wastewater_safe, Wastewater.values)


def _sanitation_codes(definition: str) -> frozenset[str]:
    try:
        return config.current().sanitation_layak[definition]
    except KeyError:
        raise ValueError(
            f"unknown sanitation definition {definition!r}; known: {config.DEFINITIONS}"
        ) from None


# --- vectorised -------------------------------------------------------------------------------


def _array(codes, layak: frozenset[str], known) -> np.ndarray:
    """A float array: 1.0 layak, 0.0 not layak, NaN unknown (so np.nanmean gives the share)."""
    arr = np.asarray(list(codes) if not isinstance(codes, np.ndarray) else codes, dtype=object)
    out = np.full(arr.shape, np.nan)
    if arr.size:
        out[np.isin(arr, list(known))] = 0.0
        out[np.isin(arr, list(layak))] = 1.0
    return out


def water_layak_array(codes) -> np.ndarray:
    from tumbuh.registry.models import WaterSource

    return _array(codes, config.current().water_layak, WaterSource.values)


def sanitation_layak_array(codes, definition: str = "national") -> np.ndarray:
    from tumbuh.registry.models import Sanitation

    return _array(codes, _sanitation_codes(definition), Sanitation.values)


# --- querysets (prefix: the path to the Household, e.g. "household__") ------------------------


def water_layak_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}water_source__in": sorted(config.current().water_layak)})


def water_known_q(prefix: str = "") -> Q:
    from tumbuh.registry.models import WaterSource

    return Q(**{f"{prefix}water_source__in": WaterSource.values})


def sanitation_layak_q(prefix: str = "", definition: str = "national") -> Q:
    return Q(**{f"{prefix}sanitation__in": sorted(_sanitation_codes(definition))})


def sanitation_known_q(prefix: str = "") -> Q:
    from tumbuh.registry.models import Sanitation

    return Q(**{f"{prefix}sanitation__in": Sanitation.values})
