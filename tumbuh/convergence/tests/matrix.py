"""Permission-matrix rows of the convergence pages: everyone gets them, their content scoped
(tumbuh/convergence/tests/test_convergence.py checks the content by role)."""

from tumbuh.testmatrix import EVERYONE, Case

CASES = {
    "convergence:summary": Case(ok=EVERYONE, scope=EVERYONE),
    "convergence:children": Case(ok=EVERYONE, scope=EVERYONE),
}
