"""The calculator service: what it shows for one child, in which words and colours.

Reference values are the worked examples of docs/who-zscore-method.md (WHO anthro's own
tests); WHO publishes z-scores to 2 decimals, so rounded values are compared exactly.
"""

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation

from tumbuh import growth
from tumbuh.tools import services
from tumbuh.tools.services import Age, Measurement, calculate

CSS_FILE = Path(services.__file__).resolve().parents[1] / "static" / "css" / "tumbuh.css"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def by_code(result):
    return {index.code: index for index in result.indices}


def test_it_computes_every_index_for_a_complete_measurement():
    """Girl, 400 days, 8.2 kg, 72.35 cm lying down: weight-for-length -0.58 (WHO example)."""
    result = calculate(
        Measurement(
            sex=services.SEX_FEMALE,
            age=Age.from_days(400),
            weight_kg=8.2,
            lenhei_cm=72.35,
            measure="l",
            headc_cm=44.0,
            armc_cm=14.0,
        )
    )
    indices = by_code(result)
    assert list(indices) == ["wfa", "lhfa", "wfl", "bfa", "hcfa", "acfa"]
    assert indices["wfl"].z == -0.58
    assert indices["wfl"].status_code == "gizi_baik"
    assert indices["wfl"].severity == "green"
    assert all(index.z is not None for index in result.indices)
    assert result.clenhei_cm == pytest.approx(72.35)
    assert result.lenhei_correction_cm == 0
    assert result.method_version == growth.METHOD_VERSION
    assert result.bmi_kg_m2 == pytest.approx(8.2 / 0.7235**2)


def test_it_subtracts_0_7_cm_for_a_child_of_24_months_measured_lying_down():
    """Boy, 987 days, 72.86 cm lying down: 72.16 cm, height-for-age -6.09, flagged."""
    result = calculate(Measurement(sex=1, age=Age.from_days(987), lenhei_cm=72.86, measure="l"))
    lhfa = by_code(result)["lhfa"]
    assert result.clenhei_cm == pytest.approx(72.16)
    assert result.lenhei_correction_cm == -0.7
    assert lhfa.z == -6.09
    assert lhfa.flagged
    assert result.flagged == (lhfa,)
    assert lhfa.abbreviation == "TB/U"
    assert lhfa.status_label == "Sangat pendek"
    assert lhfa.severity == "red"


def test_it_uses_a_standing_measure_under_9_months_as_a_length():
    result = calculate(Measurement(sex=1, age=Age.from_months(8), lenhei_cm=60, measure="h"))
    assert result.measure_ignored
    assert result.lenhei_correction_cm == 0
    assert by_code(result)["lhfa"].z == -4.81


def test_it_adds_0_7_cm_for_a_child_under_24_months_measured_standing():
    result = calculate(Measurement(sex=1, age=Age.from_months(9), lenhei_cm=60, measure="h"))
    assert not result.measure_ignored
    assert result.lenhei_correction_cm == 0.7
    assert by_code(result)["lhfa"].z == -5.02


@pytest.mark.parametrize(
    ("weight_kg", "z", "code", "colour"),
    [(6.0, -4.79, "sangat_kurang", "red"), (15.5, 3.48, "risiko_lebih", "orange")],
)
def test_weight_for_age_beyond_3_sd_uses_the_restricted_formula(weight_kg, z, code, colour):
    """Boy, 500 days: the two worked examples of WHO's restricted z-score."""
    result = calculate(Measurement(sex=1, age=Age.from_days(500), weight_kg=weight_kg))
    wfa = by_code(result)["wfa"]
    assert (wfa.z, wfa.status_code, wfa.severity) == (z, code, colour)


def _length_for_zlen(target_z: float, *, sex: int, age_days: int) -> float:
    """The length (cm) whose unrounded length-for-age z-score is ``target_z`` (bisection)."""
    low, high = 40.0, 120.0
    for _ in range(80):
        middle = (low + high) / 2
        z = growth.anthro_zscores(sex, age_days, lenhei_cm=middle, measure="l", rounded=False)[
            "zlen"
        ][0]
        low, high = (middle, high) if z < target_z else (low, middle)
    return (low + high) / 2


def test_it_classifies_on_the_unrounded_z_score():
    """z = -2.004 shows as -2.00 but is "pendek" (Permenkes: classify unrounded)."""
    length_cm = _length_for_zlen(-2.004, sex=1, age_days=500)
    lhfa = by_code(
        calculate(Measurement(sex=1, age=Age.from_days(500), lenhei_cm=length_cm, measure="l"))
    )["lhfa"]
    assert lhfa.z == -2.0
    assert lhfa.status_code == "pendek"


