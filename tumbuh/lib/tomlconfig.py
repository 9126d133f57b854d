"""Reading the versioned TOML configuration files that apps ship under ``<app>/data/``.

Each app parses and checks its own keys; this reads the file: the shipped default of a package,
or a path an administrator gave. A syntax error becomes a ``ValueError`` that names the file.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path


def read(package: str, default_file: str, path: str | Path | None = None) -> tuple[dict, str]:
    """``(data, origin)`` of ``path``, or of ``<package>/data/<default_file>`` when None;
    ``origin`` is what error messages name (the path, or the shipped file's name)."""
    if path is None or path == "":
        resource = resources.files(package).joinpath("data", default_file)
        text, origin = resource.read_text(encoding="utf-8"), default_file
    else:
        text, origin = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        return tomllib.loads(text), origin
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{origin}: not valid TOML: {exc}") from None
