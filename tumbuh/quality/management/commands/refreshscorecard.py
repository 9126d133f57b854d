"""``tumbuh refreshscorecard``: drop the stored scorecard cells, and optionally build them again.

The cells follow the data through signals (tumbuh/quality/receivers.py). Rows written another
way (a bulk import straight into the tables, a restored backup) do not send them: run this
command afterwards. Without ``--build`` the cells are built again as pages ask for them.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from tumbuh.analytics.grouping import Period, parse_month
from tumbuh.quality import summary


class Command(BaseCommand):
    help = "Drop the stored data-quality scorecard cells; with --build, count them again now."

    def add_arguments(self, parser):
        parser.add_argument("--build", action="store_true",
                            help="count every month from --from to --to again now")  # fmt: skip
        parser.add_argument("--from", dest="first", help="first month, YYYY-MM")
        parser.add_argument("--to", dest="last", help="last month, YYYY-MM")

    def handle(self, *args, build=False, first=None, last=None, **options):
        try:
            first_month = parse_month(first) if first else None
            last_month = parse_month(last) if last else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        dropped = summary.invalidate(None, since=first_month)
        self.stdout.write(f"Dropped {dropped:,} stored posyandu months.")
        if not build:
            return
        period = summary.measured_period(first_month, last_month)
        if period is None:
            self.stdout.write("Nothing measured: nothing to count.")
            return
        started = time.monotonic()
        cells = 0
        for month in period.months:  # a month at a time keeps memory small
            cells += summary.build(period=Period(month, month))
        self.stdout.write(
            f"Counted {cells:,} cells for {len(period)} months in "
            f"{time.monotonic() - started:.1f} s."
        )
