import datetime as dt
import io
import time

import pytest

from tumbuh.eppgbm import services
from tumbuh.eppgbm.models import ImportRun
from tumbuh.eppgbm.sample import ERROR_KINDS, sample_table
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.registry.models import Child


def _table(cast, n, **kw):
    return sample_table(n, posyandu=[("Melati", "Manggar"), ("Mawar", "Manggar")],
                        today=cast.today, **kw)


def _csv(headers, rows) -> bytes:
    out = io.StringIO()
    services.write_csv([headers, *rows], out)
    return out.getvalue().encode()


@pytest.mark.parametrize("value, expected", [
    ("05-03-2024", dt.date(2024, 3, 5)), ("05/03/2024", dt.date(2024, 3, 5)),
    ("2024-03-05", dt.date(2024, 3, 5)), ("45356", dt.date(2024, 3, 5)),
    (45356, dt.date(2024, 3, 5)), (dt.datetime(2024, 3, 5, 0, 0), dt.date(2024, 3, 5)),
])  # fmt: skip
def test_date_formats(value, expected):
    assert services.parse_date(value) == expected


@pytest.mark.parametrize("value", ["31-02-2024", "kemarin", "2024/13/01"])
def test_bad_dates_refused(value):
    with pytest.raises(services.CellError):
        services.parse_date(value)


def test_nik_is_read_as_text_and_scientific_notation_refused():
    assert services.parse_nik("6471014503230001") == "6471014503230001"
    assert services.parse_nik("'6471014503230001") == "6471014503230001"
    for value in ("1.2E+15", 6.471014503230001e15, 6471014503230000):
        with pytest.raises(services.CellError, match="1.2E"):
            services.parse_nik(value)


def test_mapping_is_detected_case_and_space_insensitive():
    m = services.auto_mapping(["nik", " NAMA ", "jk", "TGL LAHIR", "posyandu", "Tgl Ukur", "BB"])
    assert m == {"nik": 0, "name": 1, "sex": 2, "birth_date": 3, "posyandu": 4,
                 "measured_on": 5, "weight_kg": 6}  # fmt: skip


def test_html_xls_is_read(cast):
    html = ("<html><body><table border=1><tr><th>NIK</th><th>Nama</th></tr>"
            "<tr><td>6471014503230001</td><td>Siti &amp; Ani</td></tr></table></body></html>")
    headers, rows = services.read_table(html.encode("utf-8"), "data.xls")
    assert headers == ["NIK", "Nama"]
    assert rows == [["6471014503230001", "Siti & Ani"]]


def test_xlsx_is_read(cast):
    headers, rows, _bad = _table(cast, 4)
    out = io.BytesIO()
    services.write_xlsx([headers, *rows], out)
    h2, r2 = services.read_table(out.getvalue(), "x.xlsx")
    assert h2 == headers and [list(map(services.text_of, r)) for r in r2] == rows


