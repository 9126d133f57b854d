"""Permission-matrix rows of the FHIR downloads (collected by
tumbuh/tests/test_permission_matrix.py).

Both carry names, NIK and addresses: analysts without registry.view_identity are refused by
role (403) before any lookup. One child's Bundle follows the child's scope (the TPK team of its
household included); a posyandu's export follows ``posyandu_for`` (TPK teams have no posyandu).
"""

from tumbuh.testmatrix import SCOPE_A1, SCOPE_A1_HOUSEHOLD, Case

NO_IDENTITY = {"analyst", "analyst_other_city"}

CASES = {
    "fhir:bundle": Case(
        lambda c, x: [c.child_a1.pk],
        ok=SCOPE_A1_HOUSEHOLD - NO_IDENTITY, scope=SCOPE_A1_HOUSEHOLD, role_denied=NO_IDENTITY,
    ),
    "fhir:posyandu_export": Case(
        lambda c, x: [c.pos_a1.pk],
        ok=SCOPE_A1 - NO_IDENTITY, scope=SCOPE_A1, role_denied=NO_IDENTITY,
    ),
}
