"""``tumbuh exportfhir``: write the FHIR resources of a posyandu's (or every) child to a file.

The command runs with the server's own rights (no user scope): keep the file as safe as the
database, it holds names, NIK and addresses. See docs/fhir.md.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tumbuh.areas.models import Posyandu
from tumbuh.fhir import bundle, services


def _date(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} must be a date written YYYY-MM-DD; got {text!r}") from None


class Command(BaseCommand):
    help = "Export children, mothers and growth observations as FHIR R4 (Bundle or NDJSON)."

    def add_arguments(self, parser):
        parser.add_argument("--posyandu", help="the posyandu's id (UUID); default every posyandu")
        parser.add_argument("--since", help="only children measured from this day, YYYY-MM-DD")
        parser.add_argument("--until", help="... up to this day, YYYY-MM-DD")
        parser.add_argument("--format", choices=["bundle", "ndjson"], default="bundle")
        parser.add_argument("--type", dest="kind", choices=["transaction", "collection"],
                            default="transaction", help="Bundle type (with --format bundle)")
        parser.add_argument("--no-zscores", action="store_true",
                            help="leave out the z-score Observations")
        parser.add_argument("-o", "--output", default="-", help="file to write; - for stdout")

    def handle(self, *args, posyandu=None, since=None, until=None, format="bundle",
               kind="transaction", no_zscores=False, output="-", **options):  # fmt: skip
        since_day, until_day = _date(since, "--since"), _date(until, "--until")
        target = None
        if posyandu:
            try:
                target = Posyandu.objects.filter(pk=posyandu).first()
            except ValidationError:
                target = None
            if target is None:
                raise CommandError(f"--posyandu: no posyandu with id {posyandu!r}")
        qs = services.children(target, since=since_day, until=until_day)
        resources = services.iter_resources(qs, since=since_day, until=until_day,
                                            zscores=not no_zscores)  # fmt: skip
        out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
        count = 0
        try:
            if format == "ndjson":
                for resource in resources:
                    out.write(json.dumps(resource, ensure_ascii=False) + "\n")
                    count += 1
            else:
                items = list(resources)
                count = len(items)
                json.dump(bundle.bundle(items, kind=kind, timestamp=timezone.now()), out,
                          ensure_ascii=False)  # fmt: skip
                out.write("\n")
        finally:
            if out is not sys.stdout:
                out.close()
        if output != "-":
            self.stdout.write(f"Wrote {count:,} resources to {output}.")
