"""How values are written: CSV text, Parquet types, XLSX cells."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tumbuh import growth
from tumbuh.batch.io import format_floats, format_ints
from tumbuh.batch.tests.conftest import SAMPLE, read_csv, write_csv


@given(st.lists(st.floats(min_value=-20, max_value=20, allow_nan=False), max_size=50))
def test_rounded_z_scores_are_written_with_at_most_two_decimals_and_read_back_exactly(xs):
    z = growth.round_z(np.array(xs, dtype=np.float64))
    texts = format_floats(z)
    for text, value in zip(texts, z.tolist(), strict=True):
        assert float(text) == value
        assert "e" not in text and not text.endswith(".0") and text != "-0"
        if "." in text:
            assert len(text.split(".")[1]) <= 2


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50))
def test_full_precision_values_read_back_exactly(xs):
    x = np.array(xs, dtype=np.float64)
    for text, value in zip(format_floats(x), x.tolist(), strict=True):
        if math.isnan(value):
            assert text == ""
        elif math.isinf(value):
            assert text == ("Inf" if value > 0 else "-Inf")
        else:
            assert float(text) == value


def test_float_text_examples():
    x = np.array([-2.68, 3.5, 3.0, -0.0, np.nan, np.inf, -np.inf, 0.1 + 0.2, 80.0])
    assert format_floats(x).tolist() == [
        "-2.68",
        "3.5",
        "3",
        "0",
        "",
        "Inf",
        "-Inf",
        "0.30000000000000004",
        "80",
    ]
    assert format_ints(np.array([0.0, 1.0, 2.0, np.nan])).tolist() == ["0", "1", "2", ""]


def test_csv_integer_columns_are_integers_and_missing_cells_are_empty(cli, tmp_path):
    src = write_csv(
        tmp_path / "in.csv",
        ["sex", "age", "weight", "lenhei"],
        [["1", "400", "9", "0"], ["2", "", "", "80"]],
    )
    assert cli(src, "-o", tmp_path / "out.csv", "-q").code == 0
    header, rows = read_csv(tmp_path / "out.csv")
    col = {name: [r[header.index(name)] for r in rows] for name in header}
    for name in growth.INTEGER_COLUMNS:
        assert all(v in ("", "0", "1", "2") for v in col[name]), name
    assert col["csex"] == ["1", "2"]
    assert col["zwei"][1] == ""  # no age, no weight
    assert col["cbmi"][0] == "Inf"  # 9 kg / 0 m^2, as R writes it
    assert col["clenhei"] == ["0", "80"]


def test_parquet_output_has_typed_columns(cli, tmp_path):
    assert cli(SAMPLE, "-o", tmp_path / "out.parquet", "-q").code == 0
    table = pq.read_table(tmp_path / "out.parquet")
    schema = table.schema
    for name in ("id", "weight_kg", "age_days"):
        assert schema.field(name).type == pa.string()  # CSV input cells stay text
    for name in growth.ANTHRO_COLUMNS:
        t = schema.field(name).type
        if name in growth.INTEGER_COLUMNS:
            assert t == pa.int8(), name
        elif name == "cmeasure":
            assert t == pa.string()
        else:
            assert t == pa.float64(), name
    for name in growth.PERMENKES_COLUMNS:
        assert schema.field(name).type == pa.string()
    assert table.column("zhc").null_count > 0  # missing is null, not NaN
    assert table.column("fhc").null_count == table.column("zhc").null_count
    meta = schema.metadata[b"tumbuh.method_version"].decode()
    assert meta == growth.METHOD_VERSION
    header, rows = read_csv(SAMPLE)
    assert table.column("id").to_pylist() == [r[0] for r in rows]


def test_xlsx_output_has_numbers_as_numbers_and_empty_cells_for_missing(cli, tmp_path):
    src = write_csv(
        tmp_path / "in.csv",
        ["sex", "age", "weight", "lenhei"],
        [["1", "400", "9", "0"], ["2", "", "", "80"]],
    )
    assert cli(src, "-o", tmp_path / "out.xlsx", "-q").code == 0
    wb = load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert wb.sheetnames == ["zscores"]
    rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    header = rows[0]
    first = dict(zip(header, rows[0 + 1], strict=False))
    assert first["sex"] == "1"  # input text stays text
    assert first["csex"] == 1 and isinstance(first["csex"], int)
    assert isinstance(first["zwei"], float)
    assert first["cbmi"] == "Inf"  # Excel has no infinity
    second = dict(zip(header, rows[2], strict=False))
    assert second.get("zwei") is None
    assert second.get("age") is None  # empty input cell stays empty
