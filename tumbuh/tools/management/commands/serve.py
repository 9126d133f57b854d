"""``tumbuh serve``: serve an installation with waitress, the production WSGI server.

Unlike ``tumbuh demo`` it changes nothing: it refuses to start while migrations are pending or
the static files have not been collected (each with the command that fixes it), counts the
day's city-wide figures in the background (docs/dashboard.md) and serves. See docs/deploy.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from tumbuh.tools.management.commands.demo import _url_host


def pending_migrations() -> list[str]:
    """The migrations not yet applied to the default database ("app.name")."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def static_manifest_missing() -> bool:
    """True when ``collectstatic`` has not been run (the hashed file names are unknown)."""
    return not (settings.STATIC_ROOT / "staticfiles.json").exists()


def run_waitress(host: str, port: int, threads: int, *, warm: bool = True) -> None:
    """Serve tumbuh with waitress; first start counting the day's city-wide figures in the
    background, so that the first dashboard of the day does not wait for them."""
    from waitress import serve

    from tumbuh.convergence.services import warm as warm_figures
    from tumbuh.lib.figurecache import start_background
    from tumbuh.wsgi import application

    if warm:
        start_background(warm_figures)
    serve(application, host=host, port=port, threads=threads, ident="tumbuh")


class Command(BaseCommand):
    help = (
        "Serve tumbuh with waitress (production). Refuses to start while migrations are pending "
        "or static files are not collected. See docs/deploy.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1",
                            help="address to listen on (default 127.0.0.1: behind a reverse "
                                 "proxy; 0.0.0.0 for every interface)")  # fmt: skip
        parser.add_argument("--port", type=int, default=8000,
                            help="port to listen on (default 8000)")  # fmt: skip
        parser.add_argument("--threads", type=int, default=8,
                            help="waitress worker threads (default 8)")  # fmt: skip
        parser.add_argument("--no-warm", action="store_true",
                            help="do not count the city-wide figures at start")  # fmt: skip

    def handle(self, *args, host, port, threads, no_warm, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535; got {port}")
        if threads < 1:
            raise CommandError(f"--threads must be at least 1; got {threads}")
        pending = pending_migrations()
        if pending:
            shown = ", ".join(pending[:5]) + (" ..." if len(pending) > 5 else "")
            raise CommandError(
                f"{len(pending)} migrations are not applied yet ({shown}). "
                "Run `tumbuh migrate` first (after a backup of the database)."
            )
        if static_manifest_missing():
            raise CommandError(
                f"The static files are not collected in {settings.STATIC_ROOT}. "
                "Run `tumbuh collectstatic --noinput` first."
            )
        if settings.DEBUG:
            self.stdout.write(self.style.WARNING(
                "TUMBUH_DEBUG is on: never serve real children's data like this."))  # fmt: skip
        url = f"http://{_url_host(host)}:{port}/"
        self.stdout.write(f"tumbuh is serving on {url} with {threads} threads "
                          "(press Ctrl+C to stop)")  # fmt: skip
        run_waitress(host, port, threads, warm=not no_warm)
