"""``tumbuh demo``: set-up steps in-process, and the real server in a subprocess."""

import http.cookiejar
import io
import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.management import CommandError, call_command

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.mark.django_db
def test_demo_without_serving_migrates_collects_static_files_and_shows_the_way_in(
    settings, tmp_path
):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = MANIFEST_STORAGE
    out = io.StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert re.search(r"^Database: .* \((already up to date|applied \d+ migrations)\)$", text, re.M)
    assert f"Static files: {tmp_path / 'static'}" in text
    assert re.search(r"tumbuh zscore \S*sample_children\.csv -o \S+\.csv", text)
    assert "http://127.0.0.1:8123/" in text
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/tumbuh.css"]
    assert (tmp_path / "static" / hashed_css).exists()
    assert (tmp_path / "static" / f"{hashed_css}.gz").exists()


@pytest.mark.django_db
def test_demo_warns_when_other_devices_could_not_reach_it(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    out = io.StringIO()
    call_command("demo", "--no-serve", "--host", "0.0.0.0", stdout=out)
    assert "must be listed in TUMBUH_ALLOWED_HOSTS" in out.getvalue()


def test_demo_refuses_a_bad_port():
    with pytest.raises(CommandError, match="--port must be between 1 and 65535; got 70000"):
        call_command("demo", "--no-serve", "--port", "70000")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the demo exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.25)
    raise AssertionError(f"{url} did not answer within {timeout_s} s")


@pytest.mark.slow
def test_demo_serves_the_calculator_with_waitress_on_a_fresh_data_directory(tmp_path):
    """The README's first command, end to end: fresh SQLite file, no configuration at all."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not (name.startswith("TUMBUH_") or name in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"})
    }
    data_dir = tmp_path / "data"
    environ["TUMBUH_DATA_DIR"] = str(data_dir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "demo.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "tumbuh", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"{base}/", process)
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with opener.open(f"{base}/alat/kalkulator-z-score/", timeout=10) as response:
            page = response.read().decode()
        assert "Kalkulator Z-Score" in page
        css_path = re.search(r'href="(/static/css/tumbuh\.[0-9a-f]+\.css)"', page).group(1)
        with opener.open(f"{base}{css_path}", timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/css")
            assert "immutable" in response.headers["Cache-Control"]

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {
            "csrfmiddlewaretoken": token,
            "sex": "2",
            "age_days": "400",
            "weight_kg": "8,2",
            "lenhei_cm": "72,35",
            "measure": "l",
        }
        with opener.open(
            f"{base}/alat/kalkulator-z-score/",
            data=urllib.parse.urlencode(form).encode(),
            timeout=30,
        ) as response:
            result = response.read().decode()
        assert 'id="result"' in result
        assert "-0,58" in result  # weight-for-length, WHO's worked example

        assert (data_dir / "tumbuh.sqlite3").exists()
        key_file = data_dir / "demo-secret-key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert f"tumbuh is running on http://127.0.0.1:{port}/" in output, output
    assert "Traceback" not in output, output
