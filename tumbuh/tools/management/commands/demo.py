"""``tumbuh demo``: set up a local demonstration and serve it with waitress.

Each set-up step is a method listed in ``Command.steps``, so later steps (such as seeding a
synthetic city) slot in without touching the rest. Every step is safe to run again.
"""

from __future__ import annotations

import io
import ipaddress
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


class Command(BaseCommand):
    help = (
        "Set up a local demonstration (migrate the database, collect static files) and serve "
        "it with waitress, the production WSGI server."
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

    @property
    def steps(self):
        return [self.migrate_database, self.collect_static_files]

    def handle(self, *args, host, port, threads, no_serve, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535; got {port}")
        if threads < 1:
            raise CommandError(f"--threads must be at least 1; got {threads}")
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

    # --- Serving --------------------------------------------------------------------

    def serve(self, host: str, port: int, threads: int) -> None:
        from waitress import serve

        from tumbuh.wsgi import application

        serve(application, host=host, port=port, threads=threads, ident="tumbuh")

    def _warn_about_allowed_hosts(self, host: str) -> None:
        if host in LOOPBACK_NAMES or "*" in settings.ALLOWED_HOSTS:
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
