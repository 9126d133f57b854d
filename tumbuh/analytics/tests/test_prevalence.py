"""Prevalence by area and month: equal to WHO anthro's prevalence on each area's children of
each month, with the counts and coverage beside it; scoped to the user's area."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from django.urls import reverse

from tumbuh import growth
from tumbuh.analytics.grouping import Period, add_months, grouping_for
from tumbuh.analytics.prevalence import prevalence_table
from tumbuh.monitoring.models import ChildMeasurement

from .conftest import PERIOD, THIS_MONTH


def _anthro_all_row(rows):
    """anthro_prevalence's "All" row on the given stored measurement rows."""
    sex = [1 if r.child.sex == "M" else 2 for r in rows]
    return growth.anthro_prevalence(
        sex=sex, age=[r.age_days for r in rows],
        weight_kg=[r.weight_kg if r.weight_kg is not None else np.nan for r in rows],
        lenhei_cm=[r.lenhei_cm if r.lenhei_cm is not None else np.nan for r in rows],
        measure=[r.measure or np.nan for r in rows],
        oedema=["y" if r.oedema else "n" for r in rows],
    )  # fmt: skip


@pytest.mark.parametrize("level", ["posyandu", "kelurahan", "city"])
def test_each_area_and_month_equals_anthro_prevalence_on_its_children(cast, data, level):
    grouping = grouping_for(cast.admin, level)
    table = prevalence_table(cast.admin, grouping, PERIOD)
    for g in range(len(grouping) + 1):
        posyandu = [p for p, gi in grouping.group_of_posyandu.items()
                    if gi == g or g == len(grouping)]  # fmt: skip
        for m, month in enumerate(PERIOD.months):
            rows = list(ChildMeasurement.objects.filter(
                child__posyandu__in=posyandu, child__merged_into__isnull=True,
                counts_for_month=True, measured_month=month, age_days__lte=1826,
            ).select_related("child"))  # fmt: skip
            if not rows:
                assert table.estimates["HAZ_unwpop"][g, m] == 0
                continue
            expected = _anthro_all_row(rows)
            for col in ("HAZ_unwpop", "HA_2_r", "HA_2_se", "HA_2_ll", "HA_2_ul", "WH_2_r",
                        "WA_3_r", "WA_3_ul", "HA_r", "HA_stdev", "HA_2_WH_2_r"):  # fmt: skip
                e, got = expected[col][0], table.estimates[col][g, m]
                assert (np.isnan(e) and np.isnan(got)) or got == pytest.approx(e, rel=1e-9), (
                    level, g, month, col)


def test_coverage_is_weighed_over_registered(cast, data):
    grouping = grouping_for(cast.admin, "posyandu")
    table = prevalence_table(cast.admin, grouping, PERIOD)
    g = grouping.group_of_posyandu[cast.pos_a1.pk]
    m = PERIOD.months.index(add_months(THIS_MONTH, -1))
    assert (table.d[g, m], table.s[g, m]) == (3, 4)
    assert table.coverage[g, m] == pytest.approx(75.0)


def test_a_tpk_member_sees_only_the_families_of_the_team(cast, data):
    grouping = grouping_for(cast.tpk_a, "posyandu")
    table = prevalence_table(cast.tpk_a, grouping, PERIOD)
    everyone = prevalence_table(cast.admin, grouping_for(cast.admin, "posyandu"), PERIOD)
    assert grouping.labels == ["Melati"]
    # the team holds household A1 only: Anak A1 and the children added to the household
    assert 0 < table.estimates["HAZ_unwpop"][-1].sum() <= everyone.estimates["HAZ_unwpop"][-1].sum()


def test_the_page_shows_areas_months_n_and_coverage(cast, client, data):
    client.force_login(cast.analyst)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("analytics:prevalence"), {"tingkat": "kelurahan"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Manggar" in text and "Baru Ilir" in text and "<svg" in text
    assert "D/S" in text and "95% confidence interval" in text


def test_the_page_keeps_to_the_users_area(cast, client, data):
    client.force_login(cast.kader_b)
    text = client.get(reverse("analytics:prevalence"), {"tingkat": "posyandu"}).content.decode()
    assert "Kenanga" in text and "Melati" not in text
    client.force_login(cast.analyst_other_city)
    text = client.get(reverse("analytics:prevalence"), {"tingkat": "kelurahan"}).content.decode()
    assert "Manggar" not in text


def test_bad_choices_are_reported_and_the_page_still_answers(cast, client, data):
    client.force_login(cast.admin)
    client.cookies["django_language"] = "en"
    query = {"indikator": "nope", "sampai": "2026/13"}
    response = client.get(reverse("analytics:prevalence"), query)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Unknown indicator: nope" in text and "2026/13" in text


def test_csv_has_a_row_per_area_and_month(cast, client, data):
    client.force_login(cast.admin)
    query = {"tingkat": "kelurahan", "format": "csv", "indikator": "wasting",
             "dari": f"{PERIOD.first:%Y-%m}", "sampai": f"{PERIOD.last:%Y-%m}"}  # fmt: skip
    response = client.get(reverse("analytics:prevalence"), query)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == (2 + 1) * len(PERIOD)  # two kelurahan and the whole, four months
    assert {r["indicator"] for r in rows} == {"wasting"}
    assert all(float(r["coverage_d_s_pct"] or 0) <= 100 for r in rows)


def test_the_page_runs_a_fixed_number_of_queries(cast, client, data, django_assert_max_num_queries):
    client.force_login(cast.admin)
    client.get(reverse("analytics:prevalence"))  # builds the stored months once
    with django_assert_max_num_queries(8):
        client.get(reverse("analytics:prevalence"), {"tingkat": "posyandu"})


def test_months_outside_the_period_are_rejected():
    with pytest.raises(ValueError):
        Period(THIS_MONTH, add_months(THIS_MONTH, -1))
