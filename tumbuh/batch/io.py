"""Streaming readers and writers for ``tumbuh zscore`` (CSV, XLSX and Parquet).

Readers yield :class:`Chunk` objects of at most ``chunk_size`` data rows; writers take the input
chunk (passed through unchanged) plus the computed :class:`OutColumn` arrays. Only one chunk is
held in memory at a time, so files larger than memory stream in bounded memory.

How a chunk keeps the input cells depends on where they came from (``Chunk.kind``):

* ``"text"`` (CSV): NumPy object arrays of ``str``, exactly the text of each cell.
* ``"cells"`` (XLSX): NumPy object arrays of the cell values openpyxl returns
  (``None``, ``str``, ``int``, ``float``, ``bool``, ``datetime`` ...).
* ``"arrow"`` (Parquet): ``pyarrow.Array`` objects with the file's own types.

:func:`column_text` gives any input column as text (used for parsing, error messages and CSV
output); each writer turns pass-through columns into its own cell types.
"""

from __future__ import annotations

import csv
import datetime as _dt
import gzip
import io
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FORMATS = ("csv", "xlsx", "parquet")

#: File name endings (after an optional ``.gz`` for CSV) and the format they mean.
EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}

#: Excel's sheet size limit: 1,048,576 rows including the header row.
XLSX_MAX_DATA_ROWS = 1_048_575

#: Rows turned into Python objects at once when writing (keeps the object count small).
_WRITE_SLICE = 8192


class BatchIOError(Exception):
    """A file cannot be read or written; the message is meant for the user."""


def detect_format(path: str, override: str | None = None) -> str:
    """Return ``"csv"``, ``"xlsx"`` or ``"parquet"`` for ``path`` (``-`` is CSV).

    Raises ``ValueError`` when the ending is not known and no ``override`` is given.
    """
    if override:
        return override
    if path == "-":
        return "csv"
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
        fmt = EXTENSIONS.get(os.path.splitext(name)[1])
        if fmt == "csv":
            return fmt
        raise ValueError(path)
    fmt = EXTENSIONS.get(os.path.splitext(name)[1])
    if fmt is None:
        raise ValueError(path)
    return fmt


def default_delimiter(path: str) -> str | None:
    """Tab for ``.tsv`` files, otherwise ``None`` (= guess from the header line)."""
    name = path.lower().removesuffix(".gz")
    return "\t" if name.endswith(".tsv") else None


# --------------------------------------------------------------------------------------------
# Chunks and cell conversion
# --------------------------------------------------------------------------------------------


@dataclass
class Chunk:
    """Consecutive data rows of the input: one entry in ``columns`` per input column."""

    kind: str  # "text", "cells" or "arrow"
    columns: list
    start: int  # 0-based index of the first row of this chunk among all data rows
    length: int


