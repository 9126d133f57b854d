"""FHIR R4 resources for SATUSEHAT, built as plain JSON-ready dicts (docs/fhir.md).

Pure functions: they read the attributes of the records they are given (a child with its
household and kelurahan, its mother, its measurements) and never query the database. The
queries live in :mod:`tumbuh.fhir.services`.

Every resource's id is a UUID that stays the same for the same record: a child's Patient uses
the child's UUID; the mother's RelatedPerson (one per child) ``uuid5(mother UUID,
"mother-of:<child UUID>")``; the Observations of one measurement ``uuid5(measurement UUID,
"<kind>")``. Bundles name each entry ``urn:uuid:<id>`` and refer to
one another by those URNs, which a transaction resolves on the server.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from . import config

NIK = "https://fhir.kemkes.go.id/id/nik"
NIK_IBU = "https://fhir.kemkes.go.id/id/nik-ibu"
ADMINISTRATIVE_CODE = "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode"
LOCAL_IDS = "http://sys-ids.kemkes.go.id"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"

GENDER = {"M": "male", "F": "female"}

#: kind -> (LOINC code, display, measurement attribute, UCUM unit). The MUAC code's LOINC name
#: says the right arm; Indonesian practice measures the left one (docs/fhir.md).
MEASUREMENTS = {
    "weight": ("29463-7", "Body weight", "weight_kg", "kg"),
    "length": ("8306-3", "Body height --lying", "lenhei_cm", "cm"),
    "height": ("8302-2", "Body height", "lenhei_cm", "cm"),
    "head": ("9843-4", "Head Occipital-frontal circumference", "headc_cm", "cm"),
    "muac": ("56072-2", "Mid-upper arm circumference", "armc_cm", "cm"),
    "bmi": ("39156-5", "Body mass index (BMI) [Ratio]", "bmi", "kg/m2"),
}

#: WHO index -> (z attribute, flag attribute, display, measurement kinds it is derived from).
ZSCORES = {
    "wfa": ("zwei", "fwei", "Weight-for-age z-score (WHO)", ("weight",)),
    "lhfa": ("zlen", "flen", "Length/height-for-age z-score (WHO)", ("length", "height")),
    "wflh": ("zwfl", "fwfl", "Weight-for-length/height z-score (WHO)",
             ("weight", "length", "height")),
    "bfa": ("zbmi", "fbmi", "BMI-for-age z-score (WHO)", ("bmi", "weight", "length", "height")),
    "hcfa": ("zhc", "fhc", "Head circumference-for-age z-score (WHO)", ("head",)),
    "acfa": ("zac", "fac", "Arm circumference-for-age z-score (WHO)", ("muac",)),
}  # fmt: skip

POSITIONS = {"l": ("lying", "Lying (recumbent length)"), "h": ("standing", "Standing (height)")}


def zscore_system() -> str:
    return f"{config.base_url()}/CodeSystem/who-growth-zscore"


def position_system() -> str:
    return f"{config.base_url()}/CodeSystem/measuring-position"


def method_version_extension() -> str:
    return f"{config.base_url()}/StructureDefinition/growth-method-version"


def urn(resource_id) -> str:
    return f"urn:uuid:{resource_id}"


def observation_id(measurement_id, kind: str) -> str:
    """The stable id of one Observation of one measurement."""
    return str(uuid.uuid5(uuid.UUID(str(measurement_id)), kind))


def related_person_id(mother_id, child_id) -> str:
    """The stable id of a mother's RelatedPerson for one child (R4: one patient each, so a
    mother of two children is two RelatedPersons)."""
    return str(uuid.uuid5(uuid.UUID(str(mother_id)), f"mother-of:{child_id}"))


def admin_codes(kelurahan_code: str) -> dict[str, str]:
    """SATUSEHAT's digit codes of a village's province (2), city (4), district (6) and village
    (10 digits) from its Kemendagri code with dots (``64.71.01.1001``)."""
    parts = kelurahan_code.split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a Kemendagri village code with dots: {kelurahan_code!r}")
    return {
        "province": parts[0],
        "city": "".join(parts[:2]),
        "district": "".join(parts[:3]),
        "village": "".join(parts),
    }


def address(household) -> dict:
    """A Patient/RelatedPerson address with SATUSEHAT's administrativeCode extension."""
    kelurahan = household.kelurahan
    codes = admin_codes(kelurahan.code)
    inner = [{"url": key, "valueCode": value} for key, value in codes.items()]
    for key in ("rt", "rw"):
        value = (getattr(household, key) or "").strip()
        if value:
            inner.append({"url": key, "valueCode": value})
    return {
        "use": "home",
        "line": [household.address],
        "country": "ID",
        "extension": [{"url": ADMINISTRATIVE_CODE, "extension": inner}],
    }


