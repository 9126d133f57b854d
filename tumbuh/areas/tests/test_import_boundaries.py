"""``services.import_boundaries``: polygons from a GeoJSON file onto loaded areas."""

import io
import json

import pytest
from django.utils import translation

from tumbuh.areas import services
from tumbuh.areas.models import Area


def square(longitude, latitude, size=0.01):
    """A closed counter-clockwise ring around (longitude, latitude)."""
    return [
        [longitude, latitude],
        [longitude + size, latitude],
        [longitude + size, latitude + size],
        [longitude, latitude + size],
        [longitude, latitude],
    ]


def feature(properties, geometry=None):
    if geometry is None:
        geometry = {"type": "Polygon", "coordinates": [square(116.85, -1.25)]}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write_collection(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture
def loaded(db):
    services.load_areas("64.71", with_boundaries=False)


def test_it_attaches_polygons_by_code_and_reports_unmatched_codes(loaded, tmp_path):
    path = write_collection(
        tmp_path / "kelurahan.geojson",
        [
            feature({"code": "64.71.05.1010", "name": "Sungai Nangka"}),
            feature({"code": "64.71.05.1099", "name": "Tidak Ada"}),
            feature(
                {"code": "64.71.05.1011"},
                {"type": "MultiPolygon", "coordinates": [[square(116.9, -1.2)]]},
            ),
        ],
    )

    result = services.import_boundaries(path, level=4)

    assert result.matched_codes == ["64.71.05.1010", "64.71.05.1011"]
    assert (result.changed_count, result.unchanged_count) == (2, 0)
    assert Area.objects.get(code="64.71.05.1010").boundary == {
        "type": "Polygon",
        "coordinates": [square(116.85, -1.25)],
    }
    assert Area.objects.get(code="64.71.05.1011").boundary["type"] == "MultiPolygon"
    assert [(u.index, u.code) for u in result.unmatched] == [(1, "64.71.05.1099")]
    # Missing boundaries are listed for the whole city the matched features lie in.
    assert len(result.without_boundary) == 34 - 2
    assert "64.71.01.1001" in result.without_boundary
    with translation.override("en"):
        assert result.summary() == (
            "kelurahan.geojson: 2 of 3 features matched (0 by name); boundaries changed 2, "
            "unchanged 0."
        )
        warnings = result.warnings()
    assert warnings[0] == (
        "Not imported: features[1] (64.71.05.1099 Tidak Ada): no loaded area has this code, "
        "name or other spelling"
    )
    assert warnings[1].startswith("32 areas still have no boundary: 64.71.01.1001, ")


def test_a_bad_feature_stops_the_import_naming_its_index_and_saves_nothing(loaded, tmp_path):
    path = write_collection(
        tmp_path / "broken.geojson",
        [
            feature({"code": "64.71.05.1010"}),
            feature({"code": "64.71.05.1011"}, {"type": "Point", "coordinates": [116.9, -1.2]}),
            feature({"code": "64.71.05.1012"}),
        ],
    )

    with translation.override("en"), pytest.raises(services.BoundaryFileError) as caught:
        services.import_boundaries(path, level=4)

    assert str(caught.value) == (
        "broken.geojson has 1 problem; nothing was imported:\n"
        '  features[1]: the geometry must be a Polygon or MultiPolygon; got "Point"'
    )
    assert not Area.objects.filter(boundary__isnull=False).exists()


@pytest.mark.parametrize(
    ("bad_feature", "problem"),
    [
        (feature({"kecamatan_code": "64.71.05"}), "has neither a code nor a name property"),
        ([1, 2], 'is not a GeoJSON Feature (it needs "type": "Feature")'),
        (
            feature({"code": 6471051010}),
            'the code must be text with its dots, such as "64.71.01.1001"; got 6471051010',
        ),
        (feature({"code": "64.71.05.1010"}, None) | {"geometry": None}, "has no geometry"),
        (
            feature({"code": "64.71.05.1010"}, {"type": "Polygon", "coordinates": []}),
            "geometry.coordinates must be a non-empty list of rings",
        ),
        (
            feature(
                {"code": "64.71.05.1010"},
                {"type": "Polygon", "coordinates": [square(116.85, -1.25)[:3]]},
            ),
            "geometry.coordinates[0] must be a ring of at least 4 positions",
        ),
        (
            feature(
                {"code": "64.71.05.1010"},
                {"type": "Polygon", "coordinates": [square(116.85, -1.25)[:-1] + [[1, 1]]]},
            ),
            "geometry.coordinates[0] is not closed: its last position must equal its first",
        ),
        (
            feature(
                {"code": "64.71.05.1010"},
                {"type": "Polygon", "coordinates": [[[-1.25, 116.85]] * 4]},
            ),
            "geometry.coordinates[0][0]: latitude 116.85 is outside -90 to 90 "
            "(are longitude and latitude swapped?)",
        ),
        (
            feature(
                {"code": "64.71.05.1010"},
                {"type": "MultiPolygon", "coordinates": [[[[116.8, "-1.2"]] * 4]]},
            ),
            "geometry.coordinates[0][0][0]: a position must be [longitude, latitude]; "
            'got [116.8, "-1.2"]',
        ),
    ],
)
def test_each_kind_of_bad_feature_is_explained(loaded, tmp_path, bad_feature, problem):
    path = write_collection(
        tmp_path / "bad.geojson", [feature({"code": "64.71.05.1012"}), bad_feature]
    )
    with translation.override("en"), pytest.raises(services.BoundaryFileError) as caught:
        services.import_boundaries(path, level=4)
    assert caught.value.problems == [f"features[1]: {problem}"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{not json",
            "bad.geojson is not valid JSON: Expecting property name enclosed in "
            "double quotes at line 1, column 2.",
        ),
        ('{"type": "Feature"}', "bad.geojson is not a GeoJSON FeatureCollection"),
        ("[]", "bad.geojson is not a GeoJSON FeatureCollection"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused(loaded, tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with translation.override("en"), pytest.raises(services.BoundaryFileError) as caught:
        services.import_boundaries(path, level=4)
    assert str(caught.value).startswith(message)


def test_a_missing_file_is_named(loaded, tmp_path):
    with translation.override("en"), pytest.raises(services.BoundaryFileError) as caught:
        services.import_boundaries(tmp_path / "missing.geojson", level=4)
    assert str(caught.value).startswith("Cannot read ")
    assert "missing.geojson" in str(caught.value)


def test_it_matches_by_name_or_older_spelling_when_the_code_is_missing_or_unknown(loaded):
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature({"name": "GUNUNGSAMARINDA"}),  # the 2022 spelling, any case
            feature({"code": "6471031004", "name": "Muara  Rapak"}),  # BPS-style code
        ],
    }
    upload = io.BytesIO(json.dumps(collection).encode())

    result = services.import_boundaries(upload, level=4)

    assert result.matched_codes == ["64.71.03.1002", "64.71.03.1004"]
    assert result.matched_by_name == [
        (0, "GUNUNGSAMARINDA", "64.71.03.1002"),
        (1, "Muara  Rapak", "64.71.03.1004"),
    ]
    with translation.override("en"):
        assert result.warnings()[0] == (
            "features[0] has no known code; matched by its name GUNUNGSAMARINDA to 64.71.03.1002."
        )


def test_a_name_shared_by_two_areas_is_not_guessed(loaded):
    services.load_areas("64.72", with_boundaries=False)
    Area.objects.filter(code="64.72.01.1001").update(aliases=["Damai"])
    upload = io.StringIO(json.dumps({"type": "FeatureCollection", "features": [
        feature({"name": "Damai"}),
    ]}))  # fmt: skip

    result = services.import_boundaries(upload, level=4)

    assert result.matched_codes == []
    assert result.unmatched[0].reason == (
        "its name matches several areas: 64.71.06.1005, 64.72.01.1001"
    )


def test_two_features_for_one_area_stop_the_import(loaded, tmp_path):
    path = write_collection(
        tmp_path / "twice.geojson",
        [feature({"code": "64.71.05.1010"}), feature({"name": "Sungai Nangka"})],
    )
    with translation.override("en"), pytest.raises(services.BoundaryFileError) as caught:
        services.import_boundaries(path, level=4)
    assert caught.value.problems == ["features[1] and features[0] are both for 64.71.05.1010"]
    assert not Area.objects.filter(boundary__isnull=False).exists()


def test_a_code_of_another_level_is_reported_as_such(loaded, tmp_path):
    path = write_collection(tmp_path / "kecamatan.geojson", [feature({"code": "64.71.05"})])
    with translation.override("en"):
        result = services.import_boundaries(path, level=4)
    assert result.unmatched[0].reason == "64.71.05 is a code of level 3, not of level 4"


def test_within_skips_features_outside_and_lists_missing_ones_inside(loaded, tmp_path):
    path = write_collection(
        tmp_path / "kelurahan.geojson",
        [feature({"code": "64.71.05.1010"}), feature({"code": "64.71.01.1001"})],
    )

    result = services.import_boundaries(path, level=4, within="64.71.05")

    assert result.matched_codes == ["64.71.05.1010"]
    assert result.outside_count == 1
    assert result.unmatched == []
    assert result.without_boundary == [
        "64.71.05.1002", "64.71.05.1006", "64.71.05.1008", "64.71.05.1009", "64.71.05.1011",
        "64.71.05.1012",
    ]  # fmt: skip
    assert Area.objects.get(code="64.71.01.1001").boundary is None


def test_importing_the_same_file_again_changes_nothing(loaded):
    path = services.DATA_DIR / "balikpapan_kecamatan.geojson"
    first = services.import_boundaries(path, level=3)
    second = services.import_boundaries(path, level=3)
    assert (first.changed_count, first.unchanged_count) == (6, 0)
    assert (second.changed_count, second.unchanged_count) == (0, 6)
    assert second.without_boundary == []


def test_a_level_outside_1_to_4_is_refused(loaded, tmp_path):
    path = write_collection(tmp_path / "x.geojson", [])
    with translation.override("en"), pytest.raises(services.AreaError, match="must be 1, 2, 3"):
        services.import_boundaries(path, level=5)
