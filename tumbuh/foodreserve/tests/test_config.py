"""The shipped configuration loads; mistakes name the key."""

from __future__ import annotations

import tomllib

import pytest

from tumbuh.foodreserve import config

GOOD = """
version = "t1"
[eligibility.at_risk]
[eligibility.at_risk_young_child_or_pregnant]
child_under_months = 24
pregnant = true
"""


def test_the_shipped_file_loads():
    cfg = config.load()
    assert cfg.version == "2026.1"
    rule = cfg.rules["at_risk_young_child_or_pregnant"]
    assert (rule.child_under_months, rule.pregnant, rule.pregnancy_max_weeks) == (24, True, 44)
    assert cfg.rules["at_risk"].child_under_months is None
    assert cfg.receipt_backdate_days == 31


@pytest.mark.parametrize(("change", "message"), [
    ('version = ""', "'version'"),
    ("[eligibility.everyone]", "unknown eligibility rules"),
    ("[stock]\nreceipt_backdate_days = -1", "stock.receipt_backdate_days"),
])  # fmt: skip
def test_mistakes_name_the_key(change, message):
    text = GOOD.replace('version = "t1"', change) if change.startswith("version") else (
        GOOD + "\n" + change)
    with pytest.raises(ValueError, match=message):
        config.parse(tomllib.loads(text), "test.toml")


def test_a_rule_needs_its_keys():
    data = tomllib.loads(GOOD)
    data["eligibility"]["at_risk_young_child_or_pregnant"] = {"pregnant": False}
    with pytest.raises(ValueError, match="child_under_months, pregnant"):
        config.parse(data, "test.toml")
    data["eligibility"]["at_risk_young_child_or_pregnant"] = {"child_under_months": 99}
    with pytest.raises(ValueError, match="child_under_months must be"):
        config.parse(data, "test.toml")
    del data["eligibility"]["at_risk_young_child_or_pregnant"]
    with pytest.raises(ValueError, match="no \\[eligibility"):
        config.parse(data, "test.toml")
