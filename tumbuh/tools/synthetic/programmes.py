"""The programme records of the demo city: each programme app's ``demo.populate`` in turn.

They run after the city (families, children, measurements, cadres) and its monthly figures
exist, and read them from the database: the cadre registry and trainings first, then the
households' water and sanitation, the families at risk and their TPK visits, PMT, and the
protein packages (which go to the families at risk). Each is deterministic for the seed and
the reference date (its own random stream: the seed plus an offset of its own).
"""

from __future__ import annotations

import datetime as dt
import importlib
import time

#: in order: a later one may read what an earlier one wrote
PROGRAMME_DEMOS = (
    "tumbuh.training.demo",
    "tumbuh.wash.demo",
    "tumbuh.families.demo",
    "tumbuh.pmt.demo",
    "tumbuh.foodreserve.demo",
)


def populate_programmes(*, seed: int, as_of: dt.date, progress=lambda message: None
                        ) -> dict[str, int]:  # fmt: skip
    """Run every programme's demo; returns the counts they report, merged."""
    counts: dict[str, int] = {}
    for name in PROGRAMME_DEMOS:
        module = importlib.import_module(name)
        started = time.monotonic()
        counts.update(module.populate(seed=seed, as_of=as_of, progress=progress))
        progress(f"{name.split('.')[1]}: {time.monotonic() - started:.1f} s")
    return counts
