"""Permenkes RI No. 2 Tahun 2020 nutritional-status categories for children 0-60 months.

Four indices: BB/U (weight-for-age), PB/U-TB/U (length/height-for-age), BB/PB-BB/TB
(weight-for-length/height) and IMT/U (BMI-for-age). Interval boundaries are exact
(docs/domain-indonesia.md §1.3): -3 belongs to the second-worst class, -2 and +1 are normal, +2
on BB/PB-TB and IMT/U is "berisiko gizi lebih", +3 is "gizi lebih" on BB/PB-TB and "normal" on
TB/U. Classify on the unrounded z-score.
"""

from __future__ import annotations

import numpy as np

#: Output column -> (index name in the regulation, z-score column it classifies).
PERMENKES_INDICES = {
    "status_bbu": ("BB/U", "zwei"),
    "status_tbu": ("PB/U atau TB/U", "zlen"),
    "status_bbtb": ("BB/PB atau BB/TB", "zwfl"),
    "status_imtu": ("IMT/U", "zbmi"),
}
PERMENKES_COLUMNS = tuple(PERMENKES_INDICES)

# (code, Indonesian label, English label) from worst to best-and-beyond, per index.
_BBU = (
    ("sangat_kurang", "Berat badan sangat kurang", "Severely underweight"),
    ("kurang", "Berat badan kurang", "Underweight"),
    ("normal", "Berat badan normal", "Normal weight"),
    ("risiko_lebih", "Risiko berat badan lebih", "Risk of overweight"),
)
_TBU = (
    ("sangat_pendek", "Sangat pendek", "Severely stunted"),
    ("pendek", "Pendek", "Stunted"),
    ("normal", "Normal", "Normal"),
    ("tinggi", "Tinggi", "Tall"),
)
_GIZI = (
    ("gizi_buruk", "Gizi buruk", "Severely wasted"),
    ("gizi_kurang", "Gizi kurang", "Wasted"),
    ("gizi_baik", "Gizi baik", "Normal"),
    ("berisiko_gizi_lebih", "Berisiko gizi lebih", "Possible risk of overweight"),
    ("gizi_lebih", "Gizi lebih", "Overweight"),
    ("obesitas", "Obesitas", "Obese"),
)
CATEGORIES = {
    "status_bbu": _BBU,
    "status_tbu": _TBU,
    "status_bbtb": _GIZI,
    "status_imtu": _GIZI,
}
#: Category code -> KMS colour used on screens: red for the worst class, yellow for the next,
#: green for normal, orange above normal (overweight side).
SEVERITY = {
    "sangat_kurang": "red", "kurang": "yellow", "normal": "green", "risiko_lebih": "orange",
    "sangat_pendek": "red", "pendek": "yellow", "tinggi": "green",
    "gizi_buruk": "red", "gizi_kurang": "yellow", "gizi_baik": "green",
    "berisiko_gizi_lebih": "orange", "gizi_lebih": "orange", "obesitas": "red",
}  # fmt: skip

_CODES = {col: np.array([c for c, _, _ in cats] + [""]) for col, cats in CATEGORIES.items()}


def _class_index(column: str, z: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        idx = (z >= -3).astype(np.intp) + (z >= -2)
        if column == "status_bbu":
            idx += z > 1
        elif column == "status_tbu":
            idx += z > 3
        else:
            idx += (z > 1).astype(np.intp) + (z > 2) + (z > 3)
    idx[np.isnan(z)] = len(_CODES[column]) - 1  # -> "" (no status without a z-score)
    return idx


def classify(column: str, z) -> np.ndarray:
    """Permenkes category codes for one index.

    Parameters
    ----------
    column : {"status_bbu", "status_tbu", "status_bbtb", "status_imtu"}
    z : array-like of shape (n,), unrounded z-scores (NaN = missing)

    Returns
    -------
    ndarray of str, shape (n,): the category code, or "" where z is missing.

    >>> classify("status_tbu", [-3.0, -2.0001, -2.0, 3.0, 3.01]).tolist()
    ['pendek', 'pendek', 'normal', 'normal', 'tinggi']
    """
    if column not in _CODES:
        raise ValueError(f"unknown Permenkes index {column!r}; expected one of {PERMENKES_COLUMNS}")
    z = np.asarray(z, dtype=np.float64)
    return _CODES[column][_class_index(column, z)]


def permenkes_status(*, zwei, zlen, zwfl, zbmi) -> dict[str, np.ndarray]:
    """All four Permenkes 2/2020 categories from unrounded z-scores (column -> code array)."""
    given = {"zwei": zwei, "zlen": zlen, "zwfl": zwfl, "zbmi": zbmi}
    return {col: classify(col, given[zcol]) for col, (_, zcol) in PERMENKES_INDICES.items()}


def permenkes_label(column: str, code: str, lang: str = "id") -> str:
    """The official label of a category code, in Indonesian (``"id"``) or English (``"en"``)."""
    if column not in CATEGORIES:
        raise ValueError(f"unknown Permenkes index {column!r}; expected one of {PERMENKES_COLUMNS}")
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en'; got {lang!r}")
    for c, label_id, label_en in CATEGORIES[column]:
        if c == code:
            return label_id if lang == "id" else label_en
    if code == "":
        return ""
    raise ValueError(f"unknown category {code!r} for {column}")
