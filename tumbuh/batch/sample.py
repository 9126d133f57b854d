"""The demo input shipped as ``tumbuh/batch/data/sample_children.csv`` and how it is made.

200 made-up children as a posyandu (Indonesian community health post) would record them:
ages 0-59 months, weight to 0.1 kg, length/height to 0.1 cm, lying length under 2 years and
standing height from 2 years (with a few measured the other way), head circumference mostly
for babies, MUAC for some children from 6 months. The values are drawn around the WHO medians
(LMS tables of the WHO Child Growth Standards) with z-score distributions shifted like
Indonesian survey data (about a fifth stunted, under a tenth wasted), from a fixed seed, so the
file is reproducible::

    python -m tumbuh.batch.sample                # rewrite tumbuh/batch/data/sample_children.csv
    python -m tumbuh.batch.sample other.csv 500  # 500 children into other.csv

A few cells are wrong on purpose (a decimal comma, the Indonesian sex code "L", a negative age,
the measure code "b" for *berdiri*, a letter O typed for a zero) and two measurements are
implausible, so that the demo shows bad-cell reporting and flags.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np

SAMPLE_PATH = Path(__file__).with_name("data") / "sample_children.csv"
SEED = 20240617
N_CHILDREN = 200

COLUMNS = (
    "id",
    "posyandu",
    "sex",
    "age_days",
    "weight_kg",
    "lenhei_cm",
    "measure",
    "oedema",
    "headc_cm",
    "armc_cm",
)

POSYANDU = (
    "Posyandu Melati 1",
    "Posyandu Melati 2",
    "Posyandu Mawar, RW 05",
    "Posyandu Anggrek",
    "Posyandu Kenanga III",
    "Posyandu Cempaka Putih",
    "Posyandu Flamboyan",
    'Posyandu "Harapan Bunda"',
)

#: (0-based row, column, text) written over the generated value: the deliberate bad cells.
BAD_CELLS = (
    (16, "weight_kg", None),  # the generated weight with a decimal comma, e.g. "12,5"
    (41, "sex", "L"),  # laki-laki: the Indonesian letter, not an anthro code
    (87, "age_days", "-14"),
    (130, "measure", "b"),  # berdiri (standing)
    (159, "lenhei_cm", None),  # the generated length with the letter O for a zero
)
#: (0-based row, column, text): implausible but well-formed values, to show flags.
IMPLAUSIBLE = (
    (59, "lenhei_cm", "150.2"),  # a typo: height far too tall for the age
    (112, "weight_kg", "31.0"),  # 10 times too heavy (3.1 kg typed as 31.0)
)


def default_tables_dir() -> Path:
    """The WHO LMS tables shipped with :mod:`tumbuh.growth` (``tumbuh/growth/data``)."""
    return Path(__file__).resolve().parent.parent / "growth" / "data"


def _read_lms(path: Path, key: str) -> dict[tuple[int, int], tuple[float, float, float]]:
    """{(sex, key) -> (L, M, S)}; length keys are in mm (tenths of a cm) to stay integers."""
    table = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            k = float(row[key])
            k_int = round(k * 10) if key.endswith("_cm") else int(k)
            table[(int(row["sex"]), k_int)] = (float(row["l"]), float(row["m"]), float(row["s"]))
    return table


def _value(lms: tuple[float, float, float], z: float) -> float:
    """Measurement with z-score ``z`` for LMS parameters (inverse of the LMS formula)."""
    ell, m, s = lms
    return m * (1.0 + ell * s * z) ** (1.0 / ell)


def _fmt1(x: float) -> str:
    return f"{x:.1f}"


def generate_sample(n: int = N_CHILDREN, seed: int = SEED, tables_dir: Path | None = None) -> str:
    """CSV text of ``n`` made-up posyandu children (deterministic for a given seed)."""
    tables_dir = Path(tables_dir) if tables_dir is not None else default_tables_dir()
    lhfa = _read_lms(tables_dir / "length_height_for_age.csv", "age_days")
    wfl = _read_lms(tables_dir / "weight_for_length.csv", "length_cm")
    wfh = _read_lms(tables_dir / "weight_for_height.csv", "height_cm")
    hcfa = _read_lms(tables_dir / "head_circumference_for_age.csv", "age_days")
    acfa = _read_lms(tables_dir / "arm_circumference_for_age.csv", "age_days")

    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n)
    age = rng.integers(0, 1827, n)
    haz = rng.normal(-1.1, 1.1, n)
    whz = rng.normal(-0.35, 1.15, n)
    hcz = rng.normal(-0.2, 1.0, n)
    acz = rng.normal(-0.3, 1.0, n)
    wrong_position = rng.random(n) < 0.03
    has_hc = rng.random(n) < np.where(age < 731, 0.6, 0.15)
    has_ac = (age >= 183) & (rng.random(n) < 0.5)
    oedema_blank = rng.random(n) < 0.05
    missing_weight = rng.random(n) < 0.01
    oedema_rows = set(rng.choice(n, size=2, replace=False).tolist())
    posyandu = rng.integers(0, len(POSYANDU), n)

    rows = []
    for i in range(n):
        s, a = int(sex[i]), int(age[i])
        lying = (a < 731) != bool(wrong_position[i])
        size = _value(lhfa[(s, a)], float(haz[i]))  # length under 731 days, height from 731
        if lying and a >= 731:
            size += 0.7  # lying length is longer than standing height
        elif not lying and a < 731:
            size -= 0.7
        size = round(size, 1)
        # weight from weight-for-length (lying) or -height (standing), clamped to the table
        if lying:
            key = min(max(round(size * 10), 450), 1100)
            weight = _value(wfl[(s, key)], float(whz[i]))
        else:
            key = min(max(round(size * 10), 650), 1200)
            weight = _value(wfh[(s, key)], float(whz[i]))
        row = {
            "id": f"PSY-{i + 1:04d}",
            "posyandu": POSYANDU[int(posyandu[i])],
            "sex": str(s),
            "age_days": str(a),
            "weight_kg": "" if missing_weight[i] else _fmt1(weight),
            "lenhei_cm": _fmt1(size),
            "measure": "l" if lying else "h",
            "oedema": "" if oedema_blank[i] else ("y" if i in oedema_rows else "n"),
            "headc_cm": _fmt1(_value(hcfa[(s, a)], float(hcz[i]))) if has_hc[i] else "",
            "armc_cm": (
                _fmt1(_value(acfa[(s, a)], float(acz[i]))) if has_ac[i] and (s, a) in acfa else ""
            ),
        }
        rows.append(row)

    for i, col, text in IMPLAUSIBLE:
        if i < n:
            rows[i][col] = text
    for i, col, text in BAD_CELLS:
        if i >= n:
            continue
        if text is None and col == "weight_kg":
            text = (rows[i][col] or "12.5").replace(".", ",")
        elif text is None:
            text = rows[i][col].replace("0", "O", 1) if "0" in rows[i][col] else "8O.5"
        rows[i][col] = text

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else SAMPLE_PATH
    n = int(argv[1]) if len(argv) > 1 else N_CHILDREN
    path.write_text(generate_sample(n), encoding="utf-8")
    print(f"wrote {n} children to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
