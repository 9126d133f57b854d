"""The method version stored with every computed result.

It names everything that can change a stored z-score or status: the engine's own rule set, the
WHO tables (by checksum) and the versioned growth rules. When any part changes, stored rows whose
version differs are recomputed in one bulk pass.
"""

from __future__ import annotations

import hashlib
from functools import cache

from .rules import GrowthRules, load_rules
from .tables import AGE_TABLE_FILES, LENGTH_TABLE_FILES, file_sha256

#: Bump when a rule in the code changes a result (z-score, flag, category or N/T judgement).
ENGINE_VERSION = "1"
#: The WHO anthro release whose rules the engine reproduces.
ANTHRO_REFERENCE = "anthro-1.1.0.9000"


@cache
def tables_fingerprint() -> str:
    """First 8 hex digits of a hash over the shipped WHO tables' sha256 sums."""
    files = sorted([*AGE_TABLE_FILES.values(), *LENGTH_TABLE_FILES.values()])
    h = hashlib.sha256("".join(file_sha256(f) for f in files).encode())
    return h.hexdigest()[:8]


def method_version(rules: GrowthRules | None = None) -> str:
    """``engine/who-tables/anthro-reference/pmk/rules``, e.g. ``g1/who2006.1a2b3c4d/...``."""
    rules = rules or load_rules()
    return (
        f"g{ENGINE_VERSION}/who2006.{tables_fingerprint()}/{ANTHRO_REFERENCE}"
        f"/pmk2-2020/rules-{rules.version}"
    )


METHOD_VERSION = method_version()