@pytest.mark.django_db
def test_ten_thousand_rows_with_errors(cast, capsys):
    headers, rows, bad = _table(cast, 10_000, error_every=37)
    assert len(bad) > 250
    start = time.monotonic()
    run = services.import_file(_csv(headers, rows), file_name="besar.csv", user=cast.bidan_a)
    seconds = time.monotonic() - start
    with capsys.disabled():
        print(f"\n10,000-row import: {seconds:.1f} s")
    assert run.rows == 10_000
    assert run.rows_refused == len(bad)
    reported = {}
    for issue in run.issues.all():
        reported.setdefault(issue.row, set()).add(issue.column)
    assert set(reported) == set(bad)
    for row, header in bad.items():
        assert header in reported[row], (row, header, reported[row])
    kinds = {(r - 2) // 37 % len(ERROR_KINDS) for r in bad}
    assert len(kinds) == len(ERROR_KINDS)
    assert run.measurements_created == 10_000 - len(bad)
    assert ChildMeasurement.objects.filter(child__name__startswith="Anak Uji").count() == (
        10_000 - len(bad))
    assert run.children_created == Child.objects.filter(name__startswith="Anak Uji").count()
    # z-scores in the file (9.99) are not trusted: derived again
    m = ChildMeasurement.objects.filter(child__name__startswith="Anak Uji").first()
    assert m.zwei != 9.99 and m.method_version and m.age_days > 0
    assert run.zscores_differ == ChildMeasurement.objects.filter(
        child__name__startswith="Anak Uji", zwei__isnull=False).count() > 9000


@pytest.mark.django_db
def test_round_trip_loses_nothing(cast):
    headers, rows, _bad = _table(cast, 400)
    first = services.import_file(_csv(headers, rows), file_name="a.csv", user=cast.bidan_a)
    assert first.rows_refused == 0 and first.measurements_created == 400
    start, end = cast.today - dt.timedelta(days=100), cast.today
    exported = list(services.export_rows(cast.bidan_a, start=start, end=end))
    assert exported[0] == services.HEADERS
    ours = [r for r in exported[1:] if r[1].startswith("Anak Uji")]
    assert len(ours) == 400
    snapshot = sorted(ours)
    out = io.BytesIO()
    services.write_xlsx(exported, out)
    counts = (Child.objects.count(), ChildMeasurement.objects.count())
    again = services.import_file(out.getvalue(), file_name="b.xlsx", user=cast.bidan_a)
    assert again.rows_refused == 0, list(again.issues.values_list("row", "column", "message"))
    assert again.children_created == 0 and again.households_created == 0
    assert again.measurements_created == 0 and again.measurements_updated == 0
    assert again.measurements_skipped == len(exported) - 1
    assert (Child.objects.count(), ChildMeasurement.objects.count()) == counts
    exported2 = list(services.export_rows(cast.bidan_a, start=start, end=end))
    assert sorted(r for r in exported2[1:] if r[1].startswith("Anak Uji")) == snapshot


@pytest.mark.django_db
def test_reimport_updates_changed_measurement_and_matches_by_nik(cast):
    headers, rows, _bad = _table(cast, 10, date_styles=False)
    services.import_file(_csv(headers, rows), file_name="a.csv", user=cast.bidan_a)
    rows[1][headers.index("Berat")] = "11.1"
    rows[1][headers.index("Nama")] = "Nama Lain"  # NIK matches (row 1 is child 1: has a NIK)
    run = services.import_file(_csv(headers, rows), file_name="b.csv", user=cast.bidan_a)
    assert run.children_created == 0
    assert run.measurements_updated == 1 and run.measurements_skipped == 9
    assert ChildMeasurement.objects.filter(weight_kg=11.1).count() == 1


@pytest.mark.django_db
def test_scope_other_puskesmas_posyandu_refused(cast):
    headers, rows, _bad = sample_table(4, posyandu=[("Kenanga", "Baru Ilir")], today=cast.today)
    run = services.import_file(_csv(headers, rows), file_name="b.csv", user=cast.bidan_a)
    assert run.rows_refused == 4 and run.measurements_created == 0
    assert set(run.issues.values_list("column", flat=True)) == {"Posyandu"}
    ok = services.import_file(_csv(headers, rows), file_name="b.csv", user=cast.bidan_b)
    assert ok.rows_refused == 0
    # bidan A may map the name to one of her own posyandu; the rows whose NIK is now a child
    # of Kenanga (bidan B's) are refused, the others create children at Melati
    mapped = services.import_file(_csv(headers, rows), file_name="b.csv", user=cast.bidan_a,
                                  posyandu_map={"Kenanga": "Melati"})  # fmt: skip
    with_nik = [r for r in rows if r[0]]
    assert mapped.rows_refused == len(with_nik) == 2
    assert set(mapped.issues.values_list("column", flat=True)) == {"NIK"}
    assert mapped.measurements_created == 2
    # and the export of bidan B holds none of bidan A's children
    names = {r[1] for r in services.export_rows(cast.bidan_b, start=cast.today - dt.timedelta(
        days=100), end=cast.today)}  # fmt: skip
    assert not any(n == "Anak A1" for n in names)


@pytest.mark.django_db
def test_nik_of_child_outside_scope_refused(cast):
    cast.child_b1.nik = "6471010101230001"
    cast.child_b1.save()
    headers, rows, _bad = _table(cast, 2)
    rows[0][0] = "6471010101230001"
    run = services.import_file(_csv(headers, rows), file_name="x.csv", user=cast.bidan_a)
    assert list(run.issues.values_list("row", "column")) == [(2, "NIK")]


@pytest.mark.django_db
def test_missing_required_column_is_reported(cast):
    run = services.import_file(b"NIK;Nama\n1;2\n", file_name="x.csv", user=cast.bidan_a)
    assert run.rows_refused == 1 and "JK" in run.issues.get().column


@pytest.mark.django_db
def test_command_prints_progress(cast, tmp_path):
    from django.core.management import call_command

    headers, rows, _bad = _table(cast, 30)
    path = tmp_path / "e.csv"
    path.write_bytes(_csv(headers, rows))
    out = io.StringIO()
    call_command("importeppgbm", str(path), "--user", "bidan_a", stdout=out)
    assert "30/30 rows" in out.getvalue() and "30 kept" in out.getvalue()
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_html_xls_file_imports(cast):
    from html import escape

    headers, rows, _bad = _table(cast, 6)
    cells = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in r) + "</tr>" for r in rows)
    html = f"<html><body><table><tr>{cells}</tr>{body}</table></body></html>"
    run = services.import_file(html.encode(), file_name="ekspor.xls", user=cast.bidan_a)
    assert run.rows == 6 and run.rows_refused == 0 and run.measurements_created == 6
