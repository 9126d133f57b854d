"""The demo file shipped with the package."""

from __future__ import annotations

from tumbuh.batch.sample import COLUMNS, generate_sample
from tumbuh.batch.tests.conftest import SAMPLE, read_csv


def test_the_shipped_sample_is_exactly_what_the_generator_makes():
    assert SAMPLE.read_text(encoding="utf-8") == generate_sample()


def test_the_generator_is_deterministic_and_sized_by_its_arguments():
    assert generate_sample(30, seed=1) == generate_sample(30, seed=1)
    assert generate_sample(30, seed=1) != generate_sample(30, seed=2)
    assert len(generate_sample(300).splitlines()) == 301


def test_the_sample_has_varied_posyandu_children_and_pass_through_columns():
    header, rows = read_csv(SAMPLE)
    assert tuple(header) == COLUMNS
    assert len(rows) == 200
    col = {name: [r[header.index(name)] for r in rows] for name in header}
    assert len(set(col["id"])) == 200
    assert len(set(col["posyandu"])) >= 6
    assert {"1", "2"} <= set(col["sex"])
    ages = [int(a) for a in col["age_days"] if a.lstrip("-").isdigit()]
    assert min(ages) < 60 and max(ages) > 1700
    assert set(col["measure"]) == {"l", "h", "b"}
    assert "y" in col["oedema"] and "" in col["oedema"]
    assert sum(v != "" for v in col["headc_cm"]) > 40
    assert sum(v != "" for v in col["armc_cm"]) > 40
