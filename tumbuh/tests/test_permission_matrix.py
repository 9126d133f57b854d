"""Every URL × every role: who gets the page, who gets 404, who is sent to log in.

The rule (issue #3): a record outside a user's scope does not exist for them — 404, never 403 and
never 200 — so a kader of posyandu A gets 404 for a child of posyandu B. Inside their scope, a
role that may not do something (an analyst entering a measurement) gets 403 or 404. The
completeness test at the bottom fails when a new URL is added without a row here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest
from django.urls import get_resolver, reverse

from tumbuh.monitoring.models import PosyanduSession
from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.testmatrix import (
    EVERYONE,
    RECORDERS_A1,
    SCOPE_A1,
    SCOPE_A1_HOUSEHOLD,
    Case,
)


def _app_matrices():
    """The ``matrix`` modules of every app's tests (tumbuh/<app>/tests/matrix.py)."""
    import tumbuh

    modules = []
    for info in pkgutil.iter_modules(tumbuh.__path__):
        if not info.ispkg:
            continue
        try:
            modules.append(importlib.import_module(f"tumbuh.{info.name}.tests.matrix"))
        except ModuleNotFoundError as exc:
            if exc.name not in (f"tumbuh.{info.name}.tests", f"tumbuh.{info.name}.tests.matrix"):
                raise
    return modules


def _extra(cast):
    extra = _core_extra(cast)
    for module in _app_matrices():
        if hasattr(module, "extra"):
            extra.update(module.extra(cast))
    return extra


def _core_extra(cast):
    session = PosyanduSession.objects.create(posyandu=cast.pos_a1, date=cast.today)
    measurement = record_measurement(
        child=cast.child_a1, data=MeasurementInput(measured_on=cast.today, weight_kg=9.0),
        session=session,
    )  # fmt: skip
    return {"session": session, "measurement": measurement}


