"""Permission-matrix rows of the dashboard: everyone signed in gets it, its figures scoped
(tumbuh/dashboard/tests/test_dashboard.py checks them by role)."""

from tumbuh.testmatrix import EVERYONE, Case

CASES = {
    "dashboard:index": Case(ok=EVERYONE, scope=EVERYONE),
    "dashboard:report": Case(ok=EVERYONE, scope=EVERYONE),
}
