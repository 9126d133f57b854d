"""The KRS rules with real values: each factor, its boundaries, and the configuration."""

import dataclasses
import datetime as dt

import pytest

from tumbuh.families import config, rules
from tumbuh.families.rules import Facts, PregnancyFacts, add_months, age_months, age_years

ON = dt.date(2026, 6, 15)
cfg = config.load()
DAY = dt.timedelta(days=1)


def born(years=0, months=0, days=0):
    """The birth date of someone aged exactly this much on ON."""
    return add_months(ON, -(12 * years + months)) - dt.timedelta(days=days)


def judge(facts, c=cfg, on=ON):
    return rules.evaluate(facts, on, c)


def mother_of(age_years_, **kw):
    """A household of a mother of ``age_years_`` with a child of 10 months (a baduta)."""
    defaults = {"water_source": "piped", "sanitation": "own_septic"}
    defaults.update(kw)
    return Facts(women=[("m", born(age_years_))], children=[(born(months=10), "m")], **defaults)


def test_ages_in_completed_years_and_months():
    assert age_years(dt.date(2006, 6, 15), ON) == 20
    assert age_years(dt.date(2006, 6, 16), ON) == 19
    assert age_months(dt.date(2024, 6, 15), ON) == 24
    assert age_months(dt.date(2024, 6, 16), ON) == 23
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_a_family_with_safe_water_and_latrine_and_a_mother_of_25_is_a_target_not_at_risk():
    r = judge(mother_of(25))
    assert r.is_target and not r.at_risk and r.factors == [] and r.targets == ["baduta", "pus"]


def test_target_types_and_their_boundaries():
    assert judge(Facts(children=[(born(months=24) + DAY, None)])).targets == ["baduta"]
    assert judge(Facts(children=[(born(months=24), None)])).targets == ["balita"]
    assert judge(Facts(children=[(born(months=60) + DAY, None)])).targets == ["balita"]
    assert judge(Facts(children=[(born(months=60), None)])).is_target is False
    # PUS: a woman of 15 to 49 completed years (no marital status in the registry)
    assert judge(Facts(women=[("w", born(15))])).targets == ["pus"]
    assert judge(Facts(women=[("w", born(15) + DAY)])).is_target is False
    assert judge(Facts(women=[("w", born(50) + DAY)])).targets == ["pus"]
    assert judge(Facts(women=[("w", born(50))])).is_target is False
    # a woman without a birth date is not counted
    assert judge(Facts(women=[("w", None)])).is_target is False
    # a child born after the day does not exist yet
    assert judge(Facts(children=[(ON + dt.timedelta(days=1), None)])).is_target is False


def test_pregnant_and_postpartum():
    open_ = PregnancyFacts(woman_id="w", hpht=ON - dt.timedelta(weeks=20))
    assert judge(Facts(pregnancies=[open_])).targets == ["pregnant"]
    stale = PregnancyFacts(woman_id="w", hpht=ON - dt.timedelta(weeks=44))
    assert judge(Facts(pregnancies=[stale])).is_target is False
    ended = PregnancyFacts(woman_id="w", hpht=ON - dt.timedelta(weeks=45),
                           ended_on=ON - dt.timedelta(days=42))
    assert judge(Facts(pregnancies=[ended])).targets == ["postpartum"]
    ended_long_ago = dataclasses.replace(ended, ended_on=ON - dt.timedelta(days=43))
    assert judge(Facts(pregnancies=[ended_long_ago])).is_target is False
    # a pregnancy that ends after the day was still open on the day
    later = dataclasses.replace(open_, ended_on=ON + dt.timedelta(days=3))
    assert judge(Facts(pregnancies=[later])).targets == ["pregnant"]


@pytest.mark.parametrize(("water", "expected"), [
    ("piped", []), ("refill", []), ("borehole", []), ("protected_well", []),
    ("protected_spring", []), ("unprotected_well", ["water"]), ("surface", ["water"]),
    ("unprotected_spring", ["water"]), ("other", ["water"]), ("", []),
])  # fmt: skip
def test_drinking_water(water, expected):
    r = judge(mother_of(25, water_source=water))
    assert r.factors == expected and r.at_risk is bool(expected)


@pytest.mark.parametrize(("latrine", "krs", "national"), [
    ("own_septic", [], []), ("shared_septic", ["sanitation"], []),
    ("own_no_septic", ["sanitation"], ["sanitation"]), ("public", ["sanitation"], ["sanitation"]),
    ("open", ["sanitation"], ["sanitation"]), ("", [], []),
])  # fmt: skip
def test_latrine_with_both_definitions(latrine, krs, national):
    assert judge(mother_of(25, sanitation=latrine)).factors == krs
    national_cfg = dataclasses.replace(cfg, sanitation_definition="national")
    assert judge(mother_of(25, sanitation=latrine), national_cfg).factors == national


@pytest.mark.parametrize(("age", "expected"), [
    (17, ["too_young"]), (19, ["too_young"]), (20, []), (35, []), (36, ["too_old"]),
    (45, ["too_old"]),
])  # fmt: skip
def test_too_young_and_too_old(age, expected):
    assert judge(mother_of(age)).factors == expected


def test_age_factors_judge_mothers_only_by_default():
    # a 17-year-old daughter and a 30-year-old mother: not "too young"
    facts = Facts(women=[("m", born(30)), ("d", born(17))], children=[(born(months=5), "m")])
    assert judge(facts).factors == []
    all_women = dataclasses.replace(cfg, age_factors_women="all_women")
    assert judge(facts, all_women).factors == ["too_young"]
    # a pregnant 18-year-old is a mother for the rule
    pregnant = Facts(women=[("d", born(18))],
                     pregnancies=[PregnancyFacts(woman_id="d", hpht=ON - dt.timedelta(weeks=8))])
    assert judge(pregnant).factors == ["too_young"] and judge(pregnant).at_risk


