"""The start page: what each role can do today, with numbers counted within its scope."""

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from tumbuh.monitoring.models import PosyanduSession
from tumbuh.registry.models import Child, Household

HOME = reverse("home")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def home_of(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(HOME)
    assert response.status_code == 200
    return response


def stat(page: str, label: str) -> int:
    """The number shown in the start page's counter labelled ``label``."""
    end = page.index(f'<span class="stat-label">{label}</span>')
    start = page.rindex('<span class="stat-number">', 0, end) + len('<span class="stat-number">')
    return int(page[start : page.index("</span>", start)])


def test_the_start_page_needs_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_kader_sees_her_posyandu_and_the_open_day_button(cast, client):
    response = home_of(client, cast.kader_a)
    page = response.content.decode()
    assert "Posyandu Melati" in page and "Mawar" not in page and "Kenanga" not in page
    assert stat(page, "children under five") == 1
    assert stat(page, "families") == 1
    try:
        open_url = reverse("monitoring:session-open")
    except NoReverseMatch:  # the monitoring pages are not there yet
        assert "Open today's posyandu day" not in page
    else:
        assert f'action="{open_url}"' in page
        assert f'name="posyandu" value="{cast.pos_a1.pk}"' in page
        assert "Open today's posyandu day" in page


def test_the_button_says_continue_when_todays_day_is_open(cast, client):
    PosyanduSession.objects.create(posyandu=cast.pos_a1, date=dt.date.today())
    response = home_of(client, cast.kader_a)
    assert [item.session_today for item in response.context["posyandu_list"]] == [True]


def test_a_bidan_sees_her_puskesmas_and_each_posyandu_with_counts(cast, client):
    page = home_of(client, cast.bidan_a).content.decode()
    assert "Puskesmas Manggar" in page
    assert "Melati" in page and "Mawar" in page and "Kenanga" not in page
    assert stat(page, "children under five") == 2
    assert reverse("registry:duplicates") in page


def test_a_tpk_member_sees_the_teams_households(cast, client):
    page = home_of(client, cast.tpk_a).content.decode()
    assert "TPK Manggar 1" in page
    assert "Kepala A1" in page and "Kepala A2" not in page


def test_an_analyst_sees_city_counts_and_no_names(cast, client):
    page = home_of(client, cast.analyst).content.decode()
    assert "Kota Balikpapan" in page
    assert stat(page, "children under five") == 3
    assert stat(page, "families") == 3
    assert stat(page, "pregnant women") == 3
    for name in ("Kepala", "Anak A", "Ibu "):
        assert name not in page


def test_an_admin_sees_links_to_the_admin_site_and_duplicates(cast, client):
    page = home_of(client, cast.admin).content.decode()
    assert reverse("admin:index") in page
    assert reverse("registry:duplicates") in page


def test_the_start_page_makes_the_same_number_of_queries_for_many_posyandu(
    cast, client, django_assert_max_num_queries
):
    from tumbuh.areas.models import Posyandu

    client.force_login(cast.bidan_a)
    client.get(HOME)  # warm up (session, content types)
    with django_assert_max_num_queries(20) as few:
        client.get(HOME)
    for i in range(15):
        posyandu = Posyandu.objects.create(name=f"Pos {i}", puskesmas=cast.pkm_a,
                                           kelurahan=cast.kel_a)  # fmt: skip
        household = Household.objects.create(head_name=f"K{i}", address="Jl", posyandu=posyandu,
                                              kelurahan=cast.kel_a)  # fmt: skip
        Child.objects.create(name=f"A{i}", sex="F", birth_date=dt.date.today(),
                             household=household, posyandu=posyandu)  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(HOME)
    assert response.content.decode().count("Pos ") >= 15
