"""``tumbuh prevalence INPUT -o OUTPUT``: WHO anthro prevalence table for a whole file.

Reads the whole input (prevalence needs every row at once), reuses the column matching and
bad-cell reporting of ``tumbuh zscore``, calls :func:`tumbuh.growth.anthro_prevalence` and writes
its table (anthro's column names and group labels) as CSV, XLSX or Parquet. See
``docs/cli-prevalence.md``. No Django here.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from gettext import gettext as _
from typing import IO

import numpy as np

from tumbuh import growth
from tumbuh.batch.io import (
    BatchIOError,
    Chunk,
    OutColumn,
    column_text,
    detect_format,
    open_reader,
    open_writer,
)
from tumbuh.batch.zscore import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Progress,
    Reporter,
    UsageError,
    _codes_text,
    _delimiter,
    _find_column,
    parse_maps,
    parse_numbers,
    process_chunk,
    resolve_columns,
)
from tumbuh.batch.zscore import build_parser as zscore_parser

#: Options naming columns for anthro_prevalence's design and grouping arguments.
DESIGN_OPTIONS = ("sw", "cluster", "strata", "typeres", "gregion", "wealthq", "mothered", "othergr")
NUMERIC_OPTIONS = ("sw", "wealthq")
#: Text read as missing in code/grouping columns. Unlike zscore's MISSING_TEXT, "None" is kept:
#: it is a real level of maternal education.
GROUP_MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "null", "<na>", "."})


def build_parser() -> argparse.ArgumentParser:
    base = zscore_parser()
    p = argparse.ArgumentParser(
        prog="tumbuh prevalence",
        description=_(
            "Compute WHO anthro's prevalence table (anthro_prevalence) for a CSV, XLSX or "
            "Parquet file of children. The whole file is read into memory: prevalence needs "
            "all rows at once."
        ),
        epilog=_(
            "Design: no --sw/--cluster/--strata = simple; --sw only = weights only; --cluster "
            "(with optional --strata and --sw) = survey design. Exit codes: 0 done, 1 failed, "
            "2 usage error. See docs/cli-prevalence.md."
        ),
    )
    keep = {
        "input", "output", "input_format", "output_format", "map", "age_in_months",
        "decimal_comma", "strict", "errors", "show_errors", "delimiter", "output_delimiter",
        "encoding", "sheet", "quiet",
    }  # fmt: skip
    for action in base._actions:
        if action.dest in keep:
            p._add_action(action)
    for name in DESIGN_OPTIONS:
        p.add_argument(
            f"--{name}", metavar="COL", help=_("input column for anthro's {name}").format(name=name)
        )
    return p


def _design(args) -> str:
    if args.cluster:
        return (
            "cluster+strata+weights"
            if (args.strata and args.sw)
            else ("cluster" + ("+strata" if args.strata else "") + ("+weights" if args.sw else ""))
        )
    if args.strata:
        return "strata"
    return "weights only" if args.sw else "simple"


def run(args, err: IO[str]) -> int:
    def fail(code: int, message: str) -> int:
        print(_("tumbuh prevalence: error: {m}").format(m=message), file=err)
        return code

    try:
        in_fmt = detect_format(args.input, args.input_format)
        out_fmt = detect_format(args.output, args.output_format)
    except ValueError as e:
        return fail(EXIT_USAGE, _("cannot tell the format of {p} from its name").format(p=e))
    try:
        maps = parse_maps(args.map)
        in_delim = _delimiter(args.delimiter)
        out_delim = _delimiter(args.output_delimiter) or ","
        reader = open_reader(
            args.input, in_fmt, delimiter=in_delim, encoding=args.encoding, sheet=args.sheet
        )
    except (UsageError, BatchIOError) as e:
        return fail(EXIT_USAGE, str(e))
    try:
        names = list(reader.names)
        try:
            plan = resolve_columns(names, maps, args.age_in_months)
        except UsageError as e:
            return fail(EXIT_USAGE, str(e))
        extra: dict[str, int] = {}
        for opt in DESIGN_OPTIONS:
            col = getattr(args, opt)
            if col is None:
                continue
            found = _find_column(names, col)
            if len(found) != 1:
                return fail(
                    EXIT_USAGE,
                    _(
                        '--{opt} {col}: the input has no single column "{col}" (columns: {n})'
                    ).format(opt=opt, col=col, n=", ".join(names)),
                )
            extra[opt] = found[0]
        progress = Progress(err, enabled=False)
        try:
            errors_fh = (
                open(args.errors, "w", encoding="utf-8", newline="") if args.errors else None
            )
        except OSError as e:
            return fail(EXIT_USAGE, f"{args.errors}: {e.strerror}")
        reporter = Reporter(err, max(0, args.show_errors), errors_fh, names, progress)
        parts: dict[str, list[np.ndarray]] = {}
        rows = 0
        try:
            for chunk in reader.chunks(100_000):
                rows += chunk.length
                _collect(chunk, plan, extra, args.decimal_comma, parts, reporter, args.strict)
        except _Strict as s:
            return fail(EXIT_FAILED, _("stopped at row {r} because of --strict").format(r=s.row))
        finally:
            if errors_fh is not None:
                errors_fh.close()
        reporter.finish(args.errors)
    except BatchIOError as e:
        return fail(EXIT_FAILED, str(e))
    finally:
        reader.close()
    data = {k: np.concatenate(v) if v else np.zeros(0) for k, v in parts.items()}
    kwargs = {}
    for fld, arg in (("weight", "weight_kg"), ("lenhei", "lenhei_cm")):
        if fld in data:
            kwargs[arg] = data[fld]
    for key in ("measure", "oedema", *DESIGN_OPTIONS):
        if key in data:
            kwargs[key] = data[key]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            table = growth.anthro_prevalence(
                data["sex"], data.get("age"), age_in_months=plan.age_in_months, **kwargs
            )
        except ValueError as e:
            return fail(EXIT_FAILED, str(e))
    for w in caught:
        print(_("tumbuh prevalence: warning: {w}").format(w=w.message), file=err)
    cols = list(table)
    out = [OutColumn("Group", "str", np.asarray(table["Group"], dtype=object))]
    out += [OutColumn(c, "float", np.asarray(table[c], dtype=np.float64)) for c in cols[1:]]
    try:
        writer = open_writer(
            args.output, out_fmt, cols, n_input=0, out_kinds=[c.kind for c in out],
            delimiter=out_delim,
        )  # fmt: skip
        writer.write(Chunk("text", [], 0, len(table["Group"])), out)
        writer.close()
    except BatchIOError as e:
        return fail(EXIT_FAILED, str(e))
    if not args.quiet:
        used = int(np.nansum(table["HAZ_unwpop"][:1])) if len(table["Group"]) else 0
        lines = [
            _("Summary:"),
            _("  rows read: {n:,}").format(n=rows),
            _("  rows used (height-for-age, unweighted): {n:,}").format(n=used),
            _("  design: {d}").format(d=_design(args)),
        ]
        for label, p in (("stunting", "HA_2"), ("wasting", "WH_2"), ("underweight", "WA_2")):
            r, lo, hi = (table[f"{p}_{s}"][0] for s in ("r", "ll", "ul"))
            lines.append(f"  {label:<12} {r:.1f}% (95% CI {lo:.1f}-{hi:.1f})")
        print("\n".join(lines), file=err)
    return EXIT_OK


class _Strict(Exception):
    def __init__(self, row: int):
        self.row = row


def _collect(chunk, plan, extra, decimal_comma, parts, reporter, strict) -> None:
    """Parse one chunk: bad cells reported via zscore's Reporter, values appended to parts."""
    result = process_chunk(chunk, plan, _names(), decimal_comma=decimal_comma)
    if strict and len(result.problems):
        first = int(result.problems.rows[0]) + 1
        reporter.report(result.problems, limit_rows=first)
        raise _Strict(first)
    reporter.report(result.problems)

    def add(key, value):
        parts.setdefault(key, []).append(value)

    for fld in ("age", "weight", "lenhei"):
        ref = plan.columns.get(fld)
        if ref is not None:
            add(fld, parse_numbers(column_text(chunk, ref.index), decimal_comma)[0])
    text = {k: column_text(chunk, plan.columns[k].index) for k in ("sex", "measure", "oedema")
            if k in plan.columns}  # fmt: skip
    codes, uniq = _codes_text(text["sex"])
    add("sex", np.asarray(growth.standardize_sex(uniq)[0], dtype=np.float64)[codes])
    if "measure" in text:
        codes, uniq = _codes_text(text["measure"])
        m = np.asarray(growth.standardize_measure(uniq)[0], dtype=np.intp)[codes]
        add("measure", np.array([None, "l", "h"], dtype=object)[m])
    if "oedema" in text:
        codes, uniq = _codes_text(text["oedema"])
        add("oedema", np.where(np.asarray(growth.standardize_oedema(uniq)[0], bool)[codes],
                               "y", "n"))  # fmt: skip
    for opt, idx in extra.items():
        t = column_text(chunk, idx)
        if opt in NUMERIC_OPTIONS:
            add(opt, parse_numbers(t, decimal_comma)[0])
        else:
            t = np.array([s.strip() for s in t.tolist()], dtype=object)
            t[np.isin([s.lower() for s in t.tolist()], list(GROUP_MISSING_TEXT))] = None
            add(opt, t)


def _names() -> list[str]:
    return list(growth.ANTHRO_COLUMNS) + list(growth.PERMENKES_COLUMNS)


def main(argv: list[str] | None = None) -> int:
    """``tumbuh prevalence`` entry point; returns the exit code (0 ok, 1 failed, 2 usage)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    return run(args, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
