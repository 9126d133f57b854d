"""Cell-for-cell agreement with the official WHO anthro R package (golden/README.md).

The expected files were produced by anthro 1.1.0.9000 on R 4.2.2; they cover every edge of
docs/who-zscore-method.md with thousands of varied inputs, with age in days and in months.
Both engines (NumPy and compiled, the ``engine`` fixture of conftest.py) are checked.
"""

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from tumbuh import growth

GOLDEN = Path(__file__).parent / "golden"
TEXT_INPUTS = ("sex", "measure", "oedema")
NUMERIC_INPUTS = ("age", "weight", "lenhei", "headc", "armc", "triskin", "subskin")
ARGUMENT = {"weight": "weight_kg", "lenhei": "lenhei_cm", "headc": "headc_cm",
            "armc": "armc_cm", "triskin": "triskin_mm", "subskin": "subskin_mm"}  # fmt: skip


def _read(name):
    with open(GOLDEN / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _number(text):
    return {"NA": math.nan, "Inf": math.inf, "-Inf": -math.inf}.get(text, None) or (
        math.nan if text == "" else float(text)
    )


def _run(case, age_in_months):
    rows = _read(f"zscores_{case}_input.csv")
    kwargs = {}
    for col in TEXT_INPUTS:
        kwargs[col] = np.array([None if r[col] == "NA" else r[col] for r in rows], dtype=object)
    for col in NUMERIC_INPUTS:
        kwargs[ARGUMENT.get(col, col)] = np.array([_number(r[col]) for r in rows])
    return growth.anthro_zscores(age_in_months=age_in_months, **kwargs), _read(
        f"zscores_{case}_expected.csv"
    )


@pytest.mark.parametrize(("case", "age_in_months"), [("days", False), ("months", True)])
def test_it_reproduces_anthro_cell_for_cell(case, age_in_months, engine):
    result, expected = _run(case, age_in_months)
    assert len(expected) == len(result["zlen"]) > 2000
    mismatches = []
    for col in growth.ANTHRO_COLUMNS:
        ours = result[col]
        for i, row in enumerate(expected):
            want = row[col]
            if col == "cmeasure":
                ok = ours[i] == ("" if want == "NA" else want)
            else:
                w, o = _number(want), float(ours[i])
                # Exact equality: same rounding, same doubles (NaN matches NaN).
                ok = (math.isnan(w) and math.isnan(o)) or w == o
            if not ok:
                mismatches.append((i + 1, col, want, ours[i]))
    assert not mismatches, f"{len(mismatches)} cells differ, first: {mismatches[:10]}"


def test_golden_data_exercises_the_edges():
    """Guard against a golden file that silently stopped covering what it should."""
    result, _ = _run("days", False)
    assert np.nansum(result["c9mo_flag"]) > 0
    assert (np.abs(result["zwei"]) > 3).sum() > 50  # restricted LMS on both sides
    assert np.isinf(result["zbmi"]).any()
    assert (result["cmeasure"] == "").sum() > 50
    for fcol in ("flen", "fwei", "fwfl", "fbmi"):
        assert np.nansum(result[fcol]) > 0, fcol
