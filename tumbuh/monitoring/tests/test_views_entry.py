"""The weighing-day entry form, its warnings, the result page and the pregnancy check."""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse

from tumbuh import growth
from tumbuh.monitoring.models import ChildMeasurement, PosyanduSession, PregnancyCheck
from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.monitoring.tests.conftest import NOW, TODAY  # noqa: F401
from tumbuh.registry.models import Child

pytestmark = pytest.mark.usefixtures("frozen_now")




@pytest.fixture
def day(cast):
    return PosyanduSession.objects.create(posyandu=cast.pos_a1, date=TODAY)


@pytest.fixture
def kader(client, cast):
    client.force_login(cast.kader_a)
    return client


def measure_url(day, child):
    return reverse("monitoring:measure", args=[day.pk, child.pk])


def post(client, day, child, **values):
    data = {"weight_kg": "", "lenhei_cm": "", "measure": "", "headc_cm": "", "armc_cm": ""}
    data.update(values)
    return client.post(measure_url(day, child), data)


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("kader_a", 200),
        ("bidan_a", 200),
        ("admin", 200),
        ("kader_b", 404),
        ("tpk_a", 404),
        ("analyst", 403),
        ("analyst_names", 403),
    ],
)
def test_only_recorders_in_scope_open_the_entry_form(client, cast, day, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(measure_url(day, cast.child_a1)).status_code == status
    assert post(client, day, cast.child_a1, weight_kg="9").status_code in (status, 302)
    assert ChildMeasurement.objects.exists() == (status == 200)


def test_a_child_outside_the_scope_is_not_found_even_on_an_own_day(kader, cast, day):
    assert kader.get(measure_url(day, cast.child_b1)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("kader_a", 200),
        ("tpk_a", 200),
        ("kader_b", 404),
        ("tpk_b", 404),
        ("analyst_other_city", 404),
    ],
)
def test_the_result_page_is_found_only_inside_the_scope(client, cast, day, who, status):
    m = record_measurement(
        child=cast.child_a1, session=day, data=MeasurementInput(measured_on=TODAY, weight_kg=9.0)
    )
    client.force_login(getattr(cast, who))
    assert client.get(reverse("monitoring:measurement-result", args=[m.pk])).status_code == status


# --- the form -----------------------------------------------------------------------------------


def test_the_form_asks_for_numbers_with_the_phones_number_pad(kader, cast, day):
    page = kader.get(measure_url(day, cast.child_a1)).content.decode()
    assert page.count('inputmode="decimal"') == 4
    assert 'name="oedema"' in page and 'name="id"' in page
    assert 'name="confirm"' not in page  # only after a warning


def test_the_position_defaults_to_lying_before_24_months_and_standing_after(kader, cast, day):
    page = kader.get(measure_url(day, cast.child_a1)).content.decode()  # 400 days old
    assert re.search(r'value="l"[^>]*checked', page)
    older = Child.objects.create(
        name="Anak Tiga Tahun",
        sex="F",
        household=cast.hh_a1,
        birth_date=TODAY - dt.timedelta(days=1100),
        posyandu=cast.pos_a1,
    )
    page = kader.get(measure_url(day, older)).content.decode()
    assert re.search(r'value="h"[^>]*checked', page)


def test_it_saves_in_one_request_with_a_decimal_comma_and_redirects_to_the_result(kader, cast, day):
    response = post(
        kader, day, cast.child_a1, weight_kg="9,3", lenhei_cm="74,5", measure="l", armc_cm="14,2"
    )
    m = ChildMeasurement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:measurement-result", args=[m.pk])
    assert (m.weight_kg, m.lenhei_cm, m.measure, m.armc_cm) == (9.3, 74.5, "l", 14.2)
    assert (m.session, m.measured_on, m.created_by) == (day, TODAY, cast.kader_a)
    assert m.zwei is not None and m.method_version == growth.METHOD_VERSION


def test_it_keeps_a_client_generated_id_for_a_new_measurement(kader, cast, day):
    given = uuid.uuid4()
    post(kader, day, cast.child_a1, weight_kg="9.3", id=str(given))
    assert ChildMeasurement.objects.get().pk == given


def test_an_id_already_used_by_another_record_is_ignored(kader, cast, day):
    other = record_measurement(
        child=cast.child_a2, data=MeasurementInput(measured_on=TODAY, weight_kg=9.0)
    )
    response = post(kader, day, cast.child_a1, weight_kg="9.3", id=str(other.pk))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.child == cast.child_a2 and other.weight_kg == 9.0
    assert ChildMeasurement.objects.filter(child=cast.child_a1).count() == 1


