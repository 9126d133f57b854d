"""Fixtures of the areas tests. Areas are loaded from the shipped code list, which each test
process parses once (``wilayah.read_code_list`` keeps it)."""

import pytest

from tumbuh.areas import services
from tumbuh.areas.models import Area


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the messages' English source text; other apps' tests cover Indonesian."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def balikpapan(db) -> Area:
    """Kota Balikpapan (64.71) with its province, kecamatan, kelurahan and boundaries."""
    services.load_areas("64.71")
    return Area.objects.get(code="64.71")


@pytest.fixture
def staff_client(client, django_user_model):
    # No password: force_login needs none, and hashing one costs a third of a second.
    user = django_user_model.objects.create_user(username="petugas")
    client.force_login(user)
    return client
