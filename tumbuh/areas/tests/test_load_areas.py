"""``services.load_areas``: one kabupaten/kota (or province, kecamatan) from the code list."""

import pytest
from django.utils import translation

from tumbuh.areas import services
from tumbuh.areas.models import Area

# docs/domain-indonesia.md §8.2: the 6 kecamatan and 34 kelurahan of Kota Balikpapan (64.71).
BALIKPAPAN = {
    "64.71.01": ("Balikpapan Timur", {"1001": "Manggar", "1002": "Lamaru", "1003": "Teritip",
                                      "1004": "Manggar Baru"}),
    "64.71.02": ("Balikpapan Barat", {"1001": "Baru Ilir", "1002": "Baru Tengah",
                                      "1003": "Baru Ulu", "1004": "Kariangau",
                                      "1005": "Margo Mulyo", "1006": "Marga Sari"}),
    "64.71.03": ("Balikpapan Utara", {"1001": "Batu Ampar", "1002": "Gunung Samarinda",
                                      "1003": "Karang Joang", "1004": "Muara Rapak",
                                      "1005": "Gunung Samarinda Baru", "1006": "Graha Indah"}),
    "64.71.04": ("Balikpapan Tengah", {"1001": "Gunung Sari Ulu", "1002": "Gunung Sari Ilir",
                                       "1003": "Karang Rejo", "1004": "Karang Jati",
                                       "1005": "Mekar Sari", "1006": "Sumber Rejo"}),
    # Not contiguous: several kelurahan moved to Balikpapan Kota when it was created.
    "64.71.05": ("Balikpapan Selatan", {"1002": "Sepinggan", "1006": "Gunung Bahagia",
                                        "1008": "Sepinggan Baru", "1009": "Sepinggan Raya",
                                        "1010": "Sungainangka", "1011": "Damai Baru",
                                        "1012": "Damai Bahagia"}),
    "64.71.06": ("Balikpapan Kota", {"1001": "Prapatan", "1002": "Telaga Sari",
                                     "1003": "Klandasan Ulu", "1004": "Klandasan Ilir",
                                     "1005": "Damai"}),
}  # fmt: skip


def names(level, under="64.71"):
    return dict(
        Area.objects.filter(level=level, code__startswith=under + ".").values_list("code", "name")
    )


@pytest.mark.django_db
def test_loading_balikpapan_gives_its_6_kecamatan_and_34_kelurahan_with_the_decree_codes():
    result = services.load_areas("64.71")

    assert names(Area.Level.DISTRICT) == {code: name for code, (name, _) in BALIKPAPAN.items()}
    assert names(Area.Level.VILLAGE) == {
        f"{kecamatan}.{number}": name
        for kecamatan, (_, villages) in BALIKPAPAN.items()
        for number, name in villages.items()
    }
    assert list(Area.objects.filter(level__lte=2).values_list("code", "name", "parent")) == [
        ("64", "Kalimantan Timur", None),
        ("64.71", "Kota Balikpapan", "64"),
    ]
    assert (result.created_count, result.updated_count, result.unchanged_count) == (42, 0, 0)
    assert result.root.code == "64.71"
    assert result.kind_counts == {"province": 1, "kota": 1, "kecamatan": 6, "kelurahan": 34}


@pytest.mark.django_db
def test_balikpapan_selatan_keeps_its_gaps_in_numbering():
    services.load_areas("64.71")
    selatan = Area.objects.get(code="64.71.05")
    assert [area.code[-4:] for area in selatan.children.order_by("code")] == [
        "1002", "1006", "1008", "1009", "1010", "1011", "1012",
    ]  # fmt: skip


@pytest.mark.django_db
def test_loading_balikpapan_attaches_34_kelurahan_and_6_kecamatan_boundaries():
    result = services.load_areas("64.71")

    with_boundary = Area.objects.filter(boundary__isnull=False)
    assert with_boundary.filter(level=Area.Level.VILLAGE).count() == 34
    assert with_boundary.filter(level=Area.Level.DISTRICT).count() == 6
    assert not with_boundary.filter(level__lte=2).exists()
    assert result.boundary_counts() == {"kelurahan": 34, "kecamatan": 6}
    kariangau = Area.objects.get(code="64.71.02.1004").boundary
    assert kariangau["type"] == "MultiPolygon"  # with its islet in Balikpapan Bay
    longitude, latitude = kariangau["coordinates"][0][0][0]
    assert 116.7 < longitude < 117.1 and -1.4 < latitude < -1.0  # lon/lat, not swapped
    assert [r.without_boundary for r in result.boundaries] == [[], []]
    assert [r.unmatched for r in result.boundaries] == [[], []]


