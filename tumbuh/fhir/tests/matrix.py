"""Permission-matrix rows of the FHIR downloads (collected by
tumbuh/tests/test_permission_matrix.py).

Both carry names, NIK and addresses: analysts without registry.view_identity are refused by
role (403) before any lookup. One child's Bundle follows the child's scope (the TPK team of its
household included); a posyandu's export follows ``posyandu_for`` (TPK teams have no posyandu).
"""

from tumbuh.testmatrix import EVERYONE, SCOPE_A1, SCOPE_A1_HOUSEHOLD, Case

NO_IDENTITY = {"analyst", "analyst_other_city"}
TPK = {"tpk_a", "tpk_b"}

CASES = {
    # the form lists the user's own posyandu; who may not see identity is refused at once, and
    # a TPK member (whose team has families, not posyandu) has nothing to export
    "fhir:export": Case(ok=EVERYONE - NO_IDENTITY - TPK, role_denied=NO_IDENTITY | TPK),
    "fhir:bundle": Case(
        lambda c, x: [c.child_a1.pk],
        ok=SCOPE_A1_HOUSEHOLD - NO_IDENTITY, scope=SCOPE_A1_HOUSEHOLD, role_denied=NO_IDENTITY,
    ),
    "fhir:posyandu_export": Case(
        lambda c, x: [c.pos_a1.pk],
        ok=SCOPE_A1 - NO_IDENTITY, scope=SCOPE_A1, role_denied=NO_IDENTITY,
    ),
}
