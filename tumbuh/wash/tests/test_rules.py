import numpy as np
import pytest

from tumbuh.registry.models import Sanitation, Wastewater, WaterSource
from tumbuh.wash import config, rules

WATER = {
    "piped": True, "public_tap": True, "borehole": True, "protected_well": True,
    "protected_spring": True, "rainwater": True, "refill": True,
    "unprotected_well": False, "unprotected_spring": False, "surface": False, "other": False,
}  # fmt: skip
SANITATION_NATIONAL = {"own_septic": True, "shared_septic": True, "own_no_septic": False,
                       "public": False, "open": False}  # fmt: skip
SANITATION_KRS = {**SANITATION_NATIONAL, "shared_septic": False}
WASTEWATER = {"sewer": True, "pit": True, "open_drain": False, "ground": False, "river": False}


def test_every_registry_code_is_judged():
    assert set(WATER) == set(WaterSource.values)
    assert set(SANITATION_NATIONAL) == set(Sanitation.values)
    assert set(WASTEWATER) == set(Wastewater.values)


@pytest.mark.parametrize(("code", "layak"), WATER.items())
def test_water(code, layak):
    assert rules.water_is_layak(code) is layak


@pytest.mark.parametrize(("code", "layak"), SANITATION_NATIONAL.items())
def test_sanitation_national(code, layak):
    assert rules.sanitation_is_layak(code) is layak


@pytest.mark.parametrize(("code", "layak"), SANITATION_KRS.items())
def test_sanitation_krs_needs_an_own_latrine(code, layak):
    assert rules.sanitation_is_layak(code, "krs") is layak


@pytest.mark.parametrize(("code", "safe"), WASTEWATER.items())
def test_wastewater(code, safe):
    assert rules.wastewater_is_safe(code) is safe


@pytest.mark.parametrize("code", ["", None, "sumur", "PIPED"])
def test_blank_or_unknown_is_none(code):
    assert rules.water_is_layak(code) is None
    assert rules.sanitation_is_layak(code) is None
    assert rules.wastewater_is_safe(code) is None


def test_unknown_definition_is_an_error():
    with pytest.raises(ValueError, match="unknown sanitation definition"):
        rules.sanitation_is_layak("own_septic", "who")


def test_arrays_agree_with_the_scalar_rules():
    codes = [*WATER, "", None, "x"]
    arr = rules.water_layak_array(codes)
    for code, value in zip(codes, arr, strict=True):
        expected = rules.water_is_layak(code)
        assert (np.isnan(value) if expected is None else value == expected)
    san = rules.sanitation_layak_array(np.array([*SANITATION_NATIONAL, ""], dtype=object), "krs")
    assert list(san[:-1]) == [float(v) for v in SANITATION_KRS.values()]
    assert np.isnan(san[-1])
    assert rules.water_layak_array([]).shape == (0,)


@pytest.mark.django_db
def test_query_helpers_count_like_the_rules(cast):
    from tumbuh.registry.models import Household

    for hh, w, s in ((cast.hh_a1, "piped", "shared_septic"), (cast.hh_a2, "surface", "open"),
                     (cast.hh_b1, "", "own_septic")):
        Household.objects.filter(pk=hh.pk).update(water_source=w, sanitation=s)
    qs = Household.objects.all()
    assert qs.filter(rules.water_layak_q()).count() == 1
    assert qs.filter(rules.water_known_q()).count() == 2
    assert qs.filter(rules.sanitation_layak_q()).count() == 2
    assert qs.filter(rules.sanitation_layak_q(definition="krs")).count() == 1
    assert qs.filter(rules.sanitation_known_q()).count() == 3


def test_the_shipped_file_loads_with_its_version():
    rules_ = config.load()
    assert rules_.version == rules.rule_version() == "2026.1"
    assert rules_.project_effects["piped"] == {"water_source": "piped"}


def _data(**changes):
    import tomllib
    from importlib import resources

    text = resources.files("tumbuh.wash").joinpath("data", config.DEFAULT_CONFIG_FILE).read_text()
    data = tomllib.loads(text)
    for path, value in changes.items():
        section, key = path.split("__")
        data[section][key] = value
    return data


@pytest.mark.parametrize(("changes", "message"), [
    ({"water__layak": ["piped"]}, "judged nowhere"),
    ({"water__layak": [*WATER]}, "in both"),
    ({"water__layak": ["piped", "tap"]}, "unknown codes"),
    ({"sanitation__not_layak": "open"}, "must be a list"),
    ({"projects__piped": {"water_source": "pipa"}}, "unknown code"),
    ({"projects__septic": {"latrine": "x"}}, "unknown field"),
])  # fmt: skip
def test_mistakes_in_the_rule_file_name_the_key(changes, message):
    with pytest.raises(ValueError, match=message):
        config.parse(_data(**changes), "test.toml")


def test_a_missing_project_kind_is_refused():
    data = _data()
    del data["projects"]["spald"]
    with pytest.raises(ValueError, match="missing \\['spald'\\]"):
        config.parse(data, "test.toml")
    with pytest.raises(ValueError, match="version"):
        config.parse({**_data(), "version": ""}, "test.toml")