@pytest.mark.django_db
def test_the_summary_reads_like_the_command_output():
    result = services.load_areas("64.71")
    with translation.override("en"):
        assert result.summary() == (
            "Loaded Kota Balikpapan: 1 province, 1 city, 6 kecamatan, 34 kelurahan "
            "(created 42, updated 0, unchanged 0); boundaries: 34 kelurahan, 6 kecamatan"
        )
        assert result.warnings() == []


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    services.load_areas("64.71")
    before = list(Area.objects.values_list("code", "name", "level", "parent", "aliases"))

    again = services.load_areas("64.71")

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 42)
    assert again.renamed == [] and again.not_in_code_list == []
    assert sum(result.changed_count for result in again.boundaries) == 0
    assert sum(result.unchanged_count for result in again.boundaries) == 40
    assert list(Area.objects.values_list("code", "name", "level", "parent", "aliases")) == before


@pytest.mark.django_db
def test_it_records_the_older_spellings_of_balikpapan_as_aliases():
    services.load_areas("64.71")
    aliases = dict(Area.objects.exclude(aliases=[]).values_list("code", "aliases"))
    assert aliases == {
        "64.71.02.1005": ["Margomulyo"],
        "64.71.02.1006": ["Margasari"],
        "64.71.03.1002": ["Gunungsamarinda"],
        "64.71.03.1004": ["Muararapak"],
        "64.71.03.1005": ["Gunungsamarinda Baru"],
        "64.71.04.1001": ["Gunungsari Ulu"],
        "64.71.04.1002": ["Gunungsari Ilir"],
        "64.71.05.1006": ["Gunungbahagia"],
        "64.71.05.1010": ["Sungai Nangka"],
    }


@pytest.mark.django_db
def test_a_renamed_area_is_updated_reported_and_keeps_its_old_name_as_an_alias():
    services.load_areas("64.71")
    Area.objects.filter(code="64.71.01.1003").update(name="Teritip Lama", aliases=["Tritip"])

    result = services.load_areas("64.71")

    teritip = Area.objects.get(code="64.71.01.1003")
    assert teritip.name == "Teritip"
    assert teritip.aliases == ["Tritip", "Teritip Lama"]
    assert (result.created_count, result.updated_count, result.unchanged_count) == (0, 1, 41)
    assert result.renamed == [services.Rename("64.71.01.1003", "Teritip Lama", "Teritip")]
    with translation.override("en"):
        assert (
            "Renamed 64.71.01.1003 from Teritip Lama to Teritip (the old name is kept as "
            "another spelling)." in result.warnings()
        )


@pytest.mark.django_db
def test_a_missing_shipped_alias_is_added_back_without_dropping_local_ones():
    services.load_areas("64.71")
    Area.objects.filter(code="64.71.03.1004").update(aliases=["Muara Rapak Lama"])

    result = services.load_areas("64.71")

    assert Area.objects.get(code="64.71.03.1004").aliases == ["Muara Rapak Lama", "Muararapak"]
    assert result.updated_count == 1


@pytest.mark.django_db
def test_an_area_no_longer_in_the_code_list_is_reported_and_kept():
    services.load_areas("64.71")
    Area.objects.create(code="64.71.05.1001", name="Dulu Ada", level=4, parent_id="64.71.05")

    result = services.load_areas("64.71")

    assert result.not_in_code_list == ["64.71.05.1001"]
    assert Area.objects.filter(code="64.71.05.1001").exists()
    with translation.override("en"):
        assert result.warnings() == [
            "1 loaded area is no longer in the code list and was left as it is: 64.71.05.1001",
            "1 area still has no boundary: 64.71.05.1001",
        ]


