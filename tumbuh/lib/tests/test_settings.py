"""tumbuh/settings.py reads its environment strictly.

Each test executes the settings file afresh with a controlled environment (the settings
already loaded for the test run are not touched).
"""

import os
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import tumbuh

SETTINGS_FILE = Path(tumbuh.__file__).parent / "settings.py"


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean environment with a secret key and a throwaway data directory."""
    for name in list(os.environ):
        if name.startswith("TUMBUH_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("TUMBUH_SECRET_KEY", "a-test-key")
    monkeypatch.setenv("TUMBUH_DATA_DIR", str(tmp_path / "data"))
    return monkeypatch


def load_settings() -> dict:
    return runpy.run_path(str(SETTINGS_FILE))


def test_the_defaults_are_production_safe(environment, tmp_path):
    settings = load_settings()
    assert settings["DEBUG"] is False
    assert settings["SECRET_KEY"] == "a-test-key"
    assert settings["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert settings["LANGUAGE_CODE"] == "id"
    assert settings["TIME_ZONE"] == "Asia/Makassar"


def test_it_refuses_a_bad_debug_value(environment):
    environment.setenv("TUMBUH_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TUMBUH_DEBUG must be true or false.*'maybe'"):
        load_settings()


def test_it_requires_a_secret_key_when_debug_is_off(environment):
    environment.delenv("TUMBUH_SECRET_KEY")
    with pytest.raises(ImproperlyConfigured, match="TUMBUH_SECRET_KEY .* must be set"):
        load_settings()


def test_it_falls_back_to_a_development_key_only_in_debug_mode(environment):
    environment.delenv("TUMBUH_SECRET_KEY")
    environment.setenv("TUMBUH_DEBUG", "true")
    settings = load_settings()
    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"].startswith("django-insecure-")


def test_it_reads_the_secret_key_from_a_file(environment, tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text("key-from-file\n")
    environment.delenv("TUMBUH_SECRET_KEY")
    environment.setenv("TUMBUH_SECRET_KEY_FILE", str(key_file))
    assert load_settings()["SECRET_KEY"] == "key-from-file"


def test_it_refuses_an_unknown_time_zone(environment):
    environment.setenv("TUMBUH_TIME_ZONE", "Asia/Balikpapan")
    with pytest.raises(ImproperlyConfigured, match="TUMBUH_TIME_ZONE must be an IANA time zone"):
        load_settings()


def test_it_refuses_a_language_it_has_no_translation_for(environment):
    environment.setenv("TUMBUH_LANGUAGE_CODE", "fr")
    with pytest.raises(ImproperlyConfigured, match="TUMBUH_LANGUAGE_CODE must be one of id, en"):
        load_settings()


def test_the_default_database_is_sqlite_in_the_data_directory(environment, tmp_path):
    settings = load_settings()
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str((tmp_path / "data" / "tumbuh.sqlite3").resolve())
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert (tmp_path / "data").is_dir()
    assert settings["STATIC_ROOT"] == (tmp_path / "data" / "static").resolve()


def test_database_url_selects_postgresql(environment):
    environment.setenv("DATABASE_URL", "postgres://tumbuh:pw@db.internal:5433/tumbuh")
    environment.setenv("TUMBUH_DB_CONN_MAX_AGE", "60")
    database = load_settings()["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "tumbuh")
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_it_refuses_a_database_url_it_cannot_use(environment):
    environment.setenv("DATABASE_URL", "mongodb://localhost/tumbuh")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is not a usable database URL"):
        load_settings()


def test_https_makes_cookies_secure(environment):
    environment.setenv("TUMBUH_HTTPS", "on")
    settings = load_settings()
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