def test_entering_the_same_child_again_on_the_same_day_updates_the_entry(kader, cast, day):
    post(kader, day, cast.child_a1, weight_kg="9,0")
    first = ChildMeasurement.objects.get()
    page = kader.get(measure_url(day, cast.child_a1)).content.decode()
    assert 'value="9.0"' in page or 'value="9,0"' in page or 'value="9"' in page
    post(kader, day, cast.child_a1, weight_kg="9,4", id=str(uuid.uuid4()))
    again = ChildMeasurement.objects.get()
    assert again.pk == first.pk and again.weight_kg == 9.4


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({}, None, "at least one measurement"),
        ({"weight_kg": "sembilan"}, "weight_kg", "7.4"),
        ({"weight_kg": "93"}, "weight_kg", "50"),
        ({"lenhei_cm": "745"}, "lenhei_cm", "140"),
        ({"lenhei_cm": "74"}, "measure", "lay down or stood"),
        ({"armc_cm": "2"}, "armc_cm", "30"),
    ],
)
def test_bad_input_is_refused_with_a_message_on_its_field_and_nothing_saved(
    kader, cast, day, values, field, fragment, settings
):
    settings.LANGUAGE_CODE = "en"
    kader.cookies["django_language"] = "en"
    response = post(kader, day, cast.child_a1, **values)
    assert response.status_code == 200
    form = response.context["form"]
    errors = " ".join(form.errors.get(field or "__all__", []))
    assert fragment in errors
    assert not ChildMeasurement.objects.exists()
    if values:  # what was typed is kept
        assert next(iter(values.values())) in response.content.decode()


def test_an_error_from_the_service_lands_on_the_form(kader, cast):
    # A day before the child's birth (the service refuses it; the form cannot know).
    early = PosyanduSession.objects.create(
        posyandu=cast.pos_a1, date=cast.child_a1.birth_date - dt.timedelta(days=3)
    )
    response = post(kader, early, cast.child_a1, weight_kg="3")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ChildMeasurement.objects.exists()


# --- warnings that need confirmation ------------------------------------------------------------


def test_an_implausible_value_is_shown_back_with_warnings_and_saved_only_when_confirmed(
    kader, cast, day
):
    response = post(kader, day, cast.child_a1, weight_kg="30")
    assert response.status_code == 200
    assert not ChildMeasurement.objects.exists()
    page = response.content.decode()
    assert response.context["warnings"]
    assert 'name="confirm"' in page and 'id="warnings"' in page
    assert 'value="30"' in page
    key = response.context["confirm_values"]
    response = post(kader, day, cast.child_a1, weight_kg="30", confirm="on", confirm_values=key)
    assert response.status_code == 302
    m = ChildMeasurement.objects.get()
    assert m.fwei and m.warnings_confirmed and m.warnings == ["implausible_zwei"]


def test_a_confirmation_does_not_carry_over_to_corrected_values(kader, cast, day):
    key = post(kader, day, cast.child_a1, weight_kg="30").context["confirm_values"]
    response = post(kader, day, cast.child_a1, weight_kg="31", confirm="on", confirm_values=key)
    assert response.status_code == 200 and response.context["warnings"]
    assert not ChildMeasurement.objects.exists()


def test_a_corrected_value_saves_without_confirmation(kader, cast, day):
    key = post(kader, day, cast.child_a1, weight_kg="30").context["confirm_values"]
    response = post(kader, day, cast.child_a1, weight_kg="9,1", confirm_values=key)
    assert response.status_code == 302
    assert ChildMeasurement.objects.get().warnings == []


def test_a_length_that_shrank_since_the_last_visit_must_be_confirmed(kader, cast, day):
    record_measurement(
        child=cast.child_a1,
        data=MeasurementInput(
            measured_on=TODAY - dt.timedelta(days=30), lenhei_cm=76.0, measure="l"
        ),
    )
    response = post(kader, day, cast.child_a1, lenhei_cm="73", measure="l")
    assert response.status_code == 200
    assert any("shorter" in w or "pendek" in w.lower() for w in response.context["warnings"])
    assert ChildMeasurement.objects.count() == 1


# --- the result ---------------------------------------------------------------------------------


def _result(client, m):
    return client.get(reverse("monitoring:measurement-result", args=[m.pk])).content.decode()


def test_the_result_shows_z_scores_with_a_decimal_comma_and_indonesian_labels(kader, cast, day):
    post(kader, day, cast.child_a1, weight_kg="9,3", lenhei_cm="70", measure="l")
    m = ChildMeasurement.objects.get()
    page = _result(kader, m)
    assert f"{m.zwei:+.2f}".replace(".", ",").replace("+-", "-") in page
    assert f"{m.zlen:.2f}".replace(".", ",") in page
    label = growth.permenkes_label("status_tbu", m.status_tbu, "id")
    colour = growth.SEVERITY[m.status_tbu]
    assert m.status_tbu in ("pendek", "sangat_pendek")  # 70 cm at 400 days
    assert f'<span class="status status--{colour}">{label}</span>' in page
    assert reverse("monitoring:session-detail", args=[day.pk]) in page  # next child
    assert reverse("monitoring:child-detail", args=[cast.child_a1.pk]) in page


