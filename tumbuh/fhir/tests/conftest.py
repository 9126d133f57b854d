"""Fixtures of the FHIR tests: children measured through the monitoring service, and a checker
that validates resources with fhir.resources (R4B models: see docs/fhir.md, "Validation")."""

import datetime as dt

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.registry.models import Child

MOTHER_NIK = "6471014505950001"
CHILD_NIK = "6471011203240001"


def validate(resource: dict):
    """Parse one resource with its fhir.resources model (raises on any R4 violation)."""
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def validate_bundle(data: dict) -> Bundle:
    parsed = Bundle.model_validate(data)
    for entry in data["entry"]:
        validate(entry["resource"])
    return parsed


def measure(child, on, *, weight=None, length=None, position="", head=None, arm=None):
    return record_measurement(
        child=child, confirm=True,
        data=MeasurementInput(measured_on=on, weight_kg=weight, lenhei_cm=length,
                              measure=position, headc_cm=head, armc_cm=arm),
    )  # fmt: skip


def new_child(cast, *, name="Anak FHIR", age_days=400, nik="", sex="F", mother=None,
              household=None, posyandu=None, birth_date=None):  # fmt: skip
    return Child.objects.create(
        name=name, nik=nik, sex=sex,
        birth_date=birth_date or cast.today - dt.timedelta(days=age_days),
        household=household or cast.hh_a1, mother=mother or cast.mother_a1,
        posyandu=posyandu or cast.pos_a1,
    )  # fmt: skip


@pytest.fixture
def measured(cast):
    """A 13-month-old girl of posyandu Melati with her own NIK, measured twice (lying)."""
    child = new_child(cast, name="Siti Uji", nik=CHILD_NIK)
    first = measure(child, cast.today - dt.timedelta(days=31), weight=8.4, length=73.0,
                    position="l", head=44.5, arm=14.2)  # fmt: skip
    second = measure(child, cast.today - dt.timedelta(days=1), weight=8.7, length=74.1,
                     position="l", head=45.0, arm=14.4)  # fmt: skip
    return child, [first, second]
