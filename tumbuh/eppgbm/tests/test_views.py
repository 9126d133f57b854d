import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tumbuh.eppgbm import services, views
from tumbuh.eppgbm.models import ImportRun
from tumbuh.eppgbm.sample import sample_table


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.EPPGBM_UPLOAD_DIR = tmp_path / "uploads"


def _file(cast, n=6, error_every=0):
    headers, rows, bad = sample_table(n, posyandu=[("Melati", "Manggar")], today=cast.today,
                                      error_every=error_every)  # fmt: skip
    out = io.StringIO()
    services.write_csv([headers, *rows], out)
    f = io.BytesIO(out.getvalue().encode())
    f.name = "eppgbm.xls.csv"
    return f, bad


@pytest.mark.django_db
def test_upload_preview_import_report(cast, client):
    client.force_login(cast.bidan_a)
    f, bad = _file(cast, 22, error_every=4)
    response = client.post(reverse("eppgbm:upload"), {"file": f})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert "Pukesmas" in preview.content.decode() and "Anak Uji" in preview.content.decode()
    form = preview.context["form"]
    data = {k: (form[k].initial if form[k].initial is not None else "") for k in form.fields}
    done = client.post(response["Location"], data)
    assert done.status_code == 302
    run = ImportRun.objects.get()
    assert run.created_by == cast.bidan_a and run.rows == 22 and run.rows_refused == len(bad)
    report = client.get(done["Location"])
    assert report.status_code == 200
    csv_text = client.get(reverse("eppgbm:errors_csv", args=[run.pk])).content.decode()
    assert csv_text.count("\n") == run.errors + 1
    xlsx = client.get(reverse("eppgbm:errors_xlsx", args=[run.pk]))
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    lines = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert len(sheet) == len(lines) == run.errors + 1
    assert [["" if v is None else str(v) for v in row] for row in sheet] == lines
    # another bidan does not see the report
    client.force_login(cast.bidan_b)
    assert client.get(done["Location"]).status_code == 404


@pytest.mark.django_db
def test_a_second_tap_on_import_does_not_import_the_file_twice(cast, client, english):
    client.force_login(cast.bidan_a)
    f, _bad = _file(cast, 4)
    location = client.post(reverse("eppgbm:upload"), {"file": f})["Location"]
    form = client.get(location).context["form"]
    data = {k: (form[k].initial if form[k].initial is not None else "") for k in form.fields}
    # while the first request imports, the upload is renamed: a second one is sent to the list
    token = location.rstrip("/").rsplit("/", 1)[-1]
    upload = views._upload_path(token, cast.bidan_a)
    assert upload.exists()
    importing = upload.with_name(upload.name + ".importing")
    upload.rename(importing)
    second = client.post(location, data)
    assert second.status_code == 302 and second["Location"] == reverse("eppgbm:runs")
    assert "already being imported" in client.get(second["Location"]).content.decode()
    assert ImportRun.objects.count() == 0
    importing.rename(upload)
    assert client.post(location, data).status_code == 302
    assert ImportRun.objects.count() == 1
    # once imported, the upload is gone: posting again imports nothing
    assert client.post(location, data).status_code == 404
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_a_wrong_posyandu_map_keeps_the_file_for_a_corrected_form(cast, client):
    client.force_login(cast.bidan_a)
    f, _bad = _file(cast, 4)
    location = client.post(reverse("eppgbm:upload"), {"file": f})["Location"]
    form = client.get(location).context["form"]
    data = {k: (form[k].initial if form[k].initial is not None else "") for k in form.fields}
    wrong = client.post(location, {**data, "posyandu_map": "Melati = tidak ada posyandu ini"})
    assert wrong.status_code == 200 and wrong.context["form"].errors.get("posyandu_map")
    assert ImportRun.objects.count() == 0
    assert client.post(location, data).status_code == 302
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_mapping_can_be_changed(cast, client):
    client.force_login(cast.bidan_a)
    f, _bad = _file(cast, 4)
    location = client.post(reverse("eppgbm:upload"), {"file": f})["Location"]
    form = client.get(location).context["form"]
    data = {k: (form[k].initial if form[k].initial is not None else "") for k in form.fields}
    data["weight_kg"] = ""  # weight not imported: rows keep their height
    client.post(location, data)
    run = ImportRun.objects.get()
    assert run.rows_refused == 0 and run.mapping.get("Berat") is None


@pytest.mark.django_db
def test_unreadable_file_is_refused_on_the_form(cast, client):
    client.force_login(cast.bidan_a)
    f = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    f.name = "lama.xls"
    response = client.post(reverse("eppgbm:upload"), {"file": f})
    assert response.status_code == 200 and "xlsx" in response.content.decode()


@pytest.mark.django_db
def test_kader_may_not_import(cast, client):
    client.force_login(cast.kader_a)
    f, _bad = _file(cast)
    assert client.post(reverse("eppgbm:upload"), {"file": f}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_scoped(cast, client, fmt):
    from tumbuh.monitoring.services import MeasurementInput, record_measurement

    for child in (cast.child_a1, cast.child_b1):
        record_measurement(child=child, data=MeasurementInput(
            measured_on=cast.today - dt.timedelta(days=3), weight_kg=9.0), confirm=True)
    client.force_login(cast.bidan_a)
    response = client.get(reverse("eppgbm:export"), {
        "start": (cast.today - dt.timedelta(days=30)).isoformat(),
        "end": cast.today.isoformat(), "format": fmt})  # fmt: skip
    assert response.status_code == 200
    headers, rows = services.read_table(response.content, "x." + fmt)
    assert headers == services.HEADERS
    names = [services.text_of(r[1]) for r in rows]
    assert names == ["Anak A1"]
    assert services.text_of(rows[0][17]) == (cast.today - dt.timedelta(days=3)).strftime(
        "%d-%m-%Y")
