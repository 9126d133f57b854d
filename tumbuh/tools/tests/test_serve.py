"""``tumbuh serve``: refuses to start on a database with pending migrations or without the
collected static files, says what to run; otherwise starts counting the city-wide figures
and hands over to waitress."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tumbuh.tools.management.commands import serve


@pytest.fixture
def served(monkeypatch):
    calls = {"serve": [], "background": []}

    def fake_serve(app, **kwargs):
        calls["serve"].append(kwargs)

    import waitress

    monkeypatch.setattr(waitress, "serve", fake_serve)
    monkeypatch.setattr("tumbuh.lib.figurecache.start_background", calls["background"].append)
    return calls


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text("{}")
    return tmp_path


@pytest.mark.django_db
def test_the_test_database_has_no_pending_migration():
    assert serve.pending_migrations() == []


@pytest.mark.django_db
def test_it_serves_with_waitress_and_counts_the_figures_first(served, collected):
    out = io.StringIO()
    call_command("serve", "--port", "8123", "--threads", "3", stdout=out)
    assert served["serve"] == [{"host": "127.0.0.1", "port": 8123, "threads": 3,
                                "ident": "tumbuh"}]  # fmt: skip
    assert len(served["background"]) == 1
    assert "http://127.0.0.1:8123/" in out.getvalue()


@pytest.mark.django_db
def test_no_warm_leaves_the_figures_to_the_first_view(served, collected):
    call_command("serve", "--no-warm", stdout=io.StringIO())
    assert served["background"] == [] and len(served["serve"]) == 1


@pytest.mark.django_db
def test_pending_migrations_stop_it_with_the_command_to_run(served, collected, monkeypatch):
    monkeypatch.setattr(serve, "pending_migrations", lambda: ["dashboard.0001_figures_cache"])
    with pytest.raises(CommandError, match=r"1 migrations .*dashboard.0001_figures_cache.*"
                                           r"tumbuh migrate"):  # fmt: skip
        call_command("serve", stdout=io.StringIO())
    assert served["serve"] == []


@pytest.mark.django_db
def test_uncollected_static_files_stop_it(served, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "nothing-here"
    with pytest.raises(CommandError, match="tumbuh collectstatic"):
        call_command("serve", stdout=io.StringIO())
    assert served["serve"] == []


@pytest.mark.parametrize(("args", "message"), [
    (["--port", "0"], "--port must be between 1 and 65535"),
    (["--threads", "0"], "--threads must be at least 1"),
])  # fmt: skip
def test_bad_options_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("serve", *args, stdout=io.StringIO())
