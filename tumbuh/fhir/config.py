"""Installation settings of the FHIR export, read from the environment at call time.

- ``TUMBUH_SATUSEHAT_ORG_ID``: the organisation's SATUSEHAT (IHS) id. When set, Observations
  name it as performer (``Organization/<id>``) and Patients carry a local identifier in
  ``http://sys-ids.kemkes.go.id/patient/<id>``. Empty (the default): both are left out.
- ``TUMBUH_FHIR_BASE_URL``: the base of the local code systems this installation defines (the
  WHO z-score indices, the measuring position). Default ``https://tumbuh.example/fhir``.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from tumbuh.lib.env import env_str

DEFAULT_BASE_URL = "https://tumbuh.example/fhir"


def org_id() -> str:
    return env_str("TUMBUH_SATUSEHAT_ORG_ID", "").strip()


def base_url() -> str:
    value = env_str("TUMBUH_FHIR_BASE_URL", DEFAULT_BASE_URL).strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"TUMBUH_FHIR_BASE_URL must be an http(s) URL; got {value!r}"
        )
    return value
