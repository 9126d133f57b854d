"""Permission-matrix rows of the PMT pages (collected by tumbuh/tests/test_permission_matrix.py).

The enrolment row is a PMT cycle of the cast's child of posyandu Melati (A1), family A1 (TPK
team A): its page holds names and addresses, so analysts without the identity permission get
403. The lists and the report are everyone's (scoped). Enrolling and closing are POST only
(test_views.py).
"""

import datetime as dt

from tumbuh.testmatrix import EVERYONE, SCOPE_A1_HOUSEHOLD, Case


def extra(cast):
    from tumbuh.pmt import services
    from tumbuh.pmt.models import Funding

    from .helpers import GIZI_KURANG, measure

    day = cast.today - dt.timedelta(days=3)
    measure(cast.child_a1, day, GIZI_KURANG)
    candidate = services.candidate_for(cast.admin, child=cast.child_a1, today=day)
    enrolment = services.enrol(candidate, user=cast.admin, started_on=day, funding=Funding.APBD)
    return {"pmt_enrolment": enrolment}


CASES = {
    "pmt:index": Case(ok=EVERYONE, scope=EVERYONE),
    "pmt:eligible": Case(ok=EVERYONE, scope=EVERYONE),
    "pmt:enrolments": Case(ok=EVERYONE, scope=EVERYONE),
    "pmt:deliveries": Case(ok=EVERYONE, scope=EVERYONE),
    "pmt:report": Case(ok=EVERYONE, scope=EVERYONE),
    "pmt:enrolment": Case(lambda c, x: [x["pmt_enrolment"].pk], ok=SCOPE_A1_HOUSEHOLD - {"analyst"},
                          scope=SCOPE_A1_HOUSEHOLD),
}
EXEMPT = {
    "pmt:enrol": "POST only; tumbuh/pmt/tests/test_views.py::test_enrol_by_role_and_scope",
    "pmt:close": "POST only; tumbuh/pmt/tests/test_views.py::test_close_by_role_and_scope",
}
