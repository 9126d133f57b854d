"""pytest plugin for the whole test suite, loaded with ``-p tumbuh.testing`` (pyproject.toml).

pytest-django imports the settings before any ``conftest.py`` is read, and the settings
require a secret key when TUMBUH_DEBUG is off (as it is by default). A ``-p`` plugin is
imported before that, so this is where the suite's environment is set. Values already in the
environment win, so ``DATABASE_URL=postgres://... python3 dev.py test`` works as expected.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TUMBUH_SECRET_KEY", "tumbuh-test-suite-only-not-a-secret")


@pytest.fixture(autouse=True, scope="session")
def _plain_static_files_storage(tmp_path_factory):
    """Serve static files without the manifest, so tests need no ``collectstatic`` first.

    Production uses WhiteNoise's manifest storage, which can only name files that
    ``collectstatic`` has hashed; ``tumbuh/tools/tests/test_demo.py`` covers that path.
    """
    from django.test.utils import override_settings

    with override_settings(
        STATIC_ROOT=tmp_path_factory.mktemp("static_root"),
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture
def english(client):
    """Messages in English (their source text), for tests that read them, whatever the
    catalogue says: the active language and the test client's Accept-Language. An app's
    conftest makes it automatic with a three-line autouse fixture that asks for it."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
