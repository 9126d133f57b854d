"""Shared pieces of the permission matrix (tumbuh/tests/test_permission_matrix.py).

Each app keeps its own rows in ``tumbuh/<app>/tests/matrix.py``: a ``CASES`` dict (URL name →
:class:`Case`), optionally an ``EXEMPT`` dict (URL name → reason and covering test) and an
``extra(cast) -> dict`` function that creates the records its URLs need (merged into the ``x``
argument of every ``Case.args``). The matrix test collects them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EVERYONE = {"kader_a", "kader_a2", "kader_b", "bidan_a", "bidan_b", "tpk_a", "tpk_b", "analyst",
            "analyst_names", "analyst_other_city", "admin"}  # fmt: skip
#: Users whose scope holds side A's posyandu Melati (A1) records.
SCOPE_A1 = {"kader_a", "bidan_a", "analyst", "analyst_names", "admin"}
#: ... and side A1's household records (the TPK team A is assigned to household A1).
SCOPE_A1_HOUSEHOLD = SCOPE_A1 | {"tpk_a"}
RECORDERS_A1 = {"kader_a", "bidan_a", "admin"}


@dataclass
class Case:
    args: object = None  # callable(cast, extra) -> list of URL args
    ok: set = field(default_factory=set)  # users who get 200
    scope: set = field(default_factory=set)  # users for whom the record exists (else 404)
    #: Users refused by role before any record is looked up (403 or 404, whatever the scope).
    role_denied: set = field(default_factory=set)
    public: bool = False  # no personal data: anonymous visitors get the page too


