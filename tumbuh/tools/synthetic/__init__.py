"""The synthetic Balikpapan behind ``tumbuh demo``: a deterministic city of families, children,
pregnant women and two years of posyandu days (docs/demo.md).

- :mod:`.plan` draws the city as NumPy arrays (no database): places, households, people,
  growth trajectories, attendance, pregnancies.
- :mod:`.build` writes a plan through the apps' own services and models.
- :mod:`.places`, :mod:`.names` hold the made-up (and the real) names; :mod:`.users` makes the
  demo accounts; :mod:`.marker` remembers which city a database holds.

This module imports no Django models, so the plan can be drawn without a database.

>>> result = generate_city("small", seed=DEFAULT_SEED, as_of=date.today())  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

from .plan import SIZES, Size, make_plan

#: The seed ``tumbuh demo`` uses unless told otherwise.
DEFAULT_SEED = 2025
#: Bump when a change to the generator changes the city it makes for a given seed.
GENERATOR_VERSION = 3
#: The password of every demo account, printed by ``tumbuh demo`` and in docs/demo.md.
#: Demo only: never use these accounts on a server others can reach.
DEMO_PASSWORD = "coba-tumbuh"

__all__ = [
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "GENERATOR_VERSION",
    "SIZES",
    "Size",
    "generate_city",
]


def generate_city(size: str, *, seed: int = DEFAULT_SEED, as_of: dt.date, progress=None):
    """Draw and write the demo city of ``size`` ("tiny", "small" or "city") into the empty
    database; the same ``seed`` and ``as_of`` (the reference date: the last posyandu month)
    give the same rows. Returns a :class:`~.build.BuildResult`."""
    from .build import build  # imports the Django models

    plan = make_plan(SIZES[size], seed=seed, as_of=as_of)
    return build(plan, progress=progress or (lambda message: None))
