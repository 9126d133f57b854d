"""e-PPGBM individual-level files: read (XLSX, CSV, HTML tables named .xls), map columns, check
every row, match children and households against the registry, save in bulk; export in the same
layout.

Rules (docs/eppgbm.md): a row is refused as a whole when any of its cells is wrong, and every
refused cell is reported with its spreadsheet row number, column header and value. A child is
matched by NIK, else by normalised name + birth date + posyandu; a measurement is the same when
the child and the date are the same (unchanged → skipped, changed → updated). z-scores, status
and N/T in the file are not trusted: everything is derived again by tumbuh.growth through
:func:`tumbuh.monitoring.services.derive_history`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import posyandu_for, visible
from tumbuh.lib.bulk import insert_columns, update_rows
from tumbuh.monitoring import services as monitoring
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.monitoring.signals import measurements_changed
from tumbuh.registry import nik as nik_rules
from tumbuh.registry.models import Child, Household
from tumbuh.registry.services import normalize_name

from .models import ImportIssue, ImportRun, ImportStatus

logger = logging.getLogger(__name__)

#: The export's headers, in e-PPGBM's order (with its spelling, "Pukesmas" included).
HEADERS = [
    "NIK", "Nama", "JK", "Tgl Lahir", "BB Lahir", "TB Lahir", "Nama Ortu", "Prov", "Kab/Kota",
    "Kec", "Pukesmas", "Desa/Kel", "Posyandu", "RT", "RW", "Alamat", "Usia Saat Ukur",
    "Tanggal Pengukuran", "Berat", "Tinggi", "Cara Ukur", "LiLA", "BB/U", "ZS BB/U", "TB/U",
    "ZS TB/U", "BB/TB", "ZS BB/TB", "Naik Berat Badan",
]  # fmt: skip
#: Fields the import reads (header → field key); the others are exported only.
FIELDS = {
    "NIK": "nik", "Nama": "name", "JK": "sex", "Tgl Lahir": "birth_date",
    "BB Lahir": "birth_weight_kg", "TB Lahir": "birth_length_cm", "Nama Ortu": "parent_name",
    "Desa/Kel": "kelurahan", "Posyandu": "posyandu", "RT": "rt", "RW": "rw",
    "Alamat": "address", "Tanggal Pengukuran": "measured_on", "Berat": "weight_kg",
    "Tinggi": "lenhei_cm", "Cara Ukur": "measure", "LiLA": "armc_cm", "No KK": "kk_number",
    "ZS BB/U": "file_zwei", "ZS TB/U": "file_zlen", "ZS BB/TB": "file_zwfl",
}  # fmt: skip
#: z-scores of the file, compared with the recomputed ones (never stored).
FILE_Z = {"file_zwei": "zwei", "file_zlen": "zlen", "file_zwfl": "zwfl"}
#: A file z-score further than this from tumbuh's is counted as differing.
Z_TOLERANCE = 0.1
LABELS = {v: k for k, v in FIELDS.items()}
REQUIRED = ("name", "sex", "birth_date", "posyandu", "measured_on")
#: Other spellings seen in exports and hand-made sheets (normalised: lower case, no spaces).
ALIASES = {
    "nama anak": "name", "nama balita": "name", "jenis kelamin": "sex", "l/p": "sex",
    "tanggal lahir": "birth_date", "tgl. lahir": "birth_date", "berat lahir": "birth_weight_kg",
    "panjang lahir": "birth_length_cm", "nama orang tua": "parent_name",
    "nama ibu": "parent_name", "desa": "kelurahan", "kelurahan": "kelurahan",
    "desa/kelurahan": "kelurahan", "tgl ukur": "measured_on", "tanggal ukur": "measured_on",
    "tgl pengukuran": "measured_on", "bb": "weight_kg", "berat badan": "weight_kg",
    "bb (kg)": "weight_kg", "tb": "lenhei_cm", "tinggi badan": "lenhei_cm",
    "tb (cm)": "lenhei_cm", "pb/tb": "lenhei_cm", "lila (cm)": "armc_cm", "kk": "kk_number",
    "no. kk": "kk_number", "nomor kk": "kk_number",
}  # fmt: skip

ProgressFn = Callable[[int, int], None]
CHUNK_ROWS = 2000


def _norm_header(text) -> str:
    return re.sub(r"\s+", " ", str(text or "").strip().lower())


def auto_mapping(headers: list[str]) -> dict[str, int]:
    """Field key → column index, detected from the headers (case and spaces ignored)."""
    known = {_norm_header(h): key for h, key in FIELDS.items()}
    known.update(ALIASES)
    squeezed = {k.replace(" ", ""): v for k, v in known.items()}
    mapping: dict[str, int] = {}
    for i, header in enumerate(headers):
        h = _norm_header(header)
        key = known.get(h) or squeezed.get(h.replace(" ", ""))
        if key and key not in mapping:
            mapping[key] = i
    return mapping


# --- reading files -------------------------------------------------------------------------------


class FileError(Exception):
    """The file cannot be read at all (not a row problem)."""


class _TableParser(HTMLParser):
    """The first HTML table's cells, row by row (e-PPGBM's ``.xls`` files are HTML)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._tables = 0
        self._done = False

    def handle_starttag(self, tag, attrs):
        if self._done:
            return
        if tag == "table":
            self._tables += 1
        elif tag == "tr" and self._tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if self._done:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._done = bool(self.rows)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_table(data: bytes, file_name: str = "") -> tuple[list[str], list[list]]:
    """``(headers, rows)`` of a file's first sheet or table, whatever its extension says: the
    content decides (ZIP → XLSX, ``<`` → HTML table, else CSV with , ; or tab)."""
    head = data[:2048].lstrip()
    if data[:2] == b"PK":
        rows = _read_xlsx(data)
    elif head[:1] == b"<" or head.lower().startswith(b"\xef\xbb\xbf<"):
        parser = _TableParser()
        parser.feed(_decode(data))
        rows = parser.rows
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileError(_("%(name)s is an old binary Excel (.xls) file: open it and save it as "
                          ".xlsx or CSV.") % {"name": file_name})  # fmt: skip
    else:
        text = _decode(data)
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [r for r in rows if any(str(v).strip() for v in r if v is not None)]
    if not rows:
        raise FileError(_("%(name)s holds no table.") % {"name": file_name})
    return [str(h or "").strip() for h in rows[0]], rows[1:]


