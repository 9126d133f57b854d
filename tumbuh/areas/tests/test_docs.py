"""docs/areas.md describes every command and page of the areas app."""

from pathlib import Path

import pytest
from django.urls import get_resolver, reverse

import tumbuh

DOC = Path(tumbuh.__file__).resolve().parent.parent / "docs" / "areas.md"
COMMANDS_DIR = Path(__file__).resolve().parent.parent / "management" / "commands"


@pytest.mark.parametrize(
    "command", sorted(p.stem for p in COMMANDS_DIR.glob("*.py") if p.stem != "__init__")
)
def test_every_command_has_a_section_in_the_docs(command):
    assert f"### `tumbuh {command} " in DOC.read_text(encoding="utf-8")


def test_every_page_is_described_with_its_path_and_name():
    text = DOC.read_text(encoding="utf-8")
    names = [
        name
        for name in get_resolver().namespace_dict["areas"][1].reverse_dict
        if isinstance(name, str)
    ]
    assert sorted(names) == ["area-list", "kelurahan-geojson"]
    for name in names:
        assert f"**`{reverse(f'areas:{name}')}`** (`areas:{name}`)" in text
