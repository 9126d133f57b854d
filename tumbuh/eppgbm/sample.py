"""A generated e-PPGBM individual-level table, with deliberate errors of every kind (tests and
manual checks): ``sample_table(...)`` returns ``(headers, rows, bad)`` where ``bad`` maps the
spreadsheet row number of each broken row to the column header that is wrong."""

from __future__ import annotations

import datetime as dt

import numpy as np

from .services import HEADERS

#: kind of deliberate error → (column header, how to break the row)
ERROR_KINDS = (
    "nik_short", "nik_float", "sex", "birth_date", "measured_date", "before_birth", "future",
    "weight", "height", "posyandu", "missing_name",
)  # fmt: skip


def _nik(i: int, born: dt.date, female: bool) -> str:
    day = born.day + (40 if female else 0)
    return f"647101{day:02d}{born.month:02d}{born.year % 100:02d}{i % 9999 + 1:04d}"


def sample_table(n: int, *, posyandu: list[tuple[str, str]], today: dt.date, seed: int = 1,
                 error_every: int = 0, date_styles: bool = True):  # fmt: skip
    """``n`` measurement rows of ``n // 2`` children (two visits each) at ``posyandu``
    (``(posyandu name, kelurahan name)`` pairs). With ``error_every`` = k, every k-th row gets
    one deliberate error, cycling through :data:`ERROR_KINDS`."""
    rng = np.random.default_rng(seed)
    rows, bad = [], {}
    col = {h: i for i, h in enumerate(HEADERS)}
    n_children = max(1, n // 2)
    for i in range(n):
        k = i % n_children
        visit = i // n_children
        born = today - dt.timedelta(days=int(60 + (k * 37) % 1500))
        female = k % 2 == 1
        pos, kel = posyandu[k % len(posyandu)]
        measured = today - dt.timedelta(days=40 - 30 * visit)
        age = (measured - born).days
        weight = round(3.3 + age * 0.0075 + rng.normal(0, 0.4), 1)
        height = round(50 + age * 0.035 + rng.normal(0, 1.0), 1)
        style = i % 4 if date_styles else 0

        def fmt(d: dt.date, style=style):
            return [d.strftime("%d-%m-%Y"), d.strftime("%d/%m/%Y"), d.strftime("%Y-%m-%d"),
                    str((d - dt.date(1899, 12, 30)).days)][style]  # fmt: skip

        r = [""] * len(HEADERS)
        r[col["NIK"]] = _nik(k, born, female) if k % 3 else ""
        r[col["Nama"]] = f"Anak Uji {k:05d}"
        r[col["JK"]] = "P" if female else "L"
        r[col["Tgl Lahir"]] = fmt(born)
        r[col["BB Lahir"]] = "3,1" if k % 5 == 0 else "3.2"
        r[col["Nama Ortu"]] = f"Ibu Uji {k // 2:05d}"
        r[col["Prov"]], r[col["Kab/Kota"]] = "Kalimantan Timur", "Kota Balikpapan"
        r[col["Desa/Kel"]], r[col["Posyandu"]] = kel, pos
        r[col["RT"]], r[col["RW"]] = "001", "002"
        r[col["Alamat"]] = f"Jl. Uji No. {k // 2}"
        r[col["Tanggal Pengukuran"]] = fmt(measured)
        r[col["Berat"]] = f"{weight:g}"
        r[col["Tinggi"]] = f"{height:g}"
        r[col["Cara Ukur"]] = "Terlentang" if age < 731 else "Berdiri"
        r[col["ZS BB/U"]] = "9.99"  # not trusted: recomputed
        if error_every and i % error_every == error_every - 1:
            kind = ERROR_KINDS[(i // error_every) % len(ERROR_KINDS)]
            header = {
                "nik_short": "NIK", "nik_float": "NIK", "sex": "JK", "birth_date": "Tgl Lahir",
                "measured_date": "Tanggal Pengukuran", "before_birth": "Tanggal Pengukuran",
                "future": "Tanggal Pengukuran", "weight": "Berat", "height": "Tinggi",
                "posyandu": "Posyandu", "missing_name": "Nama",
            }[kind]  # fmt: skip
            value = {
                "nik_short": "64710112", "nik_float": "6.47101E+15", "sex": "X",
                "birth_date": "31-02-2024", "measured_date": "kemarin",
                "before_birth": (born - dt.timedelta(days=3)).strftime("%d-%m-%Y"),
                "future": (today + dt.timedelta(days=5)).strftime("%d-%m-%Y"),
                "weight": "250", "height": "12", "posyandu": "Tidak Ada", "missing_name": "",
            }[kind]  # fmt: skip
            r[col[header]] = value
            bad[i + 2] = header
        rows.append(r)
    return list(HEADERS), rows, bad
