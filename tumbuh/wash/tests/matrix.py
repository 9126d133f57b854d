"""Permission-matrix rows of the wash pages (collected by tumbuh/tests/test_permission_matrix.py).

Coverage, the monthly trend and the projects carry no names: everyone signed in gets them
(counted within their scope). The list of families without layak water or sanitation names
families: refused to analysts without ``registry.view_identity``. A household's status page is
for kader, bidan, TPK members and administrators in scope (analysts: 403). Project forms are for
administrators and holders of ``wash.manage_projects``.
"""

import datetime as dt

from tumbuh.testmatrix import EVERYONE, RECORDERS_A1, SCOPE_A1_HOUSEHOLD, Case

ANALYSTS_WITHOUT_NAMES = {"analyst", "analyst_other_city"}
MANAGERS = {"admin"}


def extra(cast):
    from tumbuh.wash.models import Project

    project = Project.objects.create(name="SR PDAM Manggar 2026", kind="piped",
                                     start_on=cast.today - dt.timedelta(days=30))  # fmt: skip
    project.kelurahan.add(cast.kel_a)
    return {"wash_project": project}


CASES = {
    "wash:coverage": Case(ok=EVERYONE, scope=EVERYONE),
    "wash:trend": Case(ok=EVERYONE, scope=EVERYONE),
    "wash:gaps": Case(ok=EVERYONE - ANALYSTS_WITHOUT_NAMES, scope=EVERYONE),
    "wash:household": Case(lambda c, x: [c.hh_a1.pk], ok=RECORDERS_A1 | {"tpk_a"},
                           scope=SCOPE_A1_HOUSEHOLD),
    "wash:project-list": Case(ok=EVERYONE, scope=EVERYONE),
    "wash:project-detail": Case(lambda c, x: [x["wash_project"].pk], ok=EVERYONE,
                                scope=EVERYONE),
    "wash:project-create": Case(ok=MANAGERS, scope=EVERYONE),
    "wash:project-edit": Case(lambda c, x: [x["wash_project"].pk], ok=MANAGERS, scope=EVERYONE),
    "wash:project-reach": Case(lambda c, x: [x["wash_project"].pk], ok=MANAGERS,
                               scope=EVERYONE),
}
