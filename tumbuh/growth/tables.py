"""WHO Child Growth Standards LMS tables, loaded once into dense NumPy arrays.

Age-keyed tables become arrays indexed by ``sex_index * 1827 + age_days`` (sex_index 0 = male,
1 = female) with one extra all-NaN row at the end, so an invalid key can point there and every
z-score computed from it is NaN without a branch. Length-keyed tables (weight-for-length and
weight-for-height) are indexed by ``sex_index * n_rows + round(length_cm * 10) - first_key``.

The tables ship in ``tumbuh/growth/data/`` (see ``SOURCES.md`` there).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

#: Number of table rows per sex for the age-keyed tables (ages 0..1826 days).
N_AGE_DAYS = 1827


@dataclass(frozen=True)
class AgeTable:
    """LMS parameters by (sex, age in days), plus the SD lines used by the restricted LMS."""

    name: str
    l: np.ndarray  # noqa: E741 - WHO's own parameter names
    m: np.ndarray
    s: np.ndarray
    min_age_days: int
    #: True when every L is exactly 1, so (y/M)^L is y/M and the restriction never applies.
    l_is_one: bool
    sd3pos: np.ndarray
    sd3neg: np.ndarray
    sd23pos: np.ndarray
    sd23neg: np.ndarray

    @property
    def nan_row(self) -> int:
        return 2 * N_AGE_DAYS


@dataclass(frozen=True)
class LengthTable:
    """LMS parameters by (sex, length or height in 0.1 cm steps)."""

    name: str
    l: np.ndarray  # noqa: E741
    m: np.ndarray
    s: np.ndarray
    first_key: int  # length in mm (tenths of a cm) of the first row, e.g. 450 for 45.0 cm
    n_keys: int  # rows per sex
    min_cm: float
    max_cm: float


def calc_sd(l: np.ndarray, m: np.ndarray, s: np.ndarray, k: float) -> np.ndarray:  # noqa: E741
    """The SD(k) curve, ``M * (1 + L*S*k)^(1/L)``, evaluated in WHO anthro's operation order."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return m * ((1 + l * s * k) ** (1 / l))


def _data_path(filename: str):
    return resources.files("tumbuh.growth").joinpath("data", filename)


