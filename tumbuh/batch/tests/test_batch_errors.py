"""Bad cells: reported with row, column and value, treated as missing; --strict; --errors."""

from __future__ import annotations

import csv

import numpy as np

from tumbuh import growth
from tumbuh.batch.tests.conftest import SAMPLE, read_csv, write_csv
from tumbuh.batch.zscore import parse_numbers

HEADER = ["id", "sex", "age", "weight", "lenhei", "measure", "oedema"]
ROWS = [
    ["a", "1", "400", "9", "75", "l", "n"],
    ["b", "2", "1000", "12,5", "95", "h", "n"],
    ["c", "L", "-3", "abc", "52", "x", "q"],
    ["d", "2", "700", "10.2", "80.1", "", ""],
]


def _bad_file(tmp_path):
    return write_csv(tmp_path / "in.csv", HEADER, ROWS)


def test_it_reports_row_column_and_value_of_a_bad_cell(cli, tmp_path):
    result = cli(_bad_file(tmp_path), "-o", tmp_path / "out.csv", "-q")
    assert result.code == 0
    assert 'row 2, column "weight": "12,5" is not a number' in result.err
    assert "1 = the first row after the header" in result.err  # says how rows are counted


def test_every_kind_of_bad_cell_is_reported_in_row_then_column_order(cli, tmp_path):
    result = cli(_bad_file(tmp_path), "-o", tmp_path / "out.csv", "-q")
    lines = [ln.strip() for ln in result.err.splitlines() if ln.startswith("  row ")]
    assert lines == [
        'row 2, column "weight": "12,5" is not a number (a decimal comma? run with '
        "--decimal-comma to read 12,5 as 12.5)",
        'row 3, column "sex": "L" is not a sex code (use 1 or m for boys, 2 or f for girls)',
        'row 3, column "age": "-3" is a negative age',
        'row 3, column "weight": "abc" is not a number',
        'row 3, column "measure": "x" is not a measure code (use l for lying length, h for '
        "standing height)",
        'row 3, column "oedema": "q" is not an oedema code (use y or 1 for oedema, n or 2 for '
        "none)",
    ]


def test_bad_cells_are_treated_as_missing_and_the_run_goes_on(cli, tmp_path):
    out = tmp_path / "out.csv"
    assert cli(_bad_file(tmp_path), "-o", out, "-q").code == 0
    header, rows = read_csv(out)
    assert [r[0] for r in rows] == ["a", "b", "c", "d"]
    col = {name: [r[header.index(name)] for r in rows] for name in header}
    # row 2: weight missing, so no weight z-scores, but length-for-age is there
    assert col["zwei"][1] == "" and col["zlen"][1] != ""
    # row 3: unknown sex -> missing sex -> nothing computed; measure/oedema treated as missing
    assert col["csex"][2] == "" and col["zlen"][2] == "" and col["cmeasure"][2] == ""
    # the good rows are unaffected: the same as a direct engine call
    want = growth.anthro_zscores(
        np.array([1.0, 2.0]),
        np.array([400.0, 700.0]),
        weight_kg=np.array([9.0, 10.2]),
        lenhei_cm=np.array([75.0, 80.1]),
        measure=["l", ""],
    )
    assert [float(col["zwfl"][0]), float(col["zwfl"][3])] == want["zwfl"].tolist()


def test_a_decimal_comma_is_read_only_with_decimal_comma(cli, tmp_path):
    out = tmp_path / "out.csv"
    result = cli(_bad_file(tmp_path), "-o", out, "-q", "--decimal-comma")
    assert '"12,5"' not in result.err
    header, rows = read_csv(out)
    assert rows[1][header.index("weight")] == "12,5"  # the input cell itself is unchanged
    want = growth.anthro_zscores(2, 1000.0, weight_kg=12.5)["zwei"][0]
    assert float(rows[1][header.index("zwei")]) == want


