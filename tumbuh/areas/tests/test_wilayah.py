"""Reading the shipped code list: once per process, checked row by row, with suggestions."""

import os

import pytest

from tumbuh.areas import wilayah

HEADER = "code,name,level,parent_code\n"


def write(path, text):
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_it_parses_the_code_list_once_and_reuses_it():
    assert wilayah.read_code_list() is wilayah.read_code_list()


def test_it_reads_a_changed_file_again(tmp_path):
    path = write(tmp_path / "list.csv", "64,Kalimantan Timur,1,\n")
    first = wilayah.read_code_list(path)
    assert [entry.code for entry in first] == ["64"]
    write(path, "64,Kalimantan Timur,1,\n64.71,Kota Balikpapan,2,64\n")
    os.utime(path, ns=(1, 1))  # a different modification time even on coarse clocks
    second = wilayah.read_code_list(path)
    assert second is not first
    assert second.get("64.71").name == "Kota Balikpapan"


def test_it_keeps_codes_as_text_with_their_leading_zeros():
    entry = wilayah.read_code_list().get("11.01.01.2001")
    assert entry == wilayah.CodeListEntry("11.01.01.2001", "Keude Bakongan", 4, "11.01.01")


def test_it_reads_quoted_names_that_contain_a_comma():
    names = [entry.name for entry in wilayah.read_code_list() if "," in entry.name]
    assert "Lubuk Pakam I,II" in names


def test_a_subtree_is_the_area_and_everything_under_it_by_whole_code_parts():
    code_list = wilayah.read_code_list()
    subtree = code_list.subtree("64.71")
    assert subtree[0].code == "64.71"
    assert len(subtree) == 1 + 6 + 34
    assert all(entry.code.startswith("64.71.") for entry in subtree[1:])
    assert [entry.code for entry in code_list.ancestors("64.71.05.1010")] == [
        "64",
        "64.71",
        "64.71.05",
    ]
    assert code_list.subtree("99.99") == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("64,Kalimantan Timur,1,\n64.71,Kota Balikpapan,2\n", "line 3: expected 4 columns; got 3"),
        ("6471,Kota Balikpapan,2,64\n", 'line 2: "6471" is not a Kemendagri area code'),
        ("64,Kalimantan Timur,2,\n", 'the level of 64 must be 1; got "2"'),
        ("64,Kalimantan Timur,1,\n64.71,Kota,2,63\n", 'parent of 64.71 must be "64"; got "63"'),
        ("64,Kalimantan Timur,1,\n64.71, Kota Balikpapan,2,64\n", "spaces around it"),
        ("64.71,Kota Balikpapan,2,64\n", "the parent 64 of 64.71 is not in the list"),
        ("64,Kalimantan Timur,1,\n64,Kaltim,1,\n", "the code 64 appears twice"),
        (
            "64,Kaltim,1,\n64.71,Kota,2,64\n64.71.05,Selatan,3,64.71\n"
            "64.71.05.5010,Sungainangka,4,64.71.05\n",
            "must start with 1, 2 or 3",
        ),
    ],
)
def test_it_rejects_a_malformed_row_naming_the_file_and_line(tmp_path, rows, message):
    path = write(tmp_path / "broken.csv", rows)
    with pytest.raises(wilayah.CodeListError, match="broken.csv") as caught:
        wilayah.read_code_list(path)
    assert message in str(caught.value)


def test_it_rejects_a_file_without_the_expected_header(tmp_path):
    path = tmp_path / "no-header.csv"
    path.write_text("64,Kalimantan Timur,1,\n", encoding="utf-8")
    with pytest.raises(wilayah.CodeListError, match="the first line must be"):
        wilayah.read_code_list(path)


def test_it_says_which_file_is_missing(tmp_path):
    with pytest.raises(wilayah.CodeListError, match="missing.csv"):
        wilayah.read_code_list(tmp_path / "missing.csv")


def suggested(text):
    return [entry.code for entry in wilayah.read_code_list().suggestions(text)]


def test_it_suggests_the_dotted_form_of_an_undotted_code():
    assert suggested("6471")[0] == "64.71"


def test_it_suggests_the_areas_under_the_deepest_known_prefix():
    found = suggested("64.71.09")
    assert found and all(code.startswith("64.71.0") and len(code) == 8 for code in found)


def test_it_suggests_areas_by_name_larger_areas_first():
    assert suggested("Balikpapan")[0] == "64.71"
    assert suggested("kota samarinda")[0] == "64.72"


def test_it_suggests_close_spellings_of_a_name():
    assert "64.71" in suggested("Balikpapn")


def test_it_suggests_nothing_for_nonsense():
    assert suggested("99.99") == []
    assert suggested("zzzz qqqq") == []