def _cell_text(v) -> str:
    """Text of one spreadsheet / Arrow value as a person would read it."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v != v:
            return ""
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, _dt.datetime):
        if v.time() == _dt.time(0) and v.tzinfo is None:
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, _dt.date | _dt.time):
        return v.isoformat()
    return str(v)


def column_text(chunk: Chunk, i: int) -> np.ndarray:
    """Input column ``i`` of ``chunk`` as an object array of ``str`` ("" for an empty cell)."""
    col = chunk.columns[i]
    if chunk.kind == "text":
        return col
    if chunk.kind == "cells":
        out = np.empty(len(col), dtype=object)
        out[:] = [_cell_text(v) for v in col]
        return out
    return arrow_text(col)


def arrow_text(arr: pa.Array) -> np.ndarray:
    """An Arrow array as an object array of ``str`` (null -> "")."""
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        as_str = arr
    else:
        try:
            as_str = pc.cast(arr, pa.string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            out = np.empty(len(arr), dtype=object)
            out[:] = [_cell_text(v) for v in arr.to_pylist()]
            return out
    filled = pc.fill_null(as_str, "")
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=object)


def arrow_numbers(arr: pa.Array) -> np.ndarray | None:
    """float64 values of a numeric Arrow column (null -> NaN), or ``None`` if not numeric."""
    t = arr.type
    if not (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)):
        return None
    as_float = pc.cast(arr, pa.float64())
    return np.asarray(as_float.to_numpy(zero_copy_only=False), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------


class Reader:
    """Base class: ``names`` of the input columns and :meth:`chunks` over the data rows."""

    kind = "text"
    names: list[str]
    #: Arrow fields of the input columns (Parquet input only), kept for Parquet output.
    arrow_fields: list[pa.Field] | None = None
    #: Number of data rows when known in advance (for the progress display).
    total_rows: int | None = None

    def chunks(self, size: int) -> Iterator[Chunk]:  # pragma: no cover - abstract
        raise NotImplementedError

    def fraction_done(self, rows_done: int) -> float | None:
        """How much of the input has been read (0..1), when that can be told."""
        if self.total_rows:
            return min(1.0, rows_done / self.total_rows)
        return None

    def close(self) -> None:
        pass


def _guess_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvReader(Reader):
    """CSV (or TSV) read in chunks by pandas' C parser, every cell kept as text."""

    kind = "text"

    def __init__(self, path: str, *, delimiter: str | None = None, encoding: str = "utf-8-sig"):
        self.path = path
        self._raw: IO[bytes] | None = None
        self._size: int | None = None
        if path == "-":
            self._text = io.TextIOWrapper(sys.stdin.buffer, encoding=encoding, newline="")
        else:
            try:
                self._raw = open(path, "rb")
            except OSError as e:
                raise BatchIOError(f"{path}: {e.strerror}") from e
            self._size = os.fstat(self._raw.fileno()).st_size
            binary: IO[bytes] = self._raw
            if path.lower().endswith(".gz"):
                binary = gzip.GzipFile(fileobj=self._raw, mode="rb")
            self._text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        try:
            first = self._text.readline()
        except UnicodeDecodeError as e:
            self.close()
            raise BatchIOError(
                f"{path}: not {encoding} text ({e.reason}); try --encoding latin-1"
            ) from e
        self.delimiter = delimiter or _guess_delimiter(first)
        rest_of_header = first
        # A header cell may hold a quoted line break: keep reading until the quotes balance.
        while rest_of_header.count('"') % 2 and (more := self._text.readline()):
            rest_of_header += more
        parsed = list(csv.reader([rest_of_header], delimiter=self.delimiter))
        self.names = parsed[0] if parsed and rest_of_header.strip() else []

    def chunks(self, size: int) -> Iterator[Chunk]:
        n = len(self.names)
        if n == 0:
            return
        start = 0
        try:
            reader = pd.read_csv(
                self._text,
                sep=self.delimiter,
                header=None,
                names=list(range(n)),
                index_col=False,
                dtype=object,
                na_filter=False,
                skip_blank_lines=True,
                chunksize=size,
                engine="c",
            )
            for frame in reader:
                cols = []
                for j in range(n):
                    col = frame[j].to_numpy(dtype=object)
                    # rows shorter than the header: pandas fills the missing cells with NaN
                    missing = pd.isna(col)
                    if missing.any():
                        col = col.copy()
                        col[missing] = ""
                    cols.append(col)
                length = len(frame)
                yield Chunk("text", cols, start, length)
                start += length
        except pd.errors.ParserError as e:
            raise BatchIOError(f"{self.path}: {_parser_message(str(e))}") from e
        except UnicodeDecodeError as e:
            raise BatchIOError(
                f"{self.path}: not valid text in the expected encoding ({e.reason}); "
                "try --encoding latin-1"
            ) from e
        except pd.errors.EmptyDataError:
            return

    def fraction_done(self, rows_done: int) -> float | None:
        if self._raw is None or not self._size:
            return None
        try:
            return min(1.0, self._raw.tell() / self._size)
        except (OSError, ValueError):
            return None

    def close(self) -> None:
        if self.path != "-":
            self._text.close()
        if self._raw is not None:
            self._raw.close()


def _parser_message(text: str) -> str:
    """pandas' tokenizer message in the user's terms (file line numbers count the header)."""
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if not m:
        return text
    expected, line, saw = (int(g) for g in m.groups())
    return (
        f"line {line + 1} has {saw} cells but the header has {expected} (a delimiter inside "
        "an unquoted cell?)"
    )