def test_with_strict_it_stops_at_the_first_bad_row_with_code_1_and_writes_no_output(cli, tmp_path):
    out = tmp_path / "out.csv"
    result = cli(_bad_file(tmp_path), "-o", out, "--strict", "--chunk-size", "1")
    assert result.code == 1
    assert 'row 2, column "weight": "12,5"' in result.err
    assert "row 3" not in result.err  # stopped at the first bad row
    assert "stopped at row 2 because of --strict" in result.err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "in.csv"]  # no partial file left behind


def test_with_strict_an_existing_output_file_is_left_as_it_was(cli, tmp_path):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old")
    assert cli(_bad_file(tmp_path), "-o", out, "--strict").code == 1
    assert out.read_bytes() == b"old"


def test_with_strict_a_clean_file_is_written_normally(cli, tmp_path):
    src = write_csv(tmp_path / "in.csv", HEADER, [ROWS[0], ROWS[3]])
    assert cli(src, "-o", tmp_path / "out.parquet", "--strict", "-q").code == 0
    assert (tmp_path / "out.parquet").exists()


def test_the_errors_file_lists_every_bad_cell(cli, tmp_path):
    errors = tmp_path / "errors.csv"
    assert cli(_bad_file(tmp_path), "-o", tmp_path / "out.csv", "-q", "--errors", errors).code == 0
    with open(errors, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["row", "column", "value", "message"]
    assert rows[1:] == [
        ["2", "weight", "12,5", "not a number (decimal comma? use --decimal-comma)"],
        ["3", "sex", "L", "unknown sex code"],
        ["3", "age", "-3", "negative age"],
        ["3", "weight", "abc", "not a number"],
        ["3", "measure", "x", "unknown measure code"],
        ["3", "oedema", "q", "unknown oedema code"],
    ]


def test_the_screen_shows_at_most_20_bad_cells_then_how_many_more(cli, tmp_path):
    rows = [[str(i), "1", "400", f"9,{i}", "75", "l", "n"] for i in range(30)]
    src = write_csv(tmp_path / "in.csv", HEADER, rows)
    result = cli(src, "-o", tmp_path / "out.csv", "-q")
    shown = [ln for ln in result.err.splitlines() if ln.startswith("  row ")]
    assert len(shown) == 20
    assert "... and 10 more (use --errors FILE to list them all)" in result.err
    result = cli(
        src, "-o", tmp_path / "out.csv", "-q", "--errors", tmp_path / "e.csv", "--show-errors", "3"
    )
    assert f"... and 27 more (all are listed in {tmp_path / 'e.csv'})" in result.err
    assert len((tmp_path / "e.csv").read_text().splitlines()) == 31


def test_the_sample_file_shows_its_deliberate_bad_cells(cli, tmp_path):
    result = cli(SAMPLE, "-o", tmp_path / "out.csv")
    assert result.code == 0
    for line in [
        'row 17, column "weight_kg": "8,5" is not a number',
        'row 42, column "sex": "L" is not a sex code',
        'row 88, column "age_days": "-14" is a negative age',
        'row 131, column "measure": "b" is not a measure code',
        'row 160, column "lenhei_cm": "8O.3" is not a number',
    ]:
        assert line in result.err


def test_a_row_with_more_cells_than_the_header_fails_cleanly(cli, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("sex,weight\n1,9\n2,10,oops\n")
    out = tmp_path / "out.csv"
    result = cli(src, "-o", out)
    assert result.code == 1
    assert "in.csv: line 3 has 3 cells but the header has 2" in result.err
    assert not out.exists()


def test_numbers_missing_markers_and_bad_text_are_told_apart():
    text = np.array(
        ["9", " 9.5 ", "", "NA", "nan", "null", ".", "9,5", "x", "inf", "1e1", "-2"], dtype=object
    )
    values, problem = parse_numbers(text)
    assert values[:2].tolist() == [9.0, 9.5]
    assert np.isnan(values[2:10]).all()
    assert values[10:].tolist() == [10.0, -2.0]
    kinds = ["number", "decimal_comma", "finite"]
    from tumbuh.batch.zscore import PROBLEMS

    names = list(PROBLEMS)
    assert [names[k] if k >= 0 else None for k in problem] == [
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        kinds[1],
        kinds[0],
        kinds[2],
        None,
        None,
    ]
