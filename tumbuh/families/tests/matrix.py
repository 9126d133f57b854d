"""Permission-matrix rows of the families pages (collected by
tumbuh/tests/test_permission_matrix.py).

The records are family A1 (posyandu Melati, TPK team A) and a referral of it. Inside the scope:
TPK members, bidan and administrators screen, visit and refer; the kader of A1 reads and refers;
analysts read the summary, and the families only with the identity permission. POST-only URLs
are exempt here and covered in tumbuh/families/tests/test_views.py.
"""

import datetime as dt

from tumbuh.testmatrix import EVERYONE, SCOPE_A1_HOUSEHOLD, Case

#: analysts without the identity permission see the summaries only
FAMILY_READERS = EVERYONE - {"analyst", "analyst_other_city"}


def extra(cast):
    from tumbuh.families.models import Referral

    referral = Referral.objects.create(
        household=cast.hh_a1, child=cast.child_a1, referred_on=cast.today - dt.timedelta(days=3),
        destination="puskesmas", reason="BB tidak naik 2 bulan", created_by=cast.tpk_a,
    )  # fmt: skip
    return {"krs_referral": referral}


CASES = {
    # lists: everyone's own scope; analysts without names are refused (summary only)
    "families:worklist": Case(ok=FAMILY_READERS, scope=EVERYONE,
                              role_denied={"analyst", "analyst_other_city"}),
    "families:referrals": Case(ok=FAMILY_READERS, scope=EVERYONE,
                               role_denied={"analyst", "analyst_other_city"}),
    "families:summary": Case(ok=EVERYONE, scope=EVERYONE),
    "families:summary-csv": Case(ok=EVERYONE, scope=EVERYONE),
    # teams: TPK members (their own), bidan and administrators (assign)
    "families:teams": Case(ok={"tpk_a", "tpk_b", "bidan_a", "bidan_b", "admin"}, scope=EVERYONE,
                           role_denied=EVERYONE - {"tpk_a", "tpk_b", "bidan_a", "bidan_b",
                                                   "admin"}),
    # family A1
    "families:family": Case(lambda c, x: [c.hh_a1.pk], ok=SCOPE_A1_HOUSEHOLD - {"analyst"},
                            scope=SCOPE_A1_HOUSEHOLD),
    "families:visit": Case(lambda c, x: [c.hh_a1.pk], ok={"tpk_a", "bidan_a", "admin"},
                           scope=SCOPE_A1_HOUSEHOLD),
    "families:refer": Case(lambda c, x: [c.hh_a1.pk],
                           ok={"tpk_a", "bidan_a", "admin", "kader_a"}, scope=SCOPE_A1_HOUSEHOLD),
    "families:referral": Case(lambda c, x: [x["krs_referral"].pk],
                              ok=SCOPE_A1_HOUSEHOLD - {"analyst"}, scope=SCOPE_A1_HOUSEHOLD),
}

EXEMPT = {
    "families:screen": "POST only; tumbuh/families/tests/test_views.py::test_rescreen_by_role",
    "families:screen-all": "POST only; tumbuh/families/tests/test_views.py::test_screen_all",
}
