"""Messages are checked in English (the source strings), whatever the catalogue says."""

import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are checked in English (the source strings): tumbuh.testing's ``english``."""
