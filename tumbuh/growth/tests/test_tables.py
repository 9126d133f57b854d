"""The shipped WHO tables: checksums recorded in SOURCES.md, complete key ranges, no L == 0."""

import re
from importlib import resources

import numpy as np
import pytest

from tumbuh.growth import tables

SOURCES = resources.files("tumbuh.growth").joinpath("data", "SOURCES.md").read_text("utf-8")
ALL_FILES = sorted([*tables.AGE_TABLE_FILES.values(), *tables.LENGTH_TABLE_FILES.values()])


@pytest.mark.parametrize("filename", ALL_FILES)
def test_it_matches_the_checksum_recorded_in_sources(filename):
    recorded = re.search(rf"`{re.escape(filename)}` \| \d+ \| `([0-9a-f]{{64}})`", SOURCES)
    assert recorded, f"{filename} is not listed in data/SOURCES.md"
    assert tables.file_sha256(filename) == recorded.group(1)


@pytest.mark.parametrize("code", sorted(tables.AGE_TABLE_FILES))
def test_age_tables_cover_every_day_up_to_1826(code):
    t = tables.age_table(tables.AGE_TABLE_FILES[code])
    first = t.min_age_days
    assert first in (0, 91)
    for sex in (0, 1):
        block = t.m[sex * tables.N_AGE_DAYS : (sex + 1) * tables.N_AGE_DAYS]
        assert not np.isnan(block[first:]).any()
        assert np.isnan(block[:first]).all()
    assert np.isnan(t.m[t.nan_row])
    assert not (t.l == 0).any()


def test_only_length_and_head_circumference_tables_have_l_equal_to_one():
    l_one = {c for c, f in tables.AGE_TABLE_FILES.items() if tables.age_table(f).l_is_one}
    assert l_one == {"lhfa", "hcfa"}


@pytest.mark.parametrize(
    ("code", "min_cm", "max_cm"), [("wfl", 45.0, 110.0), ("wfh", 65.0, 120.0)]
)
def test_length_tables_run_in_tenths_of_a_centimetre(code, min_cm, max_cm):
    t = tables.length_table(tables.LENGTH_TABLE_FILES[code])
    assert (t.min_cm, t.max_cm) == (min_cm, max_cm)
    assert t.n_keys == round((max_cm - min_cm) * 10) + 1
    assert not np.isnan(t.m[: 2 * t.n_keys]).any()


def test_packed_parameters_equal_the_tables_they_come_from():
    packed = tables.packed_age_params().params.reshape(3, 8, -1)
    for k, code in enumerate(tables.Z_ROW_TABLES):
        if code is None:
            assert np.isnan(packed[:, k]).all()
            continue
        t = tables.age_table(tables.AGE_TABLE_FILES[code])
        for param, values in enumerate((t.l, t.m, t.s)):
            np.testing.assert_array_equal(packed[param, k], values)
