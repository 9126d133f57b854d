"""``tumbuh closepmt``: close the PMT enrolments whose time is up (run it daily, e.g. from cron;
the PMT pages also do it for the enrolments they show)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tumbuh.pmt import services


class Command(BaseCommand):
    help = "Close every PMT enrolment past its last day, judging the outcome (docs/pmt.md)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to act on (YYYY-MM-DD; default: today)")

    def handle(self, *args, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today must be a date like 2026-12-01; got {today!r}") from None
        n = services.close_due(day)
        self.stdout.write(f"Closed {n} PMT enrolments.")
