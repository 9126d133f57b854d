"""The admin pages of areas, puskesmas and posyandu open, search and filter."""

import pytest
from django.urls import reverse

from tumbuh.areas.tests.factories import make_posyandu


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="admin", email="a@example.org")
    client.force_login(user)
    return client


def test_areas_can_be_searched_by_an_older_spelling(balikpapan, admin_client):
    response = admin_client.get(reverse("admin:areas_area_changelist"), {"q": "muararapak"})
    assert response.status_code == 200
    assert [a.code for a in response.context["cl"].result_list] == ["64.71.03.1004"]


def test_areas_can_be_filtered_by_level_and_boundary(balikpapan, admin_client):
    url = reverse("admin:areas_area_changelist")
    response = admin_client.get(url, {"level__exact": "3", "has_boundary": "yes"})
    assert response.context["cl"].result_count == 6
    response = admin_client.get(url, {"has_boundary": "no"})
    assert [a.code for a in response.context["cl"].result_list] == ["64", "64.71"]


def test_an_area_page_summarises_its_boundary_instead_of_showing_the_json(balikpapan, admin_client):
    response = admin_client.get(
        reverse("admin:areas_area_change", args=["64.71.02.1004"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "MultiPolygon; parts: 2; vertices:" in page
    assert 'name="boundary"' not in page


def test_puskesmas_and_posyandu_lists_open_with_their_filters(balikpapan, admin_client):
    posyandu = make_posyandu("64.71.05.1010", "Posyandu Melati")
    response = admin_client.get(reverse("admin:areas_puskesmas_changelist"), {"q": "Sungainangka"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [posyandu.puskesmas]
    assert response.context["cl"].result_list[0].posyandu_total == 1
    response = admin_client.get(
        reverse("admin:areas_posyandu_changelist"), {"kelurahan__code__exact": "64.71.05.1010"}
    )
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [posyandu]
    add = admin_client.get(reverse("admin:areas_posyandu_add"))
    assert add.status_code == 200
