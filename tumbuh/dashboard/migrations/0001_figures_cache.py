"""The table of the ``figures`` cache (settings.CACHES, tumbuh.lib.figurecache): Django's
database cache, made by ``createcachetable`` so that ``migrate`` is the only setup step."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS tumbuh_figures_cache")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create, drop)]
