"""``tumbuh loadareas`` and ``tumbuh importboundaries``."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tumbuh.areas.models import Area


def run(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out, no_color=True)
    return out.getvalue()


@pytest.mark.django_db
def test_loadareas_prints_what_it_loaded():
    assert run("loadareas", "64.71") == (
        "Loaded Kota Balikpapan: 1 province, 1 city, 6 kecamatan, 34 kelurahan "
        "(created 42, updated 0, unchanged 0); boundaries: 34 kelurahan, 6 kecamatan\n"
    )


@pytest.mark.django_db
def test_loadareas_a_second_time_reports_everything_unchanged():
    run("loadareas", "64.71")
    assert run("loadareas", "64.71") == (
        "Loaded Kota Balikpapan: 1 province, 1 city, 6 kecamatan, 34 kelurahan "
        "(created 0, updated 0, unchanged 42); boundaries: 34 kelurahan, 6 kecamatan\n"
    )


@pytest.mark.django_db
def test_loadareas_without_boundaries():
    assert run("loadareas", "64.71", "--no-boundaries") == (
        "Loaded Kota Balikpapan: 1 province, 1 city, 6 kecamatan, 34 kelurahan "
        "(created 42, updated 0, unchanged 0)\n"
    )
    assert not Area.objects.filter(boundary__isnull=False).exists()


@pytest.mark.django_db
def test_loadareas_for_a_city_without_shipped_boundaries_says_how_to_add_them():
    lines = run("loadareas", "64.72").splitlines()
    assert lines[0].startswith("Loaded Kota Samarinda: 1 province, 1 city, 10 kecamatan, ")
    assert lines[1] == (
        "No boundaries are shipped for Kota Samarinda. Import them from a GeoJSON file with: "
        "tumbuh importboundaries FILE --level 4"
    )


@pytest.mark.django_db
def test_loadareas_refuses_an_unknown_code_with_close_matches():
    with pytest.raises(CommandError) as caught:
        run("loadareas", "64.79")
    assert str(caught.value).startswith(
        "The area code 64.79 is not in the Kemendagri code list. Close matches: 64.7"
    )


@pytest.mark.django_db
def test_importboundaries_prints_matches_and_what_is_missing(tmp_path):
    run("loadareas", "64.71", "--no-boundaries")
    ring = [[116.85, -1.25], [116.86, -1.25], [116.86, -1.24], [116.85, -1.24], [116.85, -1.25]]
    path = tmp_path / "selatan.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": code},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                    for code in ["64.71.05.1010", "64.71.05.1099"]
                ],
            }
        )
    )

    lines = run("importboundaries", str(path), "--level", "4", "--within", "64.71.05")

    assert lines.splitlines() == [
        "selatan.geojson: 1 of 2 features matched (0 by name); boundaries changed 1, unchanged 0.",
        "Not imported: features[1] (64.71.05.1099): no loaded area has this code, name or "
        "other spelling",
        "6 areas still have no boundary: 64.71.05.1002, 64.71.05.1006, 64.71.05.1008, "
        "64.71.05.1009, 64.71.05.1011, 64.71.05.1012",
    ]


@pytest.mark.django_db
def test_importboundaries_stops_at_a_bad_file(tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"}]}')
    with pytest.raises(CommandError) as caught:
        run("importboundaries", str(path), "--level", "4")
    assert "features[0]: has neither a code nor a name property" in str(caught.value)


@pytest.mark.django_db
def test_importboundaries_loads_the_shipped_kecamatan_file():
    run("loadareas", "64.71", "--no-boundaries")
    from tumbuh.areas.wilayah import DATA_DIR

    output = run("importboundaries", str(DATA_DIR / "balikpapan_kecamatan.geojson"), "--level", "3")
    assert output == (
        "balikpapan_kecamatan.geojson: 6 of 6 features matched (0 by name); boundaries "
        "changed 6, unchanged 0.\n"
    )


@pytest.mark.parametrize("name", ["loadareas", "importboundaries"])
def test_the_help_of_each_command_is_written_out(name):
    from django.core.management import load_command_class

    with translation.override("en"):
        text = load_command_class("tumbuh.areas", name).create_parser("tumbuh", name).format_help()
    assert f"usage: tumbuh {name}" in text
    assert "Kemendagri" in text or "GeoJSON" in text
