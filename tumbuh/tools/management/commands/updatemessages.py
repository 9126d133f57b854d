"""``tumbuh updatemessages``: extract, merge and compile the translation catalogues.

A pure-Python stand-in for ``makemessages`` + ``compilemessages`` (no GNU gettext needed);
see ``tumbuh.lib.translations``. ``--check`` changes nothing and fails when a catalogue is
out of date or incomplete.
"""

from django.core.management.base import BaseCommand, CommandError

from tumbuh.lib import translations


class Command(BaseCommand):
    help = "Update tumbuh/locale/*/LC_MESSAGES/django.po from the source and compile django.mo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; fail if a catalogue is stale, incomplete or not compiled",
        )

    def handle(self, *args, check, **options):
        try:
            import babel  # noqa: F401
        except ImportError:
            raise CommandError(
                "Babel is missing: install the development extra (pip install -e '.[dev]')"
            ) from None
        if check:
            problems = [
                *translations.catalogue_problems(),
                *translations.compiled_catalogue_problems(),
            ]
            for problem in problems:
                self.stderr.write(str(problem))
            if problems:
                raise CommandError(f"{len(problems)} translation problems")
            self.stdout.write("Translation catalogues are up to date.")
            return
        for path in translations.update():
            self.stdout.write(f"wrote {path}")
        remaining = translations.catalogue_problems()
        for problem in remaining:
            self.stdout.write(self.style.WARNING(str(problem)))
        if remaining:
            self.stdout.write(
                f"{len(remaining)} messages still need a translation: edit the .po file, "
                "then run this command again to compile it."
            )
