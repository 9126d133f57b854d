"""The figures cache: fresh figures served as they are, old ones served and counted again in
the background, missing ones counted now; and the database cache table made by migrate."""

import datetime as dt

import pytest
from django.core.cache import caches

from tumbuh.lib import figurecache


@pytest.fixture
def counter():
    calls = []

    def make():
        calls.append(1)
        return len(calls)

    make.calls = calls
    return make


@pytest.fixture
def background(monkeypatch):
    """Background work runs at once, in the test's thread, and is recorded."""
    started = []

    def run(target):
        started.append(target)
        target()

    monkeypatch.setattr(figurecache, "start_background", run)
    return started


def _age(key, seconds):
    store = caches[figurecache.ALIAS]
    entry = store.get(key)
    entry.made_at -= dt.timedelta(seconds=seconds)
    store.set(key, entry)


def test_missing_figures_are_counted_now_then_served_from_the_cache(counter, background):
    first = figurecache.cached("k", counter)
    assert first.value == 1 and first.age_seconds < 5
    assert figurecache.cached("k", counter).value == 1
    assert counter.calls == [1] and background == []


def test_old_figures_are_served_and_counted_again_behind(counter, background):
    figurecache.cached("k", counter)
    _age("k", figurecache.FRESH_SECONDS + 1)
    served = figurecache.cached("k", counter)
    assert served.value == 1  # the old figures, at once
    assert len(background) == 1 and len(counter.calls) == 2
    assert figurecache.cached("k", counter).value == 2  # the next view sees the new ones
    assert len(background) == 1  # fresh again: no second refresh


def test_one_refresh_at_a_time(counter, monkeypatch):
    started = []
    monkeypatch.setattr(figurecache, "start_background", started.append)  # never finishes
    figurecache.cached("k", counter)
    _age("k", figurecache.FRESH_SECONDS + 1)
    figurecache.cached("k", counter)
    figurecache.cached("k", counter)
    assert len(started) == 1


def test_a_failed_refresh_keeps_the_old_figures(background):
    figurecache.cached("k", lambda: "old")
    _age("k", figurecache.FRESH_SECONDS + 1)

    def broken():
        raise RuntimeError("database gone")

    assert figurecache.cached("k", broken).value == "old"
    assert figurecache.cached("k", lambda: "new").value == "old"  # the lock was released...
    _age("k", figurecache.FRESH_SECONDS + 1)
    figurecache.cached("k", lambda: "new")
    assert figurecache.cached("k", lambda: "x").value == "new"  # ...so a later view refreshes


@pytest.mark.django_db
def test_the_database_cache_table_exists_and_keeps_figures(settings):
    from tumbuh import settings as project_settings

    settings.CACHES = project_settings.CACHES  # the real database cache (restored after)
    store = caches[figurecache.ALIAS]
    assert store.__class__.__name__ == "DatabaseCache"
    entry = figurecache.refresh("db-key", lambda: {"rows": [1, 2, 3]})
    got = store.get("db-key")
    assert got.value == {"rows": [1, 2, 3]} and got.made_at == entry.made_at
