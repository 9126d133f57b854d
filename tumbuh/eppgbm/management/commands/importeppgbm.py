"""``tumbuh importeppgbm FILE [--user NAME] [--posyandu-map "Name in file=Posyandu,..."]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tumbuh.eppgbm import services


class Command(BaseCommand):
    help = "Import an e-PPGBM individual-level export (XLSX, CSV or HTML .xls)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="username of the importer (default: first admin)")
        parser.add_argument(
            "--posyandu-map", default="",
            help='posyandu names in the file: "Name in file=Posyandu name or id,..."',
        )

    def handle(self, *args, **opts):
        from tumbuh.accounts.models import Role, User

        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        if opts["user"]:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"--user {opts['user']}: no such user")
        else:
            user = (User.objects.filter(is_superuser=True).first()
                    or User.objects.filter(role=Role.ADMIN).first())
            if user is None:
                raise CommandError("no administrator: give --user")
        if not services.may_import(user):
            raise CommandError(f"{user.username} may not import (bidan or administrator only)")

        def progress(done, total):
            self.stdout.write(f"  {done}/{total} rows")

        try:
            run = services.import_file(
                path.read_bytes(), file_name=path.name, user=user, progress=progress,
                posyandu_map=services.parse_posyandu_map(opts["posyandu_map"]),
            )
        except services.FileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{run.rows} rows: {run.rows_kept} kept, {run.rows_refused} refused ({run.errors} "
            f"errors); children {run.children_created} created, {run.children_matched} matched; "
            f"households {run.households_created} created; measurements "
            f"{run.measurements_created} created, {run.measurements_updated} updated, "
            f"{run.measurements_skipped} unchanged; {run.seconds:.1f} s (run {run.pk})"
        )
        for issue in run.issues.all()[:20]:
            self.stdout.write(f"  row {issue.row} {issue.column} {issue.value!r}: {issue.message}")