def test_too_close_births():
    first = born(3)
    close = Facts(children=[(first, None), (add_months(first, 23), None)])
    assert judge(close).factors == ["too_close"]
    apart = Facts(children=[(first, None), (add_months(first, 24), None)])
    assert judge(apart).factors == []
    twins = Facts(children=[(born(months=6), None), (born(months=6), None)])
    assert judge(twins).factors == []
    # an open pregnancy due 20 months after the last birth
    last = born(months=12)
    hpl = add_months(last, 20)
    pregnant = Facts(children=[(last, "m")], pregnancies=[PregnancyFacts(
        woman_id="m", hpht=hpl - dt.timedelta(days=280), hpl=hpl)])
    assert "too_close" in judge(pregnant).factors
    no_pregnancy_rule = dataclasses.replace(cfg, too_close_counts_pregnancy=False)
    assert "too_close" not in judge(pregnant, no_pregnancy_rule).factors


def test_too_many_children_from_the_register_or_the_parity():
    three = Facts(children=[(born(months=m), None) for m in (6, 36, 66)])
    assert judge(three).factors == []
    four = Facts(children=[(born(months=m), None) for m in (6, 36, 66, 96)])
    assert judge(four).factors == ["too_many"]
    parity = Facts(pregnancies=[PregnancyFacts(woman_id="m", hpht=ON - dt.timedelta(weeks=10),
                                               para=4, hpl=ON + dt.timedelta(weeks=30))])
    assert judge(parity).factors == ["too_many"]
    # "3 or more" (some BKKBN materials): set too_many_over = 2
    assert judge(three, dataclasses.replace(cfg, too_many_over=2)).factors == ["too_many"]


def test_short_mother_counts_only_when_configured():
    facts = Facts(pregnancies=[PregnancyFacts(woman_id="m", hpht=ON - dt.timedelta(weeks=10),
                                              height_cm=144.0)])
    assert judge(facts).factors == []
    with_short = dataclasses.replace(cfg, factors=(*cfg.factors, "short_mother"))
    assert judge(facts, with_short).factors == ["short_mother"]
    assert judge(dataclasses.replace(facts, pregnancies=[dataclasses.replace(
        facts.pregnancies[0], height_cm=145.0)]), with_short).factors == []


def test_a_family_that_is_not_a_target_is_never_at_risk():
    r = judge(Facts(water_source="surface", sanitation="open"))
    assert r.factors == ["water", "sanitation"] and not r.is_target and not r.at_risk


def test_min_factors():
    two = dataclasses.replace(cfg, min_factors=2)
    assert not judge(mother_of(25, water_source="surface"), two).at_risk
    assert judge(mother_of(25, water_source="surface", sanitation="open"), two).at_risk


# --- configuration ------------------------------------------------------------------------------


def _data():
    import tomllib
    from importlib import resources

    text = resources.files("tumbuh.families").joinpath("data", config.DEFAULT_CONFIG_FILE)
    return tomllib.loads(text.read_text(encoding="utf-8"))


def test_the_shipped_configuration():
    assert cfg.version == "2026.1" and cfg.too_many_over == 3 and cfg.too_old_over_years == 35
    assert cfg.due_days_for(["baduta", "pus"]) == 30 and cfg.due_days_for(["pus"]) == 180
    assert cfg.due_days_for([]) is None


@pytest.mark.parametrize(("section", "key", "value", "message"), [
    ("risk", "too_many_over", 0, "risk.too_many_over"),
    ("risk", "factors", ["water", "smoking"], "unknown codes ['smoking']"),
    ("risk", "sanitation_definition", "jmp", "risk.sanitation_definition"),
    ("risk", "age_factors_women", "wives", "risk.age_factors_women"),
    ("target", "pus_min_age_years", 55, "pus_min_age_years is above"),
    ("target", "baduta_max_months", 59, "baduta_max_months must be below"),
    ("visits", "topics", ["feeding", "feeding"], "twice"),
    ("summary", "visited_within_days", "90", "summary.visited_within_days"),
])  # fmt: skip
def test_configuration_mistakes_name_the_key(section, key, value, message):
    data = _data()
    data[section][key] = value
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config.parse(data, "test.toml")


def test_a_missing_visit_schedule_is_named():
    data = _data()
    del data["visits"]["due_after_days"]["postpartum"]
    with pytest.raises(ValueError, match="postpartum"):
        config.parse(data, "test.toml")
    data = _data()
    del data["risk"]["too_old_over_years"]
    with pytest.raises(ValueError, match="risk.too_old_over_years is missing"):
        config.parse(data, "test.toml")


def test_a_new_version_changes_the_decision(tmp_path):
    data = _data()
    src = __import__("importlib").resources.files("tumbuh.families").joinpath(
        "data", config.DEFAULT_CONFIG_FILE).read_text(encoding="utf-8")
    path = tmp_path / "krs-2027.1.toml"
    path.write_text(src.replace('version = "2026.1"', 'version = "2027.1"')
                    .replace("too_many_over = 3", "too_many_over = 2"), encoding="utf-8")
    new = config.load(path)
    assert new.version == "2027.1" and new.too_many_over == 2 and data["version"] == "2026.1"
    three = Facts(children=[(born(months=m), None) for m in (6, 36, 66)])
    assert judge(three, new).at_risk and not judge(three).at_risk