def test_the_result_speaks_english_after_switching_language(kader, cast, day):
    post(kader, day, cast.child_a1, weight_kg="9,3", lenhei_cm="70", measure="l")
    m = ChildMeasurement.objects.get()
    kader.cookies["django_language"] = "en"
    page = _result(kader, m)
    assert growth.permenkes_label("status_tbu", m.status_tbu, "en") in page  # "Stunted"...
    assert f"{m.zlen:.2f}" in page  # decimal point in English
    assert growth.permenkes_label("status_tbu", m.status_tbu, "id") not in page


def test_the_result_shows_weight_gain_against_the_minimum(kader, cast, day):
    record_measurement(
        child=cast.child_a1, data=MeasurementInput(measured_on=dt.date(2025, 5, 16), weight_kg=9.0)
    )
    post(kader, day, cast.child_a1, weight_kg="9,3")
    m = ChildMeasurement.objects.get(measured_on=TODAY)
    assert (m.growth_status, m.gain_g) == ("N", 300)
    page = _result(kader, m)
    assert 'data-growth-status="N"' in page
    assert "+300" in page and f"{m.kbm_g}" in page


def test_the_result_flags_2t_and_bgm(kader, cast, day):
    for month, weight in ((4, 7.3), (5, 7.2)):
        record_measurement(
            child=cast.child_a1,
            confirm=True,
            data=MeasurementInput(measured_on=dt.date(2025, month, 16), weight_kg=weight),
        )
    post(
        kader,
        day,
        cast.child_a1,
        weight_kg="7,0",
        lenhei_cm="74",
        measure="l",
        confirm="on",
        confirm_values="7|74|||l|0",
    )
    m = ChildMeasurement.objects.get(measured_on=TODAY)
    assert m.is_2t and m.is_bgm
    page = _result(kader, m)
    assert '<span class="badge badge--red">2T</span>' in page
    assert '<span class="badge badge--red">BGM</span>' in page


def test_the_result_lists_the_confirmed_warnings(kader, cast, day):
    key = post(kader, day, cast.child_a1, weight_kg="30").context["confirm_values"]
    post(kader, day, cast.child_a1, weight_kg="30", confirm="on", confirm_values=key)
    page = _result(kader, ChildMeasurement.objects.get())
    assert 'class="warning"' in page and "WHO" in page


# --- pregnant women -----------------------------------------------------------------------------


def check_url(day, pregnancy):
    return reverse("monitoring:pregnancy-check", args=[day.pk, pregnancy.pk])


@pytest.mark.parametrize(
    ("who", "status"), [("kader_a", 200), ("kader_b", 404), ("tpk_a", 404), ("analyst", 403)]
)
def test_the_pregnancy_check_is_for_recorders_in_scope(client, cast, day, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(check_url(day, cast.pregnancy_a1)).status_code == status


def test_a_pregnancy_check_saves_and_explains_kek_risk_kek_and_anaemia(kader, cast, day):
    response = kader.post(
        check_url(day, cast.pregnancy_a1),
        {"muac_cm": "22,9", "hb_g_dl": "10,5", "weight_kg": "42", "height_cm": "152"},
    )
    check = PregnancyCheck.objects.get()
    assert response["Location"] == reverse("monitoring:pregnancy-check-result", args=[check.pk])
    assert (check.risiko_kek, check.kek, check.anemia, check.session) == (True, True, True, day)
    kader.cookies["django_language"] = "en"
    page = kader.get(response["Location"]).content.decode()
    assert page.count("status status--red") == 3
    assert "iron tablet" in page and "23.5" in page and "11" in page


def test_a_pregnancy_check_with_good_values_is_green(kader, cast, day):
    kader.post(check_url(day, cast.pregnancy_a1), {"muac_cm": "26", "hb_g_dl": "12,1"})
    check = PregnancyCheck.objects.get()
    page = kader.get(reverse("monitoring:pregnancy-check-result", args=[check.pk])).content.decode()
    assert page.count("status status--green") == 2 and "status--red" not in page


@pytest.mark.parametrize(
    ("values", "field"),
    [({}, "__all__"), ({"hb_g_dl": "25"}, "hb_g_dl"), ({"muac_cm": "x"}, "muac_cm")],
)
def test_a_pregnancy_check_refuses_bad_input(kader, cast, day, values, field):
    response = kader.post(check_url(day, cast.pregnancy_a1), values)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PregnancyCheck.objects.exists()


def test_the_pregnancy_form_fills_in_the_height_measured_at_registration(kader, cast, day):
    cast.pregnancy_a1.height_cm = 152.3456
    cast.pregnancy_a1.save()
    page = kader.get(check_url(day, cast.pregnancy_a1)).content.decode()
    assert 'value="152,3"' in page
    response = kader.post(
        check_url(day, cast.pregnancy_a1), {"muac_cm": "24", "height_cm": "152,3"}
    )
    assert response.status_code == 302
