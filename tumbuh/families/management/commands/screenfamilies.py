"""``tumbuh screenfamilies``: screen every household on the KRS rules (or those of a kelurahan).

Each run stores one new screening per household (the latest on or before a day is the family's
status on that day), with the rule version of tumbuh/families/data/. Run it after a bulk import
of the registry, or monthly, so the lists follow the registry.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from tumbuh.families import config
from tumbuh.families.services import screen_households
from tumbuh.registry.models import Household

CHUNK = 20_000


class Command(BaseCommand):
    help = "Screen every household on the KRS rules (families at risk of stunting)."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="the day of the screening, YYYY-MM-DD (default today)")
        parser.add_argument("--kelurahan", help="only the households of this kelurahan code")
        parser.add_argument("--config", help="a KRS configuration file (default the shipped one)")

    def handle(self, *args, on=None, kelurahan=None, config=None, **options):
        try:
            day = dt.date.fromisoformat(on) if on else None
            cfg = krs_config(config)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        households = Household.objects.order_by("pk")
        if kelurahan:
            households = households.filter(kelurahan__code=kelurahan)
        started = time.monotonic()
        total = at_risk = 0
        ids = list(households.values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):  # bounded memory for a whole city
            rows = screen_households(Household.objects.filter(pk__in=ids[start:start + CHUNK]),
                                     day, None, cfg=cfg)  # fmt: skip
            total += len(rows)
            at_risk += sum(r.at_risk for r in rows)
        self.stdout.write(f"Screened {total:,} households (rules {cfg.version}): {at_risk:,} at "
                          f"risk, in {time.monotonic() - started:.1f} s.")  # fmt: skip


def krs_config(path):
    return config.load(path) if path else config.current()
