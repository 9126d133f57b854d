"""Which input columns are used: recognised names, units, --map, usage errors."""

from __future__ import annotations

import numpy as np
import pytest

from tumbuh import growth
from tumbuh.batch.tests.conftest import read_csv, write_csv
from tumbuh.batch.zscore import UsageError, resolve_columns


def _z(path, name):
    header, rows = read_csv(path)
    return [r[header.index(name)] for r in rows]


def test_an_age_months_column_is_read_as_months(cli, tmp_path):
    src = write_csv(
        tmp_path / "in.csv",
        ["sex", "age_months", "weight_kg", "lenhei_cm"],
        [["1", "13.1", "9.1", "75.2"], ["2", "40", "13", "95"]],
    )
    assert cli(src, "-o", tmp_path / "out.csv", "-q").code == 0
    expected = growth.anthro_zscores(
        np.array([1.0, 2.0]),
        np.array([13.1, 40.0]),
        age_in_months=True,
        weight_kg=np.array([9.1, 13.0]),
        lenhei_cm=np.array([75.2, 95.0]),
    )
    got = [float(v) for v in _z(tmp_path / "out.csv", "zlen")]
    assert got == expected["zlen"].tolist()
    assert (
        got
        != growth.anthro_zscores(
            np.array([1.0, 2.0]), np.array([13.1, 40.0]), lenhei_cm=np.array([75.2, 95.0])
        )["zlen"].tolist()
    )


def test_a_plain_age_column_is_days_unless_age_in_months_is_given(cli, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["sex", "age", "lenhei"], [["1", "24", "86"]])
    assert cli(src, "-o", tmp_path / "days.csv", "-q").code == 0
    assert cli(src, "-o", tmp_path / "months.csv", "-q", "--age-in-months").code == 0
    days = growth.anthro_zscores(1, 24.0, lenhei_cm=86.0)["zlen"][0]
    months = growth.anthro_zscores(1, 24.0, age_in_months=True, lenhei_cm=86.0)["zlen"][0]
    assert float(_z(tmp_path / "days.csv", "zlen")[0]) == days  # 24 days old: 16.64
    assert float(_z(tmp_path / "months.csv", "zlen")[0]) == months
    assert days != months


def test_age_in_months_does_not_change_an_age_days_column(cli, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["sex", "age_days", "lenhei"], [["1", "730", "86"]])
    result = cli(src, "-o", tmp_path / "out.csv", "--age-in-months")
    assert result.code == 0
    assert "--age-in-months ignored" in result.err
    want = growth.anthro_zscores(1, 730.0, lenhei_cm=86.0)["zlen"][0]
    assert float(_z(tmp_path / "out.csv", "zlen")[0]) == want


def test_map_reads_measurements_from_other_column_names(cli, tmp_path):
    src = write_csv(
        tmp_path / "in.csv",
        ["JK", "UMUR_BLN", "BB", "TB", "cara_ukur"],
        [["1", "13", "9.1", "75.2", "l"], ["2", "40", "13", "95", "h"]],
    )
    result = cli(
        src,
        "-o",
        tmp_path / "out.csv",
        "-q",
        "--map",
        "sex=JK",
        "--map",
        "age_months=UMUR_BLN",
        "--map",
        "weight=BB",
        "--map",
        "lenhei=TB",
        "--map",
        "measure=cara_ukur",
    )
    assert result.code == 0, result.err
    expected = growth.anthro_zscores(
        np.array([1.0, 2.0]),
        np.array([13.0, 40.0]),
        age_in_months=True,
        weight_kg=np.array([9.1, 13.0]),
        lenhei_cm=np.array([75.2, 95.0]),
        measure=np.array(["l", "h"]),
    )
    for col in ("zlen", "zwei", "zwfl", "zbmi"):
        assert [float(v) for v in _z(tmp_path / "out.csv", col)] == expected[col].tolist()
    header, _rows = read_csv(tmp_path / "out.csv")
    assert header[:5] == ["JK", "UMUR_BLN", "BB", "TB", "cara_ukur"]  # names kept


