"""``tumbuh demo``: set-up steps in-process, and the real server in a subprocess.

In-process tests generate the ``tiny`` city (a few seconds) and keep the demo marker in a
temporary ``DATA_DIR``; the subprocess tests run the README's command as a user would.
"""

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

from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.registry.models import Child
from tumbuh.tools.management.commands.demo import sqlite_file
from tumbuh.tools.synthetic import DEMO_PASSWORD, marker

AS_OF = "2025-06-15"
ACCOUNTS = ("admin", "kader_melati", "bidan", "tpk", "analis", "analis_nama")

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only


@pytest.fixture
def data_dir(settings, tmp_path):
    """A private DATA_DIR (where the demo keeps its marker) and STATIC_ROOT."""
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return tmp_path


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--size", "tiny", "--as-of", AS_OF, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_without_serving_migrates_collects_static_files_and_shows_the_way_in(
    settings, data_dir, tmp_path
):
    settings.STORAGES = MANIFEST_STORAGE
    text = demo("--port", "8123")
    assert re.search(r"^Database: .* \((already up to date|applied \d+ migrations)\)$", text, re.M)
    assert f"Static files: {tmp_path / 'static'}" in text
    assert re.search(r"tumbuh zscore \S*sample_children\.csv -o \S+\.csv", text)
    assert "http://127.0.0.1:8123/" in text
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/tumbuh.css"]
    assert (tmp_path / "static" / hashed_css).exists()
    assert (tmp_path / "static" / f"{hashed_css}.gz").exists()


@pytest.mark.django_db
def test_demo_generates_the_city_and_prints_one_account_per_role(data_dir):
    text = demo()
    summary = r"^Demo city: size tiny, seed 2025, as of 15-06-2025: [\d,]+ children"
    assert re.search(summary, text, re.M)
    assert "stunted at their last length measurement" in text
    assert f"the password of each is {DEMO_PASSWORD}" in text
    assert "demo only" in text
    for username in ACCOUNTS:
        assert re.search(rf"^  {username} +\w+ +\S", text, re.M), username
    assert "posyandu Melati 1 (Manggar)" in text
    assert re.search(r"^  Cadres \d+ \(2-3 per posyandu", text, re.M)  # who entered each row
    saved = marker.read_marker(data_dir / marker.MARKER_FILE_NAME)
    assert (saved.size, saved.seed, saved.as_of) == ("tiny", 2025, AS_OF)
    assert saved.children == Child.objects.count() > 0


@pytest.mark.django_db
def test_demo_starts_at_once_when_the_same_city_is_already_there(data_dir):
    demo()
    ChildMeasurement.objects.first().delete()  # changes made while trying the demo are kept
    first_ids = set(Child.objects.values_list("pk", flat=True))
    text = demo()
    assert "Demo city: already in the database (size tiny, seed 2025" in text
    assert "Generated in" not in text
    assert set(Child.objects.values_list("pk", flat=True)) == first_ids
    assert "kader_melati" in text  # the log-ins are printed again


@pytest.mark.django_db
def test_demo_does_not_take_another_database_for_its_city(data_dir, settings):
    demo()
    saved = marker.read_marker(data_dir / marker.MARKER_FILE_NAME)
    saved.database = "django.db.backends.sqlite3|||/elsewhere/tumbuh.sqlite3"
    marker.write_marker(saved, data_dir / marker.MARKER_FILE_NAME)
    with pytest.raises(CommandError, match="already holds data that tumbuh demo did not generate"):
        demo()


@pytest.mark.django_db
def test_demo_wants_reset_to_replace_the_city_with_another(data_dir):
    demo()
    with pytest.raises(CommandError, match="holds the demo city of size tiny with seed 2025. "
                       "Run again with --reset to replace it with size tiny, seed 7"):
        demo("--seed", "7")


@pytest.mark.django_db(transaction=True)  # PostgreSQL cannot TRUNCATE inside the test's own
def test_demo_reset_generates_the_city_anew(data_dir):  # transaction; the command runs outside
    demo()
    ChildMeasurement.objects.all().delete()  # a change made while trying the demo
    text = demo("--reset", "--seed", "7")
    assert "Reset: emptied" in text  # the test database is in memory: no file to delete
    assert "Demo city: size tiny, seed 7" in text
    assert ChildMeasurement.objects.exists()
    assert marker.read_marker(data_dir / marker.MARKER_FILE_NAME).seed == 7