def test_oedema_leaves_out_the_weight_based_indices_with_a_reason():
    result = calculate(
        Measurement(
            sex=2, age=Age.from_days(1000), weight_kg=13, lenhei_cm=92, measure="h", oedema=True
        )
    )
    indices = by_code(result)
    for code in ("wfa", "wfh", "bfa"):
        assert indices[code].z is None
        assert "edema" in indices[code].note
    assert indices["lhfa"].z is not None


def test_arm_circumference_is_defined_from_3_months():
    young = by_code(calculate(Measurement(sex=1, age=Age.from_days(90), armc_cm=11.0)))
    older = by_code(calculate(Measurement(sex=1, age=Age.from_days(91), armc_cm=11.0)))
    assert young["acfa"].z is None
    assert young["acfa"].note == "Hanya untuk umur 3 bulan ke atas"
    assert older["acfa"].z is not None
    assert older["acfa"].note == "Tidak diklasifikasikan dalam Permenkes 2/2020"


def test_indices_that_were_not_measured_say_so():
    indices = by_code(calculate(Measurement(sex=1, age=Age.from_days(300), headc_cm=44.0)))
    assert indices["wfa"].note == "Perlu berat badan"
    assert indices["lhfa"].note == "Tidak diukur"
    assert indices["wfl"].note == "Perlu berat badan dan panjang/tinggi badan"
    assert indices["hcfa"].z is not None


def test_weight_for_height_outside_the_table_explains_the_range():
    """700 days, 109.5 cm standing -> 110.2 cm: beyond the weight-for-length table."""
    result = calculate(
        Measurement(sex=2, age=Age.from_days(700), weight_kg=14, lenhei_cm=109.5, measure="h")
    )
    wfl = by_code(result)["wfl"]
    assert wfl.z is None
    assert wfl.note == "Panjang/tinggi badan di luar tabel WHO (45 sampai 110 cm)"


def test_labels_follow_the_active_language():
    measurement = Measurement(sex=1, age=Age.from_days(987), lenhei_cm=85.0, measure="h")
    with translation.override("en"):
        lhfa = by_code(calculate(measurement))["lhfa"]
        assert (lhfa.abbreviation, lhfa.name) == ("H/A", "Height-for-age")
        assert lhfa.status_label == "Stunted"
    lhfa = by_code(calculate(measurement))["lhfa"]
    assert (lhfa.abbreviation, lhfa.name) == ("TB/U", "Tinggi badan menurut umur")
    assert lhfa.status_label == "Pendek"


@pytest.mark.parametrize(
    ("age", "codes"),
    [
        (Age.from_days(730), ("lhfa", "wfl")),
        (Age.from_days(731), ("lhfa", "wfh")),
        (Age.from_months(24.0), ("lhfa", "wfh")),  # 730.5 days rounds up to 731
    ],
)
def test_length_becomes_height_at_731_days(age, codes):
    result = calculate(Measurement(sex=1, age=age, weight_kg=11, lenhei_cm=85, measure="l"))
    assert tuple(index.code for index in result.indices[1:3]) == codes


def test_age_from_dates_counts_days_and_completed_months():
    age = Age.from_dates(dt.date(2024, 1, 31), dt.date(2024, 2, 29))
    assert (age.days, age.completed_months, age.table_days) == (29, 1, 29)
    with pytest.raises(ValueError, match="before birth"):
        Age.from_dates(dt.date(2024, 3, 1), dt.date(2024, 2, 29))


def test_every_status_colour_has_a_style():
    """A new category or colour in tumbuh.growth must not render unstyled."""
    css = CSS_FILE.read_text()
    codes = {code for categories in growth.CATEGORIES.values() for code, *_ in categories}
    assert codes <= set(growth.SEVERITY)
    for colour in set(growth.SEVERITY.values()):
        # the class opens a rule, alone or first in a selector list
        assert re.search(rf"\.status--{colour}\s*[{{,]", css), colour
        assert re.search(rf"\.index--{colour}\s*{{", css), colour


def test_every_z_between_minus_7_and_7_gets_a_known_status():
    z = np.linspace(-7, 7, 1401)
    statuses = growth.permenkes_status(zwei=z, zlen=z, zwfl=z, zbmi=z)
    for column, codes in statuses.items():
        assert set(codes) <= set(growth.SEVERITY), column
