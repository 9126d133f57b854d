"""Permission-matrix rows of the food reserve pages (collected by
tumbuh/tests/test_permission_matrix.py).

Stores and rounds belong to a city: every signed-in user of Balikpapan sees the stock, the
rounds and the reports (their figures and families are scoped through visible()); the analyst of
another city finds no Balikpapan round (404). Stock forms and new rounds are for administrators
and holders of foodreserve.manage_stock (none in the cast besides the admin): 403 for others.
Names (the recipients' CSV and XLSX) need the identity right: the plain analyst gets 403.
"""

import datetime as dt
from decimal import Decimal

from tumbuh.testmatrix import EVERYONE, Case

BALIKPAPAN = EVERYONE - {"analyst_other_city"}
MANAGERS = {"admin"}


def extra(cast):
    from tumbuh.families.models import Screening
    from tumbuh.foodreserve import services
    from tumbuh.foodreserve.models import Item, Store

    store = Store.objects.create(name="Gudang Uji", city=cast.city)
    eggs = Item.objects.create(name="Telur uji", unit="butir")
    round_ = services.create_round(
        name="Putaran uji", store=store, starts_on=cast.today - dt.timedelta(days=3),
        ends_on=cast.today + dt.timedelta(days=3), eligibility="at_risk",
        package={eggs: Decimal(10)},
    )  # fmt: skip
    Screening.objects.create(household=cast.hh_a1, screened_on=cast.today - dt.timedelta(days=9),
                             rule_version="test", is_target=True, at_risk=True)  # fmt: skip
    services.receive(store=store, item=eggs, quantity=100)
    services.issue_package(round_=round_, household=cast.hh_a1, user=cast.kader_a)
    return {"fr_round": round_}


CASES = {
    "foodreserve:stock": Case(ok=EVERYONE, scope=EVERYONE),
    "foodreserve:receipt": Case(ok=MANAGERS, scope=EVERYONE, role_denied=EVERYONE - MANAGERS),
    "foodreserve:adjustment": Case(ok=MANAGERS, scope=EVERYONE, role_denied=EVERYONE - MANAGERS),
    "foodreserve:round-list": Case(ok=EVERYONE, scope=EVERYONE),
    "foodreserve:round-create": Case(ok=MANAGERS, scope=EVERYONE,
                                     role_denied=EVERYONE - MANAGERS),  # fmt: skip
    "foodreserve:round-detail": Case(lambda c, x: [x["fr_round"].pk], ok=BALIKPAPAN,
                                     scope=BALIKPAPAN),  # fmt: skip
    "foodreserve:recipients": Case(lambda c, x: [x["fr_round"].pk],
                                   ok=BALIKPAPAN - {"analyst"}, scope=BALIKPAPAN),  # fmt: skip
    "foodreserve:recipients-xlsx": Case(lambda c, x: [x["fr_round"].pk],
                                        ok=BALIKPAPAN - {"analyst"}, scope=BALIKPAPAN),
    "foodreserve:distribution-report": Case(ok=EVERYONE, scope=EVERYONE),
    "foodreserve:stock-report": Case(ok=EVERYONE, scope=EVERYONE),
}
EXEMPT = {
    "foodreserve:issue": "POST only; foodreserve/tests/test_views.py::test_who_may_hand_over",
    "foodreserve:issue-cancel": "POST only; foodreserve/tests/test_views.py::test_who_may_undo",
}
