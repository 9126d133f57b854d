"""Permission-matrix rows of the analytics pages (collected by
tumbuh/tests/test_permission_matrix.py). The prevalence page's row lives in that file."""

from tumbuh.testmatrix import EVERYONE, SCOPE_A1_HOUSEHOLD, Case

#: Kader and TPK lack the puskesmas level (views_skdn.ROLE_LEVELS): no puskesmas recap.
NO_RECAP = {"kader_a", "kader_a2", "kader_b", "tpk_a", "tpk_b"}

CASES = {
    # every user gets the SKDN page; its figures hold their own area only (test_skdn.py)
    "analytics:skdn": Case(ok=EVERYONE, scope=EVERYONE),
    # posyandu Melati (A1): its kader, the bidan of its puskesmas, the city's analysts, the
    # admin, and TPK team A, whose household A1 has a child there (the team's families only)
    "analytics:posyandu": Case(lambda c, x: [c.pos_a1.pk], ok=SCOPE_A1_HOUSEHOLD,
                               scope=SCOPE_A1_HOUSEHOLD),
    # the monthly form (F1) of Melati: the same users as its SKDN page (test_monthly_report.py)
    "analytics:posyandu_report": Case(lambda c, x: [c.pos_a1.pk], ok=SCOPE_A1_HOUSEHOLD,
                                      scope=SCOPE_A1_HOUSEHOLD),
    # the puskesmas recap: bidan (her puskesmas), analysts and the admin; kader and TPK 403
    "analytics:recap": Case(ok=EVERYONE - NO_RECAP, scope=EVERYONE, role_denied=NO_RECAP),
}
