"""The water and sanitation rule set: a small versioned TOML file in ``tumbuh/wash/data/``.

It lists which registry codes count as "layak" (see docs/wash.md for the sources). Every code of
the registry's choices must be judged exactly once, so a code added later cannot slip through.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from tumbuh.lib import tomlconfig
from tumbuh.registry.models import Sanitation, Wastewater, WaterSource

DEFAULT_CONFIG_FILE = "wash-2026.1.toml"
DEFINITIONS = ("national", "krs")


@dataclass(frozen=True)
class WashRules:
    version: str
    origin: str
    water_layak: frozenset[str]
    #: definition name ("national", "krs") -> layak sanitation codes
    sanitation_layak: dict[str, frozenset[str]]
    wastewater_safe: frozenset[str]
    #: project kind -> {household field: value set when the project reaches the household}
    project_effects: dict[str, dict[str, str]]


def _codes(section: dict, key: str, where: str, known: list[str]) -> frozenset[str]:
    value = section.get(key)
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise ValueError(f"{where}.{key} must be a list of codes")
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValueError(f"{where}.{key}: unknown codes {unknown}; known: {known}")
    if len(set(value)) != len(value):
        raise ValueError(f"{where}.{key} lists a code twice")
    return frozenset(value)


def _split(data: dict, name: str, origin: str, known: list[str], yes: str, no: str):
    section = data.get(name)
    if not isinstance(section, dict):
        raise ValueError(f"{origin}: missing section [{name}]")
    where = f"{origin}: {name}"
    good, bad = _codes(section, yes, where, known), _codes(section, no, where, known)
    both = sorted(good & bad)
    if both:
        raise ValueError(f"{where}: codes in both '{yes}' and '{no}': {both}")
    missing = sorted(set(known) - good - bad)
    if missing:
        raise ValueError(f"{where}: codes judged nowhere (add to '{yes}' or '{no}'): {missing}")
    return section, good


def parse(data: dict, origin: str) -> WashRules:
    """Check and convert the parsed TOML; every mistake is a ``ValueError`` naming the key."""
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(f"{origin}: 'version' must be a non-empty string")
    _, water = _split(data, "water", origin, WaterSource.values, "layak", "not_layak")
    section, san = _split(data, "sanitation", origin, Sanitation.values, "layak", "not_layak")
    krs_section = section.get("krs", {"layak": sorted(san)})
    if not isinstance(krs_section, dict):
        raise ValueError(f"{origin}: sanitation.krs must be a table")
    krs = _codes(krs_section, "layak", f"{origin}: sanitation.krs", Sanitation.values)
    _, waste = _split(data, "wastewater", origin, Wastewater.values, "safe", "not_safe")
    return WashRules(version=version, origin=origin, water_layak=water,
                     sanitation_layak={"national": san, "krs": krs},
                     wastewater_safe=waste,
                     project_effects=_effects(data.get("projects", {}), origin))  # fmt: skip


def _effects(section: dict, origin: str) -> dict[str, dict[str, str]]:
    from .models import ProjectKind

    known = {"water_source": WaterSource.values, "sanitation": Sanitation.values,
             "wastewater": Wastewater.values}  # fmt: skip
    missing = sorted(set(ProjectKind.values) - set(section))
    unknown = sorted(set(section) - set(ProjectKind.values))
    if missing or unknown:
        raise ValueError(f"{origin}: [projects.*] must name every project kind once; "
                         f"missing {missing}, unknown {unknown}")  # fmt: skip
    effects = {}
    for kind, spec in section.items():
        for field, value in spec.items():
            if field not in known:
                raise ValueError(f"{origin}: projects.{kind}.{field}: unknown field; "
                                 f"known: {sorted(known)}")  # fmt: skip
            if value not in known[field]:
                raise ValueError(f"{origin}: projects.{kind}.{field} = {value!r}: unknown "
                                 f"code; known: {known[field]}")  # fmt: skip
        effects[kind] = dict(spec)
    return effects


def load(path: str | Path | None = None) -> WashRules:
    """Read a rule file (a path, or None for the shipped default)."""
    data, origin = tomlconfig.read("tumbuh.wash", DEFAULT_CONFIG_FILE, path)
    return parse(data, origin)


@functools.cache
def current() -> WashRules:
    """The shipped rule set, read once per process."""
    return load()
