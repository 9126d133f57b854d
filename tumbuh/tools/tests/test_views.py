"""The z-score calculator page, through Django's test client."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tumbuh import growth

URL = reverse("tools:zscore-calculator")
TODAY = dt.datetime(2024, 9, 1, 8, 0, tzinfo=ZoneInfo("Asia/Makassar"))

# Boy, 500 days old, 76.0 cm lying down, 8.5 kg.
CHILD = {
    "sex": "1",
    "birth_date": "2023-04-20",
    "measurement_date": "2024-09-01",
    "weight_kg": "8,5",
    "lenhei_cm": "76",
    "measure": "l",
}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def expected_zscores():
    out = growth.anthro_zscores(1, 500, weight_kg=8.5, lenhei_cm=76.0, measure="l")
    return out["zwei"][0], out["zlen"][0]


def test_it_shows_an_empty_form_in_indonesian_with_today_as_the_measurement_date(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Kalkulator Z-Score</h1>" in page
    assert 'lang="id"' in page
    assert 'name="measurement_date" value="2024-09-01"' in page
    assert 'id="result"' not in page


def test_it_shows_every_z_score_and_status_for_a_valid_child(client):
    response = client.post(URL, CHILD)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="result"' in page
    assert "umur 500 hari (16 bulan penuh)" in page
    zwei, zlen = expected_zscores()
    # Indonesian decimal comma, 2 decimals, as e-PPGBM shows them.
    assert f"{zwei:.2f}".replace(".", ",") in page
    assert f"{zlen:.2f}".replace(".", ",") in page
    assert "PB/U" in page and "BB/PB" in page and "IMT/U" in page
    assert growth.METHOD_VERSION in page


def test_it_colours_each_status_as_on_the_growth_card(client):
    page = client.post(URL, {**CHILD, "lenhei_cm": "70"}).content.decode()
    zlen = growth.anthro_zscores(1, 500, lenhei_cm=70.0, measure="l", rounded=False)["zlen"]
    code = growth.classify("status_tbu", zlen)[0]
    label = growth.permenkes_label("status_tbu", code, lang="id")
    colour = growth.SEVERITY[code]
    assert colour in {"red", "yellow"}  # 70 cm at 500 days is short
    assert f'<span class="status status--{colour}">{label}</span>' in page
    assert f'index--{colour}" data-index="lhfa"' in page


def test_it_warns_about_an_implausible_value(client):
    page = client.post(URL, {**CHILD, "lenhei_cm": "55"}).content.decode()
    assert "nilai tidak wajar" in page
    assert "PB/U: nilai tidak wajar (flag WHO)" in page


def test_it_explains_invalid_input_in_indonesian_and_keeps_what_was_typed(client):
    response = client.post(URL, {**CHILD, "measurement_date": "2023-04-19"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tanggal pengukuran tidak boleh sebelum tanggal lahir." in page
    assert 'aria-invalid="true"' in page
    assert 'value="8,5"' in page
    assert 'id="result"' not in page


def test_it_speaks_english_after_switching_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": URL})
    assert response.status_code == 302
    assert response["Location"] == URL

    page = client.get(URL).content.decode()
    assert "<h1>Z-score calculator</h1>" in page
    assert "Weight (kg)" in page

    page = client.post(URL, {**CHILD, "measurement_date": "2023-04-19"}).content.decode()
    assert "The date of measurement cannot be before the date of birth." in page

    page = client.post(URL, {**CHILD, "weight_kg": "8.5"}).content.decode()
    assert "500 days old (16 completed months)" in page
    assert "L/A" in page and "Length-for-age" in page


def test_it_refuses_other_methods(client):
    assert client.put(URL).status_code == 405


def test_the_home_page_links_to_the_calculator(client):
    """The home page needs a log-in; the log-in page it sends visitors to links the calculator."""
    page = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{URL}"' in page


def test_an_unknown_page_gets_the_site_404(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_pages_may_not_be_framed(client):
    assert client.get(URL)["X-Frame-Options"] == "DENY"


def test_the_server_error_page_renders_even_without_static_files(settings):
    """500.html must not depend on what may have failed, such as the static files manifest."""
    from django.template.loader import render_to_string

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    page = render_to_string("500.html")
    assert "Kesalahan server" in page
    assert "/static/" not in page
