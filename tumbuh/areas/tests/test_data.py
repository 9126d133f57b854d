"""The shipped data files are the ones SOURCES.md describes, with the totals it states."""

import hashlib
import re
from collections import Counter

from tumbuh.areas import wilayah

SOURCES = wilayah.DATA_DIR / "SOURCES.md"


def test_every_shipped_data_file_has_the_checksum_that_sources_md_records():
    recorded = dict(re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|$", SOURCES.read_text(), re.M))
    shipped = {
        path.name
        for path in wilayah.DATA_DIR.iterdir()
        if path.is_file() and path.name != "SOURCES.md"
    }
    assert set(recorded) == shipped
    for name, checksum in recorded.items():
        actual = hashlib.sha256((wilayah.DATA_DIR / name).read_bytes()).hexdigest()
        assert actual == checksum, f"{name} changed: update SOURCES.md ({actual})"


def test_the_code_list_has_the_totals_the_source_publishes():
    code_list = wilayah.read_code_list()
    assert len(code_list) == 91_599
    by_level = Counter(entry.level for entry in code_list)
    assert by_level == {1: 38, 2: 514, 3: 7_285, 4: 83_762}
    villages = Counter(entry.code[-4] for entry in code_list if entry.level == 4)
    assert villages == {"1": 8_496, "2": 75_252, "3": 14}
