"""The dashboard's figures against a direct recount, the suppression of small cells, the map
from the shipped boundaries, the scope."""

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse

from tumbuh.analytics.grouping import month_start
from tumbuh.dashboard import config as dashboard_config
from tumbuh.dashboard import maps, services
from tumbuh.families.models import Visit
from tumbuh.foodreserve.models import Issue, Round, Store
from tumbuh.pmt import services as pmt
from tumbuh.pmt.models import Delivery, Funding
from tumbuh.pmt.tests.helpers import GIZI_KURANG, NORMAL, measure

D = dt.timedelta


def _square(lon, lat, size=0.01):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size],
            [lon, lat]]  # fmt: skip
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def city(cast):
    """Boundaries for both kelurahan; in this month: A1 stunted? no: wasted; A2 normal; B1
    wasted; households A1 and B1 with layak water and sanitation."""
    cast.kel_a.boundary = _square(116.9, -1.25)
    cast.kel_a.save()
    cast.kel_b.boundary = _square(116.8, -1.25)
    cast.kel_b.save()
    maps.geometry.cache_clear()
    day = cast.today.replace(day=1)
    measure(cast.child_a1, day, GIZI_KURANG)
    measure(cast.child_a2, day, NORMAL)
    measure(cast.child_b1, day, GIZI_KURANG)
    for hh in (cast.hh_a1, cast.hh_b1):
        hh.water_source, hh.sanitation = "piped", "own_septic"
        hh.save()
    cast.hh_a2.water_source, cast.hh_a2.sanitation = "surface", "open"
    cast.hh_a2.save()
    return cast


def _build(user, rules_min=1):
    rules = dataclasses.replace(dashboard_config.rules(), min_cell=rules_min)
    return services.build(user, month_start(dt.date.today()), rules=rules)


def test_growth_figures_equal_a_recount(city):
    d = _build(city.admin)
    t = d.total.values
    assert (t["ds"].base, t["ds"].value) == (3, 100.0)  # 3 registered under five, 3 weighed
    assert t["wasting"].base == 3 and t["wasting"].value == pytest.approx(200 / 3, abs=0.05)
    assert t["stunting"].value == 0.0
    assert t["wasting"].low < t["wasting"].value < t["wasting"].high
    by = {a.name: a.values for a in d.areas}
    assert by["Manggar"]["wasting"].value == 50.0 and by["Baru Ilir"]["wasting"].value == 100.0
    # households with layak water and sanitation: 2 of 3 (A2 has neither)
    assert t["wash"].base == 3 and t["wash"].value == pytest.approx(200 / 3, abs=0.05)
    assert by["Manggar"]["wash"].value == 50.0


def test_programme_figures_equal_a_recount(city):
    start = city.today - D(days=1)
    c = pmt.candidate_for(city.admin, child=city.child_a1, today=city.today)
    e = pmt.enrol(c, user=city.bidan_a, started_on=max(start, c.measured_on),
                  funding=Funding.APBD)  # fmt: skip
    Delivery.objects.create(enrolment=e, day=e.started_on, status="meal")
    store = Store.objects.create(name="Gudang", city=city.city)
    rnd = Round.objects.create(name="R", store=store, starts_on=city.today.replace(day=1),
                               ends_on=city.today, rule_version="t")  # fmt: skip
    Issue.objects.create(round=rnd, household=city.hh_b1, issued_on=city.today,
                         rule_version="t")  # fmt: skip
    Visit.objects.create(household=city.hh_a1, visited_on=city.today, visited_by=city.tpk_a,
                         team=city.team_a)  # fmt: skip
    p = _build(city.admin).programmes
    assert (p["pmt_children"], p["pmt_women"], p["packages"], p["visits"]) == (1, 0, 1, 1)
    p = _build(city.bidan_b).programmes  # side B sees only its own
    assert (p["pmt_children"], p["packages"], p["visits"]) == (0, 1, 0)


def test_small_cells_are_suppressed(city):
    d = _build(city.admin, rules_min=10)
    assert all(a.values["wasting"].suppressed for a in d.areas)
    assert d.total.values["wasting"].shown is None
    d = _build(city.admin, rules_min=2)
    by = {a.name: a.values for a in d.areas}
    assert by["Manggar"]["wasting"].shown == 50.0  # 2 measured
    assert by["Baru Ilir"]["wasting"].suppressed  # 1 measured


def test_the_map_shows_every_kelurahan_of_the_scope(city, client, settings):
    client.force_login(city.analyst)
    page = client.get(reverse("dashboard:index"), {"peta": "wasting"}).content.decode()
    assert page.count("<path d=") == 2
    assert "Manggar" in page and "Baru Ilir" in page
    client.force_login(city.kader_b)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert page.count("<path d=") == 1 and "Manggar" not in page
    csv_text = client.get(reverse("dashboard:index"), {"format": "csv"}).content.decode()
    table = csv_text.replace("\r", "").split("\n\n")[0]
    assert table.count("\n") == 2  # header, Baru Ilir, total (then the notes)
    xlsx = client.get(reverse("dashboard:index"), {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_choropleth_classes(city):
    codes = {city.kel_a.code: 10.0, city.kel_b.code: 30.0}
    ch = maps.choropleth(codes, {}, higher_is_better=False, label=lambda n, v: f"{n} {v}")
    fills = {a.shape.code: a.fill for a in ch.areas}
    assert fills == {city.kel_a.code: maps.BAD_HIGH[0], city.kel_b.code: maps.BAD_HIGH[-1]}
    assert [round(x[1]) for x in ch.legend] == [10, 14, 18, 22, 26]
    ch = maps.choropleth({city.kel_a.code: None, city.kel_b.code: 5.0}, {},
                         higher_is_better=True, label=lambda n, v: n)  # fmt: skip
    fills = {a.shape.code: a.fill for a in ch.areas}
    assert fills == {city.kel_a.code: maps.NO_DATA, city.kel_b.code: maps.GOOD_HIGH[0]}
    assert ch.height > 0 and all(a.shape.path.startswith("M") for a in ch.areas)


def test_bad_month_is_reported(city, client):
    client.force_login(city.admin)
    page = client.get(reverse("dashboard:index"), {"bulan": "2999-01"}).content.decode()
    assert 'role="alert"' in page


def test_the_city_report_is_a_pdf_with_the_figures(city, client):
    client.force_login(city.analyst)
    response = client.get(reverse("dashboard:report"), {"peta": "wasting"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF") and len(body) > 2000
    from tumbuh.dashboard import pdf

    d = _build(city.analyst)
    text = pdf.render(d, city_name="Kota Balikpapan", metric="wasting", compress=False)
    for expected in (b"Kota Balikpapan", b"Manggar", b"Baru Ilir", b"66,7", b"100,0"):
        assert expected in text, expected
