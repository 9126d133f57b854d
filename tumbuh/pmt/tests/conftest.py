"""Messages are checked in English (the source strings), whatever the catalogue says."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
