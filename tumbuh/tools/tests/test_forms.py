"""The calculator form validates at the edge, with a clear message on the right field."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from tumbuh.tools.forms import ZScoreCalculatorForm

# 1 September 2024, 08:00 in Balikpapan (WITA): the "today" of these tests.
TODAY = dt.datetime(2024, 9, 1, 8, 0, tzinfo=ZoneInfo("Asia/Makassar"))

VALID = {
    "sex": "2",
    "birth_date": "2023-07-29",
    "measurement_date": "2024-09-01",
    "weight_kg": "8,2",
    "lenhei_cm": "72,35",
    "measure": "l",
}


@pytest.fixture(autouse=True)
def frozen_today_in_indonesian():
    with time_machine.travel(TODAY, tick=False), translation.override("id"):
        yield


def form_with(**changes):
    data = {**VALID, **changes}
    return ZScoreCalculatorForm({key: value for key, value in data.items() if value is not None})


def errors_of(form):
    assert not form.is_valid()
    return {field: [str(text) for text in messages] for field, messages in form.errors.items()}


def test_a_complete_entry_becomes_a_measurement():
    form = form_with()
    assert form.is_valid(), form.errors
    measurement = form.to_measurement()
    assert measurement.sex == 2
    assert measurement.age.days == 400
    assert measurement.age.completed_months == 13
    assert measurement.weight_kg == 8.2
    assert measurement.lenhei_cm == 72.35
    assert measurement.measure == "l"
    assert measurement.oedema is False
    assert measurement.headc_cm is None


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("weight", ["8,2", "8.2", " 8,20 "])
def test_a_comma_or_a_point_is_a_decimal_separator_in_every_language(language, weight):
    with translation.override(language):
        form = form_with(weight_kg=weight)
        assert form.is_valid(), form.errors
        assert form.to_measurement().weight_kg == 8.2


def test_the_measurement_date_may_be_today_but_not_tomorrow():
    assert form_with(measurement_date="2024-09-01").is_valid()
    assert errors_of(form_with(measurement_date="2024-09-02")) == {
        "measurement_date": ["Tanggal pengukuran tidak boleh di masa depan."]
    }


def test_it_rejects_a_measurement_before_birth():
    assert errors_of(form_with(measurement_date="2023-07-28")) == {
        "measurement_date": ["Tanggal pengukuran tidak boleh sebelum tanggal lahir."]
    }


def test_it_rejects_a_birth_date_in_the_future():
    errors = errors_of(form_with(birth_date="2024-09-02", measurement_date="2024-09-01"))
    assert errors["birth_date"] == ["Tanggal lahir tidak boleh di masa depan."]


def test_a_birth_date_needs_a_measurement_date():
    assert errors_of(form_with(measurement_date=None)) == {
        "measurement_date": ["Isi tanggal pengukuran."]
    }


def test_it_needs_a_birth_date_or_an_age():
    assert errors_of(form_with(birth_date=None)) == {
        "birth_date": ["Isi tanggal lahir, atau umur dalam hari atau bulan."]
    }


def test_the_age_can_be_given_in_days_or_in_months_instead():
    by_days = form_with(birth_date=None, age_days="400")
    by_months = form_with(birth_date=None, measurement_date=None, age_months="13,1")
    assert by_days.is_valid() and by_months.is_valid()
    assert by_days.to_measurement().age.days == 400
    assert by_months.to_measurement().age.months == pytest.approx(13.1)
    assert by_months.to_measurement().age.days is None


def test_it_refuses_a_birth_date_and_an_age_together():
    assert errors_of(form_with(age_days="400")) == {
        "birth_date": ["Isi tanggal lahir atau umur, jangan keduanya."]
    }


def test_it_refuses_an_age_in_days_and_in_months_together():
    assert errors_of(form_with(birth_date=None, age_days="400", age_months="13")) == {
        "age_months": ["Isi umur dalam hari atau dalam bulan, jangan keduanya."]
    }


@pytest.mark.parametrize(
    ("changes", "field", "months"),
    [
        ({"birth_date": None, "age_days": "1827"}, "age_days", 60),
        ({"birth_date": None, "age_months": "60"}, "age_months", 60),
        ({"birth_date": "2019-08-31"}, "birth_date", 60),
    ],
)
def test_it_refuses_children_of_5_years_and_older(changes, field, months):
    assert errors_of(form_with(**changes)) == {
        field: [
            "Standar pertumbuhan WHO berlaku untuk anak di bawah 5 tahun (0 sampai 59 bulan); "
            f"anak ini berumur {months} bulan."
        ]
    }


def test_the_last_day_before_5_years_is_accepted():
    assert form_with(birth_date=None, age_days="1826").is_valid()
    assert form_with(birth_date=None, age_months="59,99").is_valid()


def test_it_refuses_a_negative_age():
    assert errors_of(form_with(birth_date=None, age_days="-1")) == {
        "age_days": ["Umur tidak boleh negatif."]
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight_kg", "8200", "Isi berat badan dalam kilogram, antara 0,9 dan 58."),
        ("weight_kg", "0,5", "Isi berat badan dalam kilogram, antara 0,9 dan 58."),
        ("lenhei_cm", "723", "Isi panjang/tinggi badan dalam sentimeter, antara 38 dan 150."),
        ("headc_cm", "450", "Isi lingkar kepala dalam sentimeter, antara 25 dan 64."),
        ("armc_cm", "140", "Isi lingkar lengan atas dalam sentimeter, antara 7 dan 27."),
        ("weight_kg", "delapan", "Isi dengan angka, misalnya 7,4."),
    ],
)
def test_it_refuses_implausible_measurements_with_the_range(field, value, message):
    assert errors_of(form_with(**{field: value})) == {field: [message]}


def test_range_messages_follow_the_language():
    with translation.override("en"):
        assert errors_of(form_with(weight_kg="8200")) == {
            "weight_kg": ["Enter the weight in kilograms, between 0.9 and 58."]
        }


def test_a_length_needs_the_way_it_was_measured():
    assert errors_of(form_with(measure=None)) == {
        "measure": ["Pilih cara ukur: terlentang atau berdiri."]
    }


def test_it_needs_at_least_one_measurement():
    errors = errors_of(form_with(weight_kg=None, lenhei_cm=None, measure=None))
    assert errors == {
        "__all__": [
            "Isi paling sedikit satu hasil pengukuran: berat badan, panjang/tinggi badan, "
            "lingkar kepala atau lingkar lengan atas."
        ]
    }


def test_it_needs_the_sex():
    assert errors_of(form_with(sex=None)) == {"sex": ["Pilih jenis kelamin anak."]}
