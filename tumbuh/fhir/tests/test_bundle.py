"""The resources: codes, units, identifiers, addresses, z-scores; each validated as FHIR."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from pydantic import ValidationError

from tumbuh.fhir import bundle, services
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.registry.models import Child

from .conftest import CHILD_NIK, MOTHER_NIK, measure, new_child, validate, validate_bundle


def resources_of(child, **kw):
    rows = services.fetch(Child.objects.filter(pk=child.pk))
    return services.resources_for(rows, **kw)


def by_code(resources):
    return {r["code"]["coding"][0]["code"]: r for r in resources
            if r["resourceType"] == "Observation"}  # fmt: skip


def test_the_validator_refuses_a_broken_resource():
    """fhir.resources checks structure, types and cardinality (not value-set bindings: the
    codes are asserted one by one in the tests below)."""
    with pytest.raises(ValidationError):
        validate({"resourceType": "Patient", "birthDate": "2024-13-45"})
    with pytest.raises(ValidationError):
        validate({"resourceType": "Patient", "nik": "6471011203240001"})
    with pytest.raises(ValidationError):
        validate({"resourceType": "Observation", "code": {"text": "x"}})  # no status
    with pytest.raises(ValidationError):
        validate({"resourceType": "Observation", "status": "final",
                  "code": {"text": "x"}, "valueQuantity": {"value": "heavy"}})  # fmt: skip


def test_every_resource_of_a_child_is_valid_fhir(measured):
    child, _rows = measured
    resources = resources_of(child)
    for resource in resources:
        validate(resource)
    for kind in ("transaction", "collection"):
        parsed = validate_bundle(bundle.bundle(resources, kind=kind))
        assert parsed.type == kind
    kinds = [r["resourceType"] for r in resources]
    assert kinds[:2] == ["Patient", "RelatedPerson"]
    # 2 measurements x (weight, length, head, MUAC, BMI) + z-scores
    assert kinds.count("Observation") >= 10


def test_loinc_codes_and_ucum_units_per_measurement(measured):
    child, rows = measured
    observations = [r for r in resources_of(child) if r["resourceType"] == "Observation"
                    and r["effectiveDateTime"] == rows[1].measured_on.isoformat()]  # fmt: skip
    codes = by_code(observations)
    expected = {"29463-7": (8.7, "kg"), "8306-3": (74.1, "cm"), "9843-4": (45.0, "cm"),
                "56072-2": (14.4, "cm")}  # fmt: skip
    for code, (value, unit) in expected.items():
        obs = codes[code]
        assert obs["code"]["coding"][0]["system"] == "http://loinc.org"
        assert obs["valueQuantity"] == {"value": value, "unit": unit,
                                        "system": "http://unitsofmeasure.org", "code": unit}
        assert obs["category"][0]["coding"][0]["code"] == "vital-signs"
        assert obs["subject"] == {"reference": f"urn:uuid:{child.pk}"}
        assert obs["status"] == "final"
    bmi = codes["39156-5"]
    assert bmi["valueQuantity"]["code"] == "kg/m2"
    assert bmi["valueQuantity"]["value"] == pytest.approx(8.7 / 0.741**2, abs=0.01)
    assert codes["56072-2"]["bodySite"] == {"text": "left upper arm"}
    assert "8302-2" not in codes  # lying: never the standing code


def test_lying_and_standing_are_coded_and_sent_as_method(cast):
    toddler = new_child(cast, name="Budi Berdiri", age_days=3 * 365, sex="M")
    standing = measure(toddler, cast.today, weight=13.0, length=92.0, position="h")
    obs = bundle.body_observation(standing, "height")
    assert obs["code"]["coding"][0]["code"] == "8302-2"
    assert obs["method"]["coding"][0]["code"] == "standing"
    assert "note" not in obs  # a 3-year-old measured standing needs no correction
    baby = new_child(cast, name="Ani Berbaring", age_days=200)
    lying = measure(baby, cast.today, weight=7.0, length=65.0, position="l")
    obs = bundle.body_observation(lying, "length")
    assert obs["code"]["coding"][0]["code"] == "8306-3"
    assert obs["method"]["coding"][0]["code"] == "lying"
    assert obs["method"]["coding"][0]["system"].endswith("/CodeSystem/measuring-position")
    # a 3-year-old measured lying: the z-scores use the height 0.7 cm shorter; the value sent
    # stays what was measured, with the correction in a note
    lying_toddler = measure(toddler, cast.today - dt.timedelta(days=40), weight=12.8,
                            length=91.5, position="l")  # fmt: skip
    obs = bundle.body_observation(lying_toddler, "length")
    assert obs["valueQuantity"]["value"] == 91.5
    assert "90.8 cm" in obs["note"][0]["text"]
    for resource in (obs, bundle.body_observation(standing, "height")):
        validate(resource)


def test_child_with_own_nik(measured, cast):
    child, _rows = measured
    patient = resources_of(child)[0]
    assert patient["identifier"] == [{"use": "official",
                                      "system": "https://fhir.kemkes.go.id/id/nik",
                                      "value": CHILD_NIK}]  # fmt: skip
    assert "multipleBirthInteger" not in patient
    assert patient["gender"] == "female"
    assert patient["birthDate"] == child.birth_date.isoformat()
    assert patient["name"] == [{"use": "official", "text": "Siti Uji"}]


def test_newborn_without_nik_is_identified_by_the_mothers_nik(cast):
    cast.mother_a1.nik = MOTHER_NIK
    cast.mother_a1.save()
    born = cast.today - dt.timedelta(days=5)
    first = new_child(cast, name="Bayi Kembar 1", birth_date=born)
    second = new_child(cast, name="Bayi Kembar 2", birth_date=born, sex="M")
    measure(second, cast.today, weight=3.1, length=49.0, position="l")
    rows = services.fetch(Child.objects.filter(pk__in=[first.pk, second.pk]))
    resources = services.resources_for(rows)
    patients = {r["id"]: r for r in resources if r["resourceType"] == "Patient"}
    for child, order in ((first, 1), (second, 2)):
        patient = patients[str(child.pk)]
        assert patient["identifier"][0] == {"use": "official",
                                            "system": "https://fhir.kemkes.go.id/id/nik-ibu",
                                            "value": MOTHER_NIK}  # fmt: skip
        assert patient["multipleBirthInteger"] == order
        validate(patient)
    mothers = [r for r in resources if r["resourceType"] == "RelatedPerson"]
    assert {m["patient"]["reference"] for m in mothers} == {
        f"urn:uuid:{first.pk}", f"urn:uuid:{second.pk}"}
    assert len({m["id"] for m in mothers}) == 2  # one RelatedPerson per child, ids unique
    mother = mothers[0]
    assert mother["relationship"][0]["coding"][0]["code"] == "MTH"
    assert mother["identifier"][0]["value"] == MOTHER_NIK
    assert mother["gender"] == "female"
    validate_bundle(bundle.bundle(resources))


def test_child_without_any_nik_has_no_identifier_and_no_mother_resource(cast):
    child = new_child(cast, name="Tanpa NIK")
    child.mother = None
    child.save()
    resources = resources_of(child)
    assert [r["resourceType"] for r in resources] == ["Patient"]
    assert "identifier" not in resources[0]
    validate(resources[0])


def test_address_carries_satusehat_administrative_codes_and_rt_rw(measured):
    child, _rows = measured
    address = resources_of(child)[0]["address"][0]
    assert address["line"] == ["Jl. Uji A1"]
    ext = address["extension"][0]
    assert ext["url"] == "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode"
    assert {e["url"]: e["valueCode"] for e in ext["extension"]} == {
        "province": "64", "city": "6471", "district": "647101", "village": "6471011001",
        "rt": "001", "rw": "002",
    }  # fmt: skip


def test_admin_codes_refuse_a_code_that_is_not_a_village():
    assert bundle.admin_codes("64.71.05.1010")["village"] == "6471051010"
    with pytest.raises(ValueError, match="64.71.05"):
        bundle.admin_codes("64.71.05")


def test_zscores_one_per_index_with_the_method_version(measured):
    child, rows = measured
    row = rows[1]
    zs = [r for r in bundle.observations(row) if r["code"]["coding"][0]["system"]
          == bundle.zscore_system()]  # fmt: skip
    present = {idx for idx, (attr, *_x) in bundle.ZSCORES.items()
               if getattr(row, attr) is not None}  # fmt: skip
    assert {"wfa", "lhfa", "wflh", "bfa", "hcfa", "acfa"} == present
    assert {z["code"]["coding"][0]["code"] for z in zs} == present
    wfa = next(z for z in zs if z["code"]["coding"][0]["code"] == "wfa")
    assert wfa["valueQuantity"]["value"] == round(row.zwei, 2)
    assert wfa["valueQuantity"]["code"] == "{Z-score}"
    assert wfa["extension"][0]["valueString"] == row.method_version
    assert row.method_version in wfa["method"]["text"]
    assert wfa["derivedFrom"] == [
        {"reference": f"urn:uuid:{bundle.observation_id(row.pk, 'weight')}"}]
    assert not zs[0]["code"]["coding"][0]["system"].startswith("http://loinc.org")
    for z in zs:
        validate(z)
    assert not [r for r in bundle.observations(row, zscores=False)
                if r["code"]["coding"][0]["system"] == bundle.zscore_system()]  # fmt: skip


def test_flagged_zscores_are_left_out(measured):
    child, rows = measured
    ChildMeasurement.objects.filter(pk=rows[1].pk).update(fwei=True)
    row = ChildMeasurement.objects.get(pk=rows[1].pk)
    codes = {r["code"]["coding"][0]["code"] for r in bundle.observations(row)}
    assert "wfa" not in codes
    assert {"29463-7", "lhfa"} <= codes  # the weight itself and the other indices stay


def test_ids_are_stable_between_exports(measured):
    child, rows = measured
    first = [r["id"] for r in resources_of(child)]
    second = [r["id"] for r in resources_of(child)]
    assert first == second
    assert len(set(first)) == len(first)
    assert first[0] == str(child.pk)
    assert str(bundle.observation_id(rows[0].pk, "weight")) in first
    data = bundle.bundle(resources_of(child))
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in data["entry"])


def test_transaction_requests(measured):
    child, _rows = measured
    data = bundle.bundle(resources_of(child), kind="transaction")
    patient = data["entry"][0]
    assert patient["request"] == {
        "method": "POST", "url": "Patient",
        "ifNoneExist": f"identifier=https://fhir.kemkes.go.id/id/nik|{CHILD_NIK}",
    }  # fmt: skip
    assert {e["request"]["url"] for e in data["entry"][1:]} == {"RelatedPerson", "Observation"}
    assert "request" not in bundle.bundle(resources_of(child), kind="collection")["entry"][0]
    with pytest.raises(ValueError, match="searchset"):
        bundle.bundle([], kind="searchset")


def test_organisation_and_base_url_come_from_the_environment(measured, monkeypatch):
    child, _rows = measured
    monkeypatch.setenv("TUMBUH_SATUSEHAT_ORG_ID", "10000004")
    monkeypatch.setenv("TUMBUH_FHIR_BASE_URL", "https://fhir.balikpapan.example/")
    resources = resources_of(child)
    assert resources[0]["identifier"][1] == {
        "use": "usual", "system": "http://sys-ids.kemkes.go.id/patient/10000004",
        "value": str(child.pk)}
    obs = [r for r in resources if r["resourceType"] == "Observation"]
    assert all(o["performer"] == [{"reference": "Organization/10000004"}] for o in obs)
    systems = {o["code"]["coding"][0]["system"] for o in obs}
    assert "https://fhir.balikpapan.example/CodeSystem/who-growth-zscore" in systems
    validate_bundle(bundle.bundle(resources))
    monkeypatch.setenv("TUMBUH_FHIR_BASE_URL", "tumbuh.example")
    with pytest.raises(ImproperlyConfigured, match="TUMBUH_FHIR_BASE_URL"):
        resources_of(child)
