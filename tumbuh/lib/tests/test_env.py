"""The environment helpers behind every setting: good values parse, bad values stop start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tumbuh.lib.env import env_bool, env_int, env_list, env_path, env_secret, env_str


@pytest.mark.parametrize("text", ["1", "true", "TRUE", "yes", "on", " True "])
def test_env_bool_reads_true_words(text):
    assert env_bool("TUMBUH_DEBUG", False, environ={"TUMBUH_DEBUG": text}) is True


@pytest.mark.parametrize("text", ["0", "false", "False", "no", "off"])
def test_env_bool_reads_false_words(text):
    assert env_bool("TUMBUH_DEBUG", True, environ={"TUMBUH_DEBUG": text}) is False


@pytest.mark.parametrize("environ", [{}, {"TUMBUH_DEBUG": ""}, {"TUMBUH_DEBUG": "  "}])
def test_unset_or_empty_values_give_the_default(environ):
    assert env_bool("TUMBUH_DEBUG", True, environ=environ) is True
    assert env_str("TUMBUH_DEBUG", "x", environ=environ) == "x"


@pytest.mark.parametrize("text", ["maybe", "2", "y", "enabled"])
def test_env_bool_rejects_anything_else_naming_the_variable_and_value(text):
    message = rf"TUMBUH_DEBUG must be true or false.*'{text}'"
    with pytest.raises(ImproperlyConfigured, match=message):
        env_bool("TUMBUH_DEBUG", False, environ={"TUMBUH_DEBUG": text})


def test_env_int_reads_whole_numbers_within_bounds():
    environ = {"N": "60"}
    assert env_int("N", 0, min_value=0, max_value=60, environ=environ) == 60


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sixty", "N must be a whole number; got 'sixty'"),
        ("1.5", "N must be a whole number; got '1.5'"),
        ("-1", "N must be at least 0; got -1"),
        ("61", "N must be at most 60; got 61"),
    ],
)
def test_env_int_rejects_bad_values(text, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        env_int("N", 0, min_value=0, max_value=60, environ={"N": text})


def test_env_list_splits_on_commas_and_drops_blanks():
    environ = {"HOSTS": " tumbuh.example.id, ,localhost ,"}
    assert env_list("HOSTS", [], environ=environ) == ["tumbuh.example.id", "localhost"]
    assert env_list("HOSTS", ["a"], environ={}) == ["a"]


def test_env_str_checks_choices():
    assert env_str("LANG", "id", choices=["id", "en"], environ={"LANG": "en"}) == "en"
    with pytest.raises(ImproperlyConfigured, match="LANG must be one of id, en; got 'fr'"):
        env_str("LANG", "id", choices=["id", "en"], environ={"LANG": "fr"})


def test_env_path_resolves_relative_paths_from_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    here = tmp_path.resolve()
    assert env_path("DIR", "var", environ={}) == here / "var"
    assert env_path("DIR", "var", environ={"DIR": "data"}) == here / "data"
    assert env_path("DIR", "var", environ={"DIR": str(here / "x")}) == here / "x"


def test_env_secret_reads_the_variable_or_a_file(tmp_path):
    secret_file = tmp_path / "key"
    secret_file.write_text("from-a-file\n")
    assert env_secret("KEY", "", environ={"KEY": "direct"}) == "direct"
    assert env_secret("KEY", "", environ={"KEY_FILE": str(secret_file)}) == "from-a-file"
    assert env_secret("KEY", "fallback", environ={}) == "fallback"


def test_env_secret_refuses_both_sources(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="Set KEY or KEY_FILE, not both"):
        env_secret("KEY", "", environ={"KEY": "a", "KEY_FILE": str(tmp_path / "key")})


def test_env_secret_refuses_an_unreadable_or_empty_file(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="KEY_FILE names .*missing.* cannot be read"):
        env_secret("KEY", "", environ={"KEY_FILE": str(tmp_path / "missing")})
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(ImproperlyConfigured, match="which is empty"):
        env_secret("KEY", "", environ={"KEY_FILE": str(empty)})