class XlsxReader(Reader):
    """First (or ``sheet``) worksheet of an .xlsx file, read row by row (openpyxl read-only)."""

    kind = "cells"

    def __init__(self, path: str, *, sheet: str | None = None):
        from openpyxl import load_workbook  # imported here: only needed for XLSX

        self.path = path
        try:
            self._wb = load_workbook(path, read_only=True, data_only=True)
        except FileNotFoundError as e:
            raise BatchIOError(f"{path}: {e.strerror}") from e
        except Exception as e:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
            raise BatchIOError(f"{path}: not a readable .xlsx workbook ({e})") from e
        if sheet is not None:
            if sheet not in self._wb.sheetnames:
                self._wb.close()
                raise BatchIOError(
                    f"{path}: no sheet named {sheet!r} (sheets: {', '.join(self._wb.sheetnames)})"
                )
            ws = self._wb[sheet]
        else:
            ws = self._wb.worksheets[0]
        self._rows = ws.iter_rows(values_only=True)
        header: tuple = ()
        for row in self._rows:
            if any(v is not None for v in row):
                header = row
                break
        names = [_cell_text(v) for v in header]
        while names and names[-1] == "":
            names.pop()
        self.names = names
        try:
            max_row = ws.max_row
        except Exception:
            max_row = None
        self.total_rows = max_row - 1 if max_row and max_row > 1 else None
        self.dropped_cells = 0  # non-empty cells right of the last named column

    def chunks(self, size: int) -> Iterator[Chunk]:
        n = len(self.names)
        if n == 0:
            return
        start = 0
        while True:
            rows = []
            for row in self._rows:
                if len(row) != n:
                    if len(row) > n:
                        extra = row[n:]
                        self.dropped_cells += sum(v is not None for v in extra)
                        row = row[:n]
                    else:
                        row = tuple(row) + (None,) * (n - len(row))
                if all(v is None for v in row):
                    continue  # empty spreadsheet row
                rows.append(row)
                if len(rows) >= size:
                    break
            if not rows:
                return
            cols = []
            for j in range(n):
                col = np.empty(len(rows), dtype=object)
                col[:] = [r[j] for r in rows]
                cols.append(col)
            yield Chunk("cells", cols, start, len(rows))
            start += len(rows)

    def close(self) -> None:
        self._wb.close()


class ParquetReader(Reader):
    """Parquet file read record batch by record batch (pyarrow)."""

    kind = "arrow"

    def __init__(self, path: str):
        self.path = path
        try:
            self._file = pq.ParquetFile(path)
        except FileNotFoundError as e:
            raise BatchIOError(f"{path}: {e.strerror}") from e
        except (pa.ArrowInvalid, OSError) as e:
            raise BatchIOError(f"{path}: not a readable Parquet file ({e})") from e
        schema = self._file.schema_arrow
        self.arrow_fields = list(schema)
        self.names = [f.name for f in schema]
        self.total_rows = self._file.metadata.num_rows

    def chunks(self, size: int) -> Iterator[Chunk]:
        start = 0
        for batch in self._file.iter_batches(batch_size=size):
            if batch.num_rows == 0:
                continue
            yield Chunk("arrow", list(batch.columns), start, batch.num_rows)
            start += batch.num_rows

    def close(self) -> None:
        self._file.close()


def open_reader(
    path: str,
    fmt: str,
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8-sig",
    sheet: str | None = None,
) -> Reader:
    """Open ``path`` for reading as ``fmt``. Raises :class:`BatchIOError` with a user message."""
    if path != "-" and not os.path.isfile(path):
        raise BatchIOError(f"{path}: no such file")
    if fmt == "csv":
        return CsvReader(path, delimiter=delimiter or default_delimiter(path), encoding=encoding)
    if path == "-":
        raise BatchIOError("standard input ('-') can only be read as CSV")
    if fmt == "xlsx":
        return XlsxReader(path, sheet=sheet)
    return ParquetReader(path)


# --------------------------------------------------------------------------------------------
# Output columns and their formatting
# --------------------------------------------------------------------------------------------


@dataclass
class OutColumn:
    """A computed output column.

    kind: ``"z"`` (float64 z-score, already rounded), ``"float"`` (float64, full precision),
    ``"int"`` (float64 holding whole numbers or NaN) or ``"str"`` (str array, "" = missing).
    """

    name: str
    kind: str
    values: np.ndarray


def _float_repr(v: float) -> str:
    if v != v:
        return ""
    if v == float("inf"):
        return "Inf"
    if v == float("-inf"):
        return "-Inf"
    if v == 0:
        return "0"
    s = repr(v)
    return s[:-2] if s.endswith(".0") else s


