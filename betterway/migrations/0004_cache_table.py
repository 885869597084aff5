"""The shared cache's table, so a new database serves pages at once.

Django's ``createcachetable`` makes it only for caches configured when it
runs; creating it here means ``migrate`` is the one set-up step, whichever
cache the settings choose now or later.
"""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, settings.CACHE_TABLE, False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("betterway", "0003_mail_headers")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
