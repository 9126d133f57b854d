"""Helpers for the registry tests: a fast password hasher, NIKs, a signed-in client."""

import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The cast creates a dozen users; PBKDF2 would take seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_nik(birth_date: dt.date, sex: str, *, region: str = "647101", serial: int = 1) -> str:
    """A well-formed NIK: region, birth date (day + 40 for women), serial number."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{region}{day:02d}{birth_date:%m%y}{serial:04d}"


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user`` (None: stays anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
