"""City-wide figures kept in the database and served at once, refreshed behind the user's back.

Some figures (the convergence of every child in a city) take the database about a second to
count. :func:`cached` keeps each result in the ``figures`` cache (Django's database cache: shared
by every process and server of an installation, kept across restarts) with the time it was made:

- younger than ``fresh_seconds`` (five minutes): served as it is;
- older: still served at once, and counted again in a background thread (one at a time per
  key), so that the next view shows the new figures;
- missing (the first view of a scope and day, or after the rule set changed, which changes the
  key): counted while the user waits.

Pages that show such figures say when they were counted (:class:`Cached`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.utils import timezone

log = logging.getLogger(__name__)

ALIAS = "figures"
FRESH_SECONDS = 300
#: how long a refresh may run before another process may try again
REFRESH_LOCK_SECONDS = 120


@dataclass
class Cached:
    """A value and when it was counted."""

    value: Any
    made_at: dt.datetime

    @property
    def age_seconds(self) -> float:
        return (timezone.now() - self.made_at).total_seconds()


def _store():
    return caches[ALIAS]


def _make(key: str, make: Callable[[], Any]) -> Cached:
    entry = Cached(value=make(), made_at=timezone.now())
    _store().set(key, entry)
    return entry


def _refresh(key: str, make: Callable[[], Any]) -> None:
    try:
        _make(key, make)
    except Exception:  # a failed refresh keeps the old figures; the next view tries again
        log.exception("refreshing %s failed", key)
    finally:
        _store().delete(f"{key}:refreshing")


def start_background(target: Callable[[], None]) -> None:
    """Run ``target`` in a daemon thread with its own database connection, closed at the end
    (tests replace this with a direct call)."""

    def run() -> None:
        try:
            target()
        finally:
            connection.close()

    threading.Thread(target=run, daemon=True, name="tumbuh-figures").start()


def cached(key: str, make: Callable[[], Any], *, fresh_seconds: int = FRESH_SECONDS) -> Cached:
    """The figures under ``key``: from the cache (refreshed in the background once older than
    ``fresh_seconds``), or ``make()`` now when there are none."""
    entry = _store().get(key)
    if entry is None:
        return _make(key, make)
    if entry.age_seconds > fresh_seconds and _store().add(
        f"{key}:refreshing", True, REFRESH_LOCK_SECONDS
    ):
        start_background(lambda: _refresh(key, make))
    return entry


def refresh(key: str, make: Callable[[], Any]) -> Cached:
    """Count ``make()`` now and keep it (after an import, or to warm the cache)."""
    return _make(key, make)