def _read_rows(filename: str) -> list[list[str]]:
    with _data_path(filename).open("r", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        return list(reader)


def file_sha256(filename: str) -> str:
    return hashlib.sha256(_data_path(filename).read_bytes()).hexdigest()


@cache
def age_table(filename: str) -> AgeTable:
    rows = _read_rows(filename)
    size = 2 * N_AGE_DAYS + 1
    l_arr = np.full(size, np.nan)
    m_arr = np.full(size, np.nan)
    s_arr = np.full(size, np.nan)
    sex = np.array([int(r[0]) for r in rows])
    age = np.array([int(r[1]) for r in rows])
    idx = (sex - 1) * N_AGE_DAYS + age
    l_arr[idx] = [float(r[2]) for r in rows]
    m_arr[idx] = [float(r[3]) for r in rows]
    s_arr[idx] = [float(r[4]) for r in rows]
    valid = ~np.isnan(l_arr)
    l_is_one = bool(np.all(l_arr[valid] == 1.0))
    sd3pos = calc_sd(l_arr, m_arr, s_arr, 3)
    sd3neg = calc_sd(l_arr, m_arr, s_arr, -3)
    sd23pos = sd3pos - calc_sd(l_arr, m_arr, s_arr, 2)
    sd23neg = calc_sd(l_arr, m_arr, s_arr, -2) - sd3neg
    return AgeTable(
        name=filename,
        l=l_arr,
        m=m_arr,
        s=s_arr,
        min_age_days=int(age.min()),
        l_is_one=l_is_one,
        sd3pos=sd3pos,
        sd3neg=sd3neg,
        sd23pos=sd23pos,
        sd23neg=sd23neg,
    )


@cache
def length_table(filename: str) -> LengthTable:
    rows = _read_rows(filename)
    keys = np.array([round(float(r[1]) * 10) for r in rows])
    sex = np.array([int(r[0]) for r in rows])
    first_key = int(keys.min())
    n_keys = int(keys.max()) - first_key + 1
    size = 2 * n_keys + 1  # + one NaN row for invalid keys
    l_arr = np.full(size, np.nan)
    m_arr = np.full(size, np.nan)
    s_arr = np.full(size, np.nan)
    idx = (sex - 1) * n_keys + keys - first_key
    l_arr[idx] = [float(r[2]) for r in rows]
    m_arr[idx] = [float(r[3]) for r in rows]
    s_arr[idx] = [float(r[4]) for r in rows]
    return LengthTable(
        name=filename,
        l=l_arr,
        m=m_arr,
        s=s_arr,
        first_key=first_key,
        n_keys=n_keys,
        min_cm=first_key / 10,
        max_cm=(first_key + n_keys - 1) / 10,
    )


#: Indicator code -> table file. WHO codes as used throughout tumbuh.
AGE_TABLE_FILES = {
    "lhfa": "length_height_for_age.csv",
    "wfa": "weight_for_age.csv",
    "bfa": "bmi_for_age.csv",
    "hcfa": "head_circumference_for_age.csv",
    "acfa": "arm_circumference_for_age.csv",
    "tsfa": "triceps_skinfold_for_age.csv",
    "ssfa": "subscapular_skinfold_for_age.csv",
}
LENGTH_TABLE_FILES = {
    "wfl": "weight_for_length.csv",
    "wfh": "weight_for_height.csv",
}


#: The age-keyed table of each z-score row, in anthro's column order (None = by length).
Z_ROW_TABLES = ("lhfa", "wfa", None, "bfa", "hcfa", "acfa", "tsfa", "ssfa")


@dataclass(frozen=True)
class PackedAgeParams:
    """Every age-keyed L, M and S in one (3 * k, 2*1827+1) array.

    With all eight rows, rows ``r``, ``8 + r`` and ``16 + r`` hold L, M and S of z-score row
    ``r`` (anthro's order, :data:`Z_ROW_TABLES`); the weight-for-length row is NaN (it is
    interpolated by length). One ``take(rows, axis=1)`` gathers every parameter for a block of
    children at once, several times faster than gathering each separately.
    """

    params: np.ndarray


@cache
def packed_age_params(k: int = len(Z_ROW_TABLES)) -> PackedAgeParams:
    """Parameters of the first ``k`` z-score rows (L rows, then M rows, then S rows)."""
    size = 2 * N_AGE_DAYS + 1
    params = np.full((3, k, size), np.nan)
    for row, code in enumerate(Z_ROW_TABLES[:k]):
        if code is not None:
            t = age_table(AGE_TABLE_FILES[code])
            params[0, row], params[1, row], params[2, row] = t.l, t.m, t.s
    return PackedAgeParams(params=params.reshape(3 * k, size))


@dataclass(frozen=True)
class PackedLengthParams:
    """Weight-for-length and weight-for-height LMS in one (3, rows + 1) array (L, M, S).

    Row of (table, sex, key) = ``base[table] + (sex - 1) * n_keys[table] + key - first_key``;
    the last column is all NaN, for rows that have no z-score.
    """

    params: np.ndarray
    base: dict
    tables: dict

    @property
    def nan_row(self) -> int:
        return self.params.shape[1] - 1


@cache
def packed_length_params() -> PackedLengthParams:
    blocks, base, tables, offset = [], {}, {}, 0
    for code, filename in LENGTH_TABLE_FILES.items():
        t = length_table(filename)
        size = 2 * t.n_keys
        blocks.append(np.vstack([t.l[:size], t.m[:size], t.s[:size]]))
        base[code] = offset
        tables[code] = t
        offset += size
    blocks.append(np.full((3, 1), np.nan))
    return PackedLengthParams(
        params=np.ascontiguousarray(np.hstack(blocks)), base=base, tables=tables
    )
