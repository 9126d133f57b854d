"""Permenkes 2/2020 categories: exact interval boundaries (docs/domain-indonesia.md §1.3)."""

import numpy as np
import pytest

from tumbuh import growth
from tumbuh.growth import classify, permenkes_label, permenkes_status

EPS = 1e-9
BOUNDARIES = {
    # index: [(z, expected code), ...] at and around every boundary
    "status_bbu": [
        (-3 - EPS, "sangat_kurang"), (-3, "kurang"), (-2 - EPS, "kurang"), (-2, "normal"),
        (1, "normal"), (1 + EPS, "risiko_lebih"),
    ],
    "status_tbu": [
        (-3 - EPS, "sangat_pendek"), (-3, "pendek"), (-2 - EPS, "pendek"), (-2, "normal"),
        (1, "normal"), (2, "normal"), (3, "normal"), (3 + EPS, "tinggi"),
    ],
    "status_bbtb": [
        (-3 - EPS, "gizi_buruk"), (-3, "gizi_kurang"), (-2 - EPS, "gizi_kurang"),
        (-2, "gizi_baik"), (1, "gizi_baik"), (1 + EPS, "berisiko_gizi_lebih"),
        (2, "berisiko_gizi_lebih"), (2 + EPS, "gizi_lebih"), (3, "gizi_lebih"),
        (3 + EPS, "obesitas"),
    ],
}  # fmt: skip
BOUNDARIES["status_imtu"] = BOUNDARIES["status_bbtb"]


@pytest.mark.parametrize("column", growth.PERMENKES_COLUMNS)
def test_it_puts_every_boundary_in_the_regulations_interval(column):
    z, expected = zip(*BOUNDARIES[column], strict=True)
    assert classify(column, np.array(z)).tolist() == list(expected)


@pytest.mark.parametrize("column", growth.PERMENKES_COLUMNS)
def test_a_missing_z_score_has_no_status(column):
    assert classify(column, [np.nan]).tolist() == [""]


def test_it_classifies_all_four_indices_from_their_z_columns():
    out = permenkes_status(zwei=[-2.5], zlen=[-3.2], zwfl=[2.5], zbmi=[np.nan])
    assert {k: v.tolist() for k, v in out.items()} == {
        "status_bbu": ["kurang"], "status_tbu": ["sangat_pendek"],
        "status_bbtb": ["gizi_lebih"], "status_imtu": [""],
    }  # fmt: skip


def test_it_classifies_on_the_unrounded_z():
    """-2.004 shows as -2.00 in e-PPGBM but is pendek (§1.3, Rounding)."""
    assert classify("status_tbu", [-2.004]).tolist() == ["pendek"]


@pytest.mark.parametrize(
    ("column", "code", "lang", "label"),
    [("status_tbu", "pendek", "id", "Pendek"), ("status_tbu", "pendek", "en", "Stunted"),
     ("status_bbu", "sangat_kurang", "id", "Berat badan sangat kurang"),
     ("status_bbtb", "gizi_buruk", "en", "Severely wasted"),
     ("status_imtu", "obesitas", "id", "Obesitas"), ("status_bbu", "", "id", "")],
)  # fmt: skip
def test_every_code_has_its_official_label(column, code, lang, label):
    assert permenkes_label(column, code, lang) == label


def test_every_category_has_both_labels_and_a_colour():
    for column, cats in growth.CATEGORIES.items():
        for code, label_id, label_en in cats:
            assert label_id and label_en and code in growth.SEVERITY, (column, code)


def test_unknown_index_code_or_language_is_an_error():
    with pytest.raises(ValueError, match="unknown Permenkes index 'bb'"):
        classify("bb", [0.0])
    with pytest.raises(ValueError, match="unknown category 'tall'"):
        permenkes_label("status_tbu", "tall")
    with pytest.raises(ValueError, match="lang must be"):
        permenkes_label("status_tbu", "normal", "fr")
