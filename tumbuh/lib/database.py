"""Turn DATABASE_URL into Django's DATABASES entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SQLITE_ENGINE = "django.db.backends.sqlite3"

# Write-ahead logging lets the web server read while a batch job writes; IMMEDIATE
# transactions take the write lock up front, so concurrent writers wait (busy timeout)
# instead of failing half-way with "database is locked".
SQLITE_OPTIONS: dict[str, Any] = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

# PostgreSQL compiles a query with LLVM once its estimated cost is high: for the city-wide
# figures (a subquery per child, about a second to run) that compilation alone took 1.2 s.
# tumbuh's queries are many short ones; JIT only slows them.
POSTGRESQL_OPTIONS: dict[str, Any] = {"options": "-c jit=off"}


def database_config(url: str, *, default_sqlite_path: Path, conn_max_age: int) -> dict[str, Any]:
    """Return the settings for the default database.

    Parameters
    ----------
    url : str
        A database URL such as ``postgres://user:password@host:5432/name`` or
        ``sqlite:////absolute/path.sqlite3``; empty means the SQLite file
        ``default_sqlite_path``, whose directory is created when missing.
    default_sqlite_path : Path
        Absolute path of the SQLite file used when ``url`` is empty.
    conn_max_age : int
        Seconds a connection is kept open for reuse (0 closes it after each request).
    """
    if url:
        try:
            config = dj_database_url.parse(
                url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0
            )
        except ValueError as error:
            raise ImproperlyConfigured(
                f"DATABASE_URL is not a usable database URL: {error}"
            ) from None
    else:
        default_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        config = {
            "ENGINE": SQLITE_ENGINE,
            "NAME": str(default_sqlite_path),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": conn_max_age > 0,
        }
    if config["ENGINE"] == SQLITE_ENGINE:
        defaults = SQLITE_OPTIONS
    elif "postgresql" in config["ENGINE"]:
        defaults = POSTGRESQL_OPTIONS
    else:
        defaults = {}
    options = config.setdefault("OPTIONS", {})
    for key, value in defaults.items():
        options.setdefault(key, value)  # what the URL says wins
    return config
