"""The area tree page and the kelurahan GeoJSON endpoint."""

import json

import pytest
from django.urls import reverse

from tumbuh.areas import services
from tumbuh.areas.models import Area
from tumbuh.areas.tests.factories import make_posyandu

TREE_URL = reverse("areas:area-list")
GEOJSON_URL = reverse("areas:kelurahan-geojson")


def test_the_urls_are_under_wilayah():
    assert TREE_URL == "/wilayah/"
    assert GEOJSON_URL == "/wilayah/kelurahan.geojson"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [TREE_URL, GEOJSON_URL])
def test_both_pages_need_a_login(client, url, settings):
    # A plain path, so that this test does not depend on the accounts app's URL names.
    settings.LOGIN_URL = "/login-page/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login-page/?next={url}"


def test_the_tree_lists_each_kecamatan_with_its_kelurahan_and_posyandu_counts(
    balikpapan, staff_client
):
    make_posyandu("64.71.05.1010", "Posyandu Melati")
    make_posyandu("64.71.05.1010", "Posyandu Mawar")
    make_posyandu("64.71.05.1010", "Posyandu Tutup", is_active=False)
    make_posyandu("64.71.01.1001", "Posyandu Anggrek")

    response = staff_client.get(TREE_URL, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    tree = response.context["tree"]
    assert tree.root == balikpapan
    assert [node.area.code for node in tree.kecamatan] == [f"64.71.0{n}" for n in range(1, 7)]
    assert [len(node.villages) for node in tree.kecamatan] == [4, 6, 6, 6, 7, 5]
    counts = {v.code: v.posyandu_count for node in tree.kecamatan for v in node.villages}
    assert counts["64.71.05.1010"] == 2  # the inactive one is not counted
    assert counts["64.71.01.1001"] == 1
    assert sum(counts.values()) == tree.posyandu_count == 3
    page = response.content.decode()
    assert "<h1>Kota Balikpapan" in page
    assert page.count('<details class="area-group"') == 6
    assert page.count(" open>") == 6  # 34 kelurahan: small enough to show them all
    assert "Sungainangka" in page and "64.71.05.1010" in page
    assert "7 desa/kelurahan" in page and "2 posyandu" in page
    assert 'href="/wilayah/?parent=64"' in page  # breadcrumb to the province


def test_the_tree_of_a_kecamatan_shows_only_that_kecamatan(balikpapan, staff_client):
    response = staff_client.get(TREE_URL, {"parent": "64.71.05"})
    tree = response.context["tree"]
    assert [node.area.code for node in tree.kecamatan] == ["64.71.05"]
    assert [a.code for a in tree.ancestors] == ["64", "64.71"]


def test_with_several_cities_loaded_the_page_asks_which_one(balikpapan, staff_client):
    services.load_areas("64.72", with_boundaries=False)
    response = staff_client.get(TREE_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert [r.code for r in response.context["regencies"]] == ["64.71", "64.72"]
    assert [r.village_count for r in response.context["regencies"]] == [34, 59]
    page = response.content.decode()
    assert 'href="/wilayah/?parent=64.72"' in page and "59 desa/kelurahan" in page


def test_a_province_lists_its_loaded_cities(balikpapan, staff_client):
    response = staff_client.get(TREE_URL, {"parent": "64"})
    assert response.context["province"].code == "64"
    assert [r.code for r in response.context["regencies"]] == ["64.71"]


def test_with_nothing_loaded_the_page_says_how_to_load(db, staff_client):
    response = staff_client.get(TREE_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "<code>tumbuh loadareas 64.71</code>" in response.content.decode()


def test_an_unknown_parent_is_not_found(balikpapan, staff_client):
    assert staff_client.get(TREE_URL, {"parent": "64.72"}).status_code == 404


def test_the_geojson_has_every_kelurahan_boundary_with_code_name_and_kecamatan(
    balikpapan, staff_client
):
    response = staff_client.get(GEOJSON_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 34
    first = features[0]
    assert first["id"] == "64.71.01.1001"
    assert first["properties"] == {
        "code": "64.71.01.1001",
        "name": "Manggar",
        "kecamatan_code": "64.71.01",
    }
    assert first["geometry"] == Area.objects.get(code="64.71.01.1001").boundary
    assert {f["geometry"]["type"] for f in features} <= {"Polygon", "MultiPolygon"}


def test_the_geojson_can_be_limited_to_one_kecamatan(balikpapan, staff_client):
    collection = staff_client.get(GEOJSON_URL, {"parent": "64.71.05"}).json()
    assert [f["properties"]["code"][-4:] for f in collection["features"]] == [
        "1002", "1006", "1008", "1009", "1010", "1011", "1012",
    ]  # fmt: skip
    assert {f["properties"]["kecamatan_code"] for f in collection["features"]} == {"64.71.05"}


def test_the_geojson_leaves_out_kelurahan_without_a_boundary(balikpapan, staff_client):
    services.load_areas("64.72")
    assert len(staff_client.get(GEOJSON_URL).json()["features"]) == 34
    assert staff_client.get(GEOJSON_URL, {"parent": "64.72"}).json()["features"] == []


def test_the_geojson_explains_a_bad_or_unknown_parent(balikpapan, staff_client):
    bad = staff_client.get(GEOJSON_URL, {"parent": "6471"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert bad.json() == {
        "error": "parent must be a Kemendagri area code with its dots, such as 64.71"
    }
    unknown = staff_client.get(GEOJSON_URL, {"parent": "64.72"}, HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "No area with the code 64.72 is loaded."}


def test_the_pages_only_answer_reads(balikpapan, staff_client):
    assert staff_client.post(TREE_URL).status_code == 405
    assert staff_client.post(GEOJSON_URL).status_code == 405