def identifiers(child, mother=None) -> list[dict]:
    ids = []
    if child.nik:
        ids.append({"use": "official", "system": NIK, "value": child.nik})
    elif mother is not None and mother.nik:
        ids.append({"use": "official", "system": NIK_IBU, "value": mother.nik})
    org = config.org_id()
    if org:
        ids.append({"use": "usual", "system": f"{LOCAL_IDS}/patient/{org}", "value": str(child.pk)})
    return ids


def uses_nik_ibu(child, mother=None) -> bool:
    return not child.nik and mother is not None and bool(mother.nik)


def patient(child, *, mother=None, birth_order: int | None = None) -> dict:
    """The child as a Patient. Without its own NIK it is identified by its mother's NIK
    (``nik-ibu``) and ``multipleBirthInteger`` (``birth_order``, 1 when not given)."""
    resource = {
        "resourceType": "Patient",
        "id": str(child.pk),
        "identifier": identifiers(child, mother),
        "active": True,
        "name": [{"use": "official", "text": child.name}],
        "gender": GENDER.get(child.sex, "unknown"),
        "birthDate": child.birth_date.isoformat(),
        "address": [address(child.household)],
    }
    if uses_nik_ibu(child, mother):
        resource["multipleBirthInteger"] = birth_order or 1
    if not resource["identifier"]:
        del resource["identifier"]
    return resource


def related_person(mother, child) -> dict:
    """The mother as a RelatedPerson (MTH) of the child's Patient."""
    resource = {
        "resourceType": "RelatedPerson",
        "id": related_person_id(mother.pk, child.pk),
        "active": True,
        "patient": {"reference": urn(child.pk)},
        "relationship": [{"coding": [{"system": ROLE_CODE, "code": "MTH", "display": "mother"}]}],
        "name": [{"use": "official", "text": mother.name}],
        "gender": GENDER.get(mother.sex, "unknown"),
    }
    if mother.nik:
        resource["identifier"] = [{"use": "official", "system": NIK, "value": mother.nik}]
    if mother.birth_date:
        resource["birthDate"] = mother.birth_date.isoformat()
    return resource


def _category(code: str, display: str) -> list[dict]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": display}]}]


def _base_observation(measurement, kind: str) -> dict:
    resource = {
        "resourceType": "Observation",
        "id": observation_id(measurement.pk, kind),
        "status": "final",
        "subject": {"reference": urn(measurement.child_id)},
        "effectiveDateTime": measurement.measured_on.isoformat(),
    }
    org = config.org_id()
    if org:
        resource["performer"] = [{"reference": f"Organization/{org}"}]
    return resource


def measurement_kinds(measurement) -> list[str]:
    """The body measurements a measurement row holds, in a fixed order."""
    kinds = []
    if measurement.weight_kg is not None:
        kinds.append("weight")
    if measurement.lenhei_cm is not None:
        kinds.append("height" if measurement.measure == "h" else "length")
    if measurement.headc_cm is not None:
        kinds.append("head")
    if measurement.armc_cm is not None:
        kinds.append("muac")
    if measurement.bmi is not None:
        kinds.append("bmi")
    return kinds