def test_map_matches_the_column_name_ignoring_case_when_not_exact(cli, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["sex", "Berat"], [["1", "9"]])
    assert cli(src, "-o", tmp_path / "out.csv", "-q", "--map", "weight=berat").code == 0


def test_map_to_a_column_that_does_not_exist_is_a_usage_error(cli, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["sex", "weight"], [["1", "9"]])
    result = cli(src, "-o", tmp_path / "out.csv", "--map", "lenhei=TB")
    assert result.code == 2
    assert '--map lenhei=TB: the input has no column "TB"' in result.err
    assert not (tmp_path / "out.csv").exists()


def test_map_with_an_unknown_name_is_a_usage_error(cli, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["sex", "weight"], [["1", "9"]])
    result = cli(src, "-o", tmp_path / "out.csv", "--map", "height=TB")
    assert result.code == 2
    assert "unknown name 'height'" in result.err


def test_column_names_match_ignoring_case_when_there_is_no_exact_match():
    plan = resolve_columns(["SEX", "Age_Months", "Weight_KG"], {})
    assert plan.columns["sex"].name == "SEX"
    assert plan.columns["age"].name == "Age_Months"
    assert plan.age_in_months is True
    assert plan.columns["weight"].name == "Weight_KG"


def test_an_exact_name_wins_over_a_case_insensitive_one():
    plan = resolve_columns(["Weight", "weight", "sex"], {})
    assert plan.columns["weight"].index == 1


def test_two_columns_that_could_be_the_same_input_are_a_usage_error():
    with pytest.raises(UsageError, match='several columns could be weight: "weight", "weight_kg"'):
        resolve_columns(["sex", "weight", "weight_kg"], {})
    with pytest.raises(UsageError, match="several columns could be age"):
        resolve_columns(["sex", "age_days", "age_months", "weight"], {})


def test_a_map_settles_an_ambiguity():
    plan = resolve_columns(["sex", "weight", "weight_kg"], {"weight": ("weight", "weight_kg")})
    assert plan.columns["weight"].index == 2


def test_a_file_without_a_sex_column_is_a_usage_error(cli, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["age", "weight"], [["400", "9"]])
    result = cli(src, "-o", tmp_path / "out.csv")
    assert result.code == 2
    assert 'no "sex" column' in result.err


def test_a_file_without_any_measurement_column_is_a_usage_error(cli, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["sex", "age", "BB"], [["1", "400", "9"]])
    result = cli(src, "-o", tmp_path / "out.csv")
    assert result.code == 2
    assert "none of the measurement columns" in result.err
    assert "--map" in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "-o", "out.csv"], "missing.csv: no such file"),
        (["in.dat", "-o", "out.csv"], "--input-format"),
        (["in.csv", "-o", "out.json"], "--output-format"),
        (["in.csv", "-o", "no/such/folder/out.csv"], "does not exist"),
        (["in.csv", "-o", "out.csv", "--chunk-size", "0"], "--chunk-size"),
        (["in.csv", "-o", "in.csv"], "must not be the INPUT"),
        (["in.csv", "-o", "-", "--output-format", "xlsx"], "only be written as CSV"),
        (["in.csv"], "required"),
    ],
)
def test_usage_errors_exit_with_code_2(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "in.csv", ["sex", "weight"], [["1", "9"]])
    (tmp_path / "in.dat").write_text("sex,weight\n1,9\n")
    result = cli(*args)
    assert result.code == 2
    assert message in result.err


def test_a_file_with_only_a_header_gives_an_output_with_only_a_header(cli, tmp_path):
    src = write_csv(tmp_path / "in.csv", ["sex", "weight"], [])
    for fmt in ("csv", "xlsx", "parquet"):
        assert cli(src, "-o", tmp_path / f"out.{fmt}", "-q").code == 0
    header, rows = read_csv(tmp_path / "out.csv")
    assert header[:3] == ["sex", "weight", "clenhei"] and rows == []
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "out.parquet").num_rows == 0


def test_an_empty_file_is_a_usage_error(cli, tmp_path):
    (tmp_path / "in.csv").write_text("")
    result = cli(tmp_path / "in.csv", "-o", tmp_path / "out.csv")
    assert result.code == 2
    assert "no header row" in result.err
