"""Fixtures shared by every app's tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests log in a dozen users; the production hasher would spend seconds on each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db):
    """The shared cast (tumbuh/testcast.py): one user per role on side A and side B."""
    from tumbuh.testcast import build_cast

    return build_cast()


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Every test starts with empty caches (cached city-wide figures must not leak between
    tests that share a day and a scope). The database-backed ``figures`` cache becomes a
    per-process one: a test that commits (transaction=True) would otherwise leave figures
    behind; tumbuh/lib/tests/test_figurecache.py tests the database cache itself."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "figures-under-test"},
    }  # fmt: skip
    caches["default"].clear()
    caches["figures"].clear()
    yield


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Uploaded files (the e-PPGBM import) go to the test's own folder, not the data directory."""
    settings.EPPGBM_UPLOAD_DIR = tmp_path / "uploads"