def format_floats(x: np.ndarray) -> np.ndarray:
    """float64 -> object array of the shortest text that reads back as exactly the same double.

    ``-2.68``, ``3.5``, ``3`` (not ``3.0``), ``0`` (also for -0), missing -> ``""``,
    infinities -> ``Inf`` / ``-Inf``. A z-score rounded to 2 decimals therefore never shows more
    than 2 decimals. Formats each distinct value once, so it costs a sort, not a Python call
    per row.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return np.empty(0, dtype=object)
    uniq, inverse = np.unique(x, return_inverse=True)
    texts = np.empty(len(uniq), dtype=object)
    texts[:] = [_float_repr(float(v)) for v in uniq]
    return texts[inverse.reshape(-1)]


def format_ints(x: np.ndarray) -> np.ndarray:
    """float64 holding whole numbers (or NaN) -> object array of ``str`` ("" for NaN)."""
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return np.empty(0, dtype=object)
    uniq, inverse = np.unique(x, return_inverse=True)
    texts = np.empty(len(uniq), dtype=object)
    texts[:] = ["" if v != v else str(int(v)) for v in uniq.tolist()]
    return texts[inverse.reshape(-1)]


def out_text(col: OutColumn) -> np.ndarray:
    """Text of an output column for CSV."""
    if col.kind in ("z", "float"):
        return format_floats(col.values)
    if col.kind == "int":
        return format_ints(col.values)
    return np.asarray(col.values, dtype=object)


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


class Writer:
    """Base class. ``write`` one chunk at a time, then ``close`` (or ``abort`` on failure).

    Files are written to a temporary name next to the target and renamed on ``close``, so a
    failed or stopped run never leaves a partial output file (nor clobbers an old one).
    """

    rows_written = 0

    def __init__(self, path: str):
        self.path = path
        if path == "-":
            self.tmp_path = None
        else:
            p = Path(path)
            self.tmp_path = str(p.with_name(f".{p.name}.{os.getpid()}.partial"))

    @property
    def target(self) -> str:
        return self.tmp_path or self.path

    def write(self, chunk: Chunk, out: Sequence[OutColumn]) -> None:  # pragma: no cover
        raise NotImplementedError

    def _finish(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        self._finish()
        if self.tmp_path is not None:
            os.replace(self.tmp_path, self.path)

    def abort(self) -> None:
        try:
            self._finish()
        except Exception:
            pass
        if self.tmp_path is not None and os.path.exists(self.tmp_path):
            os.remove(self.tmp_path)


class CsvWriter(Writer):
    def __init__(self, path: str, names: Sequence[str], *, delimiter: str = ","):
        super().__init__(path)
        if path == "-":
            self._fh: IO[str] = sys.stdout
            self._own = False
        else:
            if path.lower().endswith(".gz"):
                self._fh = gzip.open(self.target, "wt", encoding="utf-8", newline="")
            else:
                self._fh = open(self.target, "w", encoding="utf-8", newline="")
            self._own = True
        self._csv = csv.writer(self._fh, delimiter=delimiter, lineterminator="\n")
        self._csv.writerow(list(names))

    def write(self, chunk: Chunk, out: Sequence[OutColumn]) -> None:
        cols = [column_text(chunk, i) for i in range(len(chunk.columns))]
        cols += [out_text(c) for c in out]
        for s in range(0, chunk.length, _WRITE_SLICE):
            part = [c[s : s + _WRITE_SLICE].tolist() for c in cols]
            self._csv.writerows(zip(*part, strict=True))
        self.rows_written += chunk.length

    def _finish(self) -> None:
        if self._own:
            if not self._fh.closed:
                self._fh.close()
        else:
            self._fh.flush()


def _xlsx_value(v):
    """A pass-through value openpyxl can store (anything exotic becomes its text)."""
    if v is None or isinstance(v, str | int | float | bool | Decimal | _dt.date | _dt.time):
        return v
    if isinstance(v, _dt.timedelta):
        return v
    return _cell_text(v)


class XlsxWriter(Writer):
    """One worksheet "zscores" in a write-only openpyxl workbook (rows streamed to disk)."""

    def __init__(self, path: str, names: Sequence[str], *, description: str = ""):
        from openpyxl import Workbook

        if path == "-":
            raise BatchIOError("standard output ('-') can only be written as CSV")
        super().__init__(path)
        self._wb = Workbook(write_only=True)
        if description:
            self._wb.properties.description = description
        self._ws = self._wb.create_sheet("zscores")
        self._ws.append(list(names))
        self._saved = False

    def _pass_through(self, chunk: Chunk, i: int) -> list:
        col = chunk.columns[i]
        if chunk.kind == "text":
            values = [v if v != "" else None for v in col.tolist()]
        elif chunk.kind == "cells":
            values = [_xlsx_value(v) for v in col.tolist()]
        else:
            values = [_xlsx_value(v) for v in col.to_pylist()]
        return values

    @staticmethod
    def _out_values(col: OutColumn) -> list:
        v = col.values
        if col.kind in ("z", "float"):
            obj = v.astype(object)
            obj[np.isnan(v)] = None
            obj[np.isposinf(v)] = "Inf"
            obj[np.isneginf(v)] = "-Inf"
            return obj.tolist()
        if col.kind == "int":
            obj = np.empty(len(v), dtype=object)
            ok = ~np.isnan(v)
            obj[ok] = v[ok].astype(np.int64).tolist()
            return obj.tolist()
        obj = np.asarray(v, dtype=object)
        return [s if s != "" else None for s in obj.tolist()]

    def write(self, chunk: Chunk, out: Sequence[OutColumn]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils.exceptions import IllegalCharacterError

        if self.rows_written + chunk.length > XLSX_MAX_DATA_ROWS:
            raise BatchIOError(
                f"{self.path}: more than {XLSX_MAX_DATA_ROWS:,} data rows do not fit in one "
                "Excel sheet; write CSV or Parquet instead"
            )
        cols = [self._pass_through(chunk, i) for i in range(len(chunk.columns))]
        for j, values in enumerate(cols):
            # Text that starts with "=" would become a formula: store it as text.
            for k, v in enumerate(values):
                if isinstance(v, str) and v.startswith("="):
                    cell = WriteOnlyCell(self._ws, v)
                    cell.data_type = "s"
                    cols[j][k] = cell
        cols += [self._out_values(c) for c in out]
        for row in zip(*cols, strict=True):
            try:
                self._ws.append(row)
            except IllegalCharacterError:
                self._ws.append([_strip_illegal(v) for v in row])
        self.rows_written += chunk.length

    def _finish(self) -> None:
        if not self._saved:
            self._saved = True
            self._wb.save(self.target)


def _strip_illegal(v):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v)
    return v


_ARROW_OUT_TYPES = {"z": pa.float64(), "float": pa.float64(), "int": pa.int8(), "str": pa.string()}


class ParquetOutWriter(Writer):
    """Typed Parquet: float64 z-scores, nullable int8 flags, strings; one row group per chunk."""

    def __init__(
        self,
        path: str,
        names: Sequence[str],
        *,
        input_fields: list[pa.Field] | None,
        n_input: int,
        out_kinds: Sequence[str],
        metadata: dict[str, str] | None = None,
    ):
        if path == "-":
            raise BatchIOError("standard output ('-') can only be written as CSV")
        dupes = sorted({n for n in names if list(names).count(n) > 1})
        if dupes:
            raise BatchIOError(
                "Parquet cannot hold two columns with the same name ("
                + ", ".join(f'"{n}"' for n in dupes)
                + "); rename them in the input, or write CSV or XLSX"
            )
        super().__init__(path)
        fields = []
        for j, name in enumerate(names[:n_input]):
            typ = input_fields[j].type if input_fields is not None else pa.string()
            fields.append(pa.field(name, typ))
        for name, kind in zip(names[n_input:], out_kinds, strict=True):
            fields.append(pa.field(name, _ARROW_OUT_TYPES[kind]))
        schema = pa.schema(fields)
        if metadata:
            schema = schema.with_metadata(metadata)
        self.schema = schema
        self._writer = pq.ParquetWriter(self.target, schema)
        self._closed = False

    def write(self, chunk: Chunk, out: Sequence[OutColumn]) -> None:
        arrays = []
        for i, col in enumerate(chunk.columns):
            if chunk.kind == "arrow":
                arrays.append(col)
            else:
                arrays.append(pa.array(column_text(chunk, i), type=pa.string()))
        for c in out:
            v = c.values
            if c.kind in ("z", "float"):
                arrays.append(pa.array(v, type=pa.float64(), from_pandas=True))
            elif c.kind == "int":
                missing = np.isnan(v)
                ints = np.where(missing, 0, v).astype(np.int8)
                arrays.append(pa.array(ints, type=pa.int8(), mask=missing))
            else:
                s = np.asarray(v, dtype=object)
                arrays.append(pa.array(s, type=pa.string(), mask=(s == "")))
        table = pa.Table.from_arrays(arrays, schema=self.schema)
        self._writer.write_table(table)
        self.rows_written += chunk.length

    def _finish(self) -> None:
        if not self._closed:
            self._closed = True
            self._writer.close()


def open_writer(
    path: str,
    fmt: str,
    names: Sequence[str],
    *,
    n_input: int,
    out_kinds: Sequence[str],
    input_fields: list[pa.Field] | None = None,
    delimiter: str = ",",
    metadata: dict[str, str] | None = None,
) -> Writer:
    """Open the output. ``names`` = input column names followed by the output column names."""
    try:
        if fmt == "csv":
            return CsvWriter(path, names, delimiter=delimiter)
        if fmt == "xlsx":
            desc = " ".join(f"{k}={v}" for k, v in (metadata or {}).items())
            return XlsxWriter(path, names, description=desc)
        return ParquetOutWriter(
            path,
            names,
            input_fields=input_fields,
            n_input=n_input,
            out_kinds=out_kinds,
            metadata=metadata,
        )
    except OSError as e:
        raise BatchIOError(f"{path}: {e.strerror or e}") from e
