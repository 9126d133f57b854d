"""The ``engine`` fixture: run a test once per engine of ``anthro_zscores``.

The compiled engine needs numba (the optional extra ``fast``). Without it its runs are
skipped, unless TUMBUH_REQUIRE_COMPILED=1 (then they fail), so that a machine that should have
it cannot silently test the NumPy engine alone.
"""

import os

import pytest

from tumbuh.growth import zscores

REQUIRE_COMPILED = os.environ.get("TUMBUH_REQUIRE_COMPILED", "").strip().lower() in {
    "1", "true", "yes", "on"}  # fmt: skip
COMPILED_MISSING = zscores.compiled_engine() is None and not REQUIRE_COMPILED

#: Marks a test that needs the compiled engine.
compiled_only = pytest.mark.skipif(
    COMPILED_MISSING,
    reason=f"numba is not installed ({zscores.compiled_engine_error()}); "
    "pip install -e '.[fast]', or TUMBUH_REQUIRE_COMPILED=1 to fail instead",
)
#: Parameters for tests that take an engine name.
ENGINES = [pytest.param("numpy"), pytest.param("compiled", marks=compiled_only)]


@pytest.fixture(params=ENGINES)
def engine(request, monkeypatch):
    """The engine name; ``anthro_zscores`` calls without ``engine=`` use it (environment)."""
    monkeypatch.setenv(zscores.ENGINE_ENV, request.param)
    return request.param