def _read_xlsx(data: bytes) -> list[list]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileError(_("The spreadsheet cannot be read: %(error)s") % {"error": exc}) from exc
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


# --- one cell ------------------------------------------------------------------------------------

DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y %H:%M:%S",
                "%Y-%m-%d %H:%M:%S")  # fmt: skip
EXCEL_EPOCH = dt.date(1899, 12, 30)


class CellError(ValueError):
    pass


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y")
    return str(value).strip()


def parse_date(value) -> dt.date | None:
    """A date from dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd or an Excel serial number."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if isinstance(value, int | float) or re.fullmatch(r"\d{4,5}(\.0+)?", text):
        serial = float(text)
        if 1 <= serial < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("not a date (use dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd)"))


def parse_number(value, low: float, high: float) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        x = float(value)
    else:
        try:
            x = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise CellError(_("not a number")) from None
    if not low <= x <= high:
        raise CellError(_("outside %(low)s–%(high)s") % {"low": low, "high": high})
    return x


def parse_nik(value) -> str:
    if value is None or value == "":
        return ""
    # A number cell cannot hold a NIK: spreadsheets keep 15 significant digits, so the 16th is
    # already lost even when no "E+15" shows.
    if isinstance(value, int | float) or re.search(r"[eE][+-]?\d", str(value)):
        raise CellError(_("the NIK was turned into a number by a spreadsheet (like 1.2E+15) and "
                          "its last digits are lost: format the column as text and export "
                          "again"))  # fmt: skip
    nik = nik_rules.normalize(text_of(value).lstrip("'"))
    errors = nik_rules.format_errors(nik)
    if errors:
        raise CellError(" ".join(errors))
    return nik


SEX_CODES = {"l": "M", "laki-laki": "M", "laki laki": "M", "m": "M", "p": "F",
             "perempuan": "F", "f": "F"}  # fmt: skip
MEASURE_CODES = {"berdiri": "h", "standing": "h", "h": "h", "terlentang": "l",
                 "telentang": "l", "berbaring": "l", "lying": "l", "l": "l"}  # fmt: skip
MEASURE_LABELS = {"h": "Berdiri", "l": "Terlentang"}


#: (low, high) accepted for each number, as the registry and monitoring models validate them.
RANGES = {
    "birth_weight_kg": (0.3, 7.0), "birth_length_cm": (20, 65), "weight_kg": (0.5, 50),
    "lenhei_cm": (35, 140), "armc_cm": (5, 30),
}  # fmt: skip


@dataclass
class Row:
    number: int  # as in the spreadsheet (the header is row 1)
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (column, value, message)
    posyandu: object = None

    def error(self, key: str, value, message: str) -> None:
        self.errors.append((LABELS.get(key, key), text_of(value)[:255], message))


def check_row(number: int, raw: list, mapping: dict[str, int], *, posyandu_index: dict,
              today: dt.date) -> Row:  # fmt: skip
    """Parse and check one row; problems go to ``row.errors`` (the row is then refused)."""
    row = Row(number)

    def cell(key):
        i = mapping.get(key)
        return raw[i] if i is not None and i < len(raw) else None

    def take(key, parse):
        value = cell(key)
        try:
            row.values[key] = parse(value)
        except CellError as exc:
            row.values[key] = None
            row.error(key, value, str(exc))

    for key in REQUIRED:
        if text_of(cell(key)) == "":
            row.error(key, "", _("is required"))
    take("nik", parse_nik)
    row.values["name"] = " ".join(text_of(cell("name")).split())[:120]
    sex = text_of(cell("sex")).lower()
    if sex:
        row.values["sex"] = SEX_CODES.get(sex)
        if row.values["sex"] is None:
            row.error("sex", cell("sex"), _("unknown sex code (use L or P)"))
    take("birth_date", parse_date)
    take("measured_on", parse_date)
    for key, (low, high) in RANGES.items():
        take(key, lambda v, low=low, high=high: parse_number(v, low, high))
    measure = text_of(cell("measure")).lower()
    row.values["measure"] = MEASURE_CODES.get(measure, "")
    if measure and not row.values["measure"]:
        row.error("measure", cell("measure"), _("unknown position (use Berdiri or Terlentang)"))
    for key in FILE_Z:
        try:
            row.values[key] = float(text_of(cell(key)).replace(",", "."))
        except ValueError:
            row.values[key] = None
    for key in ("parent_name", "address", "rt", "rw", "kk_number", "kelurahan"):
        row.values[key] = " ".join(text_of(cell(key)).split())
    kk = nik_rules.normalize(row.values["kk_number"].lstrip("'"))
    if kk and not re.fullmatch(r"\d{16}", kk):
        row.error("kk_number", cell("kk_number"), _("a KK number has exactly 16 digits"))
    row.values["kk_number"] = kk
    for key in ("rt", "rw"):
        row.values[key] = row.values[key][:3]
    born, measured = row.values.get("birth_date"), row.values.get("measured_on")
    if born and born > today:
        row.error("birth_date", cell("birth_date"), _("the birth date is in the future"))
    if measured and measured > today:
        row.error("measured_on", cell("measured_on"), _("the measurement date is in the future"))
    elif measured and born and measured < born:
        row.error("measured_on", cell("measured_on"),
                  _("the measurement date is before the birth date"))  # fmt: skip
    if all(row.values.get(k) is None for k in ("weight_kg", "lenhei_cm", "armc_cm")) and not any(
        e[0] in (LABELS["weight_kg"], LABELS["lenhei_cm"], LABELS["armc_cm"]) for e in row.errors
    ):
        row.error("weight_kg", "", _("no weight, height or LiLA"))
    if row.values.get("lenhei_cm") is not None and not row.values["measure"] and born and measured:
        # e-PPGBM leaves the position out at times: WHO convention, lying below 24 months.
        row.values["measure"] = "l" if (measured - born).days < 731 else "h"
    name = _norm_header(text_of(cell("posyandu")))
    if name:
        candidates = posyandu_index.get(name, [])
        if len(candidates) > 1:
            kel = _norm_header(row.values["kelurahan"])
            candidates = [p for p in candidates if _norm_header(p.kelurahan.name) == kel]
        if len(candidates) == 1:
            row.posyandu = candidates[0]
        else:
            row.error("posyandu", cell("posyandu"),
                      _("unknown posyandu, or not in your area (use --posyandu-map or the "
                        "mapping page)"))  # fmt: skip
    return row


# --- importing -----------------------------------------------------------------------------------


def may_import(user) -> bool:
    """Data managers: bidan (their puskesmas) and administrators."""
    return bool(user.is_authenticated and (user.is_administrator or user.role == Role.BIDAN))


def visible_runs(user):
    runs = ImportRun.objects.all()
    return runs if user.is_administrator else runs.filter(created_by=user)


def posyandu_index(user, posyandu_map: dict[str, str] | None = None) -> dict[str, list]:
    """Normalised posyandu name → the user's posyandu of that name; ``posyandu_map`` adds
    names used in the file (name in the file → posyandu name or id)."""
    mine = list(posyandu_for(user))
    index: dict[str, list] = {}
    for p in mine:
        index.setdefault(_norm_header(p.name), []).append(p)
    by_key = {str(p.pk): p for p in mine} | {_norm_header(p.name): p for p in mine}
    for file_name, target in (posyandu_map or {}).items():
        p = by_key.get(str(target).strip()) or by_key.get(_norm_header(target))
        if p is None:
            raise FileError(_("--posyandu-map: %(target)s is not one of your posyandu.")
                            % {"target": target})  # fmt: skip
        index[_norm_header(file_name)] = [p]
    return index


def parse_posyandu_map(text: str) -> dict[str, str]:
    """``"Name in file=Posyandu, Other=uuid"`` → dict."""
    out = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        if "=" not in part:
            raise FileError(_("--posyandu-map: %(part)s has no '='.") % {"part": part})
        a, b = part.split("=", 1)
        out[a.strip()] = b.strip()
    return out


def _child_key(name: str, birth_date, posyandu_id) -> tuple:
    return (normalize_name(name), birth_date, posyandu_id)


def _hh_key(parent: str, address: str, posyandu_id) -> tuple:
    return (normalize_name(parent), _norm_header(address), posyandu_id)


def create_run(headers: list[str], rows: list[list], *, user, file_name: str,
               mapping: dict[str, int], status: str = ImportStatus.QUEUED) -> ImportRun:
    """The :class:`ImportRun` of a file about to be imported (no row read yet)."""
    return ImportRun.objects.create(
        file_name=file_name[:255], created_by=user if user and user.pk else None,
        mapping={LABELS[k]: headers[i] for k, i in mapping.items() if i < len(headers)},
        rows=len(rows), status=status,
    )  # fmt: skip


def import_table(
    headers: list[str], rows: list[list], *, user, file_name: str,
    mapping: dict[str, int] | None = None, posyandu_map: dict[str, str] | None = None,
    progress: ProgressFn = lambda done, total: None, today: dt.date | None = None,
    run: ImportRun | None = None,
) -> ImportRun:
    """Import every good row, report every bad one; returns the saved :class:`ImportRun`.

    ``run``: one made beforehand by :func:`create_run` (the background import), else a new
    one. Each chunk is saved in its own transaction together with the run's counts and
    ``rows_done``, so the run always tells what is saved. An exception marks the run failed
    (chunks saved before it stay) and is raised again."""
    started = time.monotonic()
    today = today or timezone.localdate()
    mapping = dict(auto_mapping(headers) if mapping is None else mapping)
    missing = [LABELS[k] for k in REQUIRED if k not in mapping]
    # a wrong posyandu map raises FileError before any run is saved
    index = {} if missing else posyandu_index(user, posyandu_map)
    if run is None:
        run = create_run(headers, rows, user=user, file_name=file_name, mapping=mapping,
                         status=ImportStatus.RUNNING)  # fmt: skip
    else:
        run.status = ImportStatus.RUNNING
        run.save(update_fields=["status", "updated_at"])
    total = len(rows)
    try:
        if missing:
            ImportIssue.objects.create(
                run=run, row=1, column=", ".join(missing),
                message=_("Required columns are missing: %(columns)s.") % {
                    "columns": ", ".join(missing)},
            )  # fmt: skip
            run.rows_refused, run.errors = total, 1
        for start in range(0, 0 if missing else total, CHUNK_ROWS):
            chunk = [
                check_row(start + i + 2, raw, mapping, posyandu_index=index, today=today)
                for i, raw in enumerate(rows[start : start + CHUNK_ROWS])
            ]
            with transaction.atomic():
                run.rows_done = start + len(chunk)
                _save_chunk(run, chunk, user=user)
            progress(run.rows_done, total)
    except Exception as exc:
        mark_failed(run.pk, exc)
        raise
    run.rows_done = total
    run.status = ImportStatus.DONE
    run.finished_at = timezone.now()
    run.seconds = round(time.monotonic() - started, 2)
    run.save()
    return run


def mark_failed(run_id, exc: BaseException) -> None:
    """Store that the run stopped on ``exc``; its counts stay those of the chunks saved."""
    text = str(exc).strip()
    message = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    now = timezone.now()
    try:
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED, failure=message[:2000], finished_at=now, updated_at=now
        )
    except Exception:  # the database itself is gone: the run will show as interrupted
        logger.exception("e-PPGBM import %s: cannot store the failure", run_id)


# --- importing in the background -----------------------------------------------------------------


def start_import(headers: list[str], rows: list[list], *, user, file_name: str,
                 mapping: dict[str, int], posyandu_map: dict[str, str] | None = None,
                 ) -> ImportRun:  # fmt: skip
    """Create the run (queued) and import the rows in a background thread once the run is
    committed; the report page follows ``rows_done``. A wrong posyandu map raises
    :class:`FileError` here, before any run exists."""
    posyandu_index(user, posyandu_map)
    run = create_run(headers, rows, user=user, file_name=file_name, mapping=mapping)
    kwargs = {"run_id": run.pk, "headers": headers, "rows": rows, "user_id": user.pk,
              "mapping": dict(mapping), "posyandu_map": posyandu_map}  # fmt: skip
    transaction.on_commit(lambda: start_thread(run_import, kwargs))
    return run


def start_thread(target: Callable[..., None], kwargs: dict) -> threading.Thread:
    """Call ``target(**kwargs)`` in a new thread that closes its database connection when it
    ends. Not a daemon: a server whose Python exits waits for the import to finish (killed by a
    signal, the run shows as interrupted). Tests replace this function."""

    def main():
        try:
            target(**kwargs)
        finally:
            connection.close()

    thread = threading.Thread(target=main, name=f"eppgbm-import-{kwargs.get('run_id')}")
    thread.start()
    return thread


def run_import(*, run_id, headers: list[str], rows: list[list], user_id, mapping: dict[str, int],
               posyandu_map: dict[str, str] | None = None) -> None:  # fmt: skip
    """The background thread's work: import into the run made by :func:`start_import`. Never
    raises: a failure is logged and stored on the run (``failure``)."""
    try:
        run = ImportRun.objects.get(pk=run_id)
        user = get_user_model().objects.get(pk=user_id)
        import_table(headers, rows, user=user, file_name=run.file_name, mapping=mapping,
                     posyandu_map=posyandu_map, run=run)  # fmt: skip
    except Exception as exc:
        logger.exception("e-PPGBM import %s failed", run_id)
        mark_failed(run_id, exc)


def progress_data(run: ImportRun) -> dict:
    """What ``kemajuan.json`` answers: the state (``queued``, ``running``, ``done``,
    ``failed`` or ``interrupted``), the rows of the file, the rows done and the errors so far."""
    return {"status": run.state, "rows": run.rows, "rows_done": run.rows_done,
            "errors": run.errors}  # fmt: skip


def _save_chunk(run: ImportRun, chunk: list[Row], *, user) -> None:
    good = [r for r in chunk if not r.errors]
    # --- children: NIK first, else name + birth date + posyandu -------------------------------
    niks = {r.values["nik"] for r in good if r.values["nik"]}
    by_nik = {c.nik: c for c in Child.objects.active().filter(nik__in=niks)} if niks else {}
    mine = {c.pk for c in visible(Child.objects.filter(nik__in=niks), user)} if niks else set()
    keys = {_child_key(r.values["name"], r.values["birth_date"], r.posyandu.pk) for r in good}
    by_key: dict[tuple, Child] = {}
    posyandu_ids = {r.posyandu.pk for r in good}
    for c in Child.objects.active().filter(
        posyandu_id__in=posyandu_ids, birth_date__in={r.values["birth_date"] for r in good}
    ).only("id", "name", "birth_date", "posyandu_id", "nik", "sex"):
        k = _child_key(c.name, c.birth_date, c.posyandu_id)
        if k in keys:
            by_key.setdefault(k, c)
    new_children: dict[tuple, Child] = {}
    new_by_nik: dict[str, Child] = {}
    new_households: dict[tuple, Household] = {}
    hh_by_kk = {}
    kks = {r.values["kk_number"] for r in good if r.values["kk_number"]}
    if kks:
        hh_by_kk = {h.kk_number: h for h in Household.objects.filter(kk_number__in=kks)}
    hh_keys = {_hh_key(r.values["parent_name"], r.values["address"], r.posyandu.pk)
               for r in good}  # fmt: skip
    hh_by_key = {}
    for h in Household.objects.filter(posyandu_id__in=posyandu_ids).only(
        "id", "head_name", "address", "posyandu_id", "kk_number"
    ):
        k = _hh_key(h.head_name, h.address, h.posyandu_id)
        if k in hh_keys:
            hh_by_key.setdefault(k, h)
    matched_ids: set = set()
    row_child: dict[int, Child] = {}
    for r in good:
        v = r.values
        child = None
        if v["nik"]:
            child = by_nik.get(v["nik"])
            if child is not None and child.pk not in mine:
                r.error("nik", v["nik"], _("this NIK belongs to a child outside your area"))
                continue
        key = _child_key(v["name"], v["birth_date"], r.posyandu.pk)
        if child is None:
            child = by_key.get(key) or new_children.get(key)
        if child is None and v["nik"]:
            child = new_by_nik.get(v["nik"])
        if child is not None:
            if child.sex != v["sex"] or child.birth_date != v["birth_date"]:
                r.error("nik" if v["nik"] else "name", v["nik"] or v["name"],
                        _("matches a registered child with another sex or birth date "
                          "(%(date)s): correct the file or the registry")
                        % {"date": child.birth_date.strftime("%d-%m-%Y")})  # fmt: skip
                continue
            if child._state.adding is False:
                matched_ids.add(child.pk)
            row_child[r.number] = child
            continue
        household = hh_by_kk.get(v["kk_number"]) if v["kk_number"] else None
        hk = _hh_key(v["parent_name"], v["address"], r.posyandu.pk)
        household = household or hh_by_key.get(hk) or new_households.get(hk)
        if household is None:
            household = Household(
                kk_number=v["kk_number"], head_name=(v["parent_name"] or v["name"])[:120],
                address=(v["address"] or "-")[:200], rt=v["rt"], rw=v["rw"],
                kelurahan_id=r.posyandu.kelurahan_id, posyandu=r.posyandu, created_by=user,
            )  # fmt: skip
            new_households[hk] = household
            if v["kk_number"]:
                hh_by_kk[v["kk_number"]] = household
        child = Child(
            name=v["name"], nik=v["nik"], sex=v["sex"], birth_date=v["birth_date"],
            household=household, posyandu=r.posyandu, birth_weight_kg=v["birth_weight_kg"],
            birth_length_cm=v["birth_length_cm"], created_by=user,
        )  # fmt: skip
        new_children[key] = child
        if v["nik"]:
            new_by_nik[v["nik"]] = child
        row_child[r.number] = child
    Household.objects.bulk_create(new_households.values(), batch_size=500)
    Child.objects.bulk_create(new_children.values(), batch_size=500)
    run.households_created += len(new_households)
    run.children_created += len(new_children)
    run.children_matched += len(matched_ids)

    # --- measurements: same child + same date = same measurement -------------------------------
    good = [r for r in good if not r.errors]
    children = {c.pk: c for c in row_child.values()}
    existing: dict[tuple, ChildMeasurement] = {}
    history: dict = {cid: [] for cid in children}
    for m in ChildMeasurement.objects.filter(child_id__in=list(children)):
        existing[(m.child_id, m.measured_on)] = m
        history[m.child_id].append(m)
    seen: dict[tuple, int] = {}
    created, updated = [], []
    file_z: dict[int, dict] = {}
    measured = ("weight_kg", "lenhei_cm", "measure", "armc_cm")
    for r in good:
        child = row_child[r.number]
        key = (child.pk, r.values["measured_on"])
        if key in seen:
            r.error("measured_on", r.values["measured_on"].strftime("%d-%m-%Y"),
                    _("the same child was measured on this date in row %(row)d")
                    % {"row": seen[key]})  # fmt: skip
            continue
        seen[key] = r.number
        new = {k: r.values[k] for k in measured}
        new["measure"] = new["measure"] or ""
        m = existing.get(key)
        if m is None:
            m = ChildMeasurement(child_id=child.pk, measured_on=key[1], created_by=user,
                                 headc_cm=None, oedema=False, warnings_confirmed=True,
                                 **new)  # fmt: skip
            history[child.pk].append(m)
            created.append(m)
            file_z[id(m)] = {FILE_Z[k]: r.values[k] for k in FILE_Z}
        elif any(_differs(getattr(m, k), new[k]) for k in measured):
            for k, value in new.items():
                setattr(m, k, value)
            updated.append(m)
            file_z[id(m)] = {FILE_Z[k]: r.values[k] for k in FILE_Z}
        else:
            run.measurements_skipped += 1
    # --- derive every value of the affected children's histories, then write in bulk ----------
    affected = {m.child_id for m in created} | {m.child_id for m in updated}
    rows = []
    for cid in affected:
        rows.extend(sorted(history[cid], key=lambda m: m.measured_on))
    if rows:
        keys_ = {cid: i for i, cid in enumerate(affected)}
        derived = monitoring.derive_history(
            child_key=np.array([keys_[m.child_id] for m in rows]),
            sex=np.array([children[m.child_id].sex for m in rows]),
            birth_date=np.array([np.datetime64(children[m.child_id].birth_date, "D")
                                 for m in rows]),
            measured_on=np.array([np.datetime64(m.measured_on, "D") for m in rows]),
            weight_kg=_floats(rows, "weight_kg"), lenhei_cm=_floats(rows, "lenhei_cm"),
            measure=np.array([m.measure or "" for m in rows]),
            headc_cm=_floats(rows, "headc_cm"), armc_cm=_floats(rows, "armc_cm"),
            oedema=np.array([bool(m.oedema) for m in rows]),
        )  # fmt: skip
        for i, m in enumerate(rows):
            monitoring._apply(m, derived, i)
            theirs = file_z.get(id(m))
            if theirs and any(
                v is not None and getattr(m, k) is not None
                and abs(v - getattr(m, k)) > Z_TOLERANCE for k, v in theirs.items()
            ):  # fmt: skip
                run.zscores_differ += 1
        new_ids = {id(m) for m in created}
        old = [m for m in rows if id(m) not in new_ids]
        now = timezone.now()
        for m in rows:
            m.updated_at = now
        update_rows(old, [*monitoring.DERIVED_FIELDS, *measured, "updated_at"])
        if created:
            fields = ChildMeasurement._meta.concrete_fields
            insert_columns(ChildMeasurement, len(created), {
                f.attname: [getattr(m, f.attname) for m in created] for f in fields
                if f.attname not in ("created_at", "updated_at")
            })  # fmt: skip
        measurements_changed.send(ChildMeasurement, child_ids=list(affected), since=None)
    run.measurements_created += len(created)
    run.measurements_updated += len(updated)
    # --- report ---------------------------------------------------------------------------------
    refused = [r for r in chunk if r.errors]
    run.rows_refused += len(refused)
    issues = [ImportIssue(run=run, row=r.number, column=c, value=v, message=msg[:500])
              for r in refused for c, v, msg in r.errors]  # fmt: skip
    ImportIssue.objects.bulk_create(issues, batch_size=500)
    run.errors += len(issues)
    run.save()


def _floats(rows, name) -> np.ndarray:
    return np.array([np.nan if getattr(m, name) is None else getattr(m, name) for m in rows],
                    dtype=float)  # fmt: skip


def _differs(a, b) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None) and not (a in ("", None) and b in ("", None))
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) > 1e-6
    return a != b


def import_file(data: bytes, *, file_name: str, user, **kw) -> ImportRun:
    headers, rows = read_table(data, file_name)
    return import_table(headers, rows, user=user, file_name=file_name, **kw)


# --- export --------------------------------------------------------------------------------------


def _age_text(days: int, born: dt.date, on: dt.date) -> str:
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    anchor_year, anchor_month = born.year + (born.month - 1 + months) // 12, (
        born.month - 1 + months) % 12 + 1  # fmt: skip
    try:
        anchor = dt.date(anchor_year, anchor_month, born.day)
    except ValueError:
        anchor = dt.date(anchor_year, anchor_month, 28)
    return f"{months // 12} Tahun - {months % 12} Bulan - {(on - anchor).days} Hari"


def _num(x) -> str:
    if x is None:
        return ""
    return f"{x:g}" if isinstance(x, float) else str(x)


def export_rows(user, *, start: dt.date, end: dt.date, posyandu=None):
    """The header row, then one row per measurement in the user's scope and the period."""
    qs = visible(ChildMeasurement.objects, user).filter(
        measured_on__range=(start, end), child__merged_into__isnull=True
    )
    if posyandu is not None:
        qs = qs.filter(child__posyandu=posyandu)
    qs = qs.select_related(
        "child__household", "child__mother", "child__posyandu__puskesmas",
        "child__posyandu__kelurahan__parent__parent__parent",
    ).order_by("child__posyandu__name", "child__name", "child_id", "measured_on")
    yield list(HEADERS)
    for m in qs.iterator(chunk_size=2000):
        c = m.child
        hh = c.household
        kel = c.posyandu.kelurahan
        kec = kel.parent
        kab = kec.parent if kec else None
        prov = kab.parent if kab else None
        yield [
            c.nik, c.name, "L" if c.sex == "M" else "P", c.birth_date.strftime("%d-%m-%Y"),
            _num(c.birth_weight_kg), _num(c.birth_length_cm),
            c.mother.name if c.mother_id else hh.head_name,
            prov.name if prov else "", kab.name if kab else "", kec.name if kec else "",
            c.posyandu.puskesmas.name, kel.name, c.posyandu.name, hh.rt, hh.rw, hh.address,
            _age_text(m.age_days, c.birth_date, m.measured_on),
            m.measured_on.strftime("%d-%m-%Y"), _num(m.weight_kg), _num(m.lenhei_cm),
            MEASURE_LABELS.get(m.measure, ""), _num(m.armc_cm),
            m.status_bbu, _num(m.zwei), m.status_tbu, _num(m.zlen), m.status_bbtb,
            _num(m.zwfl), m.growth_status,
        ]  # fmt: skip


def write_csv(rows, out: io.TextIOBase) -> None:
    writer = csv.writer(out)
    for r in rows:
        writer.writerow(r)


def write_xlsx(rows, out) -> None:
    """XLSX with every cell as text (NIK stays text; numbers as e-PPGBM shows them)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("e-PPGBM")
    for r in rows:
        sheet.append(r)
    book.save(out)