CASES: dict[str, Case] = {
    # pages without a record: every logged-in user gets the page (content is scoped elsewhere)
    "home": Case(ok=EVERYONE, scope=EVERYONE),
    "programmes": Case(ok=EVERYONE, scope=EVERYONE),
    # the reports hub: every user; its cards are theirs (tumbuh/tests/test_reports_hub.py)
    "reports": Case(ok=EVERYONE, scope=EVERYONE),
    "tools:zscore-calculator": Case(ok=EVERYONE, scope=EVERYONE, public=True),
    "areas:area-list": Case(ok=EVERYONE, scope=EVERYONE),
    "areas:kelurahan-geojson": Case(ok=EVERYONE, scope=EVERYONE),
    "accounts:password-change": Case(ok=EVERYONE, scope=EVERYONE),
    "accounts:password-change-done": Case(ok=EVERYONE, scope=EVERYONE),
    "registry:household-list": Case(ok=EVERYONE, scope=EVERYONE),
    "monitoring:session-list": Case(ok=EVERYONE, scope=EVERYONE),
    "analytics:prevalence": Case(ok=EVERYONE, scope=EVERYONE),
    "registry:household-create": Case(ok={"kader_a", "kader_a2", "kader_b", "bidan_a", "bidan_b",
                                          "admin"}, scope=EVERYONE),  # fmt: skip
    "registry:duplicates": Case(ok={"bidan_a", "bidan_b", "admin"}, scope=EVERYONE),
    # records of side A, posyandu Melati (A1)
    "registry:household-detail": Case(
        lambda c, x: [c.hh_a1.pk], ok=(SCOPE_A1_HOUSEHOLD - {"analyst"}),
        scope=SCOPE_A1_HOUSEHOLD),
    "registry:household-edit": Case(lambda c, x: [c.hh_a1.pk], ok=RECORDERS_A1,
                                    scope=SCOPE_A1_HOUSEHOLD),
    "registry:person-create": Case(lambda c, x: [c.hh_a1.pk], ok=RECORDERS_A1,
                                   scope=SCOPE_A1_HOUSEHOLD),
    "registry:child-create": Case(lambda c, x: [c.hh_a1.pk], ok=RECORDERS_A1,
                                  scope=SCOPE_A1_HOUSEHOLD),
    "registry:pregnancy-create": Case(lambda c, x: [c.hh_a1.pk], ok=RECORDERS_A1,
                                      scope=SCOPE_A1_HOUSEHOLD),
    "registry:person-edit": Case(lambda c, x: [c.mother_a1.pk], ok=RECORDERS_A1,
                                 scope=SCOPE_A1_HOUSEHOLD),
    "registry:child-edit": Case(lambda c, x: [c.child_a1.pk], ok=RECORDERS_A1,
                                scope=SCOPE_A1_HOUSEHOLD),
    "registry:merge": Case(lambda c, x: [c.child_a1.pk, c.child_a2.pk],
                           ok={"bidan_a", "admin"}, scope={"bidan_a", "admin"},
                           role_denied=EVERYONE - {"bidan_a", "bidan_b", "admin"}),
    # analysts read posyandu days too (names hidden without the identity permission)
    "monitoring:session-detail": Case(lambda c, x: [x["session"].pk], ok=SCOPE_A1,
                                      scope=SCOPE_A1),
    "monitoring:measure": Case(lambda c, x: [x["session"].pk, c.child_a1.pk], ok=RECORDERS_A1,
                               scope=SCOPE_A1),
    "monitoring:pregnancy-check": Case(lambda c, x: [x["session"].pk, c.pregnancy_a1.pk],
                                       ok=RECORDERS_A1, scope=SCOPE_A1),
    "monitoring:measurement-result": Case(lambda c, x: [x["measurement"].pk],
                                          ok=SCOPE_A1_HOUSEHOLD, scope=SCOPE_A1_HOUSEHOLD),
    "monitoring:child-detail": Case(lambda c, x: [c.child_a1.pk], ok=SCOPE_A1_HOUSEHOLD,
                                    scope=SCOPE_A1_HOUSEHOLD),
}
#: URLs not in the GET matrix, with the reason and the test that covers them.
EXEMPT = {
    "accounts:login": "the login page itself; tumbuh/accounts/tests",
    "accounts:logout": "POST only; tumbuh/accounts/tests",
    "monitoring:session-open": "POST only; test_opening_a_posyandu_day_outside_scope_is_404",
    "monitoring:pregnancy-check-result": "follows pregnancy-check; tumbuh/monitoring/tests",
}
for _module in _app_matrices():
    for _name, _case in getattr(_module, "CASES", {}).items():
        assert _name not in CASES, f"{_name} has two rows ({_module.__name__})"
        CASES[_name] = _case
    EXEMPT.update(getattr(_module, "EXEMPT", {}))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_role_gets_exactly_its_own_records(cast, client, name):
    case = CASES[name]
    extra = _extra(cast)
    url = reverse(name, args=case.args(cast, extra) if case.args else None)
    problems = []
    for username in sorted(EVERYONE):
        client.force_login(getattr(cast, username))
        status = client.get(url).status_code
        if username in case.ok:
            expected = {200}
        elif username in case.scope or username in case.role_denied:
            expected = {403, 404}  # the record exists for them, the action is not theirs
        else:
            expected = {404}
        if status not in expected:
            problems.append(f"{username}: {status} (expected {sorted(expected)})")
    client.logout()
    anonymous = client.get(url)
    if case.public:
        if anonymous.status_code != 200:
            problems.append(f"anonymous: {anonymous.status_code} (expected 200, public page)")
    elif anonymous.status_code != 302 or "/akun/masuk/" not in anonymous["Location"]:
        problems.append(f"anonymous: {anonymous.status_code} (expected a redirect to log in)")
    assert not problems, f"{url}: " + "; ".join(problems)


def test_opening_a_posyandu_day_outside_scope_is_404(cast, client):
    client.force_login(cast.kader_a)
    url = reverse("monitoring:session-open")
    assert client.post(url, {"posyandu": cast.pos_b1.pk}).status_code == 404
    response = client.post(url, {"posyandu": cast.pos_a1.pk})
    assert response.status_code == 302
    assert PosyanduSession.objects.filter(posyandu=cast.pos_a1, date=dt.date.today()).exists()


def test_every_url_is_in_the_matrix():
    names = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + (p.namespace + ":" if p.namespace else ""))
            elif p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns)
    ours = {n for n in names if not n.startswith(("admin:", "set_language"))}
    missing = ours - set(CASES) - set(EXEMPT)
    assert not missing, f"URLs without a row in the permission matrix: {sorted(missing)}"
