"""One seed and reference date give one database, row for row (size ``tiny``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models.fields import AutoFieldMixin
from django.test import override_settings

from tumbuh.accounts.models import TpkTeam, User
from tumbuh.areas.models import Area, Posyandu, Puskesmas
from tumbuh.monitoring.models import ChildMeasurement, PosyanduSession, PregnancyCheck
from tumbuh.quality.models import ScorecardCell, ScorecardMonth
from tumbuh.registry.models import Child, Household, Person, Pregnancy
from tumbuh.tools.synthetic import generate_city

AS_OF = dt.date(2025, 6, 15)
MODELS = (
    Area, Puskesmas, Puskesmas.catchment.through, Posyandu, PosyanduSession, TpkTeam,
    Household, Person, Child, ChildMeasurement, Pregnancy, PregnancyCheck, User,
    User.posyandu.through, ScorecardMonth, ScorecardCell,
)  # fmt: skip
#: Set by the clock or by a salted hash, not by the generator.
NOT_DRAWN = {"created_at", "updated_at", "password", "last_login", "date_joined", "built_at"}


def snapshot() -> dict[str, list[tuple]]:
    """Every generated value of every table; integer ids that the database numbers itself
    (accounts, catchment links) are left out: PostgreSQL does not reuse them after a rollback.
    A reference to an account (a measurement's recorder) is compared by username."""
    usernames = dict(User.objects.values_list("pk", "username"))
    contents = {}
    for model in MODELS:
        fields = [
            f for f in model._meta.concrete_fields
            if f.attname not in NOT_DRAWN and not isinstance(f, AutoFieldMixin)
        ]  # fmt: skip
        to_user = [f.is_relation and f.related_model is User for f in fields]
        rows = [
            tuple(usernames.get(v, v) if user else v for v, user in zip(row, to_user, strict=True))
            for row in model.objects.values_list(*[f.attname for f in fields])
        ]
        contents[model._meta.label] = sorted(rows, key=repr)
    return contents


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def generated(seed: int) -> dict[str, list[tuple]]:
    with transaction.atomic():
        generate_city("tiny", seed=seed, as_of=AS_OF)
        contents = snapshot()
        transaction.set_rollback(True)
    return contents


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_database_contents_and_another_seed_another():
    first, second, other = generated(5), generated(5), generated(6)
    assert len(first["monitoring.ChildMeasurement"]) > 3000
    assert len(first["quality.ScorecardCell"]) > 500
    for label in first:
        assert first[label] == second[label], label
    assert first["registry.Child"] != other["registry.Child"]
    assert first["monitoring.ChildMeasurement"] != other["monitoring.ChildMeasurement"]
    assert first["areas.Area"] == other["areas.Area"]  # the geography is real, not drawn
