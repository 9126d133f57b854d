"""The training catalogue: a small versioned TOML file in ``tumbuh/training/data/``.

It lists the modules cadres are trained in (code, title, description, whether the module is
"core" for the coverage page and whether it teaches anthropometry, for the before/after
comparison of the cadre page), the pass mark of the post-test and the default window of the
coverage page. See docs/training.md.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from tumbuh.lib import tomlconfig

DEFAULT_CATALOGUE_FILE = "modules-2026.1.toml"
MAX_COVERAGE_MONTHS = 60
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")


@dataclass(frozen=True)
class ModuleSpec:
    code: str
    title: str  # Indonesian
    title_en: str  # English, may be empty
    description: str
    core: bool
    anthropometry: bool


@dataclass(frozen=True)
class Catalogue:
    version: str
    origin: str
    pass_mark: int
    coverage_months: int
    modules: tuple[ModuleSpec, ...]

    @property
    def core_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.modules if m.core)

    @property
    def anthropometry_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.modules if m.anthropometry)


def _int(value, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{where} must be a whole number from {low} to {high}; got {value!r}")
    return value


def _text(value, where: str, *, max_length: int, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where} must be a non-empty string; got {value!r}")
    if len(value) > max_length:
        raise ValueError(f"{where} must be at most {max_length} characters; got {len(value)}")
    return value.strip()


def _bool(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where} must be true or false; got {value!r}")
    return value


def parse(data: dict, origin: str) -> Catalogue:
    """Check and convert the parsed TOML; every mistake is a ``ValueError`` naming the key."""
    version = _text(data.get("version"), f"{origin}: version", max_length=16)
    scores = data.get("scores", {})
    pass_mark = _int(scores.get("pass_mark"), f"{origin}: scores.pass_mark", 1, 100)
    coverage = data.get("coverage", {})
    months = _int(coverage.get("months"), f"{origin}: coverage.months", 1, MAX_COVERAGE_MONTHS)
    specs = data.get("module")
    if not isinstance(specs, list) or not specs:
        raise ValueError(f"{origin}: at least one [[module]] is needed")
    modules, seen = [], set()
    for i, spec in enumerate(specs):
        where = f"{origin}: module[{i}]"
        code = _text(spec.get("code"), f"{where}.code", max_length=16)
        if not CODE_RE.match(code):
            raise ValueError(f"{where}.code must be capitals, digits and dashes, like ANT-1; "
                             f"got {code!r}")  # fmt: skip
        if code in seen:
            raise ValueError(f"{where}.code {code!r} appears twice")
        seen.add(code)
        modules.append(ModuleSpec(
            code=code,
            title=_text(spec.get("title"), f"{where}.title", max_length=200),
            title_en=_text(spec.get("title_en", ""), f"{where}.title_en", max_length=200,
                           required=False),
            description=_text(spec.get("description", ""), f"{where}.description",
                              max_length=2000, required=False),
            core=_bool(spec.get("core", False), f"{where}.core"),
            anthropometry=_bool(spec.get("anthropometry", False), f"{where}.anthropometry"),
        ))  # fmt: skip
    if not any(m.core for m in modules):
        raise ValueError(f"{origin}: at least one module must have core = true")
    return Catalogue(version=version, origin=origin, pass_mark=pass_mark,
                     coverage_months=months, modules=tuple(modules))  # fmt: skip


def load(path: str | Path | None = None) -> Catalogue:
    """Read a catalogue file (a path, or None for the shipped default)."""
    data, origin = tomlconfig.read("tumbuh.training", DEFAULT_CATALOGUE_FILE, path)
    return parse(data, origin)


@functools.cache
def current() -> Catalogue:
    """The shipped catalogue, read once per process."""
    return load()
