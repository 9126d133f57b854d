"""Recording measurements: everything derived at once and stored, with history-aware N/T."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tumbuh import growth
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.monitoring.services import (
    MeasurementInput,
    NeedsConfirmation,
    recompute,
    record_measurement,
    record_pregnancy_check,
)


def measure(child, days_ago, weight, length=None, **kw):
    return record_measurement(
        child=child,
        data=MeasurementInput(
            measured_on=dt.date.today() - dt.timedelta(days=days_ago), weight_kg=weight,
            lenhei_cm=length, measure="l" if length else "", **kw),
        confirm=kw.pop("confirm", False) if "confirm" in kw else False,
    )  # fmt: skip


def test_it_stores_z_scores_status_and_method_version(cast):
    m = measure(cast.child_a1, 0, 9.0, 74.0)
    assert m.age_days == 400
    expected = growth.anthro_zscores(1, 400, weight_kg=9.0, lenhei_cm=74.0, measure="l")
    assert m.zwei == expected["zwei"][0] and m.zlen == expected["zlen"][0]
    assert m.status_tbu in ("normal", "pendek", "sangat_pendek", "tinggi")
    assert m.growth_status == "B" and m.method_version == growth.METHOD_VERSION


def test_n_and_t_are_judged_against_the_previous_calendar_month(cast):
    first = record_measurement(child=cast.child_a1, data=MeasurementInput(
        measured_on=_first_of_month(-1) + dt.timedelta(days=4), weight_kg=9.0))
    second = record_measurement(child=cast.child_a1, data=MeasurementInput(
        measured_on=_first_of_month(0), weight_kg=9.3))
    assert first.growth_status == "B"
    assert second.growth_status == "N" and second.gain_g == 300 and second.kbm_g == 200


def test_two_t_in_a_row_are_2t(cast):
    for months_back, weight in ((2, 9.0), (1, 9.0), (0, 8.9)):
        last = record_measurement(child=cast.child_a1, data=MeasurementInput(
            measured_on=_first_of_month(-months_back), weight_kg=weight), confirm=True)
    assert last.growth_status == "T" and last.is_2t


def test_a_back_dated_entry_rejudges_the_later_months(cast):
    later = record_measurement(child=cast.child_a1, data=MeasurementInput(
        measured_on=_first_of_month(0), weight_kg=9.5))
    assert later.growth_status == "B"
    record_measurement(child=cast.child_a1, data=MeasurementInput(
        measured_on=_first_of_month(-1), weight_kg=9.0))
    later.refresh_from_db()
    assert later.growth_status == "N"


def test_implausible_values_need_confirmation_and_nothing_is_saved_before(cast):
    with pytest.raises(NeedsConfirmation) as exc:
        measure(cast.child_a1, 0, 30.0)
    assert any("WHO" in w for w in exc.value.warnings)
    assert not ChildMeasurement.objects.exists()
    m = record_measurement(child=cast.child_a1, data=MeasurementInput(
        measured_on=dt.date.today(), weight_kg=30.0), confirm=True)
    assert m.fwei and m.warnings_confirmed and m.warnings == ["implausible_zwei"]


def test_a_length_that_shrank_is_a_warning(cast):
    record_measurement(child=cast.child_a1, data=MeasurementInput(
        measured_on=dt.date.today() - dt.timedelta(days=30), lenhei_cm=75.0, measure="l"))
    with translation.override("en"), pytest.raises(NeedsConfirmation, match="shorter"):
        record_measurement(child=cast.child_a1, data=MeasurementInput(
            measured_on=dt.date.today(), lenhei_cm=73.5, measure="l"))


@pytest.mark.parametrize(
    ("days", "field"), [(-1, "measured_on"), (500, "measured_on")]
)
def test_dates_in_the_future_or_before_birth_are_refused(cast, days, field):
    with pytest.raises(ValidationError) as exc:
        record_measurement(child=cast.child_a1, data=MeasurementInput(
            measured_on=dt.date.today() - dt.timedelta(days=days), weight_kg=9.0))
    assert field in exc.value.message_dict


def test_a_length_needs_its_position(cast):
    with pytest.raises(ValidationError) as exc:
        record_measurement(child=cast.child_a1, data=MeasurementInput(
            measured_on=dt.date.today(), lenhei_cm=74.0))
    assert "measure" in exc.value.message_dict


def test_recompute_rewrites_rows_of_an_older_method_version(cast):
    m = measure(cast.child_a1, 0, 9.0, 74.0)
    ChildMeasurement.objects.filter(pk=m.pk).update(method_version="old", zwei=None,
                                                    status_bbu="")  # fmt: skip
    assert recompute() == 1
    m2 = ChildMeasurement.objects.get(pk=m.pk)
    assert m2.zwei == m.zwei and m2.status_bbu == m.status_bbu
    assert m2.method_version == growth.METHOD_VERSION
    assert recompute() == 0


def test_pregnancy_checks_store_kek_risk_and_anaemia(cast):
    check = record_pregnancy_check(pregnancy=cast.pregnancy_a1, checked_on=dt.date.today(),
                                   weight_kg=42, height_cm=152, muac_cm=22.9, hb_g_dl=10.5)
    assert check.risiko_kek and check.anemia and check.kek  # 18.2 kg/m² in week 10
    assert check.gestational_weeks == 10.0


def _first_of_month(offset: int) -> dt.date:
    today = dt.date.today()
    month = today.month - 1 + offset
    return dt.date(today.year + month // 12, month % 12 + 1, 1)


def test_rederive_child_follows_a_corrected_birth_date(cast):
    from tumbuh.monitoring.services import rederive_child

    m = measure(cast.child_a1, 0, 9.0, 74.0)
    cast.child_a1.birth_date -= dt.timedelta(days=100)
    cast.child_a1.save()
    assert rederive_child(cast.child_a1) == 1
    m.refresh_from_db()
    assert m.age_days == 500
    assert m.zwei == growth.anthro_zscores(1, 500, weight_kg=9.0)["zwei"][0]


def test_the_last_weighing_of_a_month_is_the_one_the_month_counts(cast):
    start = _first_of_month(-1)
    first = record_measurement(child=cast.child_a1, data=MeasurementInput(
        measured_on=start + dt.timedelta(days=2), weight_kg=9.0))
    assert first.counts_for_month and first.measured_month == start
    # a later row of the same month without a weight does not take the count away
    length_only = record_measurement(child=cast.child_a1, data=MeasurementInput(
        measured_on=start + dt.timedelta(days=9), lenhei_cm=74.0, measure="l"))
    first.refresh_from_db()
    assert first.counts_for_month and not length_only.counts_for_month
    # a later weighing of the same month does
    second = record_measurement(child=cast.child_a1, data=MeasurementInput(
        measured_on=start + dt.timedelta(days=15), weight_kg=9.1))
    first.refresh_from_db()
    assert second.counts_for_month and not first.counts_for_month
    counted = ChildMeasurement.objects.filter(child=cast.child_a1, counts_for_month=True)
    assert list(counted) == [second]


def test_the_migration_fills_the_month_of_existing_rows(cast):
    import importlib

    from django.apps import apps

    fill_month = importlib.import_module(
        "tumbuh.monitoring.migrations.0003_month_counted").fill_month
    start = _first_of_month(-1)
    a = measure(cast.child_a1, (dt.date.today() - start).days, 9.0)
    b = measure(cast.child_a1, (dt.date.today() - start).days - 5, 9.1)
    ChildMeasurement.objects.update(measured_month=None, counts_for_month=True)
    fill_month(apps, None)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.measured_month, a.counts_for_month) == (start, False)
    assert (b.measured_month, b.counts_for_month) == (start, True)
