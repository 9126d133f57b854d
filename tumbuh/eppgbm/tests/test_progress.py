"""Large imports in a background thread: progress stored per chunk, the report page's progress
bar and self-refresh, failed and interrupted runs, ``kemajuan.json``.

Most tests call the thread's work (``services.run_import``) in the test's own thread, or replace
``services.start_thread`` by a plain call, so they run inside the test's transaction on SQLite
and PostgreSQL alike; ``test_real_thread`` starts a real thread on committed data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tumbuh.eppgbm import services, views
from tumbuh.eppgbm.models import ImportRun, ImportStatus
from tumbuh.eppgbm.sample import sample_table
from tumbuh.monitoring.models import ChildMeasurement

REFRESH = 'http-equiv="refresh"'


def _table(cast, n, **kw):
    return sample_table(n, posyandu=[("Melati", "Manggar")], today=cast.today, **kw)


def _background_args(cast, n, **kw):
    headers, rows, bad = _table(cast, n, **kw)
    mapping = services.auto_mapping(headers)
    run = services.create_run(headers, rows, user=cast.bidan_a, file_name="kota.csv",
                              mapping=mapping)  # fmt: skip
    args = {"run_id": run.pk, "headers": headers, "rows": rows, "user_id": cast.bidan_a.pk,
            "mapping": mapping, "posyandu_map": None}  # fmt: skip
    return run, args, bad


def _ours():
    return ChildMeasurement.objects.filter(child__name__startswith="Anak Uji").count()


@pytest.mark.django_db
def test_progress_is_stored_with_every_chunk(cast, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 10)
    run, args, _bad = _background_args(cast, 36)
    assert run.status == ImportStatus.QUEUED and run.rows == 36 and run.rows_done == 0
    stored = []
    real_save_chunk = services._save_chunk

    def save_chunk(run, chunk, *, user):
        real_save_chunk(run, chunk, user=user)
        stored.append(ImportRun.objects.values_list("status", "rows_done").get(pk=run.pk))

    monkeypatch.setattr(services, "_save_chunk", save_chunk)
    services.run_import(**args)
    assert stored == [("running", 10), ("running", 20), ("running", 30), ("running", 36)]
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.failure) == ("done", 36, "")
    assert run.measurements_created == 36 == _ours() and run.rows_kept == 36
    assert run.finished_at is not None


@pytest.mark.django_db
def test_errors_are_counted_as_the_chunks_are_saved(cast, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 10)
    run, args, bad = _background_args(cast, 30, error_every=4)
    services.run_import(**args)
    run.refresh_from_db()
    assert run.rows_refused == len(bad) and run.errors == run.issues.count() >= len(bad)


@pytest.mark.django_db
def test_failed_run_keeps_the_chunks_saved_and_shows_why(cast, client, monkeypatch, english):
    monkeypatch.setattr(services, "CHUNK_ROWS", 10)
    run, args, _bad = _background_args(cast, 30)
    real_save_chunk = services._save_chunk
    calls = []

    def save_chunk(run, chunk, *, user):
        calls.append(1)
        real_save_chunk(run, chunk, user=user)
        if len(calls) == 3:  # after the third chunk's rows are written: rolled back
            raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_save_chunk", save_chunk)
    services.run_import(**args)  # never raises: the failure is stored
    run.refresh_from_db()
    assert run.status == "failed" and run.failure == "RuntimeError: disk full"
    assert run.rows_done == 20 and run.measurements_created == 20 == _ours()
    assert run.rows_kept == 20 and run.state == "failed" and not run.in_progress
    client.force_login(cast.bidan_a)
    page = client.get(reverse("eppgbm:report", args=[run.pk])).content.decode()
    assert "The import failed." in page and "RuntimeError: disk full" in page
    assert "20 of 30 rows read" in page and "are kept" in page
    assert REFRESH not in page and "<progress" not in page
    data = client.get(reverse("eppgbm:progress", args=[run.pk])).json()
    assert data == {"status": "failed", "rows": 30, "rows_done": 20, "errors": 0}


@pytest.mark.django_db
def test_synchronous_import_that_raises_is_marked_failed(cast, monkeypatch):
    headers, rows, _bad = _table(cast, 4)

    def broken(run, chunk, *, user):
        raise ValueError("boom")

    monkeypatch.setattr(services, "_save_chunk", broken)
    with pytest.raises(ValueError):
        services.import_table(headers, rows, user=cast.bidan_a, file_name="x.csv")
    run = ImportRun.objects.get()
    assert (run.status, run.failure, run.rows_done) == ("failed", "ValueError: boom", 0)


@pytest.mark.django_db
def test_missing_user_or_run_is_a_failure_not_a_crash(cast):
    run, args, _bad = _background_args(cast, 2)
    services.run_import(**{**args, "user_id": 0})
    run.refresh_from_db()
    assert run.status == "failed" and "DoesNotExist" in run.failure


@pytest.mark.django_db
def test_running_page_shows_progress_and_refreshes(cast, client, english):
    run, _args, _bad = _background_args(cast, 2)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, rows=60_000,
                                               rows_done=12_000, rows_refused=3)  # fmt: skip
    client.force_login(cast.bidan_a)
    response = client.get(reverse("eppgbm:report", args=[run.pk]))
    page = response.content.decode()
    assert f'<meta {REFRESH} content="{views.REFRESH_SECONDS}">' in page
    assert '<progress value="12000" max="60000">20%</progress>' in page
    assert "12,000 of 60,000 rows" in page and "3 rows refused so far" in page
    assert "no-cache" in response["Cache-Control"]
    listing = client.get(reverse("eppgbm:runs")).content.decode()
    assert "running 20%" in listing
    assert client.get(reverse("eppgbm:progress", args=[run.pk])).json() == {
        "status": "running", "rows": 60_000, "rows_done": 12_000, "errors": 0}  # fmt: skip


@pytest.mark.django_db
def test_run_without_progress_for_ten_minutes_is_interrupted(cast, client, english):
    run, _args, _bad = _background_args(cast, 2)
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, rows_done=1,
                                               updated_at=now - dt.timedelta(minutes=9))
    run.refresh_from_db()
    assert run.state == "running" and run.in_progress
    ImportRun.objects.filter(pk=run.pk).update(updated_at=now - dt.timedelta(minutes=11))
    run.refresh_from_db()
    assert run.state == "interrupted" and not run.in_progress and run.status == "running"
    client.force_login(cast.bidan_a)
    page = client.get(reverse("eppgbm:report", args=[run.pk])).content.decode()
    assert "The import was interrupted." in page and "no progress for 10 minutes" in page
    assert "1 of 2 rows read" in page
    assert REFRESH not in page and "<progress" not in page
    assert client.get(reverse("eppgbm:progress", args=[run.pk])).json()["status"] == (
        "interrupted")
    # a queued run whose thread never started is interrupted as well
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.QUEUED)
    run.refresh_from_db()
    assert run.state == "interrupted"


@pytest.mark.django_db
def test_progress_json_is_scoped(cast, client):
    run, _args, _bad = _background_args(cast, 2)
    url = reverse("eppgbm:progress", args=[run.pk])
    client.force_login(cast.bidan_b)
    assert client.get(url).status_code == 404
    client.force_login(cast.admin)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {"status": "queued", "rows": 2, "rows_done": 0, "errors": 0}


def _post_import(cast, client, n):
    headers, rows, _bad = _table(cast, n)
    out = io.StringIO()
    services.write_csv([headers, *rows], out)
    f = io.BytesIO(out.getvalue().encode())
    f.name = "kota.csv"
    client.force_login(cast.bidan_a)
    location = client.post(reverse("eppgbm:upload"), {"file": f})["Location"]
    form = client.get(location).context["form"]
    data = {k: (form[k].initial if form[k].initial is not None else "") for k in form.fields}
    return location, data


@pytest.mark.django_db
def test_large_file_is_imported_in_the_background(cast, client, monkeypatch, english,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.setattr(views, "LARGE_FILE_ROWS", 5)
    started = []
    monkeypatch.setattr(services, "start_thread",
                        lambda target, kwargs: started.append((target, kwargs)))  # fmt: skip
    location, data = _post_import(cast, client, 12)
    preview = client.get(location).content.decode()
    assert "imported in the background" in preview
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(location, data)
    assert response.status_code == 302 and not started  # the thread waits for the commit
    run = ImportRun.objects.get()
    assert run.status == "queued" and run.rows == 12 and run.created_by == cast.bidan_a
    assert not list((views.upload_dir()).iterdir())  # the upload is gone: rows are in memory
    page = client.get(response["Location"]).content.decode()
    assert REFRESH in page and "Waiting to start" in page and "0 of 12 rows" in page
    for callback in callbacks:
        callback()
    [(target, kwargs)] = started
    assert target is services.run_import and kwargs["run_id"] == run.pk
    target(**kwargs)  # what the thread does
    run.refresh_from_db()
    assert run.status == "done" and run.rows_done == 12 and run.measurements_created == 12
    page = client.get(response["Location"]).content.decode()
    assert REFRESH not in page and "<progress" not in page and "Every row was kept." in page


@pytest.mark.django_db
def test_small_file_is_imported_in_the_request(cast, client, monkeypatch):
    monkeypatch.setattr(services, "start_thread", lambda *a: pytest.fail("no thread expected"))
    location, data = _post_import(cast, client, 4)
    response = client.post(location, data)
    run = ImportRun.objects.get()
    assert run.status == "done" and run.rows_done == 4 and run.measurements_created == 4
    assert REFRESH not in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_wrong_posyandu_map_is_refused_before_any_run(cast, client, monkeypatch):
    monkeypatch.setattr(views, "LARGE_FILE_ROWS", 2)
    location, data = _post_import(cast, client, 4)
    response = client.post(location, {**data, "posyandu_map": "Melati=Tidak Ada"})
    assert response.status_code == 200 and "Tidak Ada" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_real_thread(cast, monkeypatch):
    """A real thread on its own database connection, joined."""
    monkeypatch.setattr(services, "CHUNK_ROWS", 10)
    threads = []
    real_start_thread = services.start_thread

    def start_thread(target, kwargs):
        threads.append(real_start_thread(target, kwargs))
        return threads[-1]

    monkeypatch.setattr(services, "start_thread", start_thread)
    headers, rows, _bad = _table(cast, 26)
    run = services.start_import(headers, rows, user=cast.bidan_a, file_name="kota.csv",
                                mapping=services.auto_mapping(headers))  # fmt: skip
    [thread] = threads  # not in a transaction: started at once
    thread.join(timeout=60)
    assert not thread.is_alive()
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.measurements_created) == ("done", 26, 26)
    assert _ours() == 26
