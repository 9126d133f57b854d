"""Kemendagri codes are text with a fixed shape; level, parent and kind come from the code."""

import pytest

from tumbuh.areas import codes


@pytest.mark.parametrize(
    ("code", "level"),
    [("64", 1), ("64.71", 2), ("64.71.05", 3), ("64.71.05.1010", 4)],
)
def test_it_reads_the_level_from_the_number_of_parts(code, level):
    assert codes.is_code(code)
    assert codes.level_of(code) == level


@pytest.mark.parametrize(
    "text",
    ["", "6471", "64.7", "64.71.5", "64.71.05.101", "64.71.05.10100", " 64.71", "64.71.", "ab"],
)
def test_it_rejects_anything_that_is_not_a_dotted_fixed_width_code(text):
    assert not codes.is_code(text)
    with pytest.raises(ValueError, match="not a Kemendagri area code"):
        codes.level_of(text)


def test_it_gives_the_parent_and_the_ancestors_by_cutting_the_code():
    assert codes.parent_of("64.71.05.1010") == "64.71.05"
    assert codes.parent_of("64") is None
    assert codes.ancestors_of("64.71.05.1010") == ["64", "64.71", "64.71.05"]
    assert codes.ancestors_of("64") == []


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("64", "province"),
        ("64.01", "kabupaten"),
        ("64.69", "kabupaten"),
        ("64.71", "kota"),
        ("31.75", "kota"),
        ("64.71.05", "kecamatan"),
        ("64.71.05.1010", "kelurahan"),
        ("64.02.01.2001", "desa"),
        ("91.03.01.3001", "desa_adat"),
    ],
)
def test_it_tells_kabupaten_from_kota_and_kelurahan_from_desa_by_the_code(code, kind):
    assert codes.kind_of(code) == kind


def test_it_refuses_a_village_number_that_starts_with_another_digit():
    with pytest.raises(ValueError, match="does not start with 1, 2 or 3"):
        codes.kind_of("64.71.05.4010")


def test_within_compares_whole_parts_not_characters():
    assert codes.is_within("64.71.05.1010", "64.71")
    assert codes.is_within("64.71", "64.71")
    assert not codes.is_within("64.710", "64.71")
    assert not codes.is_within("64.72.01", "64.71")