def body_observation(measurement, kind: str) -> dict:
    """One vital-signs Observation (LOINC code, UCUM unit) of one measurement."""
    code, display, attribute, unit = MEASUREMENTS[kind]
    value = getattr(measurement, attribute)
    resource = _base_observation(measurement, kind)
    resource["category"] = _category("vital-signs", "Vital Signs")
    resource["code"] = {"coding": [{"system": LOINC, "code": code, "display": display}],
                        "text": display}  # fmt: skip
    resource["valueQuantity"] = {"value": round(float(value), 2), "unit": unit, "system": UCUM,
                                 "code": unit}  # fmt: skip
    if kind in ("length", "height"):
        position = POSITIONS[measurement.measure or ("h" if kind == "height" else "l")]
        resource["method"] = {
            "coding": [{"system": position_system(), "code": position[0], "display": position[1]}],
            "text": position[1],
        }
        corrected = measurement.clenhei_cm
        if corrected is not None and abs(corrected - measurement.lenhei_cm) > 0.05:
            resource["note"] = [{"text": (
                f"Measured {measurement.lenhei_cm:g} cm {position[0]}; the z-scores use "
                f"{corrected:g} cm after the WHO 0.7 cm correction for the child's age."
            )}]  # fmt: skip
    elif kind == "muac":
        resource["bodySite"] = {"text": "left upper arm"}
    elif kind == "bmi":
        resource["derivedFrom"] = [
            {"reference": urn(observation_id(measurement.pk, k))}
            for k in measurement_kinds(measurement) if k in ("weight", "length", "height")
        ]  # fmt: skip
    return resource


def zscore_observation(measurement, index: str) -> dict | None:
    """The z-score of one WHO index as an Observation coded in the local CodeSystem, or None
    when the index was not computed or its value is flagged implausible (left out)."""
    z_attr, flag_attr, display, sources = ZSCORES[index]
    value = getattr(measurement, z_attr)
    if value is None or getattr(measurement, flag_attr):
        return None
    present = measurement_kinds(measurement)
    resource = _base_observation(measurement, f"z-{index}")
    resource["category"] = _category("exam", "Exam")
    resource["code"] = {"coding": [{"system": zscore_system(), "code": index,
                                    "display": display}], "text": display}  # fmt: skip
    resource["valueQuantity"] = {"value": round(float(value), 2), "unit": "SD", "system": UCUM,
                                 "code": "{Z-score}"}  # fmt: skip
    resource["method"] = {"text": f"WHO Child Growth Standards 2006; {measurement.method_version}"}
    resource["extension"] = [{"url": method_version_extension(),
                              "valueString": measurement.method_version}]  # fmt: skip
    resource["derivedFrom"] = [{"reference": urn(observation_id(measurement.pk, k))}
                               for k in present if k in sources]  # fmt: skip
    if not resource["derivedFrom"]:
        del resource["derivedFrom"]
    return resource


def observations(measurement, *, zscores: bool = True) -> list[dict]:
    """Every Observation of one measurement: body measurements, then z-scores."""
    result = [body_observation(measurement, kind) for kind in measurement_kinds(measurement)]
    if zscores:
        for index in ZSCORES:
            obs = zscore_observation(measurement, index)
            if obs is not None:
                result.append(obs)
    return result


def child_resources(child, measurements: Iterable, *, birth_order: int | None = None,
                    zscores: bool = True) -> list[dict]:  # fmt: skip
    """The Patient, the mother's RelatedPerson (when known) and every Observation of a child."""
    mother = child.mother if child.mother_id else None
    resources = [patient(child, mother=mother, birth_order=birth_order)]
    if mother is not None:
        resources.append(related_person(mother, child))
    for measurement in measurements:
        resources.extend(observations(measurement, zscores=zscores))
    return resources


def _request(resource: dict) -> dict:
    kind = resource["resourceType"]
    request = {"method": "POST", "url": kind}
    if kind == "Patient":
        official = next((i for i in resource.get("identifier", []) if i["system"] == NIK), None)
        if official:
            request["ifNoneExist"] = f"identifier={NIK}|{official['value']}"
    return request


def bundle(resources: Iterable[dict], *, kind: str = "transaction", bundle_id: str | None = None,
           timestamp: dt.datetime | None = None, links: list[dict] | None = None) -> dict:
    """A Bundle of ``resources`` (``transaction`` or ``collection``)."""
    if kind not in ("transaction", "collection"):
        raise ValueError(f"bundle type must be transaction or collection, got {kind!r}")
    entries = []
    for resource in resources:
        entry = {"fullUrl": urn(resource["id"]), "resource": resource}
        if kind == "transaction":
            entry["request"] = _request(resource)
        entries.append(entry)
    result = {"resourceType": "Bundle", "id": bundle_id or str(uuid.uuid4()), "type": kind}
    if timestamp is not None:
        result["timestamp"] = timestamp.isoformat()
    if links:
        result["link"] = links
    result["entry"] = entries
    return result
