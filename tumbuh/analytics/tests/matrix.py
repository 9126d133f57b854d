"""Permission-matrix rows of the analytics pages (collected by
tumbuh/tests/test_permission_matrix.py). The prevalence page's row lives in that file."""

from tumbuh.testmatrix import EVERYONE, SCOPE_A1_HOUSEHOLD, Case

CASES = {
    # every user gets the SKDN page; its figures hold their own area only (test_skdn.py)
    "analytics:skdn": Case(ok=EVERYONE, scope=EVERYONE),
    # posyandu Melati (A1): its kader, the bidan of its puskesmas, the city's analysts, the
    # admin, and TPK team A, whose household A1 has a child there (the team's families only)
    "analytics:posyandu": Case(lambda c, x: [c.pos_a1.pk], ok=SCOPE_A1_HOUSEHOLD,
                               scope=SCOPE_A1_HOUSEHOLD),
}
