"""The child's page: profile, history and growth charts, for everyone who may see the child."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.monitoring.tests.conftest import NOW, TODAY  # noqa: F401
from tumbuh.registry.models import Child

pytestmark = pytest.mark.usefixtures("frozen_now")




def url(child):
    return reverse("monitoring:child-detail", args=[child.pk])


def monthly(child, months, *, start_weight=7.0, start_length=65.0):
    """One weighing a month, ending today (oldest first)."""
    rows = []
    for k in range(months):
        back = months - 1 - k
        y, m = TODAY.year, TODAY.month - back
        while m <= 0:
            y, m = y - 1, m + 12
        day = dt.date(y, m, 16)
        if day < child.birth_date:
            continue
        age = (day - child.birth_date).days
        rows.append(
            record_measurement(
                child=child,
                confirm=True,
                data=MeasurementInput(
                    measured_on=day,
                    weight_kg=round(start_weight + 0.2 * k, 1),
                    lenhei_cm=round(start_length + 0.8 * k, 1),
                    measure="l" if age < 731 else "h",
                ),
            )
        )
    return rows


@pytest.mark.parametrize(
    ("who", "child", "status"),
    [
        ("kader_a", "child_a1", 200),
        ("bidan_a", "child_a2", 200),
        ("admin", "child_b1", 200),
        ("tpk_a", "child_a1", 200),  # a child of a household of the team
        ("tpk_a", "child_a2", 404),  # a household not assigned to the team
        ("kader_a", "child_a2", 404),
        ("kader_b", "child_a1", 404),
        ("bidan_b", "child_a1", 404),
        ("analyst", "child_a1", 200),
        ("analyst_other_city", "child_a1", 404),
    ],
)
def test_the_child_page_is_found_only_inside_the_scope(client, cast, who, child, status):
    client.force_login(getattr(cast, who))
    assert client.get(url(getattr(cast, child))).status_code == status


def test_the_profile_shows_who_the_child_is(client, cast):
    client.force_login(cast.kader_a)
    page = client.get(url(cast.child_a1)).content.decode()
    for text in (
        "Anak A1",
        "Ibu A1",
        "Jl. Uji A1",
        "001/002",
        "Manggar",
        "Melati",
        cast.child_a1.birth_date.strftime("%d-%m-%Y"),
    ):
        assert text in page


def test_an_analyst_without_the_identity_permission_sees_no_name_or_address(client, cast):
    monthly(cast.child_a1, 2)
    client.force_login(cast.analyst)
    page = client.get(url(cast.child_a1)).content.decode()
    assert "Anak A1" not in page and "Ibu A1" not in page and "Jl. Uji" not in page
    assert 'data-chart="wfa"' in page  # the growth is still shown
    client.force_login(cast.analyst_names)
    page = client.get(url(cast.child_a1)).content.decode()
    assert "Anak A1" in page and "Jl. Uji A1" in page


def test_the_history_lists_every_measurement_newest_first(client, cast):
    rows = monthly(cast.child_a1, 4)
    client.force_login(cast.kader_a)
    response = client.get(url(cast.child_a1))
    assert [m.pk for m in response.context["history"]] == [m.pk for m in reversed(rows)]
    page = response.content.decode()
    dates = re.findall(r"(\d\d-\d\d-2025)</a>", page.split('class="history"')[1])
    assert dates == [m.measured_on.strftime("%d-%m-%Y") for m in reversed(rows)]
    assert f"{rows[-1].zwei:.2f}".replace(".", ",").lstrip("-") in page


def test_the_page_draws_three_charts_with_five_sd_lines_and_one_point_per_measurement(client, cast):
    rows = monthly(cast.child_a1, 5)  # 400 days old: all under 2 years
    client.force_login(cast.kader_a)
    page = client.get(url(cast.child_a1)).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert [re.search(r'data-chart="(\w+)"', s).group(1) for s in svgs] == ["wfa", "lhfa", "wfl"]
    for svg in svgs:
        assert len(re.findall(r'<path class="sd ', svg)) == 5
        assert sorted(re.findall(r'data-sd="(-?\d)"', svg)) == sorted(["-3", "-2", "0", "2", "3"])
        assert len(re.findall(r'<circle class="pt', svg)) == len(rows)
        assert 'viewBox="0 0 360 280"' in svg
    assert "<script" not in "".join(svgs)


def test_a_child_without_measurements_still_gets_charts(client, cast):
    client.force_login(cast.kader_a)
    response = client.get(url(cast.child_a1))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") == 3 and page.count('<path class="sd ') == 15
    assert '<circle class="pt' not in page


def test_a_child_over_two_gets_the_weight_for_height_chart_first(client, cast):
    child = Child.objects.create(
        name="Anak Tiga",
        sex="F",
        birth_date=TODAY - dt.timedelta(760),
        household=cast.hh_a1,
        posyandu=cast.pos_a1,
    )
    monthly(child, 3, start_weight=10.5, start_length=84.0)  # 700, 730 and 760 days old
    client.force_login(cast.kader_a)
    response = client.get(url(child))
    charts = response.context["charts"]
    assert [c.code for c in charts] == ["wfa", "lhfa", "wfh", "wfl"]
    by_code = {c.code: c for c in charts}
    assert len(by_code["wfh"].points) == 1 and len(by_code["wfl"].points) == 2


def test_the_child_page_runs_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    monthly(cast.child_a1, 13)
    assert ChildMeasurement.objects.count() == 13
    client.force_login(cast.kader_a)
    # login session, user, the child (with household, mother, posyandu), its measurements
    with django_assert_max_num_queries(4):
        response = client.get(url(cast.child_a1))
    assert len(response.context["history"]) == 13
