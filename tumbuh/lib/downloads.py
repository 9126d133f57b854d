"""Tables as downloads: the same rows as CSV or XLSX (``?format=csv|xlsx``).

Every report table of tumbuh can be downloaded in both formats; this keeps them alike: a header
row, then the rows; None becomes an empty cell; numbers stay numbers in XLSX; notes (the rule
versions, what a column means) go on a second sheet, or after an empty row in CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wanted_format(request) -> str | None:
    """"csv" or "xlsx" when the query asks for a download, else None."""
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def table_response(fmt: str, name: str, header: Sequence, rows: Iterable[Sequence], *,
                   sheet: str = "data", notes: Sequence[str] = ()) -> HttpResponse:  # fmt: skip
    """A download of ``header`` and ``rows`` as ``name.csv`` or ``name.xlsx``."""
    return tables_response(fmt, name, [(sheet, header, rows)], notes=notes)


def tables_response(fmt: str, name: str, tables: Sequence[tuple[str, Sequence, Iterable]], *,
                    notes: Sequence[str] = ()) -> HttpResponse:  # fmt: skip
    """Several tables (sheet name, header, rows) in one download: a sheet each in XLSX, one
    after the other with an empty row between them in CSV."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        for sheet, header, rows in tables:
            ws = wb.create_sheet(str(sheet)[:31])
            ws.append([str(h) for h in header])
            for row in rows:
                ws.append([_cell(v) for v in row])
        if notes:
            ws_notes = wb.create_sheet(_("Notes")[:31])
            for note in notes:
                ws_notes.append([str(note)])
        buffer = io.BytesIO()
        wb.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        for k, (_sheet, header, rows) in enumerate(tables):
            if k:
                writer.writerow([])
            writer.writerow([str(h) for h in header])
            for row in rows:
                writer.writerow(["" if v is None else _cell(v) for v in row])
        if notes:
            writer.writerow([])
            for note in notes:
                writer.writerow([str(note)])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _cell(v):
    if v is None or isinstance(v, int | float | str):
        return v
    return str(v)
