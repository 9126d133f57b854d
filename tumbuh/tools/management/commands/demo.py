"""``tumbuh demo``: set up a local demonstration and serve it with waitress.

Each set-up step is a method listed in ``Command.steps``; every step is safe to run again. The
last one generates the synthetic Balikpapan (:mod:`tumbuh.tools.synthetic`, docs/demo.md), or
finds it already there and starts at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import ipaddress
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tumbuh.analytics import figures
from tumbuh.tools import synthetic
from tumbuh.tools.synthetic import marker as demo_marker
from tumbuh.tools.synthetic.programmes import populate_programmes

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


class Command(BaseCommand):
    help = (
        "Set up a local demonstration (migrate the database, collect static files, generate a "
        "synthetic Balikpapan with one account per role) and serve it with waitress, the "
        "production WSGI server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)",
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="port to listen on (default 8000)"
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="waitress worker threads (default 4)"
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="set up, print the summary, then exit"
        )
        parser.add_argument(
            "--size",
            choices=list(synthetic.SIZES),
            default="small",
            metavar="{small,city}",
            help=(
                "the synthetic city: small (about 2,000 under-fives in 68 posyandu, ready in "
                "seconds; the default) or city (about 60,000 under-fives in 500 posyandu and "
                "1.1 million measurements; takes about a minute)"
            ),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=synthetic.DEFAULT_SEED,
            help=f"seed of the random generator (default {synthetic.DEFAULT_SEED}); the same "
            "seed and day give the same city",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="start again: delete the SQLite database file (with PostgreSQL: empty a "
            "database that holds only a demo city), migrate and generate the city anew",
        )
        # The reference date: the city's last posyandu month (for reproducing a city exactly).
        parser.add_argument("--as-of", type=_iso_date, default=None, help=argparse.SUPPRESS)

    @property
    def steps(self):
        steps = [self.migrate_database, self.collect_static_files, self.generate_city]
        if getattr(self, "options", {}).get("reset"):
            steps.insert(0, self.reset_database)
        return steps

    def handle(self, *args, host, port, threads, no_serve, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535; got {port}")
        if threads < 1:
            raise CommandError(f"--threads must be at least 1; got {threads}")
        self.options = options
        for step in self.steps:
            step()
        url = f"http://{_url_host(host)}:{port}/"
        self.stdout.write("")
        self.stdout.write("Try the batch command on the shipped sample file:")
        self.stdout.write(f"  {zscore_example()}")
        self.stdout.write("")
        self._warn_about_allowed_hosts(host)
        if no_serve:
            self.stdout.write(f"Set up. Run without --no-serve to serve it on {url}")
            return
        self.stdout.write(self.style.SUCCESS(f"tumbuh is running on {url}  (press Ctrl+C to stop)"))
        self.serve(host, port, threads)

    # --- Steps ----------------------------------------------------------------------

    def migrate_database(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        call_command("migrate", interactive=False, verbosity=0)
        state = f"applied {len(pending)} migrations" if pending else "already up to date"
        self.stdout.write(f"Database: {describe_database(connection.settings_dict)} ({state})")

    def collect_static_files(self) -> None:
        output = io.StringIO()
        call_command("collectstatic", interactive=False, verbosity=1, stdout=output)
        summary = output.getvalue().strip().splitlines()[-1:] or [""]
        self.stdout.write(f"Static files: {settings.STATIC_ROOT} ({summary[0].rstrip('.')})")

    def reset_database(self) -> None:
        """Delete the SQLite file; with another database, empty it if it holds only the demo."""
        connection = connections[DEFAULT_DB_ALIAS]
        path = sqlite_file(connection.settings_dict)
        if path is not None:
            connections.close_all()
            for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                candidate.unlink(missing_ok=True)
            self.stdout.write(f"Reset: deleted the SQLite file {path}")
        else:
            counts = demo_marker.row_counts()
            found = demo_marker.demo_in_database(demo_marker.read_marker())
            if found is None and any(counts.values()):
                raise CommandError(
                    f"--reset empties the database only when it holds nothing but a demo city, "
                    f"and {describe_database(connection.settings_dict)} holds other data "
                    f"({counts['children']:,} children, {counts['households']:,} households). "
                    "Point DATABASE_URL at an empty database for the demo."
                )
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write(f"Reset: emptied {describe_database(connection.settings_dict)}")
        demo_marker.remove_marker()

    def generate_city(self) -> None:
        """Generate the demo city, or find the same one already there."""
        size, seed = self.options.get("size", "small"), self.options.get("seed")
        seed = synthetic.DEFAULT_SEED if seed is None else seed
        as_of = self.options.get("as_of") or timezone.localdate()
        found = demo_marker.demo_in_database(demo_marker.read_marker())
        if found is not None and (found.size, found.seed) == (size, seed):
            self.stdout.write(
                f"Demo city: already in the database ({found.summary}); starting at once. "
                "--reset generates it anew."
            )
            if found.as_of_date != as_of:
                self.stdout.write(
                    f"  It was generated with {found.as_of_date:%d-%m-%Y} as its last posyandu "
                    "month; --reset makes one that ends today."
                )
            if found.generator != synthetic.GENERATOR_VERSION:
                self.stdout.write(
                    "  An older version of the generator made it; --reset makes a new one."
                )
            self._recompute_if_stale()
            self._print_accounts(found.accounts)
            return
        if found is not None:
            raise CommandError(
                f"The database holds the demo city of size {found.size} with seed "
                f"{found.seed}. Run again with --reset to replace it with size {size}, seed "
                f"{seed}, or without --size/--seed to use it."
            )
        counts = demo_marker.row_counts()
        if counts["children"] or counts["households"] or counts["posyandu"]:
            raise CommandError(
                "The database already holds data that tumbuh demo did not generate "
                f"({counts['posyandu']:,} posyandu, {counts['households']:,} households, "
                f"{counts['children']:,} children), so the demo leaves it alone. Run with "
                "--reset to delete it and start over, or set TUMBUH_DATA_DIR to another "
                "directory."
            )
        self.stdout.write(
            f"Demo city: generating size {size} with seed {seed}, last posyandu month "
            f"{as_of:%m-%Y} ..."
        )
        started = time.monotonic()
        result = synthetic.generate_city(
            size, seed=seed, as_of=as_of, progress=lambda line: self.stdout.write(f"  {line}")
        )
        figures_started = time.monotonic()
        months = figures.rebuild()
        self.stdout.write(
            f"  Monthly figures: {months:,} posyandu months counted in "
            f"{time.monotonic() - figures_started:.1f} s"
        )
        programmes_started = time.monotonic()
        populate_programmes(seed=seed, as_of=as_of,
                            progress=lambda line: self.stdout.write(f"  {line}"))  # fmt: skip
        self.stdout.write(
            f"  Programme records: {time.monotonic() - programmes_started:.1f} s"
        )
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor == "postgresql":
            # a million rows just written: give the planner their statistics now rather than
            # when autovacuum comes round (without them a city-wide query took 80 s, not 1.4 s)
            analyze_started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"  Statistics for the query planner (ANALYZE): "
                              f"{time.monotonic() - analyze_started:.1f} s")  # fmt: skip
        from tumbuh.convergence.services import warm

        warm_started = time.monotonic()
        n = warm()
        self.stdout.write(f"  City-wide figures for the dashboard: {n} in "
                          f"{time.monotonic() - warm_started:.1f} s")  # fmt: skip
        marker = demo_marker.record_generated_city(size=size, seed=seed, as_of=as_of, result=result)
        self.stdout.write(
            f"Demo city: {marker.summary}; {result.stunting_share:.1%} of children stunted at "
            f"their last length measurement. Generated in {time.monotonic() - started:.1f} s."
        )
        self._print_accounts(marker.accounts)

    def _recompute_if_stale(self) -> None:
        from tumbuh import growth
        from tumbuh.monitoring.models import ChildMeasurement
        from tumbuh.monitoring.services import recompute

        if ChildMeasurement.objects.exclude(method_version=growth.METHOD_VERSION).exists():
            self.stdout.write("  The growth method changed since: recomputing stored z-scores ...")
            self.stdout.write(f"  Recomputed {recompute():,} measurements.")

    def _print_accounts(self, accounts: list[dict]) -> None:
        if not accounts:
            return
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                f"Demo accounts; the password of each is {synthetic.DEMO_PASSWORD}  "
                "(demo only: never use these accounts where others can reach the server)"
            )
        )
        width = max(len(a["username"]) for a in accounts)
        for account in accounts:
            note = "" if account.get("created", True) else "  (existed already: password unchanged)"
            self.stdout.write(
                f"  {account['username']:<{width}}  {account['role']:<8} {account['sees']}{note}"
            )

    # --- Serving --------------------------------------------------------------------

    def serve(self, host: str, port: int, threads: int) -> None:
        from tumbuh.tools.management.commands.serve import run_waitress

        run_waitress(host, port, threads)

    def _warn_about_allowed_hosts(self, host: str) -> None:
        if host in LOOPBACK_NAMES:
            return
        self.stdout.write(
            self.style.WARNING(
                f"Listening on {host}: anyone who reaches it can log in with the demo accounts, "
                "whose password is printed above and published."
            )
        )
        if "*" in settings.ALLOWED_HOSTS:
            return
        self.stdout.write(
            self.style.WARNING(
                f"Listening on {host}: other devices reach this machine by its own name or "
                "address, which must be listed in TUMBUH_ALLOWED_HOSTS (now: "
                f"{', '.join(settings.ALLOWED_HOSTS)})."
            )
        )


def describe_database(settings_dict: dict) -> str:
    """A one-line description of a database, without its password."""
    engine = settings_dict["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"SQLite file {settings_dict['NAME']}"
    where = settings_dict.get("HOST") or "local socket"
    if settings_dict.get("PORT"):
        where = f"{where}:{settings_dict['PORT']}"
    name = {"postgresql": "PostgreSQL"}.get(engine, engine)
    return f"{name} database {settings_dict['NAME']!r} on {where}"


def sqlite_file(settings_dict: dict) -> Path | None:
    """The file of an SQLite database (None for another engine or an in-memory database)."""
    if not settings_dict["ENGINE"].endswith("sqlite3"):
        return None
    name = str(settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"write the date as YYYY-MM-DD; got {text!r}") from None


def zscore_example() -> str:
    """The ``tumbuh zscore`` command line for the sample file shipped with the package."""
    import tumbuh.batch

    sample = Path(tumbuh.batch.__file__).resolve().parent / "data" / "sample_children.csv"
    output = Path(settings.DATA_DIR) / "sample_children_zscores.csv"
    return f"tumbuh zscore {_short(sample)} -o {_short(output)}"


def _short(path: Path) -> str:
    """``path`` relative to the current directory when it is inside it."""
    try:
        return str(path.relative_to(Path(os.getcwd()).resolve()))
    except ValueError:
        return str(path)


def _url_host(host: str) -> str:
    if host in {"0.0.0.0", "::", ""}:
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return host
