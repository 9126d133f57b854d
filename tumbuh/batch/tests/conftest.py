"""Shared helpers for the ``tumbuh zscore`` tests."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tumbuh import growth
from tumbuh.batch.zscore import Outcome, build_parser, main, run

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample_children.csv"
REPO_ROOT = Path(__file__).resolve().parents[3]


def new_columns() -> list[str]:
    return [*growth.ANTHRO_COLUMNS, *growth.PERMENKES_COLUMNS]


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run ``tumbuh zscore`` in-process: ``cli("in.csv", "-o", "out.csv")`` -> CliResult."""

    def _run(*argv) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return _run


def run_with_summary(*argv) -> tuple[Outcome, str]:
    """Run through :func:`run` to get the Summary object back (and the stderr text)."""
    err = io.StringIO()
    outcome = run(build_parser().parse_args([str(a) for a in argv]), stderr=err)
    return outcome, err.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file, every cell exactly as text."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def read_any(path: Path) -> tuple[list[str], list[list[object]]]:
    """Header and rows of a CSV, XLSX or Parquet output with every new-column cell turned into
    a comparable Python value: float for numbers (NaN for missing), str for text ("" missing)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows = read_csv(path)
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        values = [list(r) for r in wb.active.iter_rows(values_only=True)]
        wb.close()
        header = [str(v) for v in values[0]]
        # read-only mode drops trailing empty cells when the sheet has no dimension record
        rows = [r + [None] * (len(header) - len(r)) for r in values[1:]]
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        header = table.column_names
        cols = [c.to_pylist() for c in table.columns]
        rows = [list(r) for r in zip(*cols, strict=True)] if cols else []
    kinds = {name: _kind(name) for name in new_columns()}
    n_in = len(header) - len(kinds)
    out = []
    for r in rows:
        conv = list(r[:n_in])
        for name, v in zip(new_columns(), r[n_in:], strict=True):
            conv.append(_value(v, kinds[name]))
        out.append(conv)
    return header, out


def _kind(name: str) -> str:
    return "str" if name == "cmeasure" or name in growth.PERMENKES_COLUMNS else "num"


def _value(v, kind: str):
    if kind == "str":
        return "" if v is None else str(v)
    if v is None or v == "":
        return math.nan
    if v == "Inf":
        return math.inf
    if v == "-Inf":
        return -math.inf
    return float(v)


def same(a, b) -> bool:
    """Equality where NaN equals NaN (and float vs float is exact)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


def new_part(rows: list[list[object]]) -> list[list[object]]:
    n = len(new_columns())
    return [r[-n:] for r in rows]


def assert_same_rows(a: list[list[object]], b: list[list[object]]) -> None:
    assert len(a) == len(b)
    for i, (ra, rb) in enumerate(zip(a, b, strict=True)):
        assert len(ra) == len(rb)
        for j, (x, y) in enumerate(zip(ra, rb, strict=True)):
            assert same(x, y), f"row {i + 1}, column {j}: {x!r} != {y!r}"


def sample_inputs() -> dict[str, np.ndarray]:
    """The sample file's columns parsed the plain way (bad cells -> NaN), for direct engine
    calls in the tests."""
    header, rows = read_csv(SAMPLE)
    cols = {h: [r[i] for r in rows] for i, h in enumerate(header)}

    def num(name):
        out = []
        for v in cols[name]:
            try:
                out.append(float(v) if v.strip() else math.nan)
            except ValueError:
                out.append(math.nan)
        return np.array(out)

    age = num("age_days")
    age[age < 0] = np.nan
    return {
        "sex": np.array(cols["sex"], dtype=object),
        "age": age,
        "weight_kg": num("weight_kg"),
        "lenhei_cm": num("lenhei_cm"),
        "measure": np.array(cols["measure"], dtype=object),
        "oedema": np.array(cols["oedema"], dtype=object),
        "headc_cm": num("headc_cm"),
        "armc_cm": num("armc_cm"),
    }


def expected_for_sample(rounded: bool = True) -> dict[str, np.ndarray]:
    """Direct engine call on the sample, bad codes replaced by missing as the command does."""
    x = sample_inputs()
    sex, _bad = growth.standardize_sex(x["sex"])
    meas, _bad = growth.standardize_measure(x["measure"])
    oed, _bad = growth.standardize_oedema(x["oedema"])
    return growth.anthro_zscores(
        sex,
        x["age"],
        weight_kg=x["weight_kg"],
        lenhei_cm=x["lenhei_cm"],
        measure=np.array(["", "l", "h"])[meas],
        oedema=np.where(oed, "y", "n"),
        headc_cm=x["headc_cm"],
        armc_cm=x["armc_cm"],
        rounded=rounded,
    )
