"""Formats, round trips, pass-through of input cells, chunking."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook, load_workbook

from tumbuh import growth
from tumbuh.batch.tests.conftest import (
    REPO_ROOT,
    SAMPLE,
    assert_same_rows,
    expected_for_sample,
    new_columns,
    new_part,
    read_any,
    read_csv,
    write_csv,
)


def test_csv_output_is_the_input_columns_then_anthro_then_permenkes_columns(cli, tmp_path):
    out = tmp_path / "out.csv"
    result = cli(SAMPLE, "-o", out, "-q")
    assert result.code == 0
    in_header, _rows = read_csv(SAMPLE)
    header, rows = read_csv(out)
    assert header == in_header + list(growth.ANTHRO_COLUMNS) + list(growth.PERMENKES_COLUMNS)
    assert len(rows) == 200


def test_the_new_columns_equal_a_direct_call_of_the_engine(cli, tmp_path):
    out = tmp_path / "out.csv"
    assert cli(SAMPLE, "-o", out, "-q").code == 0
    header, rows = read_any(out)
    expected = expected_for_sample(rounded=True)
    unrounded = expected_for_sample(rounded=False)
    status = growth.permenkes_status(
        zwei=unrounded["zwei"],
        zlen=unrounded["zlen"],
        zwfl=unrounded["zwfl"],
        zbmi=unrounded["zbmi"],
    )
    for j, name in enumerate(new_columns()):
        col = [r[len(header) - len(new_columns()) + j] for r in rows]
        want = expected[name] if name in expected else status[name]
        if name == "cmeasure" or name in growth.PERMENKES_COLUMNS:
            assert col == [str(v) for v in want], name
        else:
            assert all(
                (math.isnan(a) and math.isnan(b)) or a == b
                for a, b in zip(col, np.asarray(want, dtype=float).tolist(), strict=True)
            ), name
    # the sample is meant to show realistic values: most children have z-scores
    zlen = [r[header.index("zlen")] for r in rows]
    assert sum(not math.isnan(v) for v in zlen) > 190


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_csv_to_xlsx_and_parquet_hold_the_same_values_as_csv_to_csv(cli, tmp_path, fmt):
    assert cli(SAMPLE, "-o", tmp_path / "ref.csv", "-q").code == 0
    assert cli(SAMPLE, "-o", tmp_path / f"out.{fmt}", "-q").code == 0
    ref_header, ref = read_any(tmp_path / "ref.csv")
    header, got = read_any(tmp_path / f"out.{fmt}")
    assert header == ref_header
    if fmt == "xlsx":
        # openpyxl stores numbers with 16 significant digits (Excel shows 15): the
        # full-precision cbmi may differ in its last bit; everything else is exact
        i = new_columns().index("cbmi")
        for g, r in zip(got, ref, strict=True):
            assert math.isclose(
                g[-len(new_columns()) + i], r[-len(new_columns()) + i], rel_tol=1e-15
            ) or math.isnan(r[-len(new_columns()) + i])
            g[-len(new_columns()) + i] = r[-len(new_columns()) + i]
    assert_same_rows(new_part(got), new_part(ref))
    # input columns: the same text (empty cells come back as None in XLSX)
    n_in = len(header) - len(new_columns())
    got_in = [["" if v is None else v for v in r[:n_in]] for r in got]
    assert got_in == [r[:n_in] for r in ref]


def _sample_as_typed_table() -> tuple[list[str], list[list[object]]]:
    """The sample with numbers as numbers, like a spreadsheet or a Parquet file has them."""
    header, rows = read_csv(SAMPLE)
    numeric = {"sex", "age_days", "weight_kg", "lenhei_cm", "headc_cm", "armc_cm"}
    typed = []
    for r in rows:
        t = []
        for name, v in zip(header, r, strict=True):
            if name in numeric and v != "":
                try:
                    f = float(v)
                    v = int(f) if name in ("sex", "age_days") else f
                except ValueError:
                    pass  # the deliberately bad cells stay text
            t.append(None if v == "" else v)
        typed.append(t)
    return header, typed


def test_xlsx_input_gives_the_same_new_columns_as_csv_input(cli, tmp_path):
    header, typed = _sample_as_typed_table()
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in typed:
        ws.append(r)
    wb.save(tmp_path / "in.xlsx")
    assert cli(SAMPLE, "-o", tmp_path / "ref.csv", "-q").code == 0
    result = cli(tmp_path / "in.xlsx", "-o", tmp_path / "out.csv", "-q")
    assert result.code == 0
    _h, ref = read_any(tmp_path / "ref.csv")
    _h, got = read_any(tmp_path / "out.csv")
    assert_same_rows(new_part(got), new_part(ref))
    # the same bad cells are found
    assert result.err.count("\n  row ") == 5


def test_parquet_input_gives_the_same_new_columns_as_csv_input(cli, tmp_path):
    header, rows = read_csv(SAMPLE)
    cols = {h: [r[i] for r in rows] for i, h in enumerate(header)}

    def floats(name):
        return pa.array(
            [float(v) if v.replace(".", "", 1).isdigit() else None for v in cols[name]],
            pa.float64(),
        )

    table = pa.table(
        {
            "id": cols["id"],
            "posyandu": cols["posyandu"],
            "sex": cols["sex"],  # text, with the bad "L"
            "age_days": pa.array(
                [int(v) if v.lstrip("-").isdigit() else None for v in cols["age_days"]], pa.int32()
            ),
            "weight_kg": cols["weight_kg"],  # text, with the decimal comma
            "lenhei_cm": floats("lenhei_cm"),
            "measure": cols["measure"],
            "oedema": cols["oedema"],
            "headc_cm": floats("headc_cm"),
            "armc_cm": floats("armc_cm"),
        }
    )
    pq.write_table(table, tmp_path / "in.parquet")
    assert cli(SAMPLE, "-o", tmp_path / "ref.csv", "-q").code == 0
    result = cli(tmp_path / "in.parquet", "-o", tmp_path / "out.csv", "-q")
    assert result.code == 0
    _h, ref = read_any(tmp_path / "ref.csv")
    _h, got = read_any(tmp_path / "out.csv")
    # lenhei "8O.3" is null in the Parquet file, as it is (after the report) from the CSV
    assert_same_rows(new_part(got), new_part(ref))
    assert 'row 88, column "age_days": "-14" is a negative age' in result.err


def test_parquet_to_parquet_keeps_the_input_column_types(cli, tmp_path):
    table = pa.table(
        {
            "kid": pa.array([7, 8], pa.int64()),
            "sex": pa.array([1, 2], pa.int8()),
            "age": pa.array([400.0, 1000.0]),
            "weight": pa.array([9.0, 14.0]),
        }
    )
    pq.write_table(table, tmp_path / "in.parquet")
    assert cli(tmp_path / "in.parquet", "-o", tmp_path / "out.parquet", "-q").code == 0
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.schema.field("kid").type == pa.int64()
    assert out.schema.field("sex").type == pa.int8()
    assert out.column("kid").to_pylist() == [7, 8]


ODD_TEXT = [
    ["007", "  spaced  ", "1", "400", "9.50", "75.0", "l", "n"],
    ["008", 'say "hi", ok', "2", "1000", "14", "95", "H", "N"],
    ["009", "line\nbreak", " 1 ", "30", "4.000", "52.00", "", ""],
    ["010", "=1+1", "f", "700", "1e1", "80.1", "l", "2"],
    ["011", "Ibu Siti — RT 03 ✓", "M", "0", "3.3", "49.9", "L", "n"],
    ["012", "NA", "2", "NA", "", ".", "h", "1"],
]
ODD_HEADER = ["id", "note", "sex", "age", "weight", "lenhei", "measure", "oedema"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_input_cells_pass_through_unchanged_including_odd_text(cli, tmp_path, fmt):
    src = write_csv(tmp_path / "odd.csv", ODD_HEADER, ODD_TEXT)
    out = tmp_path / f"out.{fmt}"
    assert cli(src, "-o", out, "-q").code == 0
    header, rows = read_any(out)
    assert header[: len(ODD_HEADER)] == ODD_HEADER
    got = [["" if v is None else v for v in r[: len(ODD_HEADER)]] for r in rows]
    assert got == ODD_TEXT  # "9.50" stays "9.50", "007" stays "007", "=1+1" stays text


def test_xlsx_input_cells_keep_their_types_in_xlsx_output(cli, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["id", "sex", "age", "weight", "when"])
    import datetime as dt

    ws.append(["007", 1, 400, 9.5, dt.datetime(2024, 5, 17)])
    ws.append([8, "2", 1000, "14", None])
    wb.save(tmp_path / "in.xlsx")
    assert cli(tmp_path / "in.xlsx", "-o", tmp_path / "out.xlsx", "-q").code == 0
    out = load_workbook(tmp_path / "out.xlsx", read_only=True)
    rows = [list(r) for r in out.active.iter_rows(values_only=True)]
    assert rows[1][:5] == ["007", 1, 400, 9.5, dt.datetime(2024, 5, 17)]
    assert rows[2][:5] == [8, "2", 1000, "14", None]


def test_an_input_column_named_like_an_output_column_keeps_its_name_and_the_new_one_gets_1(
    cli, tmp_path
):
    src = write_csv(
        tmp_path / "in.csv",
        ["sex", "age", "weight", "zwei", "zwei_1"],
        [["1", "400", "9", "old", "older"]],
    )
    result = cli(src, "-o", tmp_path / "out.csv")
    assert result.code == 0
    header, rows = read_csv(tmp_path / "out.csv")
    assert header[:5] == ["sex", "age", "weight", "zwei", "zwei_1"]
    assert "zwei_2" in header and header.count("zwei") == 1
    assert rows[0][3:5] == ["old", "older"]
    assert rows[0][header.index("zwei_2")] == "-0.87"
    assert "zwei -> zwei_2" in result.err


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_a_chunk_size_smaller_than_the_file_gives_identical_output(cli, tmp_path, fmt):
    assert cli(SAMPLE, "-o", tmp_path / f"one.{fmt}", "-q").code == 0
    for size in (1, 7, 64):
        out = tmp_path / f"c{size}.{fmt}"
        assert cli(SAMPLE, "-o", out, "-q", "--chunk-size", size).code == 0
        if fmt == "csv":
            assert out.read_bytes() == (tmp_path / f"one.{fmt}").read_bytes()
        else:
            h1, r1 = read_any(tmp_path / f"one.{fmt}")
            h2, r2 = read_any(out)
            assert h1 == h2
            assert_same_rows(r2, r1)


def test_errors_are_reported_with_the_same_row_numbers_whatever_the_chunk_size(cli, tmp_path):
    one = cli(SAMPLE, "-o", tmp_path / "a.csv", "-q")
    small = cli(SAMPLE, "-o", tmp_path / "b.csv", "-q", "--chunk-size", 3)
    assert one.err == small.err
    assert 'row 160, column "lenhei_cm": "8O.3" is not a number' in one.err


def test_stdin_and_stdout_work_as_csv(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    script = "import sys; from tumbuh.batch.zscore import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run(
        [sys.executable, "-c", script, "-", "-o", "-", "-q"],
        input=SAMPLE.read_bytes(),
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    (tmp_path / "piped.csv").write_bytes(proc.stdout)
    from tumbuh.batch.zscore import main

    assert main([str(SAMPLE), "-o", str(tmp_path / "file.csv"), "-q"]) == 0
    assert proc.stdout == (tmp_path / "file.csv").read_bytes()


def test_it_runs_as_python_dash_m_and_does_not_import_django(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    probe = (
        "import runpy, sys; "
        "sys.argv = ['zscore'] + sys.argv[1:]\n"
        "try:\n    runpy.run_module('tumbuh.batch.zscore', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
        "sys.exit(code)\n"
    )
    out = tmp_path / "out.csv"
    proc = subprocess.run(
        [sys.executable, "-c", probe, str(SAMPLE), "-o", str(out), "-q"],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.exists()
    help_run = subprocess.run(
        [sys.executable, "-m", "tumbuh.batch.zscore", "--help"],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert help_run.returncode == 0
    assert b"--decimal-comma" in help_run.stdout


def test_gzipped_and_semicolon_separated_csv_are_read(cli, tmp_path):
    import gzip

    text = "sex;age;weight\n1;400;9,0\n"
    (tmp_path / "in.csv.gz").write_bytes(gzip.compress(text.encode()))
    result = cli(tmp_path / "in.csv.gz", "-o", tmp_path / "out.csv.gz", "-q", "--decimal-comma")
    assert result.code == 0, result.err
    lines = gzip.decompress((tmp_path / "out.csv.gz").read_bytes()).decode().splitlines()
    assert lines[0].startswith("sex,age,weight,clenhei")
    assert lines[1].startswith('1,400,"9,0",')


def test_duplicate_input_column_names_pass_through_but_parquet_refuses_them(cli, tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b'\xef\xbb\xbfsex,x,x,weight\r\n1,a,b,9\r\n2,"c\r\nd",e,10\r\n')
    assert cli(src, "-o", tmp_path / "out.csv", "-q").code == 0
    header, rows = read_csv(tmp_path / "out.csv")
    assert header[:4] == ["sex", "x", "x", "weight"]  # BOM and CRLF handled
    assert [r[:4] for r in rows] == [["1", "a", "b", "9"], ["2", "c\r\nd", "e", "10"]]
    result = cli(src, "-o", tmp_path / "out.parquet")
    assert result.code == 2
    assert 'Parquet cannot hold two columns with the same name ("x")' in result.err
    assert not (tmp_path / "out.parquet").exists()
