"""``tumbuh zscore INPUT -o OUTPUT``: WHO anthro z-scores and Permenkes status for a whole file.

Reads CSV, XLSX or Parquet in chunks, computes every output of WHO anthro's
``anthro_zscores`` (plus the Permenkes 2/2020 categories) with :mod:`tumbuh.growth`, and writes
the input columns unchanged followed by the new columns. Bad cells are reported (row, column,
value) and treated as missing. See ``docs/cli-zscore.md``.

Entry point: :func:`main` (also ``python -m tumbuh.batch.zscore``). No Django here.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from dataclasses import dataclass, field
from gettext import gettext as _
from typing import IO

import numpy as np
import pandas as pd

from tumbuh import growth
from tumbuh.batch.io import (
    FORMATS,
    BatchIOError,
    Chunk,
    OutColumn,
    Reader,
    Writer,
    arrow_numbers,
    column_text,
    detect_format,
    format_floats,
    open_reader,
    open_writer,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

DEFAULT_CHUNK_SIZE = 100_000
DEFAULT_SHOW_ERRORS = 20

#: Input fields and the column names recognised for each, in order of preference.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "sex": ("sex",),
    "age": ("age", "age_days", "age_months"),
    "weight": ("weight", "weight_kg"),
    "lenhei": ("lenhei", "lenhei_cm"),
    "measure": ("measure",),
    "oedema": ("oedema",),
    "headc": ("headc", "headc_cm"),
    "armc": ("armc", "armc_cm"),
    "triskin": ("triskin", "triskin_mm"),
    "subskin": ("subskin", "subskin_mm"),
}
#: Every name accepted on the left of ``--map NAME=COLUMN`` -> the field it sets.
MAP_NAMES = {alias: fld for fld, aliases in FIELD_NAMES.items() for alias in aliases}

MEASUREMENT_FIELDS = ("weight", "lenhei", "headc", "armc", "triskin", "subskin")
NUMERIC_FIELDS = ("age", *MEASUREMENT_FIELDS)
CODE_FIELDS = ("sex", "measure", "oedema")

#: anthro_zscores keyword for each numeric measurement field.
ENGINE_ARGS = {
    "weight": "weight_kg",
    "lenhei": "lenhei_cm",
    "headc": "headc_cm",
    "armc": "armc_cm",
    "triskin": "triskin_mm",
    "subskin": "subskin_mm",
}

#: Text read as a missing value in number and code columns (compared trimmed, lower-cased).
MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "null", "none", "<na>", "."})

#: Oldest age (completed days) counted in the prevalences, as in anthro_prevalence.
MAX_PREVALENCE_AGE_DAYS = 1826
#: anthro_prevalence counts a child with oedema as having this z-score for the weight-related
#: indicators (so the child is in the denominator and below -2 and -3).
OEDEMA_AUX_Z = -3.1

FLAG_COLUMNS = ("flen", "fwei", "fwfl", "fbmi", "fhc", "fac", "fts", "fss")

# Kinds of bad cell. Each has the text shown on screen (after 'row N, column "C": "V" ') and the
# shorter text written to the --errors file's message column.
PROBLEMS = {
    "number": (_("is not a number"), _("not a number")),
    "decimal_comma": (
        _("is not a number (a decimal comma? run with --decimal-comma to read 12,5 as 12.5)"),
        _("not a number (decimal comma? use --decimal-comma)"),
    ),
    "finite": (_("is not a finite number"), _("not a finite number")),
    "negative_age": (_("is a negative age"), _("negative age")),
    "sex": (_("is not a sex code (use 1 or m for boys, 2 or f for girls)"), _("unknown sex code")),
    "measure": (
        _("is not a measure code (use l for lying length, h for standing height)"),
        _("unknown measure code"),
    ),
    "oedema": (
        _("is not an oedema code (use y or 1 for oedema, n or 2 for none)"),
        _("unknown oedema code"),
    ),
}
_PROBLEM_KEYS = list(PROBLEMS)


class UsageError(Exception):
    """Bad command line or unusable input columns (exit code 2)."""


# --------------------------------------------------------------------------------------------
# Column resolution
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnRef:
    index: int  # position of the column in the input
    name: str  # the input column name
    alias: str  # the recognised name it stands for, e.g. "age_months"


@dataclass
class Plan:
    """Which input column feeds which anthro input."""

    columns: dict[str, ColumnRef]
    age_in_months: bool
    notes: list[str] = field(default_factory=list)


def _find_column(names: list[str], wanted: str) -> list[int]:
    """Positions of ``wanted`` in ``names``: exact matches, else case-insensitive ones."""
    exact = [i for i, n in enumerate(names) if n == wanted]
    if exact:
        return exact
    low = wanted.casefold()
    return [i for i, n in enumerate(names) if n.strip().casefold() == low]


def parse_maps(items: list[str]) -> dict[str, tuple[str, str]]:
    """``["weight=BB", ...]`` -> ``{field: (alias, column)}``. Raises :class:`UsageError`."""
    out: dict[str, tuple[str, str]] = {}
    for item in items:
        name, sep, column = item.partition("=")
        alias = name.strip().lower()
        if not sep or not column:
            raise UsageError(
                _("--map {item!r}: expected NAME=COLUMN, e.g. --map weight=BB").format(item=item)
            )
        if alias not in MAP_NAMES:
            raise UsageError(
                _("--map {item!r}: unknown name {name!r}; use one of: {names}").format(
                    item=item, name=name, names=", ".join(MAP_NAMES)
                )
            )
        fld = MAP_NAMES[alias]
        if fld in out:
            raise UsageError(_("--map: {field} is given twice").format(field=fld))
        out[fld] = (alias, column)
    return out


def resolve_columns(
    names: list[str], maps: dict[str, tuple[str, str]], age_in_months: bool = False
) -> Plan:
    """Match input column names to anthro inputs (``--map`` first, then recognised names).

    Recognised names match exactly first, then ignoring case. Raises :class:`UsageError` when
    a mapped column is missing, a field matches several columns, ``sex`` is missing, or no
    measurement column is present.
    """
    cols: dict[str, ColumnRef] = {}
    notes: list[str] = []
    for fld, (alias, column) in maps.items():
        found = _find_column(names, column)
        if not found:
            raise UsageError(
                _(
                    '--map {alias}={column}: the input has no column "{column}" (columns: {names})'
                ).format(alias=alias, column=column, names=", ".join(names) or "-")
            )
        if len(found) > 1:
            raise UsageError(
                _('--map {alias}={column}: several columns are called "{column}"').format(
                    alias=alias, column=column
                )
            )
        cols[fld] = ColumnRef(found[0], names[found[0]], alias)
    for fld, aliases in FIELD_NAMES.items():
        if fld in cols:
            continue
        exact = [(i, a) for a in aliases for i, n in enumerate(names) if n == a]
        hits = exact or [
            (i, a) for a in aliases for i, n in enumerate(names) if n.strip().casefold() == a
        ]
        if len(hits) > 1:
            found = ", ".join(f'"{names[i]}"' for i, _a in hits)
            raise UsageError(
                _(
                    "several columns could be {field}: {found}; choose one with "
                    "--map {field}=COLUMN"
                ).format(field=fld, found=found)
            )
        if hits:
            i, alias = hits[0]
            cols[fld] = ColumnRef(i, names[i], alias)
    used: dict[int, str] = {}
    for fld, ref in cols.items():
        if ref.index in used:
            raise UsageError(
                _('column "{column}" is used for both {a} and {b}').format(
                    column=ref.name, a=used[ref.index], b=fld
                )
            )
        used[ref.index] = fld
    if "sex" not in cols:
        raise UsageError(
            _(
                'the input has no "sex" column (1/m = boy, 2/f = girl); name it '
                "sex or use --map sex=COLUMN"
            )
        )
    if not any(f in cols for f in MEASUREMENT_FIELDS):
        raise UsageError(
            _(
                "the input has none of the measurement columns {names}; rename them or use "
                "--map (e.g. --map weight=BB --map lenhei=TB)"
            ).format(names=", ".join(a for f in MEASUREMENT_FIELDS for a in FIELD_NAMES[f]))
        )
    in_months = age_in_months
    if "age" in cols:
        alias = cols["age"].alias
        if alias == "age_months":
            in_months = True
        elif alias == "age_days":
            if age_in_months:
                notes.append(
                    _(
                        '--age-in-months ignored: column "{column}" is read as days (age_days)'
                    ).format(column=cols["age"].name)
                )
            in_months = False
    else:
        notes.append(_("no age column: only weight-for-length/height can be computed"))
    return Plan(cols, in_months, notes)


def output_names(input_names: list[str], new_names: tuple[str, ...]) -> list[str]:
    """Names for the new columns: a name already used by an input column gets ``_1`` (``_2``
    ...) appended, so no input column is ever overwritten."""
    taken = set(input_names)
    out = []
    for name in new_names:
        final = name
        k = 1
        while final in taken:
            final = f"{name}_{k}"
            k += 1
        taken.add(final)
        out.append(final)
    return out


# --------------------------------------------------------------------------------------------
# Parsing cells
# --------------------------------------------------------------------------------------------


def _is_missing_text(text: np.ndarray) -> np.ndarray:
    """Vectorised: which cells (object array of str) are empty or say NA/NaN/null/... ."""
    out = np.asarray(text == "", dtype=bool)
    rest = np.flatnonzero(~out)
    if rest.size:  # usually few: only cells that did not parse as a number or code
        out[rest] = [str(v).strip().lower() in MISSING_TEXT for v in text[rest]]
    return out


def parse_numbers(text: np.ndarray, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Object array of cell text -> (float64 values, problem codes).

    Problem codes: ``-1`` none (a value or a missing cell), else an index into ``PROBLEMS``.
    Bad cells come back as NaN.
    """
    n = len(text)
    problem = np.full(n, -1, dtype=np.int8)
    if n == 0:
        return np.zeros(0), problem
    src = text
    if decimal_comma:
        src = pd.Series(text, dtype=object).str.replace(",", ".", regex=False).to_numpy()
    values = np.asarray(pd.to_numeric(src, errors="coerce"), dtype=np.float64)
    nan_idx = np.flatnonzero(np.isnan(values))
    if nan_idx.size:
        sub = text[nan_idx]
        bad = nan_idx[~_is_missing_text(sub)]
        if bad.size:
            problem[bad] = _PROBLEM_KEYS.index("number")
            if not decimal_comma:
                with_comma = bad[
                    pd.Series(text[bad], dtype=object)
                    .str.contains(",", regex=False)
                    .to_numpy(dtype=bool)
                ]
                if with_comma.size:
                    alt = (
                        pd.Series(text[with_comma], dtype=object)
                        .str.replace(",", ".", regex=False)
                        .to_numpy()
                    )
                    alt_v = np.asarray(pd.to_numeric(alt, errors="coerce"), dtype=np.float64)
                    problem[with_comma[np.isfinite(alt_v)]] = _PROBLEM_KEYS.index("decimal_comma")
    inf = np.isinf(values)
    if inf.any():
        problem[inf] = _PROBLEM_KEYS.index("finite")
        values[inf] = np.nan
    return values, problem


