"""``tumbuh prevalence``: golden tables, bad cells, usage errors, XLSX/Parquet output."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tumbuh.batch.prevalence import main

GOLDEN = Path(__file__).resolve().parents[2] / "growth" / "tests" / "golden"
INPUT = GOLDEN / "prevalence_input.csv"
GROUPS = ["--typeres", "typeres", "--gregion", "gregion", "--wealthq", "wealthq",
          "--mothered", "mothered", "--othergr", "othergr"]  # fmt: skip
DESIGNS = {
    "simple": [],
    "full": ["--sw", "sw", "--cluster", "cluster", "--strata", "strata"],
}
SUMMARY_LIMITS = {f"{x}_{s}" for x in ("HA", "WA", "BMI", "WH") for s in ("ll", "ul")}


def _read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _num(text, missing):
    return np.array([np.nan if t == missing else float(t) for t in text])


@pytest.mark.parametrize("design", list(DESIGNS))
def test_golden(design, tmp_path, capsys):
    out = tmp_path / "p.csv"
    assert main([str(INPUT), "-o", str(out), *GROUPS, *DESIGNS[design]]) == 0
    got = _read(out)
    exp = _read(GOLDEN / f"prevalence_{design}_expected.csv")
    assert list(got[0]) == list(exp[0])
    assert [r["Group"] for r in got] == [r["Group"] for r in exp]
    for col in list(exp[0])[1:]:
        g = _num([r[col] for r in got], "")
        e = _num([r[col] for r in exp], "NA")
        np.testing.assert_array_equal(np.isnan(g), np.isnan(e), err_msg=col)
        if col.endswith(("_ll", "_ul")) and col not in SUMMARY_LIMITS:
            np.testing.assert_allclose(g, e, rtol=0, atol=1e-6, err_msg=col)
        else:
            np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-13, err_msg=col)
    err = capsys.readouterr().err
    assert ("cluster+strata+weights" if design == "full" else "design: simple") in err
    assert "stunting" in err and "95% CI" in err


def test_bad_cells_reported(tmp_path, capsys):
    rows = INPUT.read_text().splitlines()
    head = rows[0].split(",")
    cells = rows[1].split(",")
    cells[head.index("weight")] = "abc"
    rows[1] = ",".join(cells)
    src = tmp_path / "bad.csv"
    src.write_text("\n".join(rows) + "\n")
    assert main([str(src), "-o", str(tmp_path / "o.csv")]) == 0
    err = capsys.readouterr().err
    assert 'row 1, column "weight": "abc" is not a number' in err
    assert main([str(src), "-o", str(tmp_path / "o2.csv"), "--strict"]) == 1
    assert not (tmp_path / "o2.csv").exists()


def test_unknown_cluster_column(tmp_path, capsys):
    assert main([str(INPUT), "-o", str(tmp_path / "o.csv"), "--cluster", "psu"]) == 2
    assert '--cluster psu: the input has no single column "psu"' in capsys.readouterr().err


@pytest.mark.parametrize("ext", ["xlsx", "parquet"])
def test_xlsx_parquet_round_trip(ext, tmp_path):
    csv_out, other = tmp_path / "p.csv", tmp_path / f"p.{ext}"
    args = [str(INPUT), *GROUPS, *DESIGNS["full"], "-q"]
    assert main([*args, "-o", str(csv_out)]) == 0
    assert main([*args, "-o", str(other)]) == 0
    a = pd.read_csv(csv_out)
    b = pd.read_excel(other) if ext == "xlsx" else pd.read_parquet(other)
    assert list(a.columns) == list(b.columns)
    assert list(a["Group"]) == list(b["Group"])
    # Parquet holds exactly the doubles of the CSV text (shortest round-trip repr); openpyxl
    # writes XLSX numbers with slightly fewer digits (relative error below 1e-15).
    rtol = 1e-15 if ext == "xlsx" else 0
    np.testing.assert_allclose(
        a.iloc[:, 1:].to_numpy(float), b.iloc[:, 1:].to_numpy(float), rtol=rtol, atol=0
    )
