"""``tumbuh refreshfigures``: rebuild the stored monthly figures (SKDN, prevalence cells)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tumbuh.analytics import figures
from tumbuh.analytics.grouping import Period, parse_month
from tumbuh.convergence import services as convergence


class Command(BaseCommand):
    help = (
        "Rebuild the stored monthly figures of every posyandu (SKDN and the prevalence cells) "
        "from the measurements. They follow every change on their own; run this after loading "
        "data straight into the database. Then count the city-wide convergence figures the "
        "dashboard opens with."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", metavar="YYYY-MM",
                            help="first month (default: the first month measured)")
        parser.add_argument("--to", dest="last", metavar="YYYY-MM",
                            help="last month (default: this month)")  # fmt: skip

    def handle(self, *args, **options):
        default = figures.default_period()
        if default is None:
            self.stdout.write(_("No measurements yet: nothing to count."))
            return
        try:
            first = parse_month(options["first"]) if options["first"] else default.first
            last = parse_month(options["last"]) if options["last"] else default.last
            period = Period(first, last)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        started = time.monotonic()
        n = figures.rebuild(period=period)
        self.stdout.write(
            _("Monthly figures: %(n)s posyandu months from %(first)s to %(last)s in %(s).1f s.")
            % {"n": f"{n:,}", "first": f"{period.first:%m-%Y}", "last": f"{period.last:%m-%Y}",
               "s": time.monotonic() - started}  # fmt: skip
        )
        started = time.monotonic()
        n = convergence.warm()
        self.stdout.write(
            _("City-wide convergence figures: %(n)s counted in %(s).1f s.")
            % {"n": n, "s": time.monotonic() - started}
        )