def _codes_text(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorize a code column: (codes into uniques, uniques with missing-text made "")."""
    codes, uniques = pd.factorize(pd.Series(text, dtype=object), use_na_sentinel=False)
    uniq = np.asarray(uniques, dtype=object)
    if uniq.size:
        uniq = uniq.copy()
        uniq[_is_missing_text(uniq)] = ""
    return np.asarray(codes, dtype=np.intp), uniq


# --------------------------------------------------------------------------------------------
# One chunk
# --------------------------------------------------------------------------------------------


@dataclass
class Problems:
    """Bad cells of one chunk, sorted by row then column."""

    rows: np.ndarray  # 0-based data row index in the whole input
    columns: np.ndarray  # input column position
    kinds: np.ndarray  # index into PROBLEMS
    values: list[str]  # cell text

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class ChunkResult:
    out: list[OutColumn]
    problems: Problems
    bad_rows: np.ndarray  # bool, rows with at least one bad cell
    oedema: np.ndarray  # bool
    age_days: np.ndarray  # float64, NaN when missing


def process_chunk(
    chunk: Chunk, plan: Plan, out_names: list[str], *, decimal_comma: bool = False
) -> ChunkResult:
    """Parse the input columns of ``chunk``, compute z-scores and status, collect bad cells."""
    n = chunk.length
    found_rows: list[np.ndarray] = []
    found_cols: list[np.ndarray] = []
    found_kinds: list[np.ndarray] = []
    texts: dict[int, np.ndarray] = {}

    def text_of(ref: ColumnRef) -> np.ndarray:
        if ref.index not in texts:
            texts[ref.index] = column_text(chunk, ref.index)
        return texts[ref.index]

    def note(ref: ColumnRef, mask: np.ndarray, kind: str | np.ndarray) -> None:
        idx = np.flatnonzero(mask)
        if idx.size:
            found_rows.append(idx)
            found_cols.append(np.full(idx.size, ref.index))
            if isinstance(kind, str):
                found_kinds.append(np.full(idx.size, _PROBLEM_KEYS.index(kind), np.int8))
            else:
                found_kinds.append(kind[idx])

    numbers: dict[str, np.ndarray] = {}
    for fld in NUMERIC_FIELDS:
        ref = plan.columns.get(fld)
        if ref is None:
            continue
        values = arrow_numbers(chunk.columns[ref.index]) if chunk.kind == "arrow" else None
        if values is None:
            values, problem = parse_numbers(text_of(ref), decimal_comma)
        else:
            problem = np.full(n, -1, dtype=np.int8)
            inf = np.isinf(values)
            if inf.any():
                problem[inf] = _PROBLEM_KEYS.index("finite")
                values = np.where(inf, np.nan, values)
        note(ref, problem >= 0, problem)
        if fld == "age":
            negative = values < 0
            if negative.any():
                note(ref, negative, "negative_age")
                values = np.where(negative, np.nan, values)
        numbers[fld] = values

    sex_ref = plan.columns["sex"]
    codes, uniq = _codes_text(text_of(sex_ref))
    sex_u, bad_u = growth.standardize_sex(uniq)
    sex = np.asarray(sex_u, dtype=np.float64)[codes]
    note(sex_ref, np.asarray(bad_u, bool)[codes], "sex")

    measure = None
    if "measure" in plan.columns:
        ref = plan.columns["measure"]
        codes, uniq = _codes_text(text_of(ref))
        meas_u, bad_u = growth.standardize_measure(uniq)
        measure = np.array(["", "l", "h"])[np.asarray(meas_u, dtype=np.intp)[codes]]
        note(ref, np.asarray(bad_u, bool)[codes], "measure")

    oedema = np.zeros(n, dtype=bool)
    oedema_arg = None
    if "oedema" in plan.columns:
        ref = plan.columns["oedema"]
        codes, uniq = _codes_text(text_of(ref))
        oed_u, bad_u = growth.standardize_oedema(uniq)
        oedema = np.asarray(oed_u, dtype=bool)[codes]
        note(ref, np.asarray(bad_u, bool)[codes], "oedema")
        oedema_arg = np.where(oedema, "y", "n")

    kwargs = {ENGINE_ARGS[f]: numbers[f] for f in MEASUREMENT_FIELDS if f in numbers}
    res = growth.anthro_zscores(
        sex,
        numbers.get("age"),
        age_in_months=plan.age_in_months,
        measure=measure,
        oedema=oedema_arg,
        rounded=False,
        **kwargs,
    )
    status = growth.permenkes_status(
        zwei=res["zwei"], zlen=res["zlen"], zwfl=res["zwfl"], zbmi=res["zbmi"]
    )

    out: list[OutColumn] = []
    new_columns = (*growth.ANTHRO_COLUMNS, *growth.PERMENKES_COLUMNS)
    for col, name in zip(new_columns, out_names, strict=True):
        v = res[col] if col in res else status[col]
        kind = column_kind(col)
        if kind == "str":
            values = np.asarray(v, dtype=object)
        elif kind == "z":
            values = growth.round_z(v)
        else:
            values = np.asarray(v, dtype=np.float64)
        out.append(OutColumn(name, kind, values))

    if found_rows:
        rows = np.concatenate(found_rows)
        cols = np.concatenate(found_cols)
        kinds = np.concatenate(found_kinds)
        order = np.lexsort((cols, rows))
        rows, cols, kinds = rows[order], cols[order], kinds[order]
        values = [
            _problem_value(chunk, texts, int(c), int(r)) for r, c in zip(rows, cols, strict=True)
        ]
        bad_rows = np.zeros(n, dtype=bool)
        bad_rows[rows] = True
        problems = Problems(rows + chunk.start, cols, kinds, values)
    else:
        bad_rows = np.zeros(n, dtype=bool)
        problems = Problems(np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0, np.int8), [])

    age = numbers.get("age")
    if age is None:
        age_days = np.full(n, np.nan)
    elif plan.age_in_months:
        age_days = age * getattr(growth, "DAYS_PER_MONTH", 30.4375)
    else:
        age_days = age
    return ChunkResult(out, problems, bad_rows, oedema, age_days)


def column_kind(name: str) -> str:
    """How an output column is stored: "z", "float", "int" or "str" (see OutColumn)."""
    if name in growth.INTEGER_COLUMNS:
        return "int"
    if name == "cmeasure" or name in growth.PERMENKES_COLUMNS:
        return "str"
    if name.startswith("z"):
        return "z"
    return "float"


def _problem_value(chunk: Chunk, texts: dict[int, np.ndarray], col: int, row: int) -> str:
    if col in texts:
        return str(texts[col][row])
    v = chunk.columns[col][row]  # Arrow scalar of a numeric column
    py = v.as_py() if hasattr(v, "as_py") else v
    return format_floats(np.array([py], dtype=np.float64))[0] if py is not None else ""


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------

#: name -> (z column, flag column, counts oedema as < -2)
PREVALENCES = {
    "stunting": ("zlen", "flen", False),
    "wasting": ("zwfl", "fwfl", True),
    "underweight": ("zwei", "fwei", True),
}


@dataclass
class Summary:
    rows_read: int = 0
    rows_written: int = 0
    rows_with_errors: int = 0
    bad_cells: int = 0
    rows_flagged: int = 0
    flagged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAG_COLUMNS, 0))
    #: name -> [cases with z < -2, n valid]
    prevalence: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0] for k in PREVALENCES}
    )

    def add(self, result: ChunkResult, n: int) -> None:
        self.rows_read += n
        self.rows_with_errors += int(result.bad_rows.sum())
        self.bad_cells += len(result.problems)
        by_name = {
            growth.ANTHRO_COLUMNS[i]: c
            for i, c in enumerate(result.out)
            if i < len(growth.ANTHRO_COLUMNS)
        }
        any_flag = np.zeros(n, dtype=bool)
        for f in FLAG_COLUMNS:
            if f in by_name:
                flagged = by_name[f].values == 1
                self.flagged[f] += int(flagged.sum())
                any_flag |= flagged
        self.rows_flagged += int(any_flag.sum())
        with np.errstate(invalid="ignore"):
            in_age = np.isnan(result.age_days) | (result.age_days <= MAX_PREVALENCE_AGE_DAYS)
            for name, (zcol, fcol, oedema_counts) in PREVALENCES.items():
                z = np.where(by_name[fcol].values == 1, np.nan, by_name[zcol].values)
                if oedema_counts:
                    z = np.where(result.oedema, OEDEMA_AUX_Z, z)
                valid = in_age & ~np.isnan(z)
                self.prevalence[name][0] += int((valid & (z < -2)).sum())
                self.prevalence[name][1] += int(valid.sum())

    def percent(self, name: str) -> float | None:
        cases, n = self.prevalence[name]
        return 100.0 * cases / n if n else None


def format_summary(s: Summary) -> str:
    def pct(part: int, whole: int) -> str:
        return f"{100.0 * part / whole:.1f}%" if whole else "-"

    flagged = ", ".join(f"{k} {v:,}" for k, v in s.flagged.items())
    labels = {
        "stunting": _("stunting    (zlen < -2)"),
        "wasting": _("wasting     (zwfl < -2)"),
        "underweight": _("underweight (zwei < -2)"),
    }
    lines = [
        _("Summary (method {version}):").format(version=growth.METHOD_VERSION),
        _("  rows read:              {n:,}").format(n=s.rows_read),
        _("  rows written:           {n:,}").format(n=s.rows_written),
        _("  rows with bad cells:    {n:,} ({cells:,} cells, treated as missing)").format(
            n=s.rows_with_errors, cells=s.bad_cells
        ),
        _("  rows with a flag:       {n:,} ({pct} of rows written)").format(
            n=s.rows_flagged, pct=pct(s.rows_flagged, s.rows_written)
        ),
        _("    flagged per indicator: {counts}").format(counts=flagged),
        _(
            "  prevalence among valid rows (not missing, not flagged, age up to 1826 days; "
            "oedema counts as < -2 for wasting and underweight):"
        ),
    ]
    for name, label in labels.items():
        cases, n = s.prevalence[name]
        lines.append(
            _("    {label}: {pct} ({cases:,} of n = {n:,})").format(
                label=label, pct=pct(cases, n), cases=cases, n=n
            )
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Reporting bad cells and progress
# --------------------------------------------------------------------------------------------


class Reporter:
    """Writes bad-cell lines to stderr (at most ``show`` of them) and to the --errors file."""

    def __init__(
        self,
        stream: IO[str],
        show: int,
        errors_file: IO[str] | None,
        names: list[str],
        progress: Progress,
    ):
        self.stream = stream
        self.show = show
        self.shown = 0
        self.total = 0
        self.names = names
        self.progress = progress
        self._csv = None
        if errors_file is not None:
            self._csv = csv.writer(errors_file, lineterminator="\n")
            self._csv.writerow(["row", "column", "value", "message"])

    def line(self, text: str) -> None:
        self.progress.clear()
        print(text, file=self.stream)

    def report(self, problems: Problems, limit_rows: int | None = None) -> None:
        for r, c, k, v in zip(
            problems.rows, problems.columns, problems.kinds, problems.values, strict=True
        ):
            row = int(r) + 1
            if limit_rows is not None and row != limit_rows:
                continue
            screen, short = PROBLEMS[_PROBLEM_KEYS[int(k)]]
            column = self.names[int(c)]
            if self._csv is not None:
                self._csv.writerow([row, column, v, short])
            self.total += 1
            if self.shown < self.show:
                if self.total == 1:
                    self.line(
                        _(
                            "Bad cells (treated as missing; row = data row number, "
                            "1 = the first row after the header):"
                        )
                    )
                shown_value = v if len(v) <= 60 else v[:57] + "..."
                self.line(
                    _('  row {row}, column "{column}": "{value}" {problem}').format(
                        row=row, column=column, value=shown_value, problem=screen
                    )
                )
                self.shown += 1

    def finish(self, errors_path: str | None) -> None:
        hidden = self.total - self.shown
        if hidden > 0:
            if errors_path:
                self.line(
                    _("  ... and {n:,} more (all are listed in {path})").format(
                        n=hidden, path=errors_path
                    )
                )
            else:
                self.line(
                    _("  ... and {n:,} more (use --errors FILE to list them all)").format(n=hidden)
                )


class Progress:
    """One self-overwriting status line on stderr, only when stderr is a terminal."""

    def __init__(self, stream: IO[str], enabled: bool):
        self.stream = stream
        self.enabled = enabled and _isatty(stream)
        self._shown = False
        self._last = 0.0

    def update(self, rows: int, fraction: float | None, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        text = _("tumbuh zscore: {rows:,} rows").format(rows=rows)
        if fraction is not None:
            text += f" ({100 * fraction:.0f}%)"
        self.stream.write("\r\033[K" + text)
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tumbuh zscore",
        description=_(
            "Compute WHO anthro z-scores, flags and Permenkes 2/2020 status for every row of a "
            "CSV, XLSX or Parquet file. The input columns are copied unchanged and the new "
            "columns are added after them."
        ),
        epilog=_(
            "Recognised columns: sex, age (days; or age_days / age_months), weight "
            "(weight_kg), lenhei (lenhei_cm), measure, oedema, headc (headc_cm), armc "
            "(armc_cm), triskin (triskin_mm), subskin (subskin_mm). Exit codes: 0 done "
            "(bad cells may have been reported), 1 failed (--strict or a read/write "
            "error), 2 usage error. See docs/cli-zscore.md."
        ),
    )
    p.add_argument(
        "input",
        metavar="INPUT",
        help=_("input file (.csv, .tsv, .csv.gz, .xlsx, .parquet); - for CSV on standard input"),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT",
        required=True,
        help=_("output file (.csv, .csv.gz, .xlsx, .parquet); - for CSV on standard output"),
    )
    p.add_argument("--input-format", choices=FORMATS, help=_("override the input format"))
    p.add_argument("--output-format", choices=FORMATS, help=_("override the output format"))
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="NAME=COLUMN",
        help=_(
            "use COLUMN for NAME (e.g. --map weight=BB --map lenhei=TB; NAME may "
            "carry a unit, e.g. age_months=UMUR); repeatable"
        ),
    )
    p.add_argument(
        "--age-in-months",
        action="store_true",
        help=_("a plain 'age' column is in months (default: days)"),
    )
    p.add_argument(
        "--decimal-comma", action="store_true", help=_("read 12,5 as 12.5 in number columns")
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help=_("stop at the first row with a bad cell (exit code 1, no output written)"),
    )
    p.add_argument(
        "--errors",
        metavar="FILE",
        help=_("also write every bad cell to FILE as CSV (row, column, value, message)"),
    )
    p.add_argument(
        "--show-errors",
        type=int,
        default=DEFAULT_SHOW_ERRORS,
        metavar="N",
        help=_("show at most N bad cells on screen (default %(default)s)"),
    )
    p.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        metavar="ROWS",
        help=_("rows processed at a time (default %(default)s)"),
    )
    p.add_argument(
        "--delimiter",
        metavar="CHAR",
        help=_("CSV input delimiter (default: guessed from the header: , ; tab |)"),
    )
    p.add_argument(
        "--output-delimiter",
        default=",",
        metavar="CHAR",
        help=_("CSV output delimiter (default ,)"),
    )
    p.add_argument(
        "--encoding",
        default="utf-8-sig",
        help=_("CSV input text encoding (default utf-8, with or without BOM)"),
    )
    p.add_argument("--sheet", help=_("XLSX input: worksheet name (default: the first sheet)"))
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help=_("no progress line and no summary (bad cells are still shown)"),
    )
    p.add_argument("--version", action="version", version=f"tumbuh growth {_version()}")
    return p


def _version() -> str:
    return getattr(growth, "METHOD_VERSION", "?")


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(value.lower(), value)
    if len(value) != 1:
        raise UsageError(_("a delimiter must be one character (or tab, comma, semicolon)"))
    return value


@dataclass
class Outcome:
    """What :func:`run` did: the exit code and the summary (for tests and callers)."""

    code: int
    summary: Summary | None = None


def run(args: argparse.Namespace, stderr: IO[str] | None = None) -> Outcome:
    """Run the command for parsed ``args``. Never raises for user errors: returns the code."""
    err = stderr if stderr is not None else sys.stderr

    def fail(code: int, message: str) -> Outcome:
        progress.clear()
        print(_("tumbuh zscore: error: {message}").format(message=message), file=err)
        return Outcome(code)

    progress = Progress(err, enabled=not args.quiet)
    try:
        in_fmt = detect_format(args.input, args.input_format)
    except ValueError:
        return fail(
            EXIT_USAGE,
            _(
                "cannot tell the format of {path} from its name; use "
                "--input-format csv|xlsx|parquet"
            ).format(path=args.input),
        )
    try:
        out_fmt = detect_format(args.output, args.output_format)
    except ValueError:
        return fail(
            EXIT_USAGE,
            _(
                "cannot tell the format of {path} from its name; use "
                "--output-format csv|xlsx|parquet"
            ).format(path=args.output),
        )
    if args.chunk_size < 1:
        return fail(EXIT_USAGE, _("--chunk-size must be at least 1"))
    try:
        maps = parse_maps(args.map)
        in_delim = _delimiter(args.delimiter)
        out_delim = _delimiter(args.output_delimiter) or ","
    except UsageError as e:
        return fail(EXIT_USAGE, str(e))
    if args.output != "-":
        out_dir = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(out_dir):
            return fail(
                EXIT_USAGE, _("the folder of {path} does not exist").format(path=args.output)
            )
        if (
            args.input != "-"
            and os.path.exists(args.output)
            and os.path.samefile(args.input, args.output)
        ):
            return fail(EXIT_USAGE, _("OUTPUT must not be the INPUT file"))
    if out_fmt != "csv" and args.output == "-":
        return fail(EXIT_USAGE, _("standard output ('-') can only be written as CSV"))

    try:
        reader: Reader = open_reader(
            args.input, in_fmt, delimiter=in_delim, encoding=args.encoding, sheet=args.sheet
        )
    except BatchIOError as e:
        return fail(EXIT_USAGE, str(e))
    try:
        return _run_with_reader(args, reader, out_fmt, maps, out_delim, err, progress, fail)
    finally:
        reader.close()


def _run_with_reader(
    args, reader: Reader, out_fmt: str, maps, out_delim: str, err: IO[str], progress: Progress, fail
) -> Outcome:
    names = list(reader.names)
    if not names:
        return fail(EXIT_USAGE, _("{path} has no header row").format(path=args.input))
    try:
        plan = resolve_columns(names, maps, args.age_in_months)
    except UsageError as e:
        return fail(EXIT_USAGE, str(e))
    new_names = tuple(growth.ANTHRO_COLUMNS) + tuple(growth.PERMENKES_COLUMNS)
    out_names = output_names(names, new_names)
    if not args.quiet:
        for note in plan.notes:
            print(_("tumbuh zscore: note: {note}").format(note=note), file=err)
        renamed = [f"{a} -> {b}" for a, b in zip(new_names, out_names, strict=True) if a != b]
        if renamed:
            print(
                _(
                    "tumbuh zscore: note: the input already has columns named like the output; "
                    "new columns renamed: {renamed}"
                ).format(renamed=", ".join(renamed)),
                file=err,
            )

    out_kinds = [column_kind(c) for c in new_names]
    writer: Writer | None = None
    try:
        writer = open_writer(
            args.output,
            out_fmt,
            names + out_names,
            n_input=len(names),
            out_kinds=out_kinds,
            input_fields=reader.arrow_fields,
            delimiter=out_delim,
            metadata={"tumbuh.method_version": _version()},
        )
    except BatchIOError as e:
        return fail(EXIT_USAGE, str(e))
    errors_fh = None
    if args.errors:
        try:
            errors_fh = open(args.errors, "w", encoding="utf-8", newline="")
        except OSError as e:
            writer.abort()
            return fail(EXIT_USAGE, f"{args.errors}: {e.strerror}")
    reporter = Reporter(err, max(0, args.show_errors), errors_fh, names, progress)
    summary = Summary()
    try:
        for chunk in reader.chunks(args.chunk_size):
            result = process_chunk(chunk, plan, out_names, decimal_comma=args.decimal_comma)
            if args.strict and len(result.problems):
                first = int(result.problems.rows[0]) + 1
                reporter.report(result.problems, limit_rows=first)
                writer.abort()
                writer = None
                summary.rows_read += chunk.length
                return fail(
                    EXIT_FAILED,
                    _("stopped at row {row} because of --strict; no output written").format(
                        row=first
                    ),
                )
            reporter.report(result.problems)
            summary.add(result, chunk.length)
            writer.write(chunk, result.out)
            summary.rows_written = writer.rows_written
            progress.update(summary.rows_read, reader.fraction_done(summary.rows_read))
        writer.close()
        writer = None
    except BatchIOError as e:
        if writer is not None:
            writer.abort()
        return fail(EXIT_FAILED, str(e))
    except KeyboardInterrupt:
        if writer is not None:
            writer.abort()
        progress.clear()
        print(_("tumbuh zscore: interrupted; no output written"), file=err)
        return Outcome(130, summary)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        if errors_fh is not None:
            errors_fh.close()
    progress.clear()
    reporter.finish(args.errors)
    dropped = getattr(reader, "dropped_cells", 0)
    if dropped:
        print(
            _(
                "tumbuh zscore: note: {n:,} cells right of the last named column were ignored"
            ).format(n=dropped),
            file=err,
        )
    if not args.quiet:
        print(format_summary(summary), file=err)
    return Outcome(EXIT_OK, summary)


def main(argv: list[str] | None = None) -> int:
    """``tumbuh zscore`` entry point; returns the exit code (0 ok, 1 failed, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help / --version (0) or a usage error (2)
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    return run(args).code


if __name__ == "__main__":
    sys.exit(main())
