from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tumbuh.lib.database import database_config


def test_an_empty_url_means_the_sqlite_file_whose_directory_is_created(tmp_path):
    path = tmp_path / "new" / "tumbuh.sqlite3"
    config = database_config("", default_sqlite_path=path, conn_max_age=0)
    assert config["NAME"] == str(path)
    assert path.parent.is_dir()
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_urls_get_the_same_options():
    config = database_config(
        "sqlite:////srv/tumbuh/db.sqlite3", default_sqlite_path=Path("/unused"), conn_max_age=0
    )
    assert config["NAME"] == "/srv/tumbuh/db.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_urls_get_no_sqlite_options():
    config = database_config(
        "postgres://postgres@127.0.0.1:5432/test",
        default_sqlite_path=Path("/unused"),
        conn_max_age=0,
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert "init_command" not in config.get("OPTIONS", {})
    assert config["CONN_HEALTH_CHECKS"] is False
    assert config["OPTIONS"]["options"] == "-c jit=off"


def test_options_in_the_postgres_url_win():
    config = database_config(
        "postgres://postgres@127.0.0.1:5432/test?options=-c%20jit%3Don",
        default_sqlite_path=Path("/unused"),
        conn_max_age=0,
    )
    assert config["OPTIONS"]["options"] == "-c jit=on"


@pytest.mark.django_db
def test_the_postgres_connection_runs_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_an_unknown_scheme_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is not a usable database URL"):
        database_config("redis://localhost/0", default_sqlite_path=Path("/x"), conn_max_age=0)
