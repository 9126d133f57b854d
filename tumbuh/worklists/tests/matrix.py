"""Permission-matrix rows of the worklist pages (collected by
tumbuh/tests/test_permission_matrix.py).

Everyone signed in has a worklist (its content is scoped). The item row is a child of posyandu
Melati (A1), family A1 (TPK team A), never weighed: on the "not weighed" list of the kader of
A1, the bidan of its puskesmas, TPK team A, the city's analysts (names hidden without the
permission) and the administrator. Recording (POST) is covered by
tumbuh/worklists/tests/test_views.py::test_who_may_see_and_act_on_an_item.
"""

import datetime as dt

from tumbuh.testmatrix import EVERYONE, SCOPE_A1_HOUSEHOLD, Case


def extra(cast):
    from tumbuh.registry.models import Child

    child = Child.objects.create(
        name="Anak Daftar Kerja", sex="F", birth_date=cast.today - dt.timedelta(days=300),
        household=cast.hh_a1, mother=cast.mother_a1, posyandu=cast.pos_a1,
    )  # fmt: skip
    return {"worklist_child": child}


CASES = {
    "worklists:worklist": Case(ok=EVERYONE, scope=EVERYONE),
    "worklists:item": Case(
        lambda c, x: ["not_weighed", x["worklist_child"].pk],
        ok=SCOPE_A1_HOUSEHOLD, scope=SCOPE_A1_HOUSEHOLD,
    ),
}
