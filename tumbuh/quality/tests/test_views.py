"""The scorecard pages: what they show, to whom, and in how many queries (#4)."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tumbuh.quality import services
from tumbuh.quality.models import ScorecardMonth

from .dataset import AUGUST, SEPTEMBER, build
from .test_services import PERIOD

QUERY = {"dari": "2025-08", "sampai": "2025-09"}


@pytest.fixture
def data(cast):
    return build(cast)


def get(client, user, url, **params):
    client.force_login(user)
    with translation.override("en"):
        return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_table_shows_one_row_per_posyandu_with_marks_and_a_total(cast, data, client):
    response = get(client, cast.bidan_a, reverse("quality:scorecard"), tingkat="posyandu",
                   **QUERY)  # fmt: skip
    assert response.status_code == 200
    page = text(response)
    assert "Melati" in page and "Mawar" in page and "Kenanga" not in page
    assert "August 2025 – September 2025" in page
    html = response.content.decode()
    assert 'class="q-wrap"' in html  # scrolls sideways on a phone
    assert 'class="q--poor"' in html or 'class="q--warn"' in html
    assert '<span class="q-mark" aria-hidden="true">' in html  # the mark, not only a colour
    assert "too few values" in page  # Mawar has 24 rows: some figures are not judged
    assert reverse("quality:posyandu", args=[cast.pos_a1.pk]) in html
    assert "All" in page  # the total of the puskesmas


def test_the_table_by_cadre_links_each_recorder(cast, data, client):
    response = get(client, cast.bidan_a, reverse("quality:scorecard"), tingkat="cadre", **QUERY)
    html = response.content.decode()
    assert "Rini Bulat" in html and "Kader A" in html and "Kader B" not in html
    assert reverse("quality:cadre", args=[data.rounder.pk]) in html


def test_a_kader_gets_only_their_levels_and_their_own_row(cast, data, client):
    response = get(client, cast.kader_a, reverse("quality:scorecard"), tingkat="kecamatan",
                   **QUERY)  # fmt: skip
    assert response.status_code == 200
    assert response.context["card"].level == "posyandu"  # not theirs: the default instead
    assert [value for value, _ in response.context["level_choices"]] == ["posyandu", "cadre"]
    response = get(client, cast.kader_a, reverse("quality:scorecard"), tingkat="cadre", **QUERY)
    assert [row.label for row in response.context["card"].rows] == ["Kader A"]


def test_area_rows_lead_down_to_their_posyandu(cast, data, client):
    response = get(client, cast.analyst, reverse("quality:scorecard"), tingkat="kecamatan",
                   **QUERY)  # fmt: skip
    html = response.content.decode()
    assert f"wilayah={cast.kec_a.code}" in html
    response = get(client, cast.analyst, reverse("quality:scorecard"), tingkat="posyandu",
                   wilayah=cast.kec_a.code, **QUERY)  # fmt: skip
    keys = {row.key for row in response.context["card"].rows}
    assert keys == {str(cast.pos_a1.pk), str(cast.pos_a2.pk)}
    assert "Show every area" in text(response)


def test_worst_first_and_area_order(cast, data, client):
    url = reverse("quality:scorecard")
    worst = get(client, cast.admin, url, tingkat="cadre", urut="worst", **QUERY)
    rows = worst.context["card"].rows
    assert [(-r.poor, -r.warn) for r in rows] == sorted((-r.poor, -r.warn) for r in rows)
    by_name = get(client, cast.admin, url, tingkat="cadre", urut="name", **QUERY)
    labels = [r.label for r in by_name.context["card"].rows if r.key != "unknown"]
    assert labels == sorted(labels, key=str.lower)


def test_a_bad_month_is_explained_and_the_default_shown(cast, client):
    response = get(client, cast.bidan_a, reverse("quality:scorecard"), sampai="2025-13")
    assert response.status_code == 200
    assert "is not a month" in text(response)
    assert len(response.context["card"].period) == 1


def test_the_table_is_the_last_complete_month_by_default(cast, client):
    response = get(client, cast.kader_a, reverse("quality:scorecard"))
    period = response.context["card"].period
    assert period.first == period.last
    assert period.last < cast.today.replace(day=1)
    by_recorder = get(client, cast.kader_a, reverse("quality:scorecard"), tingkat="cadre")
    assert len(by_recorder.context["card"].period) == 3  # a recorder's month is small
    assert by_recorder.context["card"].period.last == period.last


def test_the_posyandu_page_shows_months_as_columns_digits_and_recorders(cast, data, client):
    response = get(client, cast.bidan_a, reverse("quality:posyandu", args=[cast.pos_a1.pk]),
                   **QUERY)  # fmt: skip
    assert response.status_code == 200
    page = text(response)
    assert "Data quality of posyandu Melati" in page
    assert "Aug 2025" in page and "Sep 2025" in page and "Whole period" in page
    assert "Weight: the 0.1 kg digit" in page
    assert "Rini Bulat" in page and "Kader A" in page
    assert "Recorder not known" in page


def test_a_kader_sees_themselves_only_among_the_posyandus_recorders(cast, data, client):
    response = get(client, cast.kader_a, reverse("quality:posyandu", args=[cast.pos_a1.pk]),
                   **QUERY)  # fmt: skip
    assert [row.label for row in response.context["recorders"]] == ["Kader A"]


def test_the_cadre_page_shows_the_recorders_months(cast, data, client):
    response = get(client, cast.analyst, reverse("quality:cadre", args=[data.rounder.pk]),
                   **QUERY)  # fmt: skip
    assert response.status_code == 200
    page = text(response)
    assert "Data quality of Rini Bulat" in page
    assert "Melati" in page  # the posyandu they are assigned to
    trend = response.context["scorecard"]
    assert trend.n[-1] == sum(1 for r in data.counted if r.created_by_id == data.rounder.pk)


def test_out_of_scope_pages_are_404(cast, data, client):
    assert get(client, cast.kader_a, reverse("quality:posyandu",
                                             args=[cast.pos_b1.pk])).status_code == 404
    assert get(client, cast.kader_a, reverse("quality:cadre",
                                             args=[data.rounder.pk])).status_code == 404
    assert get(client, cast.bidan_b, reverse("quality:cadre",
                                             args=[cast.kader_a.pk])).status_code == 404
    assert get(client, cast.analyst_other_city,
               reverse("quality:posyandu", args=[cast.pos_a1.pk])).status_code == 404


def test_pages_run_a_fixed_number_of_queries(cast, data, client, django_assert_num_queries):
    """Once the cells are stored, a page reads them in a handful of queries, whatever the
    number of rows: session and user, the posyandu, the markers, the cells (+ names)."""
    client.force_login(cast.analyst)
    url = reverse("quality:scorecard")
    client.get(url, {"tingkat": "posyandu", **QUERY})  # builds the cells once
    with django_assert_num_queries(5):
        client.get(url, {"tingkat": "posyandu", **QUERY})
    with django_assert_num_queries(7):
        client.get(url, {"tingkat": "cadre", **QUERY})
    posyandu = reverse("quality:posyandu", args=[cast.pos_a1.pk])
    client.get(posyandu, QUERY)
    with django_assert_num_queries(8):
        client.get(posyandu, QUERY)
    cadre = reverse("quality:cadre", args=[data.rounder.pk])
    with django_assert_num_queries(8):
        client.get(cadre, QUERY)


def test_queries_do_not_grow_with_the_number_of_posyandu(cast, data, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tumbuh.areas.models import Posyandu

    client.force_login(cast.analyst)
    url = reverse("quality:scorecard")

    def count():
        client.get(url, {"tingkat": "posyandu", **QUERY})  # build
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"tingkat": "posyandu", **QUERY})
        return len(queries)

    before = count()
    for i in range(5):
        Posyandu.objects.create(name=f"Baru {i}", puskesmas=cast.pkm_a, kelurahan=cast.kel_a)
    assert count() == before


def test_the_posyandu_fragment_renders_on_its_own(cast, data):
    """The fragment another page includes: ``scorecard`` is posyandu_scorecard()'s result."""
    request = RequestFactory().get("/")
    request.user = cast.bidan_a
    with translation.override("en"):
        scorecard = services.posyandu_scorecard(cast.pos_a1, PERIOD, cast.bidan_a)
        html = render_to_string("quality/_posyandu_scorecard.html", {"scorecard": scorecard},
                                request=request)  # fmt: skip
    assert 'href="/static/quality/css/quality.css"' in html or "quality.css" in html
    assert "Data quality" in html and "Aug 2025" in html
    assert scorecard.url.startswith(reverse("quality:posyandu", args=[cast.pos_a1.pk]))
    assert f'href="{scorecard.url.replace("&", "&amp;")}"' in html


def test_the_tpk_page_says_the_figures_are_of_the_teams_families(cast, data, client):
    response = get(client, cast.tpk_a, reverse("quality:scorecard"), **QUERY)
    assert "Figures of the families assigned to your team only." in text(response)
    assert not ScorecardMonth.objects.exists()  # computed from the team's rows, not stored


def test_months_are_read_from_the_query(cast, data, client):
    response = get(client, cast.bidan_a, reverse("quality:posyandu", args=[cast.pos_a1.pk]),
                   dari="2025-09", sampai="2025-09")  # fmt: skip
    assert response.context["scorecard"].months == [SEPTEMBER]
    response = get(client, cast.bidan_a, reverse("quality:scorecard"), sampai="2025-08")
    assert response.context["card"].period.months == [AUGUST]
