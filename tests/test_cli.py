"""The ``tumbuh`` command: batch commands without Django, everything else through Django."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

import tumbuh.batch
from tumbuh.cli import prepare_demo_environment

SAMPLE_CSV = Path(tumbuh.batch.__file__).parent / "data" / "sample_children.csv"


def run_tumbuh(*args, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "tumbuh", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        **kwargs,
    )


def test_zscore_runs_the_batch_command_without_importing_django(tmp_path):
    output = tmp_path / "zscores.csv"
    probe = (
        "import sys\n"
        "from tumbuh.cli import main\n"
        f"code = main(['tumbuh', 'zscore', {str(SAMPLE_CSV)!r}, '-o', {str(output)!r}, '-q'])\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(code, loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stderr
    header = output.read_text().splitlines()[0]
    assert "zlen" in header and "status_tbu" in header


def test_help_lists_the_batch_commands_and_the_django_commands():
    result = run_tumbuh("--help")
    assert result.returncode == 0, result.stderr
    assert "zscore" in result.stdout
    assert "Type 'tumbuh help <subcommand>'" in result.stdout
    for command in ("migrate", "demo", "updatemessages"):
        assert f"    {command}\n" in result.stdout


def test_a_configuration_error_is_one_clear_line_not_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUMBUH_")}
    env["TUMBUH_DATA_DIR"] = str(tmp_path)
    env["TUMBUH_DEBUG"] = "perhaps"
    result = run_tumbuh("check", env=env)
    assert result.returncode == 2
    assert "tumbuh: configuration error: TUMBUH_DEBUG must be true or false" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_demo_gets_a_private_secret_key_made_once(tmp_path):
    environ = {"TUMBUH_DATA_DIR": str(tmp_path / "data")}
    prepare_demo_environment(environ)
    key_file = Path(environ["TUMBUH_SECRET_KEY_FILE"])
    assert key_file.parent == (tmp_path / "data").resolve()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    assert len(key.strip()) >= 50

    again = {"TUMBUH_DATA_DIR": str(tmp_path / "data")}
    prepare_demo_environment(again)
    assert Path(again["TUMBUH_SECRET_KEY_FILE"]).read_text() == key


@pytest.mark.parametrize("configured", ["TUMBUH_SECRET_KEY", "TUMBUH_SECRET_KEY_FILE"])
def test_the_demo_keeps_a_configured_secret_key(tmp_path, configured):
    environ = {"TUMBUH_DATA_DIR": str(tmp_path), configured: "set-by-the-admin"}
    prepare_demo_environment(environ)
    assert environ == {"TUMBUH_DATA_DIR": str(tmp_path), configured: "set-by-the-admin"}
    assert not any(tmp_path.iterdir())


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