@pytest.fixture
def real_household(db):
    """Data someone entered: one household at one posyandu (not the demo's)."""
    from tumbuh.areas.models import Area, Posyandu, Puskesmas
    from tumbuh.registry.models import Household

    areas = [("64", 1), ("64.71", 2), ("64.71.01", 3), ("64.71.01.1001", 4)]
    parent = None
    for code, level in areas:
        parent = Area.objects.create(code=code, name=code, level=level, parent=parent)
    puskesmas = Puskesmas.objects.create(name="Manggar", kecamatan_id="64.71.01")
    posyandu = Posyandu.objects.create(name="Anggrek", puskesmas=puskesmas, kelurahan=parent)
    return Household.objects.create(
        head_name="Budi", address="Jl. Mawar 1", kelurahan=parent, posyandu=posyandu
    )


@pytest.mark.django_db
def test_demo_leaves_a_database_with_other_data_alone(data_dir, real_household):
    with pytest.raises(CommandError, match="already holds data that tumbuh demo did not generate"):
        demo()
    with pytest.raises(CommandError, match="holds nothing but a demo city"):
        demo("--reset")
    real_household.refresh_from_db()


@pytest.mark.django_db
def test_demo_warns_when_other_devices_could_not_reach_it(data_dir):
    text = demo("--host", "0.0.0.0")
    assert "must be listed in TUMBUH_ALLOWED_HOSTS" in text
    assert "anyone who reaches it can log in with the demo accounts" in text


def test_the_demo_knows_which_databases_are_files():
    sqlite = "django.db.backends.sqlite3"
    assert sqlite_file({"ENGINE": sqlite, "NAME": "/srv/tumbuh.sqlite3"}).name == "tumbuh.sqlite3"
    assert sqlite_file({"ENGINE": sqlite, "NAME": ":memory:"}) is None
    assert sqlite_file({"ENGINE": sqlite, "NAME": "file:memorydb_default?mode=memory"}) is None
    assert sqlite_file({"ENGINE": "django.db.backends.postgresql", "NAME": "tumbuh"}) is None


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


def clean_environment(data_dir) -> dict[str, str]:
    environ = {
        name: value
        for name, value in os.environ.items()
        if not (name.startswith("TUMBUH_") or name in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"})
    }
    environ["TUMBUH_DATA_DIR"] = str(data_dir)
    return environ


@pytest.mark.slow
def test_demo_serves_the_calculator_with_waitress_on_a_fresh_data_directory(tmp_path):
    """The README's first command, end to end: fresh SQLite file, no configuration at all,
    the small city generated, an account that logs in."""
    data_dir = tmp_path / "data"
    environ = clean_environment(data_dir)
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

        login_page = opener.open(f"{base}/admin/login/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        login = {"csrfmiddlewaretoken": token, "username": "admin", "password": DEMO_PASSWORD}
        request = urllib.request.Request(
            f"{base}/admin/login/?next=/admin/registry/child/",
            data=urllib.parse.urlencode(login).encode(),
            headers={"Referer": f"{base}/admin/login/"},
        )
        with opener.open(request, timeout=30) as response:
            assert response.url.endswith("/admin/registry/child/")
            assert 'id="result_list"' in response.read().decode()  # a table of children

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
    assert "Demo city: size small, seed 2025" in output, output
    assert "kader_melati" in output, output
    assert "Traceback" not in output, output


@pytest.mark.slow
def test_demo_reset_deletes_the_sqlite_file_and_starts_again(tmp_path):
    data_dir = tmp_path / "data"
    command = [sys.executable, "-m", "tumbuh", "demo", "--no-serve", "--size", "tiny"]

    def run(*extra):
        done = subprocess.run(
            [*command, *extra], cwd=tmp_path, env=clean_environment(data_dir),
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "Demo city: size tiny" in run()
    assert "already in the database" in run()
    text = run("--reset")
    assert f"Reset: deleted the SQLite file {data_dir / 'tumbuh.sqlite3'}" in text
    assert "(applied " in text and "Demo city: size tiny" in text
