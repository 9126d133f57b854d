"""Read configuration from environment variables, failing loudly on bad values.

Every setting in ``tumbuh/settings.py`` goes through one of these helpers, so that

* a value that cannot be understood stops start-up with ``ImproperlyConfigured`` naming the
  variable and the bad value, instead of being silently ignored;
* ``tests/test_docs.py`` can find every variable the settings read, and fail when one is
  missing from ``docs/configuration.md`` or ``.env.example``.

An empty value counts as unset (``TUMBUH_DEBUG=`` in an env file means "use the default").
Each helper takes an optional ``environ`` mapping for tests; it defaults to ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

# Relative to the current directory, like ./var/tumbuh.sqlite3 in the docs.
DEFAULT_DATA_DIR = "var"


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(
    name: str,
    default: str,
    *,
    choices: Iterable[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Return the variable's text, or ``default`` when unset; optionally one of ``choices``."""
    value = _raw(name, environ)
    if value is None:
        return default
    if choices is not None:
        allowed = list(choices)
        if value not in allowed:
            raise ImproperlyConfigured(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """Return True for 1/true/yes/on and False for 0/false/no/off (any case)."""
    value = _raw(name, environ)
    if value is None:
        return default
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off); got {value!r}")


def env_int(
    name: str,
    default: int,
    *,
    min_value: int | None = None,
    max_value: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Return the variable as a whole number within [min_value, max_value]."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}") from None
    if min_value is not None and number < min_value:
        raise ImproperlyConfigured(f"{name} must be at least {min_value}; got {number}")
    if max_value is not None and number > max_value:
        raise ImproperlyConfigured(f"{name} must be at most {max_value}; got {number}")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Return a comma-separated variable as a list of stripped, non-empty items."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> Path:
    """Return the variable as an absolute path (relative values are taken from the cwd)."""
    value = _raw(name, environ)
    return Path(default if value is None else value).expanduser().resolve()


def env_secret(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Return a secret from ``NAME`` or from the file named by ``NAME_FILE``.

    ``NAME_FILE`` suits container secrets (``/run/secrets/...``); surrounding whitespace in
    the file is ignored. Setting both is an error, as is a file that cannot be read or is
    empty.
    """
    value = _raw(name, environ)
    file_name = _raw(f"{name}_FILE", environ)
    if value is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
    if file_name is not None:
        try:
            secret = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE names {file_name!r}, which cannot be read: {error.strerror}"
            ) from None
        if not secret:
            raise ImproperlyConfigured(f"{name}_FILE names {file_name!r}, which is empty")
        return secret
    return default if value is None else value


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The directory for the SQLite database, collected static files and demo files."""
    return env_path("TUMBUH_DATA_DIR", DEFAULT_DATA_DIR, environ=environ)
