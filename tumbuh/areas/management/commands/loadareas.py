"""``tumbuh loadareas CODE``: load a kabupaten/kota (or province, kecamatan) from the code list."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tumbuh.areas import services


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when asked, in the active language
        return _(
            "Load an area from the shipped Kemendagri code list with all its ancestors and "
            "descendants, for example 64.71 for Kota Balikpapan. Safe to run again."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "code",
            help=_("Kemendagri code with its dots: 64.71 (a city), 64 (a province), 64.71.05"),
        )
        parser.add_argument(
            "--no-boundaries",
            action="store_true",
            help=_("do not attach the boundary shapes shipped for this area"),
        )

    def handle(self, *args, code, no_boundaries, **options):
        try:
            result = services.load_areas(code, with_boundaries=not no_boundaries)
        except services.AreaError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(result.summary())
        for warning in result.warnings():
            self.stdout.write(self.style.WARNING(warning))
