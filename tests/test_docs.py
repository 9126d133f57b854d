"""The documentation cannot fall behind the code (the datasette idea).

- every environment variable the code reads has a section in docs/configuration.md and a line
  in .env.example, and the docs describe no variable the code does not read;
- settings.py reads the environment only through the helpers of tumbuh/lib/env.py;
- the README opens with the two commands a newcomer needs.
"""

import ast
import re
from pathlib import Path

import pytest

import tumbuh

PACKAGE_DIR = Path(tumbuh.__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
SETTINGS_FILE = PACKAGE_DIR / "settings.py"
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"
ENV_EXAMPLE = ROOT / ".env.example"
README = ROOT / "README.md"

VARIABLE_NAME = re.compile(r"^(TUMBUH_[A-Z0-9_]+|DATABASE_URL)$")


def python_files():
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "tests" not in path.relative_to(PACKAGE_DIR).parts:
            yield path


def string_constants(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def variables_read_by_settings() -> set[str]:
    """Names passed to env_* helpers in settings.py; env_secret also reads NAME_FILE."""
    names = set()
    tree = ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("env_")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
            if node.func.id == "env_secret":
                names.add(f"{node.args[0].value}_FILE")
    return names


def variables_in_code() -> set[str]:
    """Every variable name spelled out anywhere in the package.

    Tests are left out: the variables only the test suite reads (TUMBUH_REQUIRE_BROWSER,
    TUMBUH_CHROMIUM_PATH) are described in CONTRIBUTING.md, not in the configuration docs.
    """
    found = {
        value
        for path in python_files()
        for value in string_constants(path)
        if VARIABLE_NAME.match(value)
    }
    return found | variables_read_by_settings()


def documented_variables() -> set[str]:
    text = CONFIGURATION_DOC.read_text(encoding="utf-8")
    return set(re.findall(r"^## `?([A-Z][A-Z0-9_]+)`?\s*$", text, re.M))


def example_variables() -> set[str]:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.M))


def test_the_settings_read_the_variables_this_test_expects():
    """Guards the AST scan itself: if it found nothing, the tests below would prove nothing."""
    assert {"TUMBUH_DEBUG", "TUMBUH_SECRET_KEY", "TUMBUH_SECRET_KEY_FILE", "DATABASE_URL"} <= (
        variables_read_by_settings()
    )
    assert "TUMBUH_DATA_DIR" in variables_in_code()


@pytest.mark.parametrize("name", sorted(variables_in_code()))
def test_every_variable_has_a_section_in_docs_configuration(name):
    assert name in documented_variables(), f"add a '## {name}' section to docs/configuration.md"


@pytest.mark.parametrize("name", sorted(variables_in_code()))
def test_every_variable_is_in_env_example(name):
    assert name in example_variables(), f"add {name}=... to .env.example"


def test_the_docs_describe_no_variable_the_code_does_not_read():
    assert documented_variables() - variables_in_code() == set()
    assert example_variables() - variables_in_code() == set()


def test_settings_read_the_environment_only_through_the_helpers():
    source = SETTINGS_FILE.read_text(encoding="utf-8")
    assert "os.environ" not in source
    assert "getenv" not in source


def test_the_readme_opens_with_the_demo_and_test_commands():
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"^```[a-z]*\n(.*?)^```", text, re.M | re.S).group(1)
    lines = (line.split("#")[0].strip() for line in first_block.splitlines())
    commands = [line for line in lines if line]
    assert commands == ["python3 dev.py demo", "python3 dev.py test"]
    before = text[: text.index("```")]
    assert before.count("\n## ") == 0, "the commands come before any section"