@pytest.mark.django_db
def test_another_city_loads_too_and_is_told_that_no_boundaries_are_shipped():
    services.load_areas("64.71")
    result = services.load_areas("64.72")

    samarinda = Area.objects.get(code="64.72")
    assert samarinda.name == "Kota Samarinda"
    assert samarinda.descendants().filter(level=Area.Level.DISTRICT).count() == 10
    assert samarinda.descendants().filter(level=Area.Level.VILLAGE).count() == 59
    # The province was already there (from Balikpapan): unchanged, not created again.
    assert (result.created_count, result.unchanged_count) == (1 + 10 + 59, 1)
    assert result.boundaries == []
    assert not samarinda.descendants().filter(boundary__isnull=False).exists()
    assert Area.objects.get(code="64.71").descendants().count() == 40
    with translation.override("en"):
        assert result.summary().startswith("Loaded Kota Samarinda: 1 province, 1 city, ")
        assert result.warnings() == [
            "No boundaries are shipped for Kota Samarinda. Import them from a GeoJSON file "
            "with: tumbuh importboundaries FILE --level 4"
        ]


@pytest.mark.django_db
def test_a_kabupaten_counts_its_desa_and_kelurahan_apart():
    result = services.load_areas("64.02", with_boundaries=False)  # Kabupaten Kutai Kartanegara
    kinds = result.kind_counts
    assert kinds["kabupaten"] == 1 and kinds["kota"] == 0
    assert kinds["desa"] > 0 and kinds["kelurahan"] > 0
    assert kinds["desa"] + kinds["kelurahan"] == (
        Area.objects.filter(level=Area.Level.VILLAGE, code__startswith="64.02.").count()
    )
    with translation.override("en"):
        summary = result.summary()
    assert summary.startswith("Loaded Kabupaten Kutai Kartanegara: 1 province, 1 regency, ")
    assert f"{kinds['kelurahan']} kelurahan, {kinds['desa']} desa (created " in summary
    assert "boundaries" not in summary


@pytest.mark.django_db
def test_loading_a_kecamatan_brings_its_ancestors_and_only_its_own_boundaries():
    result = services.load_areas("64.71.05")

    assert set(Area.objects.values_list("code", flat=True)) == {
        "64", "64.71", "64.71.05", *(f"64.71.05.{n}" for n in BALIKPAPAN["64.71.05"][1]),
    }  # fmt: skip
    assert Area.objects.filter(boundary__isnull=False).count() == 1 + 7
    assert result.boundary_counts() == {"kelurahan": 7, "kecamatan": 1}
    assert all(r.unmatched == [] and r.outside_count > 0 for r in result.boundaries)


@pytest.mark.django_db
def test_loading_the_province_attaches_the_balikpapan_boundaries_it_contains():
    result = services.load_areas("64")
    assert Area.objects.filter(level=Area.Level.REGENCY).count() == 10
    assert result.boundary_counts() == {"kelurahan": 34, "kecamatan": 6}
    province = Area.objects.get(code="64")
    assert result.loaded_count == Area.objects.count() == 1 + province.descendants().count()
    assert result.created_count == result.loaded_count


@pytest.mark.django_db
def test_no_boundaries_loads_the_areas_only():
    result = services.load_areas(" 64.71 ", with_boundaries=False)
    assert Area.objects.count() == 42
    assert not Area.objects.filter(boundary__isnull=False).exists()
    assert result.boundaries == []
    assert result.warnings() == []


@pytest.mark.django_db
def test_an_unknown_code_is_refused_with_close_matches_and_nothing_is_saved():
    with translation.override("en"), pytest.raises(services.UnknownAreaCode) as caught:
        services.load_areas("64.79")
    message = str(caught.value)
    assert message.startswith(
        "The area code 64.79 is not in the Kemendagri code list. Close matches: "
    )
    assert "64.71 Kota Balikpapan" in message
    assert caught.value.code == "64.79"
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_an_undotted_code_is_refused_with_its_dotted_form_suggested():
    with translation.override("en"), pytest.raises(services.UnknownAreaCode) as caught:
        services.load_areas("6471")
    assert "Close matches: 64.71 Kota Balikpapan" in str(caught.value)


@pytest.mark.django_db
def test_a_name_instead_of_a_code_is_refused_with_the_code_suggested():
    with translation.override("en"), pytest.raises(services.UnknownAreaCode) as caught:
        services.load_areas("Balikpapan")
    assert str(caught.value).startswith(
        "Balikpapan is not a Kemendagri area code (write the code with its dots). "
        "Close matches: 64.71 Kota Balikpapan"
    )


@pytest.mark.django_db
def test_a_code_with_nothing_close_explains_the_format():
    with translation.override("en"), pytest.raises(services.UnknownAreaCode) as caught:
        services.load_areas("99.99")
    assert "nothing in it comes close" in str(caught.value)
    assert "64.71 for Kota Balikpapan" in str(caught.value)
