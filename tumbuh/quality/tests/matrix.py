"""Permission-matrix rows of the data-quality scorecard (collected by
tumbuh/tests/test_permission_matrix.py)."""

from tumbuh.testmatrix import EVERYONE, SCOPE_A1_HOUSEHOLD, Case

CASES = {
    # every user gets the table; its rows hold their own area only (test_services.py)
    "quality:scorecard": Case(ok=EVERYONE, scope=EVERYONE),
    # posyandu Melati (A1): its kader, the bidan of its puskesmas, the city's analysts, the
    # admin, and TPK team A, whose household A1 has a child there (the team's families only)
    "quality:posyandu": Case(lambda c, x: [c.pos_a1.pk], ok=SCOPE_A1_HOUSEHOLD,
                             scope=SCOPE_A1_HOUSEHOLD),
    # kader A (of Melati): themselves, and whoever sees Melati; not kader A2, a colleague
    "quality:cadre": Case(lambda c, x: [c.kader_a.pk], ok=SCOPE_A1_HOUSEHOLD,
                          scope=SCOPE_A1_HOUSEHOLD),
}
