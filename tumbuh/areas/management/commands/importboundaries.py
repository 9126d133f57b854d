"""``tumbuh importboundaries FILE --level 4``: attach GeoJSON polygons to loaded areas."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tumbuh.areas import services
from tumbuh.areas.models import Area


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when asked, in the active language
        return _(
            "Attach the polygons of a GeoJSON FeatureCollection to loaded areas, matching each "
            "feature by its code property (or its exact name). Nothing is saved if a feature is "
            "invalid."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help=_("GeoJSON file (a FeatureCollection, longitude/latitude)")
        )
        parser.add_argument(
            "--level",
            type=int,
            required=True,
            choices=Area.Level.values,
            help=_("level of the features: 3 for kecamatan, 4 for desa/kelurahan"),
        )
        parser.add_argument(
            "--within",
            metavar="CODE",
            help=_("only areas under this code, for example 64.71; other features are skipped"),
        )

    def handle(self, *args, file, level, within, **options):
        try:
            result = services.import_boundaries(file, level=level, within=within)
        except services.AreaError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(result.summary())
        for warning in result.warnings():
            self.stdout.write(self.style.WARNING(warning))
